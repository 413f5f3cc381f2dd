// Failed `docker run`s leave nothing behind in the guest: 200 seeded lines that Docker refuses
// (bad flags, specs, references, networks, links) or whose container fails to start under
// --rm, then no container, overlay mount, cgroup, veth or anonymous volume is left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
const decoder = new TextDecoder();
async function docker(args: string[]) {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 120_000 });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}
async function sh(script: string) {
  return decoder.decode((await guest.agent.exec(['sh', '-c', script])).stdout).trim();
}

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => attachEngine(machine));
});
afterAll(async () => {
  await guest?.destroy();
});

/** A small seeded generator (mulberry32), so that a failing line can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Each makes the whole line fail before a container exists (Docker creates none) …
const refused: string[][] = [
  ['--nosuch-flag'], ['-p', '99999:80'], ['-p', '80/tcp/extra'], ['-p', 'a:b:c:d'], ['-m', 'lots'],
  ['--cpus', 'x'], ['-w', 'relative/dir'], ['--network', 'nosuchnet'], ['-v', ':/x'], ['--mount', 'type=bogus,target=/x'],
  ['--link', 'nosuchcontainer:db'], ['--restart', 'sometimes'], ['--name', 'bad name'], ['--pids-limit', 'many'],
  ['--mount', 'type=bind,source=/no/such/host/dir,target=/x'], ['--health-interval', 'soon'], ['-e'], ['--ip', '999.1.1.1'],
];
const badImages = ['BUSYBOX', 'nosuchimage', 'busybox:nosuchtag', '-docker.io/x', 'busybox@sha256:abc'];
// … or a container that fails to start, which --rm removes (Docker's client waits for that).
const startFailures = [['/no/such/program'], ['sh', '-c', 'exit 3'], ['false']];
// Options that are fine by themselves, mixed in.
const harmless = [['-e', 'A=1'], ['-h', 'fuzzhost'], ['-v', '/data'], ['--tmpfs', '/scratch'], ['-u', '0'], ['--cap-drop', 'NET_RAW'], ['-i'], ['--label', 'fuzz=1']];

function failingLine(next: () => number): string[] {
  const pick = <T,>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const line = ['run'];
  for (let i = Math.floor(next() * 3); i > 0; i--) line.push(...pick(harmless));
  const kind = next();
  if (kind < 0.5) {
    line.push(...pick(refused), 'busybox', 'true');
  } else if (kind < 0.7) {
    line.push(pick(badImages), 'true');
  } else {
    line.push('--rm', ...(next() < 0.5 ? ['-d'] : []), 'busybox', ...pick(startFailures));
  }
  return line;
}

describe('failed docker runs in the real guest', () => {
  it('leave no container, mount, cgroup, veth or anonymous volume behind (200 seeded lines)', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261203);
    console.log(`failed-runs: seed ${seed}, 200 lines`);
    const next = random(seed);
    // The busybox image is pulled once, so the lines fail for their own reasons.
    expect((await docker(['pull', 'busybox'])).code).toBe(0);
    for (let i = 0; i < 200; i++) {
      const line = failingLine(next);
      const r = await docker(line);
      const detached = line.includes('-d');
      if (!(detached && r.code === 0)) expect(r.code, `seed ${seed}, line ${i}: docker ${line.join(' ')}\n${r.err}`).not.toBe(0);
      // Every refusal says why, in words (a container's own failure may say nothing).
      if (!line.includes('--rm')) expect(r.err.trim(), `line ${i}: docker ${line.join(' ')}`).not.toBe('');
    }
    // --rm removals (and detached containers' ends) may still be finishing.
    await expect.poll(async () => (await docker(['ps', '-aq'])).out.trim(), { timeout: 60_000 }).toBe('');
    // (the guest's clean-up of removed containers runs behind the removal of their records)
    await expect.poll(() => sh('grep -c " /var/lib/drydock/containers/" /proc/mounts || true'), { timeout: 90_000, message: 'overlay mounts' }).toBe('0');
    expect(await sh('ls /var/lib/drydock/containers | wc -l'), 'container directories').toBe('0');
    expect(await sh('ls -d /sys/fs/cgroup/drydock/*/ 2>/dev/null | wc -l'), 'cgroups').toBe('0');
    expect(await sh('ls /sys/class/net | grep -c veth || true'), 'veths').toBe('0');
    expect((await docker(['volume', 'ls', '-q'])).out.trim()).toBe('');
  }, 600_000);
});
