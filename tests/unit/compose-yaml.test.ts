// The YAML of a Compose file as Compose reads it: merge keys and anchors (the usual way to share
// settings between services), a stream of documents merged in order, and Compose's messages for
// an empty file, a top-level list, a duplicate key, an alias that contains itself, and a file
// whose aliases would expand without end.
import { describe, expect, it } from 'vitest';
import { loadCompose, type ComposeInput } from '../../web/src/engine/formats/compose-file';

const FILE = '/root/app/compose.yaml';
const load = (text: string, extra: Partial<ComposeInput> = {}) => loadCompose({ fileName: FILE, text, env: {}, projectDirectory: '/root/app', ...extra });
const service = async (text: string, name: string) => (await load(text)).services.find((s) => s.name === name)!;

describe('Compose YAML', () => {
  it('applies a merge key: the shared settings, then the service its own', async () => {
    const text = `
x-base: &base
  image: busybox
  environment:
    MODE: shared
  restart: always
services:
  a:
    <<: *base
    restart: "no"
  b:
    <<: *base
`;
    const a = await service(text, 'a');
    expect(a.image).toBe('busybox');
    expect(a.restart).toBe('no');
    expect(a.environment).toEqual({ MODE: 'shared' });
    expect((await service(text, 'b')).restart).toBe('always');
  });

  it('merges a list of anchors with the first one winning, and an alias to such a list', async () => {
    const text = `
x-one: &one {image: one, user: "1"}
x-two: &two {image: two, hostname: two}
x-both: &both [*one, *two]
services:
  a:
    <<: [*one, *two]
  b:
    <<: *both
    image: own
`;
    const a = await service(text, 'a');
    expect([a.image, a.user, a.hostname]).toEqual(['one', '1', 'two']);
    expect((await service(text, 'b')).image).toBe('own');
  });

  it('refuses a merge key whose value is not a mapping', async () => {
    await expect(load('services:\n  a:\n    <<: [1]\n    image: x\n')).rejects.toThrow(`failed to parse ${FILE}: yaml: map merge requires map or sequence of maps as the value`);
  });

  it('refuses an alias that contains itself with a Compose error, not a stack overflow', async () => {
    await expect(load('services:\n  a:\n    image: x\n    command: &c [echo, *c]\n')).rejects.toThrow(
      `failed to parse ${FILE}: cycle detected: node at path services.a.command.1.1 references node at path services.a.command.1`,
    );
  });

  it('loads a file using one anchor hundreds of times', async () => {
    const services = Array.from({ length: 300 }, (_, i) => `  s${i}:\n    <<: *base\n    environment: [N=${i}]\n`).join('');
    const project = await load(`x-base: &base\n  image: busybox\n  labels: {team: lab}\nservices:\n${services}`);
    expect(project.services).toHaveLength(300);
    expect(project.services[299]!.labels).toEqual({ team: 'lab' });
  });

  it('refuses aliases that expand without end ("billion laughs") quickly, with go-yaml\'s message', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    await expect(load(`x-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\nservices: {a: {image: x}}\n`)).rejects.toThrow(`failed to parse ${FILE}: yaml: document contains excessive aliasing`);
  });

  it('refuses a key given twice, naming both lines', async () => {
    await expect(load('services:\n  a:\n    image: x\n    image: y\n')).rejects.toThrow(`failed to parse ${FILE}: line 4: mapping key "image" already defined at line 3`);
  });

  it('merges the documents of a stream in order, and refuses an empty file or a top-level list', async () => {
    const project = await load('services:\n  a: {image: one}\n---\nservices:\n  a: {image: two}\n  b: {image: three}\n');
    expect(project.services.map((s) => [s.name, s.image])).toEqual([
      ['a', 'two'],
      ['b', 'three'],
    ]);
    await expect(load('')).rejects.toThrow('empty compose file');
    await expect(load('# only a comment\n')).rejects.toThrow('empty compose file');
    await expect(load('- web\n- db\n')).rejects.toThrow('top-level object must be a mapping');
    await expect(load('---\n')).rejects.toThrow('top-level object must be a mapping');
  });

  it('refuses a key that is not a string, and an unknown anchor', async () => {
    await expect(load('services:\n  a:\n    image: x\n    environment:\n      1: one\n')).rejects.toThrow('non-string key in services.a.environment: 1');
    await expect(load('services:\n  a: *nowhere\n')).rejects.toThrow(`failed to parse ${FILE}: yaml: line 2: unknown anchor 'nowhere' referenced`);
  });

  it('reports a syntax error with its line, as go-yaml words it', async () => {
    await expect(load('services:\n  a:\n    image: "busybox\n')).rejects.toThrow(`failed to parse ${FILE}: yaml: line 4: found unexpected end of stream`);
    await expect(load('services:\n  a:\n    image: x\n  command: [a, b\n')).rejects.toThrow(/^failed to parse \/root\/app\/compose.yaml: yaml: line \d: did not find expected ',' or '\]'$/);
  });

  it('reads numbers as go-yaml does (0755 is octal, underscores are dropped), and a quoted one as text', async () => {
    const s = await service('services:\n  a:\n    image: x\n    environment:\n      MODE: 0755\n      MANY: 1_000\n      HEX: 0x1F\n      TEXT: "0755"\n', 'a');
    expect(s.environment).toEqual({ MODE: '493', MANY: '1000', HEX: '31', TEXT: '0755' });
  });
});
