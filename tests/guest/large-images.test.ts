// The large built-in images, loaded lazily: pulling attaches each layer's file index to the
// guest's 9p share; a file's content arrives the first time a container reads it. These are
// real Debian 12 i386 userlands (dash, bash, coreutils, apt, Python 3.11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
