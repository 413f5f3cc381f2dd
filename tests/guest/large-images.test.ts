// The large built-in images, loaded lazily: their layers are directories on the layer disk
// (registry/disk/, an EROFS image on the guest's IDE disk, fetched a chunk at a time when read),
// or, for a host without the disk, file indexes on the 9p share. These are real Debian 12 i386
// userlands (dash, bash, coreutils, apt, Python 3.11).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/guest-manifest';
import type { IndexEntry } from '../../images/containers/lazy-index';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
const decoder = new TextDecoder();
async function docker(cwd: string, ...args: string[]) {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 180_000, cwd });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => attachEngine(machine));
});
afterAll(async () => {
  await guest?.destroy();
});

describe('lazily loaded images', () => {
  it('runs debian:bookworm-slim: Debian\'s own tools from a layer that was never unpacked', async () => {
    const r = await docker('/root', 'run', '--rm', 'debian:bookworm-slim', 'bash', '-c', 'cat /etc/debian_version; id -un; apt-get --version | head -1; echo $BASH_VERSION');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/[0-9a-f]{12}: Pull complete/);
    expect(r.out).toMatch(/^12\.\d+\nroot\napt 2\.6\.\d+ \(i386\)\n5\.2\./);
    // The guest's memory did not take the image: the layer is the 9p share, not tmpfs.
    const used = decoder.decode((await guest.agent.exec(['sh', '-c', "df -k /var/lib/drydock | awk 'NR==2 {print $3}'"])).stdout);
    expect(Number(used)).toBeLessThan(20_000);
    expect((await docker('/root', 'images', 'debian')).out).toMatch(/debian +bookworm-slim +[0-9a-f]{12} .* [789]\d(\.\d)?MB\n/);
  });

  it('runs python:3-slim on the same Debian layer, and builds an app on it', async () => {
    const pulled = await docker('/root', 'pull', 'python:3-slim');
    expect(pulled.out).toMatch(/Already exists/);
    const r = await docker('/root', 'run', '--rm', 'python:3-slim', 'python3', '-c', 'import sys, json; print(sys.version_info[:2], json.dumps({"answer": 6 * 7}))');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('(3, 11) {"answer": 42}\n');
    await guest.agent.exec(['sh', '-c', `mkdir -p /root/py && cd /root/py && printf 'import platform\\nprint("hello from", platform.python_version())\\n' > app.py && printf 'FROM python:3-slim\\nWORKDIR /app\\nCOPY app.py .\\nCMD ["python", "app.py"]\\n' > Dockerfile`]);
    const built = await docker('/root/py', 'build', '-t', 'pyapp', '.');
    expect(built.code, built.err).toBe(0);
    expect((await docker('/root', 'run', '--rm', 'pyapp')).out).toMatch(/^hello from 3\.11\.\d+\n$/);
  });

  it('keeps a container\'s writes in its own layer: deleting a Debian file hides it only there', async () => {
    expect((await docker('/root', 'run', '--rm', 'debian:bookworm-slim', 'sh', '-c', 'rm /usr/bin/tac && ls /usr/bin/tac')).code).not.toBe(0);
    expect((await docker('/root', 'run', '--rm', 'debian:bookworm-slim', 'ls', '/usr/bin/tac')).out).toBe('/usr/bin/tac\n');
  });

  it('reads the python image\'s files from the layer disk, each byte as published', async () => {
    const disk = guest.layerDisk!;
    expect(disk, 'the Node host attaches public/registry/disk').toBeTruthy();
    // The python layer's index names each file's content by its sha256: the disk must agree.
    const [diffId] = Object.keys(disk.manifest.layers).filter((d) => {
      const index = JSON.parse(readFileSync(join(repoRoot, 'public/registry/lazy', `${d.slice(7)}.json`), 'utf8')) as { fsroot: IndexEntry[] };
      return lookup(index.fsroot, 'usr/lib/python3.11/http/server.py');
    });
    const index = JSON.parse(readFileSync(join(repoRoot, 'public/registry/lazy', `${diffId!.slice(7)}.json`), 'utf8')) as { fsroot: IndexEntry[] };
    const paths = ['usr/lib/python3.11/http/server.py', 'usr/bin/python3.11', 'usr/lib/python3.11/__pycache__/os.cpython-311.pyc'];
    const r = await docker('/root', 'run', '--rm', 'python:3-slim', 'sha256sum', ...paths.map((p) => `/${p}`));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(paths.map((p) => `${(lookup(index.fsroot, p)![6] as string).replace(/\.zst$/, '')}  /${p}\n`).join(''));
    // The layer is the disk's directory, mounted read-only once, not a copy in guest memory.
    const where = await guest.agent.exec(['sh', '-c', `readlink /var/lib/drydock/layers/${diffId!.slice(7)}; grep ' /var/lib/drydock/disk ' /proc/mounts`]);
    expect(decoder.decode(where.stdout)).toMatch(new RegExp(`^/var/lib/drydock/disk/${diffId!.slice(7)}\n/dev/sda /var/lib/drydock/disk erofs ro,`));
    expect(disk.fetched.chunks).toBeGreaterThan(0);
    expect(disk.fetched.chunks).toBeLessThan(disk.manifest.chunks.length / 2);
  });

  it('writes over the read-only disk in a container\'s own layer', async () => {
    const r = await docker('/root', 'run', '--rm', 'python:3-slim', 'sh', '-c', 'echo changed > /usr/lib/python3.11/this.py && cat /usr/lib/python3.11/this.py && rm /usr/lib/python3.11/http/server.py && ls /usr/lib/python3.11/http/');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^changed\n(?![\s\S]*server\.py)/);
    const again = await docker('/root', 'run', '--rm', 'python:3-slim', 'python3', '-c', 'import this, http.server');
    expect(again.out).toMatch(/^The Zen of Python/);
  });
});

function lookup(entries: IndexEntry[], path: string): IndexEntry | undefined {
  const [head, ...rest] = path.split('/');
  const entry = entries.find((e) => e[0] === head);
  if (!entry || !rest.length) return entry;
  return Array.isArray(entry[6]) ? lookup(entry[6], rest.join('/')) : undefined;
}
