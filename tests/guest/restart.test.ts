// A guest that crashes and is replaced keeps the learner's work: the engine in the worker keeps
// its images (pulled, built, lazy), containers (now exited) and volumes, and puts their layers
// back into the new guest when they are next used.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../web/src/engine/engine';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';

const decoder = new TextDecoder();
const docker = async (guest: GuestMachine, ...args: string[]) => {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 120_000, cwd: '/root' });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
};

describe('a guest restart keeps the engine\'s state', () => {
  it('shows images and exited containers after a crash, and runs them again', async () => {
    let engine!: Engine;
    const first = await bootGuest({}, (machine) => (engine = attachEngine(machine)));
    await first.agent.exec(['sh', '-c', `mkdir -p /root/app && printf 'FROM busybox\\nRUN echo built > /built.txt\\nCMD ["cat", "/built.txt"]\\n' > /root/app/Dockerfile`]);
    expect((await docker(first, 'build', '-q', '-t', 'app', '/root/app')).code).toBe(0);
    expect((await docker(first, 'run', '-d', '--name', 'server', 'nginx')).code).toBe(0);
    expect((await docker(first, 'run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sleep', '600')).code).toBe(0);
    expect((await docker(first, 'volume', 'create', 'keep')).code).toBe(0);
    expect((await docker(first, 'pull', 'debian:bookworm-slim')).code).toBe(0);
    void first.agent.exec(['sh', '-c', 'echo c > /proc/sysrq-trigger']).catch(() => {});
    await expect.poll(() => first.crashReason, { timeout: 20_000 }).toContain('Kernel panic');
    await first.destroy();

    const second = await bootGuest();
    await engine.attach(second);
    try {
      const images = (await docker(second, 'images')).out;
      for (const name of ['app', 'busybox', 'debian', 'nginx']) expect(images).toMatch(new RegExp(`^${name} `, 'm'));
      const ps = (await docker(second, 'ps', '-a', '--format', '{{.Names}} {{.Status}}')).out;
      expect(ps).toMatch(/^server Exited \(255\) .*ago$/m);
      // As dockerd does when it comes back, a --restart always container runs again.
      expect(ps).toMatch(/^always Up /m);
      expect((await docker(second, 'volume', 'ls', '-q')).out).toBe('keep\n');
      // The layers come back: the built one from the engine's copy, the pulled ones from the registry.
      expect((await docker(second, 'run', '--rm', 'app')).out).toBe('built\n');
      expect((await docker(second, 'start', 'server')).code).toBe(0);
      expect((await docker(second, 'exec', 'server', 'ls', '/usr/share/nginx/html')).out).toContain('index.html');
      expect((await docker(second, 'run', '--rm', 'debian:bookworm-slim', 'cat', '/etc/debian_version')).out).toMatch(/^12\./);
    } finally {
      await second.destroy();
    }
  });
});
