// The engine channel against the real guest: commands, exit codes, binary data, timeouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const sh = (script: string, options = {}) => guest.agent.exec(['sh', '-c', script], options);

beforeAll(async () => {
  guest = await bootGuest();
});
afterAll(async () => {
  await guest?.destroy();
});

describe('engine channel (real guest)', () => {
  it('runs a command and returns stdout, stderr and the exit code apart', async () => {
    const r = await sh('echo out; echo err >&2; exit 42');
    expect(r.exitCode).toBe(42);
    expect(text(r.stdout)).toBe('out\n');
    expect(text(r.stderr)).toBe('err\n');
  });

  it('is an i686 machine', async () => {
    expect(text((await guest.agent.exec(['uname', '-m'])).stdout).trim()).toBe('i686');
  });

  it('reports 127 for a missing program and 126 for one that cannot run, with the reason', async () => {
    const missing = await guest.agent.exec(['no-such-program']);
    expect(missing.exitCode).toBe(127);
    expect(text(missing.stderr)).toContain('No such file or directory');
    const notExecutable = await guest.agent.exec(['/etc/passwd']);
    expect(notExecutable.exitCode).toBe(126);
    expect(text(notExecutable.stderr)).toContain('Permission denied');
  });

  it('passes environment and working directory', async () => {
    const r = await guest.agent.exec(['sh', '-c', 'echo "$GREETING from $(pwd)"'], { env: { GREETING: 'hi' }, cwd: '/tmp' });
    expect(text(r.stdout)).toBe('hi from /tmp\n');
  });

  it('brings back a megabyte of binary output byte for byte', async () => {
    const made = await sh('head -c 1048576 /dev/urandom > /tmp/blob && sha256sum /tmp/blob');
    const guestSum = text(made.stdout).split(' ')[0];
    const r = await guest.agent.exec(['cat', '/tmp/blob']);
    expect(r.stdout.length).toBe(1048576);
    expect(createHash('sha256').update(r.stdout).digest('hex')).toBe(guestSum);
  });

  it('feeds binary stdin intact past the 4 KiB guest buffers', async () => {
    const input = randomBytes(200_000);
    const r = await guest.agent.exec(['sha256sum'], { stdin: input });
    expect(text(r.stdout).split(' ')[0]).toBe(createHash('sha256').update(input).digest('hex'));
  });

  it('runs many commands at once', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => sh(`echo job-${i}; exit ${i}`)));
    results.forEach((r, i) => {
      expect(r.exitCode).toBe(i);
      expect(text(r.stdout)).toBe(`job-${i}\n`);
    });
  });

  it('kills a command that hangs past its timeout, and keeps working after', async () => {
    const r = await sh('echo started; sleep 1000', { timeoutMs: 1500 });
    expect(r).toMatchObject({ timedOut: true, signal: 9, exitCode: 137 });
    expect(text(r.stdout)).toBe('started\n');
    expect((await sh('echo still here')).exitCode).toBe(0);
  });

  it('cancels a whole pipeline (its process group), leaving nothing running', async () => {
    const controller = new AbortController();
    const running = sh('sleep 1001 | sleep 1002', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort();
    expect((await running).cancelled).toBe(true);
    const ps = await sh('ps -o args');
    expect(text(ps.stdout)).not.toMatch(/sleep 100[12]/);
  });

  it('keeps answering while a command floods its output, and can still kill it', async () => {
    let flooded = 0;
    const flood = guest.agent.start(['yes', 'drydock'], { onStdout: (b) => (flooded += b.length) });
    await expect.poll(() => flooded, { timeout: 10_000 }).toBeGreaterThan(100_000);
    // PID 1 must serve the channel between reads of the flooding pipe.
    await expect(guest.agent.ping(5000)).resolves.toBeGreaterThan(0);
    expect(new TextDecoder().decode((await guest.agent.exec(['echo', 'alongside'])).stdout)).toBe('alongside\n');
    flood.kill();
    expect(await flood.exited).toMatchObject({ signal: 9, exitCode: 137 });
  }, 90_000);
});
