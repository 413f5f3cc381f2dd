// docker save / load and export / import in the real guest: an archive written in the guest is
// read by skopeo on the host (docker-archive and OCI), loaded back, and run; a container's
// filesystem exported and imported as a new image.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
const decoder = new TextDecoder();
async function sh(script: string) {
  const r = await guest.agent.exec(['sh', '-c', script], { timeoutMs: 120_000 });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr), bytes: r.stdout };
}

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => attachEngine(machine));
});
afterAll(async () => {
  await guest?.destroy();
});

describe('image archives and container exports in the guest', () => {
  it('saves an image that skopeo reads, then loads it back and runs it', async () => {
    const built = await sh(
      'mkdir -p /root/app && cd /root/app && printf "FROM busybox\\nRUN echo saved-and-loaded > /msg\\nCMD [\\"cat\\", \\"/msg\\"]\\n" > Dockerfile && docker build -q -t app:1 . && docker save -o app.tar app:1 && ls -l app.tar',
    );
    expect(built.code).toBe(0);
    const archive = (await sh('cat /root/app/app.tar')).bytes;
    const path = join(mkdtempSync(join(tmpdir(), 'drydock-save-')), 'app.tar');
    writeFileSync(path, archive);
    const history = (await sh('docker image inspect -f "{{json .RootFS.Layers}}" app:1')).out;
    for (const transport of ['docker-archive', 'oci-archive']) {
      const info = JSON.parse(execFileSync('/usr/bin/skopeo', ['inspect', `${transport}:${path}`], { encoding: 'utf8' }));
      expect(info.Architecture).toBe('386');
      expect(info.Layers).toEqual(JSON.parse(history));
    }
    expect((await sh('docker save app:1 | head -c 10 >/dev/null; echo $?')).out).toBe('0\n');
    const id = (await sh('docker image inspect -f "{{.Id}}" app:1')).out;
    await sh('docker rmi app:1');
    const loaded = await sh('docker load -i /root/app/app.tar');
    expect(loaded).toMatchObject({ code: 0, out: 'Loaded image: app:1\n' });
    expect((await sh('docker image inspect -f "{{.Id}}" app:1')).out).toBe(id);
    expect((await sh('docker run --rm app:1')).out).toBe('saved-and-loaded\n');
    expect((await sh('docker load < /root/app/app.tar')).out).toBe('Loaded image: app:1\n');
  });

  it('refuses what is not an image archive, and a missing file, as docker load does', async () => {
    expect(await sh('docker load -i /etc/profile')).toMatchObject({ code: 1, err: 'Error response from daemon: archive/tar: invalid tar header\n' });
    expect(await sh('docker load -i /root/none.tar')).toMatchObject({ code: 1, err: 'open /root/none.tar: no such file or directory\n' });
  });

  it("exports a container's filesystem and imports it as a one-layer image", async () => {
    await sh('docker run --name shaped busybox sh -c "echo exported > /made && rm /bin/vi"');
    expect((await sh('docker export -o /root/fs.tar shaped && tar -tf /root/fs.tar | grep -c -e "^./made$" -e "^./bin/busybox$"')).out).toBe('2\n');
    expect((await sh('tar -tf /root/fs.tar | grep -c "^./bin/vi$"')).out).toBe('0\n');
    const imported = await sh('docker import -c "CMD [\\"cat\\", \\"/made\\"]" /root/fs.tar flat:1');
    expect(imported.out).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect((await sh('docker run --rm flat:1')).out).toBe('exported\n');
    expect((await sh('docker history --format "{{.Comment}}" flat:1')).out).toContain('Imported from -');
  });
});
