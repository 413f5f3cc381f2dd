// `docker stats` without --no-stream: it redraws the table until Ctrl-C, then ends as the real
// CLI does when SIGINT kills it (130).
import { expect, it } from 'vitest';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { runDockerCli } from '../../web/src/engine/cli/index';
import type { CliIO } from '../../web/src/engine/cli/context';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';

it('streams stats, redrawing each second, until Ctrl-C', async () => {
  const runtime = new MemoryRuntime();
  const daemon = new Daemon(runtime, new FsRegistrySource());
  let out = '';
  const signals: Array<(n: number) => void> = [];
  const io: CliIO = {
    out: (t) => (out += typeof t === 'string' ? t : new TextDecoder().decode(t)),
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
  expect(await runDockerCli(['run', '-d', '--name', 'ticker', 'busybox', 'sleep', '30'], io, daemon)).toBe(0);
  out = '';
  const done = runDockerCli(['stats'], io, daemon);
  await expect.poll(() => out.split('\x1b[2J').length - 1, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
  expect(out).toMatch(/CONTAINER ID +NAME +CPU % .*\n[0-9a-f]{12} +ticker +\d+\.\d\d% /);
  signals.forEach((s) => s(2));
  expect(await done).toBe(130);
  await runDockerCli(['rm', '-f', 'ticker'], io, daemon);
});
