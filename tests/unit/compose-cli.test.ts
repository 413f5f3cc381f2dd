// `docker compose` on its files, as a learner types it (on the in-memory runtime): several `-f`
// merged in order, the project's .env (COMPOSE_PROJECT_NAME included), --env-file, and
// Compose's messages, with exit status 1, for a broken .env or a missing file.
import { describe, expect, it } from 'vitest';
import { memoryDocker } from '../support/fuzz';

async function project(files: Record<string, string>) {
  const harness = memoryDocker();
  for (const [path, text] of Object.entries(files)) await harness.runtime.writeHostFile(path, new TextEncoder().encode(text));
  return harness.docker;
}

describe('docker compose reading its files', () => {
  it('merges every -f in order, and names the project from COMPOSE_PROJECT_NAME in .env', async () => {
    const docker = await project({
      '/root/app/compose.yaml': 'services:\n  web:\n    image: nginx\n    environment: {MODE: base}\n',
      '/root/app/dev.yaml': 'services:\n  web:\n    image: "nginx:${TAG}"\n    environment: {DEBUG: "1"}\n',
      '/root/app/.env': 'COMPOSE_PROJECT_NAME=shop\nTAG=alpine # the small one\n',
    });
    const config = await docker('compose', '-f', '/root/app/compose.yaml', '-f', '/root/app/dev.yaml', 'config');
    expect(config.err).toBe('');
    expect(config.code).toBe(0);
    expect(config.out).toMatch(/^name: shop\n/);
    expect(config.out).toContain('image: nginx:alpine');
    expect(config.out).toMatch(/environment:\n\s+MODE: base\n\s+DEBUG: "1"/);
    expect(config.out).toContain('name: shop_default');
  });

  it('refuses a .env it cannot read, naming the file and the line', async () => {
    const docker = await project({ '/root/app/compose.yaml': 'services:\n  web: {image: nginx}\n', '/root/app/.env': 'A=1\nB="never closed\n' });
    const result = await docker('compose', '-f', '/root/app/compose.yaml', 'config');
    expect(result.code).toBe(1);
    expect(result.err).toBe('failed to read /root/app/.env: line 3: unterminated quoted value "never closed\n');
  });

  it('refuses a missing -f file and a missing --env-file', async () => {
    const docker = await project({ '/root/app/compose.yaml': 'services:\n  web: {image: nginx}\n' });
    const missing = await docker('compose', '-f', '/root/app/compose.yaml', '-f', '/root/app/nope.yaml', 'config');
    expect([missing.code, missing.err]).toEqual([1, 'open /root/app/nope.yaml: no such file or directory\n']);
    const env = await docker('compose', '-f', '/root/app/compose.yaml', '--env-file', '/root/app/prod.env', 'config');
    expect([env.code, env.err]).toEqual([1, "couldn't find env file: /root/app/prod.env\n"]);
  });

  it('takes the files from COMPOSE_FILE and the profiles from COMPOSE_PROFILES in .env', async () => {
    const docker = await project({
      '/root/base.yaml': 'services:\n  web: {image: nginx}\n  debug: {image: busybox, profiles: [tools]}\n',
      '/root/extra.yaml': 'services:\n  web: {image: "nginx:alpine"}\n',
      '/root/.env': 'COMPOSE_FILE=base.yaml:extra.yaml\nCOMPOSE_PROFILES=tools\n',
    });
    const services = await docker('compose', 'config', '--services');
    expect([services.code, services.err]).toEqual([0, '']);
    expect(services.out.split('\n').filter(Boolean).sort()).toEqual(['debug', 'web']);
    expect((await docker('compose', 'config')).out).toContain('image: nginx:alpine');
  });
});
