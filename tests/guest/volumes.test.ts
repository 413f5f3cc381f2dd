// Volumes, bind mounts and tmpfs in the real guest: data that outlives a container, shared
// between containers, a host file edited and seen inside, read-only mounts, and a new volume
// that starts with the image's files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
const decoder = new TextDecoder();
async function docker(...args: string[]) {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 120_000 });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}
async function sh(script: string) {
  return decoder.decode((await guest.agent.exec(['sh', '-c', script])).stdout);
}

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => attachEngine(machine));
});
afterAll(async () => {
  await guest?.destroy();
});

describe('volumes and bind mounts in the guest', () => {
  it('keeps a named volume\'s data after the container is gone, for the next one', async () => {
    expect((await docker('run', '--rm', '-v', 'notes:/data', 'busybox', 'sh', '-c', 'echo first > /data/note.txt')).code).toBe(0);
    expect((await docker('run', '--rm', '-v', 'notes:/data', 'busybox', 'cat', '/data/note.txt')).out).toBe('first\n');
    // Two running containers share it.
    await docker('run', '-d', '--name', 'writer', '--mount', 'type=volume,source=notes,target=/data', 'busybox', 'sh', '-c', 'sleep 1; echo shared > /data/live.txt; sleep 300');
    await expect.poll(async () => (await docker('run', '--rm', '-v', 'notes:/data:ro', 'busybox', 'cat', '/data/live.txt')).out, { timeout: 20_000 }).toBe('shared\n');
    expect((await docker('run', '--rm', '-v', 'notes:/data:ro', 'busybox', 'sh', '-c', 'echo x > /data/nope')).err).toContain('Read-only file system');
    expect((await docker('rm', '-f', 'writer')).code).toBe(0);
  });

  it('shows a host file edited on the host inside the container (bind mount), and --volumes-from', async () => {
    await sh('mkdir -p /root/site && echo "<h1>v1</h1>" > /root/site/index.html');
    await docker('run', '-d', '--name', 'site', '-v', '/root/site:/usr/share/nginx/html:ro', 'busybox', 'sleep', '300');
    expect((await docker('exec', 'site', 'cat', '/usr/share/nginx/html/index.html')).out).toBe('<h1>v1</h1>\n');
    await sh('echo "<h1>v2</h1>" > /root/site/index.html');
    expect((await docker('exec', 'site', 'cat', '/usr/share/nginx/html/index.html')).out).toBe('<h1>v2</h1>\n');
    expect((await docker('run', '--rm', '--volumes-from', 'site', 'busybox', 'cat', '/usr/share/nginx/html/index.html')).out).toBe('<h1>v2</h1>\n');
    const mounts = (await docker('inspect', '-f', '{{json .Mounts}}', 'site')).out;
    expect(JSON.parse(mounts)).toEqual([{ Type: 'bind', Source: '/root/site', Destination: '/usr/share/nginx/html', Mode: 'ro', RW: false, Propagation: 'rprivate' }]);
    await docker('rm', '-f', 'site');
  });

  it('gives a new volume the image\'s files, and VOLUME in an image an anonymous volume', async () => {
    expect((await docker('run', '--rm', '-v', 'html:/usr/share/nginx/html', 'nginx', 'ls', '/usr/share/nginx/html')).out).toContain('index.html');
    expect((await docker('run', '--rm', '-v', 'html:/x', 'busybox', 'ls', '/x')).out).toContain('index.html');
    await sh(`mkdir -p /root/vol && printf 'FROM busybox\\nRUN mkdir /state && echo seeded > /state/seed\\nVOLUME /state\\n' > /root/vol/Dockerfile`);
    expect((await docker('build', '-q', '-t', 'withvolume', '/root/vol')).code).toBe(0);
    await docker('run', '--name', 'anon', 'withvolume', 'sh', '-c', 'cat /state/seed; echo more > /state/more');
    const name = (await docker('inspect', '-f', '{{json .Mounts}}', 'anon')).out;
    const volume = (JSON.parse(name) as Array<{ Name: string; Destination: string }>)[0]!;
    expect(volume.Destination).toBe('/state');
    expect((await docker('volume', 'ls', '-q')).out).toContain(volume.Name);
    expect((await docker('logs', 'anon')).out).toBe('seeded\n');
    await docker('rm', '-v', 'anon');
    expect((await docker('volume', 'ls', '-q')).out).not.toContain(volume.Name);
  });

  it('mounts a tmpfs that is empty each time and never reaches the image', async () => {
    const r = await docker('run', '--rm', '--tmpfs', '/scratch:size=1m', 'busybox', 'sh', '-c', 'echo hi > /scratch/f && grep " /scratch " /proc/mounts');
    expect(r.out).toMatch(/^tmpfs \/scratch tmpfs rw,nosuid,nodev.*size=1024k/);
    expect((await docker('run', '--rm', '--mount', 'type=tmpfs,target=/scratch', 'busybox', 'ls', '-A', '/scratch')).out).toBe('');
  });

  it('binds a single file, copies into a volume with docker cp, and resolves ./ binds', async () => {
    await sh('mkdir -p /root/conf && echo "server_tokens off;" > /root/conf/extra.conf');
    expect((await docker('run', '--rm', '-v', '/root/conf/extra.conf:/etc/extra.conf:ro', 'busybox', 'cat', '/etc/extra.conf')).out).toBe('server_tokens off;\n');
    const rel = await guest.agent.exec(['docker', 'run', '--rm', '-v', './conf:/c', 'busybox', 'ls', '/c'], { cwd: '/root' });
    expect(decoder.decode(rel.stdout)).toBe('extra.conf\n');
    await docker('run', '-d', '--name', 'holder', '-v', 'cpvol:/data', 'busybox', 'sleep', '300');
    expect((await docker('cp', '/root/conf/extra.conf', 'holder:/data/copied.conf')).code).toBe(0);
    expect((await docker('exec', 'holder', 'cat', '/data/copied.conf')).out).toBe('server_tokens off;\n');
    expect((await docker('diff', 'holder')).out).not.toContain('copied.conf');
    await docker('rm', '-f', 'holder');
    // --rm takes the anonymous volume with it before docker run returns.
    const before = (await docker('volume', 'ls', '-q')).out;
    await docker('run', '--rm', '-v', '/anon', 'busybox', 'true');
    expect((await docker('volume', 'ls', '-q')).out).toBe(before);
  });
});
