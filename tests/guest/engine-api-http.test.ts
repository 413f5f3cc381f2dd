// The Engine API over HTTP on the guest's /var/run/docker.sock, in the real guest: raw HTTP from
// a container that has the socket mounted (the Docker-out-of-Docker pattern), and Debian's own
// docker CLI (docker.io:i386, put on the 9p share by the test) driving the daemon unmodified.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import type { Engine } from '../../web/src/engine/engine';
import { attachEngine, bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
let engine: Engine;
const decoder = new TextDecoder();
async function sh(command: string, timeoutMs = 300_000) {
  const r = await guest.agent.exec(['sh', '-c', command], { timeoutMs, cwd: '/root' });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}

/** A raw HTTP/1.1 request over the socket from inside a container; prints the whole answer. */
const RAW_HTTP = `import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect('/var/run/docker.sock')
s.sendall(('GET %s HTTP/1.1\\r\\nHost: docker\\r\\nConnection: close\\r\\n\\r\\n' % sys.argv[1]).encode())
data = b''
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode())
`;

/** Debian's docker CLI (docker.io:i386), downloaded once into .build/docker-cli. */
function debianDockerCli(): Uint8Array {
  const dir = join(import.meta.dirname, '..', '..', '.build', 'docker-cli');
  mkdirSync(dir, { recursive: true });
  if (!readdirSync(dir).some((f) => f.endsWith('_i386.deb'))) execFileSync('apt-get', ['download', '-q', 'docker.io:i386'], { cwd: dir, stdio: 'ignore' });
  const deb = readdirSync(dir).find((f) => f.endsWith('_i386.deb'))!;
  const binary = join(dir, 'usr', 'bin', 'docker');
  if (!existsSync(binary)) execFileSync('dpkg-deb', ['-x', deb, '.'], { cwd: dir });
  return readFileSync(binary);
}

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => {
    engine = attachEngine(machine);
  });
}, 120_000);
afterAll(async () => {
  await guest?.destroy();
});

describe('the Engine API on /var/run/docker.sock', () => {
  it('is a real socket, and the thin docker client still works beside it', async () => {
    expect((await sh('[ -S /var/run/docker.sock ] && [ -S /run/docker.sock ] && echo socket')).out).toBe('socket\n');
    expect((await sh('docker run -d --name api-web busybox sleep 600')).code).toBe(0);
    expect((await sh('docker ps --format "{{.Names}}"')).out).toBe('api-web\n');
  });

  it('answers GET /v1.43/containers/json with the Engine API\'s JSON, to a container that mounts the socket', async () => {
    await sh(`cat > /root/raw-http.py <<'EOF'\n${RAW_HTTP}EOF`);
    const from = engine.daemon.apiLog.length;
    const r = await sh('docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v /root/raw-http.py:/raw-http.py python:3-slim python3 /raw-http.py /v1.43/containers/json');
    expect(r.code, r.err).toBe(0);
    const [head, body] = r.out.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('Content-Type: application/json\r\n');
    expect(head).toContain('Api-Version: 1.46\r\n');
    const list = JSON.parse(body) as Array<Record<string, unknown>>;
    // The container making the request is running too: both are listed, newest first.
    const web = list.find((c) => (c.Names as string[])[0] === '/api-web')!;
    expect(web).toMatchObject({ Image: 'busybox', Command: 'sleep 600', State: 'running', HostConfig: { NetworkMode: 'bridge' } });
    expect(web.Status).toMatch(/^Up /);
    expect(Object.keys(web)).toEqual(expect.arrayContaining(['Id', 'Names', 'Image', 'ImageID', 'Command', 'Created', 'Ports', 'Labels', 'State', 'Status', 'HostConfig', 'NetworkSettings', 'Mounts']));
    expect(list.some((c) => c.Image === 'python:3-slim' && c.State === 'running')).toBe(true);
    // The API panel shows the request that came over the socket.
    expect(engine.daemon.apiLog.slice(from).map((e) => `${e.method} ${e.path} ${e.status}`)).toContain('GET /containers/json 200');
    const missing = await sh('docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v /root/raw-http.py:/raw-http.py python:3-slim python3 /raw-http.py /v1.43/nothing');
    expect(missing.out).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*\r\n\r\n\{"message":"page not found"\}\n$/);
  }, 600_000);

  it('serves Debian\'s docker CLI unmodified: version, ps', async () => {
    const shared = await guest.writeSharedFile('debian-docker', debianDockerCli());
    expect((await sh(`chmod 755 ${shared} && echo ok`)).out).toBe('ok\n');
    const debian = (args: string) =>
      sh(`docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v ${shared}:/usr/local/bin/docker debian:bookworm-slim docker ${args}`, 600_000);
    const version = await debian('version');
    expect(version.code, version.err).toBe(0);
    expect(version.out).toMatch(/^Client:\n Version:\s+20\.10\.24\+dfsg1\n API version:\s+1\.41\n/);
    expect(version.out).toMatch(/Server:[\s\S]*Engine:\n\s+Version:\s+27\.0\.0-drydock\n\s+API version:\s+1\.46 \(minimum version 1\.24\)\n/);
    const ps = await debian('ps');
    expect(ps.code, ps.err).toBe(0);
    expect(ps.out.split('\n')[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(ps.out).toMatch(/ api-web\n/);
    // run --rm, images, volume ls and network create through this CLI: not yet checked here.
  }, 900_000);
});
