// Interpolation as the Compose Specification describes it: defaults that themselves hold
// variables, alternatives, required variables with their messages, `$$`, a malformed `${`
// refused with the key path, typed keys cast after interpolation, and COMPOSE_PROJECT_NAME.
import { describe, expect, it } from 'vitest';
import { interpolate, loadCompose, type ComposeInput } from '../../web/src/engine/formats/compose-file';

const sub = (text: string, env: Record<string, string> = {}) => interpolate(text, env, () => {});
const load = (text: string, extra: Partial<ComposeInput> = {}) => loadCompose({ fileName: '/root/app/compose.yaml', text, env: {}, projectDirectory: '/root/app', ...extra });

describe('Compose interpolation', () => {
  it('nests a variable in a default, and its braces', () => {
    expect(sub('${A:-${B}}', { B: 'b' })).toBe('b');
    expect(sub('${A:-${B:-deep}}/x')).toBe('deep/x');
    expect(sub('${A:-${B}}', { A: 'a', B: 'b' })).toBe('a');
    expect(sub('${X:-{"json":1}}')).toBe('{"json":1}');
    expect(sub('pre-${A:-x}-${B:-y}-post', { B: 'b' })).toBe('pre-x-b-post');
  });

  it('gives the alternative only when the variable is set (and, with a colon, not empty)', () => {
    expect(sub('${A:+${A},}B', { A: 'a' })).toBe('a,B');
    expect(sub('${A:+${A},}B')).toBe('B');
    expect(sub('${A:+x}', { A: '' })).toBe('');
    expect(sub('${A+x}', { A: '' })).toBe('x');
    expect(sub('${A-d}', { A: '' })).toBe('');
    expect(sub('${A:-d}', { A: '' })).toBe('d');
  });

  it('keeps $$ as one dollar, and a lone $ as written', () => {
    expect(sub('$$HOME costs $5 and $', { HOME: '/root' })).toBe('$HOME costs $5 and $');
    expect(sub('$A$B', { A: '1', B: '2' })).toBe('12');
  });

  it('reports a required variable with its own message, also interpolated', () => {
    expect(() => sub('${DB?set DB first}')).toThrow('required variable DB is missing a value: set DB first');
    expect(() => sub('${DB:?}', { DB: '' })).toThrow(/^required variable DB is missing a value$/);
    expect(sub('${DB?x}', { DB: '' })).toBe('');
    expect(() => sub('${DB:?need ${WHAT:-a database}}')).toThrow('required variable DB is missing a value: need a database');
  });

  it('names the key of a required variable in a file', async () => {
    await expect(load('services:\n  web:\n    image: "nginx:${TAG:?choose a tag}"\n')).rejects.toThrow('error while interpolating services.web.image: required variable TAG is missing a value: choose a tag');
  });

  it('refuses an unterminated or malformed ${ with the key path and the whole value', async () => {
    await expect(load('services:\n  web:\n    image: "nginx:${TAG"\n')).rejects.toThrow('invalid interpolation format for services.web.image.\nYou may need to escape any $ with another $.\nnginx:${TAG');
    await expect(load('services:\n  web:\n    image: x\n    environment: ["A=${B C}"]\n')).rejects.toThrow('invalid interpolation format for services.web.environment.[].\nYou may need to escape any $ with another $.\nA=${B C}');
    await expect(load('services:\n  web:\n    image: x\n    command: echo ${}\n')).rejects.toThrow('invalid interpolation format for services.web.command');
  });

  it('casts typed keys after interpolation, and refuses what is not of the type', async () => {
    const project = await load('services:\n  web:\n    image: x\n    scale: ${N}\n    tty: "${T}"\n', { env: { N: '2', T: 'true' } });
    expect(project.services[0]!.scale).toBe(2);
    expect(project.services[0]!.tty).toBe(true);
    await expect(load('services:\n  web:\n    image: x\n    scale: ${N}\n', { env: { N: 'two' } })).rejects.toThrow(
      'error while interpolating services.web.scale: failed to cast to expected type: strconv.Atoi: parsing "two": invalid syntax',
    );
    await expect(load('services:\n  web:\n    image: x\n    tty: maybe\n')).rejects.toThrow('error while interpolating services.web.tty: failed to cast to expected type: invalid boolean: maybe');
    const yes = await load('services:\n  web:\n    image: x\n    tty: "yes"\n');
    expect(yes.warnings).toContain('"yes" for boolean is not supported by YAML 1.2, please use `true`');
  });

  it('sets COMPOSE_PROJECT_NAME for interpolation, and warns once per unset variable', async () => {
    const project = await load('name: shop\nservices:\n  web:\n    image: x\n    hostname: ${COMPOSE_PROJECT_NAME}-web\n    labels: [a=$NOPE, b=$NOPE]\n');
    expect(project.services[0]!.hostname).toBe('shop-web');
    expect(project.warnings).toEqual(['The "NOPE" variable is not set. Defaulting to a blank string.']);
  });

  it('does not interpolate keys, only values', async () => {
    const project = await load('services:\n  web:\n    image: x\n    environment:\n      $KEY: "$VALUE"\n', { env: { KEY: 'k', VALUE: 'v' } });
    expect(project.services[0]!.environment).toEqual({ $KEY: 'v' });
  });
});
