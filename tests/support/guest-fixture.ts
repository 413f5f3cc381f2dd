// Puts a folder of tests/guest/fixtures/ into the guest, file by file, as a learner's project
// (the Flask, Express and compose apps the guest tests build).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';

export async function copyFixture(guest: GuestMachine, fixture: string, dest: string): Promise<void> {
  const dir = join(__dirname, '..', 'guest', 'fixtures', fixture);
  await guest.agent.exec(['sh', '-c', 'mkdir -p "$1"', 'sh', dest]);
  for (const name of readdirSync(dir)) {
    await guest.agent.exec(['sh', '-c', 'cat > "$1"', 'sh', `${dest}/${name}`], { stdin: readFileSync(join(dir, name)) });
  }
}
