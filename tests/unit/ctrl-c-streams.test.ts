// Commands that stream until Ctrl-C (`docker stats` without --no-stream, `docker logs -f`) end as
// the real CLI does when SIGINT kills it: the shell sees 130.
import { expect, it } from 'vitest';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { runDockerCli } from '../../web/src/engine/cli/index';
import type { CliIO } from '../../web/src/engine/cli/context';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';

/** A terminal client whose output is kept and which can be sent signals. */
function client() {
  const signals: Array<(n: number) => void> = [];
  const seen = { out: '' };
  const io: CliIO = {
    out: (t) => (seen.out += typeof t === 'string' ? t : new TextDecoder().decode(t)),
    err: () => {},
    onSignal: (l) => signals.push(l),
    onClose: () => {},
    stdoutTty: true,
    stdinTty: true,
    cwd: '/root',
    size: { rows: 24, cols: 80 },
    startStdin: () => {},
    onStdin: () => {},
    onResize: () => {},
    archiveLocal: async () => null,
    writeLocal: async () => {},
  };
  return { io, seen, interrupt: () => signals.splice(0).forEach((s) => s(2)) };
}

it('streams stats, redrawing each second, until Ctrl-C', async () => {
  const daemon = new Daemon(new MemoryRuntime(), new FsRegistrySource());
  const { io, seen, interrupt } = client();
  expect(await runDockerCli(['run', '-d', '--name', 'ticker', 'busybox', 'sleep', '30'], io, daemon)).toBe(0);
  seen.out = '';
  const done = runDockerCli(['stats'], io, daemon);
  await expect.poll(() => seen.out.split('\x1b[2J').length - 1, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
  expect(seen.out).toMatch(/CONTAINER ID +NAME +CPU % .*\n[0-9a-f]{12} +ticker +\d+\.\d\d% /);
  interrupt();
  expect(await done).toBe(130);
  await runDockerCli(['rm', '-f', 'ticker'], io, daemon);
});

it('follows logs until Ctrl-C (130), or until the container ends (0)', async () => {
  const daemon = new Daemon(new MemoryRuntime(), new FsRegistrySource());
  const { io, seen, interrupt } = client();
  expect(await runDockerCli(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'echo hello; sleep 30'], io, daemon)).toBe(0);
  seen.out = '';
  const following = runDockerCli(['logs', '-f', 'talker'], io, daemon);
  await expect.poll(() => seen.out, { timeout: 5000 }).toContain('hello');
  interrupt();
  expect(await following).toBe(130);
  const untilExit = runDockerCli(['logs', '-f', 'talker'], client().io, daemon);
  await runDockerCli(['stop', '-t', '0', 'talker'], io, daemon);
  expect(await untilExit).toBe(0);
  await runDockerCli(['rm', '-f', 'talker'], io, daemon);
});
