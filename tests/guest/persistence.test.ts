// A lab kept across visits (issue 6): the machine's state and the engine's records saved in a
// key-value store (IndexedDB in the browser; the same LabService with a memory store here),
// then resumed by a new LabService as a reloaded page would. Real guest throughout.
import { afterAll, describe, expect, it } from 'vitest';
import type { LabEvents, LabStatus, SaveInfo } from '../../web/src/engine/api';
import { LabService } from '../../web/src/worker/lab-service';
import { MemoryKeyValueStore } from '../../web/src/engine/persist/kv-store';
import { FsRegistrySource, loadGuestAssets } from '../../tools/node-host';

const store = new MemoryKeyValueStore();
const services: LabService[] = [];

function visit(owner: string, memoryMiB?: number) {
  const statuses: LabStatus[] = [];
  const saves: SaveInfo[] = [];
  let screen = '';
  const service = new LabService(() => loadGuestAssets(), () => new FsRegistrySource(), store);
  services.push(service);
  const events: LabEvents = {
    console: (bytes) => (screen += new TextDecoder().decode(bytes)),
    status: (s) => statuses.push(s),
    saved: (info) => saves.push(info),
    api: () => {},
  };
  const booted = service.boot({ guestBaseUrl: '', registryBaseUrl: '', persist: { owner }, ...(memoryMiB ? { memoryMiB } : {}) }, events);
  const sh = async (script: string) => {
    const r = await service.exec(['sh', '-c', script], { timeoutMs: 180_000 });
    return { ...r, out: r.stdout + r.stderr };
  };
  /** Saves as the page does when hidden, retrying until the lab is at a quiet moment. */
  const save = async () => {
    for (let i = 0; i < 40; i++) {
      const info = await service.saveNow();
      if (info) return info;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the lab never became quiet enough to save');
  };
  const stages = () => statuses.map((s) => s.stage).filter((s, i, all) => s !== all[i - 1]);
  return { service, booted, sh, save, stages, saves, screen: () => screen };
}

afterAll(async () => {
  for (const s of services) await s.shutdown().catch(() => {});
});

describe('a lab kept across visits (real guest)', () => {
  let firstSave: SaveInfo;

  it('first visit: boots, the learner works, the lab is saved', async () => {
    const lab = visit('tab-1');
    await lab.booted;
    expect(lab.stages()).toContain('kernel');
    const setup = await lab.sh(
      [
        'mkdir -p /root/app && cd /root/app',
        'printf "FROM busybox\\nRUN echo built-here > /made.txt\\nCMD cat /made.txt\\n" > Dockerfile',
        'docker build -q -t myapp:1.0 . >/dev/null',
        'docker volume create notes >/dev/null',
        'docker run --rm -v notes:/data busybox sh -c "echo in-the-volume > /data/n.txt"',
        'echo "my own file" > /root/todo.txt',
        'docker run --name said busybox echo goodbye >/dev/null',
        'docker run -d --name web -p 8080:80 nginx >/dev/null',
        // A large image: its layers are on the layer disk, which the guest mounts now.
        'docker run --rm debian:bookworm-slim cat /etc/debian_version >/dev/null',
        'docker ps --format "{{.Names}} {{.Status}}"',
      ].join(' && '),
    );
    expect(setup.out).toMatch(/^web Up/m);
    expect(setup.exitCode).toBe(0);
    firstSave = await lab.save();
    expect(firstSave.error).toBeUndefined();
    expect(firstSave.bytesStored).toBeGreaterThan(1_000_000);
    // Saving again writes only what changed in between (the guest's own churn), not the lab.
    const again = await lab.save();
    expect(again.bytesWritten!).toBeLessThan(again.bytesStored! / 5);
    await lab.service.shutdown();
  });

  it('second visit: resumes the saved machine instead of booting, with everything in it', async () => {
    const lab = visit('tab-2');
    await lab.booted;
    expect(lab.stages()).toContain('restoring');
    expect(lab.stages()).not.toContain('kernel');
    // The learner's screen comes back as it was.
    expect(lab.screen()).toContain('root@drydock:~# ');
    const r = await lab.sh('cat /root/todo.txt; docker images --format "{{.Repository}}:{{.Tag}}"; docker run --rm -v notes:/data busybox cat /data/n.txt; docker logs said; docker ps --format "{{.Names}} {{.Status}}"; wget -qO- http://127.0.0.1:8080/ | grep -o "Welcome to nginx"; docker run --rm myapp:1.0');
    expect(r.out).toContain('my own file');
    expect(r.out).toContain('myapp:1.0');
    expect(r.out).toContain('in-the-volume');
    expect(r.out).toContain('goodbye');
    expect(r.out).toMatch(/^web Up/m);
    expect(r.out).toContain('Welcome to nginx');
    expect(r.out).toContain('built-here');
    // The layer disk is attached again: files the first visit never read come from it now.
    const disk = await lab.sh('docker run --rm debian:bookworm-slim sh -c "grep -c . /usr/share/common-licenses/GPL-3; cat /etc/debian_version"');
    expect(disk.out, disk.out).toMatch(/^\d{3}\n12\.\d+\n$/);
    // The 9p share came back too: a new image's layers travel through it.
    expect((await lab.sh('docker run --rm hello-world')).out).toContain('Hello from Drydock!');
    // The engine follows the container it did not start: stop ends it, with its exit status.
    const stop = await lab.sh('docker stop web >/dev/null && docker ps -a --filter name=web --format "{{.Status}}"');
    expect(stop.out).toMatch(/^Exited \(0\)/);
    await lab.save();
    await lab.service.shutdown();
  });

  it('a visit with other guest files boots afresh but keeps images, containers and volume names', async () => {
    // A different memory size makes a different guest: the machine snapshot cannot resume.
    const lab = visit('tab-3', 160);
    await lab.booted;
    expect(lab.stages()).toContain('kernel');
    const r = await lab.sh('docker images --format "{{.Repository}}:{{.Tag}}"; docker ps -a --format "{{.Names}} {{.Status}}"; docker volume ls -q; docker run --rm myapp:1.0');
    expect(r.out).toContain('myapp:1.0');
    expect(r.out).toMatch(/^said Exited \(0\)/m);
    expect(r.out).toMatch(/^notes$/m);
    expect(r.out).toContain('built-here');
  });
});
