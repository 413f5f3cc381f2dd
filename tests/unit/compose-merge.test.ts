// Several Compose files as the Compose Specification merges them (`-f a -f b`), `extends`
// (in the same file or another one, whose relative paths stay its own) and `include` (a
// sub-project with its own directory and .env), with Compose's messages for their mistakes.
import { describe, expect, it } from 'vitest';
import { loadCompose, type ComposeInput } from '../../web/src/engine/formats/compose-file';

const DIR = '/root/app';
function loader(files: Record<string, string>) {
  const readFile = async (p: string) => files[p] ?? null;
  return (names: string[], extra: Partial<ComposeInput> = {}) =>
    loadCompose({ fileName: names[0]!, text: files[names[0]!]!, files: names.map((fileName) => ({ fileName, text: files[fileName]! })), env: {}, projectDirectory: DIR, ...extra }, { readFile });
}

describe('several -f files', () => {
  const load = loader({
    '/root/app/compose.yaml': `
services:
  web:
    image: nginx
    command: [nginx, -g, daemon off;]
    environment: {A: base, B: base}
    ports: ["8080:80"]
    volumes: ["./html:/usr/share/nginx/html"]
    expose: ["80"]
    labels: [tier=front]
    depends_on: [db]
  db:
    image: redis
`,
    '/root/app/compose.override.yaml': `
services:
  web:
    image: nginx:alpine
    command: nginx-debug
    environment: [B=override, C=new]
    ports: ["8443:443", "8080:80"]
    volumes: ["./dev:/usr/share/nginx/html"]
    expose: ["81"]
    depends_on:
      db: {condition: service_healthy}
  db:
    healthcheck: {test: [CMD, redis-cli, ping]}
`,
    '/root/app/reset.yaml': `
services:
  web:
    ports: !reset []
    command: !override [sh]
`,
  });

  it('merges mappings, replaces command, and keeps one entry per key in keyed lists', async () => {
    const project = await load(['/root/app/compose.yaml', '/root/app/compose.override.yaml']);
    const web = project.services.find((s) => s.name === 'web')!;
    expect(web.image).toBe('nginx:alpine');
    expect(web.command).toEqual(['nginx-debug']);
    expect(web.environment).toEqual({ A: 'base', B: 'override', C: 'new' });
    expect(web.ports).toEqual([
      { target: 80, published: '8080', protocol: 'tcp' },
      { target: 443, published: '8443', protocol: 'tcp' },
    ]);
    expect(web.volumes).toEqual([{ type: 'bind', source: '/root/app/dev', target: '/usr/share/nginx/html', readOnly: false }]);
    expect(web.expose).toEqual(['80', '81']);
    expect(web.dependsOn).toEqual({ db: { condition: 'service_healthy', required: true } });
    expect(project.services.find((s) => s.name === 'db')!.healthcheck).toEqual({ test: ['CMD', 'redis-cli', 'ping'] });
  });

  it('removes with !reset and replaces with !override', async () => {
    const web = (await load(['/root/app/compose.yaml', '/root/app/reset.yaml'])).services.find((s) => s.name === 'web')!;
    expect(web.ports).toEqual([]);
    expect(web.command).toEqual(['sh']);
  });

  it('names the file whose mistake it is', async () => {
    const bad = loader({ '/root/app/a.yaml': 'services:\n  web: {image: x}\n', '/root/app/b.yaml': 'services:\n  web:\n    tty: [1]\n' });
    await expect(bad(['/root/app/a.yaml', '/root/app/b.yaml'])).rejects.toThrow('validating /root/app/b.yaml: services.web.tty must be a boolean or string (line 3)');
  });
});

