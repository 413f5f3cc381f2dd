// Compose files as `docker compose` reads them: services in dependency order, both forms of
// environment, env_file, interpolation from .env, ports and volumes in short and long syntax,
// profiles, and errors that name the file, line and key.
import { describe, expect, it } from 'vitest';
import { interpolate, loadCompose, parseDotEnv, shellSplit, type ComposeInput } from '../../web/src/engine/formats/compose-file';

const load = (text: string, extra: Partial<ComposeInput> = {}, options: Parameters<typeof loadCompose>[1] = {}) =>
  loadCompose({ fileName: '/root/app/compose.yaml', text, env: {}, projectDirectory: '/root/app', ...extra }, options);

const WEB_AND_REDIS = `
services:
  web:
    build:
      context: .
      args:
        PYTHON: "3"
    ports:
      - "8000:8000"
      - target: 9000
        published: 9001
        host_ip: 127.0.0.1
    environment:
      - REDIS_HOST=redis
      - MODE=\${MODE:-dev}
    env_file: web.env
    volumes:
      - ./src:/app/src:ro
      - cache:/cache
      - /tmp/anon
    depends_on:
      redis:
        condition: service_healthy
    command: python app.py --port "8000"
  redis:
    image: redis:\${REDIS_TAG}
    healthcheck:
      test: redis-cli ping
      interval: 1s
      retries: 5
volumes:
  cache:
`;

describe('compose files', () => {
  it('normalizes a web + redis project, with redis first', async () => {
    const project = await load(WEB_AND_REDIS, { env: { REDIS_TAG: '7' } }, { readFile: async (path) => (path === '/root/app/web.env' ? 'MODE=prod\nSECRET="a b"\n' : '') });
    expect(project.name).toBe('app');
    expect(project.services.map((s) => s.name)).toEqual(['redis', 'web']);
    const [redis, web] = project.services;
    expect(redis!.image).toBe('redis:7');
    expect(redis!.healthcheck).toEqual({ test: ['CMD-SHELL', 'redis-cli ping'], intervalNs: 1e9, retries: 5 });
    expect(web!.build).toEqual({ context: '/root/app', dockerfile: 'Dockerfile', args: { PYTHON: '3' } });
    // environment wins over env_file; ${MODE:-dev} had no MODE in .env.
    expect(web!.environment).toEqual({ MODE: 'dev', SECRET: 'a b', REDIS_HOST: 'redis' });
    expect(web!.ports).toEqual([{ target: 8000, published: '8000', protocol: 'tcp' }, { target: 9000, published: '9001', hostIp: '127.0.0.1', protocol: 'tcp' }]);
    expect(web!.volumes).toEqual([
      { type: 'bind', source: '/root/app/src', target: '/app/src', readOnly: true },
      { type: 'volume', source: 'cache', target: '/cache', readOnly: false },
      { type: 'volume', target: '/tmp/anon', readOnly: false },
    ]);
    expect(web!.dependsOn).toEqual({ redis: { condition: 'service_healthy', required: true } });
    expect(web!.command).toEqual(['python', 'app.py', '--port', '8000']);
    expect(web!.networks).toEqual({ default: { aliases: [] } });
    expect(project.networks.default!.name).toBe('app_default');
    expect(project.volumes.cache!.name).toBe('app_cache');
    expect(project.warnings).toEqual([]);
  });

  it('takes the project name from -p, then COMPOSE_PROJECT_NAME, then name:, then the directory, as Compose normalizes it', async () => {
    expect((await load('services: {a: {image: busybox}}', { projectDirectory: '/root/My App!' })).name).toBe('myapp');
    expect((await load('name: shop\nservices: {a: {image: busybox}}')).name).toBe('shop');
    expect((await load('name: Shop!\nservices: {a: {image: busybox}}')).name).toBe('shop');
    expect((await load('name: shop\nservices: {a: {image: busybox}}', { projectName: 'other' })).name).toBe('other');
    expect((await load('name: shop\nservices: {a: {image: busybox}}', { env: { COMPOSE_PROJECT_NAME: 'fromenv' } })).name).toBe('fromenv');
    // A name given on the command line is used as typed, so it must already be valid.
    await expect(load('services: {a: {image: busybox}}', { projectName: 'Other' })).rejects.toThrow(
      'invalid project name "Other": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number',
    );
  });

  it('interpolates as Compose does, and warns about unset variables and version', async () => {
    const warn: string[] = [];
    const env = { A: 'x', EMPTY: '' };
    expect(interpolate('$A ${A} ${B:-d} ${EMPTY:-e} ${EMPTY-f} ${A:+set} $$A', env, (n) => warn.push(n))).toBe('x x d e  set $A');
    expect(() => interpolate('${B:?needs B}', env, () => {})).toThrow('required variable B is missing a value: needs B');
    const project = await load('version: "3.8"\nservices:\n  a:\n    image: busybox:$TAG\n');
    expect(project.services[0]!.image).toBe('busybox:');
    expect(project.warnings).toEqual([
      'The "TAG" variable is not set. Defaulting to a blank string.',
      '/root/app/compose.yaml: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion',
    ]);
  });

  it('leaves out services of profiles not asked for', async () => {
    const text = 'services:\n  app: {image: busybox}\n  debug: {image: busybox, profiles: [tools]}\n';
    expect((await load(text)).services.map((s) => s.name)).toEqual(['app']);
    expect((await load(text, {}, { profiles: ['tools'] })).services.map((s) => s.name)).toEqual(['app', 'debug']);
  });

  it('names the file, line and key of a mistake', async () => {
    await expect(load('services:\n  web:\n    image: nginx\n    imagee: nginx\n')).rejects.toThrow("validating /root/app/compose.yaml: services.web additional properties 'imagee' not allowed (line 4)");
    await expect(load('service:\n  web: {image: nginx}\n')).rejects.toThrow("validating /root/app/compose.yaml: (root) additional properties 'service' not allowed (line 1)");
    await expect(load('services:\n  web:\n    image: nginx\n   ports: []\n')).rejects.toThrow(/^failed to parse \/root\/app\/compose.yaml: yaml: line 4: .+$/);
    await expect(load('services:\n  web: {build: {}, ports: ["abc"]}\n')).rejects.toThrow('services.web.ports.0: invalid containerPort: abc (line 2)');
    await expect(load('services:\n  web: {command: x}\n')).rejects.toThrow('service "web" has neither an image nor a build context specified: invalid compose project');
    await expect(load('services:\n  web: {image: x, depends_on: [db]}\n')).rejects.toThrow('service "web" depends on undefined service "db": invalid compose project');
    await expect(load('services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n')).rejects.toThrow('dependency cycle detected: a -> b -> a');
    await expect(load('services:\n  a: {image: x, volumes: ["data:/d"]}\n')).rejects.toThrow('service "a" refers to undefined volume data: invalid compose project');
    await expect(load('services:\n  a: {image: x, secrets: [s]}\n')).rejects.toThrow('services.a.secrets is not supported by Drydock yet');
  });

  it('reads .env files and splits command strings like a shell', () => {
    expect(parseDotEnv('# comment\nexport A=1\nB="two words"\nC=\'$lit\'\nD=x # note\n\n')).toEqual({ A: '1', B: 'two words', C: '$lit', D: 'x' });
    expect(() => parseDotEnv('A=1\nbad line\n')).toThrow('line 2: key cannot contain a space');
    expect(shellSplit(`sh -c 'echo "hi there"; exit 3' a\\ b`)).toEqual(['sh', '-c', 'echo "hi there"; exit 3', 'a b']);
    expect(() => shellSplit('echo "open')).toThrow('unterminated quote');
  });
});
