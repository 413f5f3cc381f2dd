// A guest per test file (labForFile), and folders of tests/guest/fixtures/ put into it file by
// file as a learner's projects (the Flask, Express, apt and compose apps the guest tests build).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';

export async function copyFixture(guest: GuestMachine, fixture: string, dest: string): Promise<void> {
  const dir = join(__dirname, '..', 'guest', 'fixtures', fixture);
  await guest.agent.exec(['sh', '-c', 'mkdir -p "$1"', 'sh', dest]);
  for (const name of readdirSync(dir)) {
    await guest.agent.exec(['sh', '-c', 'cat > "$1"', 'sh', `${dest}/${name}`], { stdin: readFileSync(join(dir, name)) });
  }
}

/**
 * A guest for one test file, booted before its tests (with an engine attached and `fixtures`
 * copied in: name → destination) and destroyed after them; `sh` runs a script in the lab
 * machine's shell as a learner's command would, and returns its status and output.
 */
export function labForFile(options: { fixtures?: Record<string, string>; cwd?: string; timeoutMs: number }) {
  let guest: GuestMachine | undefined;
  const decoder = new TextDecoder();
  beforeAll(async () => {
    guest = await bootGuest({}, (machine) => attachEngine(machine));
    for (const [fixture, dest] of Object.entries(options.fixtures ?? {})) await copyFixture(guest, fixture, dest);
  }, 120_000);
  afterAll(async () => {
    await guest?.destroy();
  });
  return async function sh(script: string, cwd = options.cwd ?? '/root') {
    const r = await guest!.agent.exec(['sh', '-c', script], { timeoutMs: options.timeoutMs, cwd });
    return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
  };
}

/**
 * A shell loop for `sh`: until the container's logs hold `line` at least `times` times (a
 * database server's "ready" line, once for its setup's temporary server and again for the real
 * one), or the container has stopped.
 */
export const untilLogged = (container: string, line: string, times: number) =>
  `until [ "$(docker logs ${container} 2>&1 | grep -c -F '${line}')" -ge ${times} ] || [ "$(docker inspect -f '{{.State.Running}}' ${container})" = false ]; do sleep 1; done`;
