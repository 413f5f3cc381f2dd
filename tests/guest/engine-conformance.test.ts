// The engine conformance suite on the real guest, through the guest's own docker client, and the
// runtime conformance suite on the same boot's GuestRuntime (after it: their hooks share one guest).
import { afterAll, beforeAll } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import type { Engine } from '../../web/src/engine/engine';
import { attachEngine, bootGuest } from '../../tools/node-host';
import { engineConformance, type Docker, type WriteFiles } from '../conformance/engine-suite';
import { runtimeConformance } from '../conformance/runtime-suite';

let guest: GuestMachine;
let engine: Engine;
const decoder = new TextDecoder();
const docker: Docker = async (...args) => {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 120_000 });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
};

/** Files written in the guest by a shell (paths and contents travel as arguments). */
const writeFiles: WriteFiles = async (dir, files) => {
  for (const [path, text] of Object.entries(files)) {
    const r = await guest.agent.exec(['sh', '-c', 'mkdir -p "$(dirname "$1")" && printf %s "$2" > "$1"', 'sh', `${dir}/${path}`, text]);
    if (r.exitCode !== 0) throw new Error(`writing ${path}: ${decoder.decode(r.stderr)}`);
  }
};

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => {
    engine = attachEngine(machine);
  });
});
afterAll(async () => {
  await guest?.destroy();
});

engineConformance(() => docker, () => writeFiles);
runtimeConformance(() => ({ runtime: engine.daemon.runtime }));