describe('extends', () => {
  const files = {
    '/root/app/compose.yaml': `
services:
  base:
    image: busybox
    environment: {LEVEL: base}
    command: [sleep, "1"]
  worker:
    extends: base
    environment: {ROLE: worker}
  api:
    extends:
      file: common/services.yaml
      service: app
    command: [serve]
`,
    '/root/app/common/services.yaml': `
services:
  app:
    build: ./app
    env_file: app.env
    volumes: ["./data:/data"]
    environment: [FROM=common]
`,
    '/root/app/common/app.env': 'FILE=yes\n',
  };
  const load = loader(files);

  it('merges a service onto the one it extends, in the same file', async () => {
    const worker = (await load(['/root/app/compose.yaml'])).services.find((s) => s.name === 'worker')!;
    expect(worker.image).toBe('busybox');
    expect(worker.environment).toEqual({ LEVEL: 'base', ROLE: 'worker' });
    expect(worker.command).toEqual(['sleep', '1']);
  });

  it("extends a service of another file, its relative paths from that file's directory", async () => {
    const api = (await load(['/root/app/compose.yaml'])).services.find((s) => s.name === 'api')!;
    expect(api.build?.context).toBe('/root/app/common/app');
    expect(api.volumes[0]!.source).toBe('/root/app/common/data');
    expect(api.environment).toEqual({ FILE: 'yes', FROM: 'common' });
    expect(api.command).toEqual(['serve']);
  });

  it('refuses a missing base and a circular chain, as Compose words them', async () => {
    const missing = loader({ '/root/app/compose.yaml': 'services:\n  a:\n    extends: nope\n' });
    await expect(missing(['/root/app/compose.yaml'])).rejects.toThrow('cannot extend service "a" in /root/app/compose.yaml: service "nope" not found');
    const circular = loader({ '/root/app/compose.yaml': 'services:\n  a: {image: x, extends: b}\n  b: {image: x, extends: a}\n' });
    await expect(circular(['/root/app/compose.yaml'])).rejects.toThrow('Circular reference:\n  a in /root/app/compose.yaml\n  extends b in /root/app/compose.yaml\n  extends a in /root/app/compose.yaml');
    const otherFile = loader({ '/root/app/compose.yaml': 'services:\n  a:\n    extends: {file: other.yaml, service: gone}\n', '/root/app/other.yaml': 'services:\n  here: {image: x}\n' });
    await expect(otherFile(['/root/app/compose.yaml'])).rejects.toThrow('cannot extend service "a" in /root/app/compose.yaml: service "gone" not found in /root/app/other.yaml');
  });
});

describe('include', () => {
  it("adds a sub-project's services, paths and .env from its own directory", async () => {
    const load = loader({
      '/root/app/compose.yaml': 'include:\n  - db/compose.yaml\nservices:\n  web: {image: nginx, depends_on: [db]}\n',
      '/root/app/db/compose.yaml': 'services:\n  db:\n    image: "postgres:${PG_TAG}"\n    volumes: ["./init:/docker-entrypoint-initdb.d"]\n',
      '/root/app/db/.env': 'PG_TAG=16\n',
    });
    const project = await load(['/root/app/compose.yaml']);
    const db = project.services.find((s) => s.name === 'db')!;
    expect(db.image).toBe('postgres:16');
    expect(db.volumes[0]!.source).toBe('/root/app/db/init');
    expect(project.services.map((s) => s.name)).toEqual(['db', 'web']);
  });

  it('takes an empty include as none, and refuses one that is not a list', async () => {
    const load = loader({ '/root/app/compose.yaml': 'include:\nservices: {a: {image: x}}\n', '/root/app/bad.yaml': 'include: {path: x.yaml}\nservices: {a: {image: x}}\n' });
    expect((await load(['/root/app/compose.yaml'])).services.map((s) => s.name)).toEqual(['a']);
    await expect(load(['/root/app/bad.yaml'])).rejects.toThrow('`include` must be a list, got map[path:x.yaml]');
  });

  it('refuses an include that includes itself back', async () => {
    const load = loader({ '/root/app/compose.yaml': 'include: [b.yaml]\nservices: {a: {image: x}}\n', '/root/app/b.yaml': 'include: [compose.yaml]\nservices: {b: {image: x}}\n' });
    await expect(load(['/root/app/compose.yaml'])).rejects.toThrow('include cycle detected:\n/root/app/compose.yaml\n include /root/app/b.yaml\n include /root/app/compose.yaml');
  });
});
