// The engine conformance suite on the real guest, through the guest's own docker client.
import { afterAll, beforeAll } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';
import { engineConformance, type Docker } from '../conformance/engine-suite';

let guest: GuestMachine;
const decoder = new TextDecoder();
const docker: Docker = async (...args) => {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 120_000 });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
};

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => attachEngine(machine));
});
afterAll(async () => {
  await guest?.destroy();
});

engineConformance(() => docker);
