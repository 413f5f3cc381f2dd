// The Engine API over HTTP on the guest's /var/run/docker.sock, in the real guest: raw HTTP from
// a container that has the socket mounted (the Docker-out-of-Docker pattern), and Debian's own
// docker CLI (docker.io:i386, put on the 9p share by the test) driving the daemon unmodified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import type { Engine } from '../../web/src/engine/engine';
import { attachEngine, bootGuest } from '../../tools/node-host';
import { debianDockerCli } from '../../tools/debian-docker-cli';

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

/** One shell word: what the shell in the container is to read, unchanged by the lab's shell. */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

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

  it('is reached by curl from the lab\'s shell, and the API panel names curl as the client', async () => {
    const from = engine.daemon.apiLog.length;
    const list = await sh('curl -s --unix-socket /var/run/docker.sock http://localhost/v1.43/containers/json');
    expect(list.code, list.err).toBe(0);
    const names = (JSON.parse(list.out) as Array<{ Names: string[]; State: string }>).map((c) => `${c.Names[0]} ${c.State}`);
    expect(names).toContain('/api-web running');
    // A container made and started over HTTP is the lab's like any other.
    const created = await sh(`curl -s --unix-socket /var/run/docker.sock -H 'Content-Type: application/json' -d '{"Image":"busybox","Cmd":["echo","hi from curl"]}' 'http://localhost/v1.43/containers/create?name=from-curl'`);
    expect(JSON.parse(created.out)).toMatchObject({ Id: expect.stringMatching(/^[0-9a-f]{64}$/), Warnings: [] });
    const started = await sh('curl -s -o /dev/null -w "%{http_code}" -X POST --unix-socket /var/run/docker.sock http://localhost/v1.43/containers/from-curl/start');
    expect(started.out).toBe('204');
    const waited = await sh('curl -s -X POST --unix-socket /var/run/docker.sock http://localhost/v1.43/containers/from-curl/wait');
    expect(JSON.parse(waited.out)).toMatchObject({ StatusCode: 0 });
    expect((await sh('docker logs from-curl')).out).toBe('hi from curl\n');
    const missing = await sh('curl -s -w " %{http_code}" --unix-socket /var/run/docker.sock http://localhost/v1.43/containers/nothing/json');
    expect(missing.out).toBe('{"message":"No such container: nothing"}\n 404');
    // The panel shows each request as it came, query and all.
    const calls = engine.daemon.apiLog.slice(from).filter((e) => e.client?.startsWith('curl/'));
    expect(calls.map((e) => `${e.method} ${e.path.split('?')[0]} ${e.status}`)).toEqual(expect.arrayContaining(['GET /containers/json 200', 'POST /containers/create 201', 'POST /containers/from-curl/start 204']));
    expect((await sh('docker rm from-curl')).code).toBe(0);
  }, 300_000);

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

  it('serves Debian\'s docker CLI unmodified: version, ps, run -d/-i/-it, logs -f, exec, build, push, pull, images, networks, volumes', async () => {
    const shared = await guest.writeSharedFile('debian-docker', debianDockerCli());
    // One container holds the CLI (the Docker-out-of-Docker pattern); each command is an exec in it.
    const made = await sh(`chmod 755 ${shared} && docker run -d --name debian-cli -v /var/run/docker.sock:/var/run/docker.sock -v ${shared}:/usr/local/bin/docker debian:bookworm-slim sleep infinity`);
    expect(made.code, made.err).toBe(0);
    const debian = (args: string, stdin = '') => sh(`${stdin ? `${stdin} | docker exec -i` : 'docker exec'} debian-cli sh -c ${quoted(`docker ${args}`)}`, 600_000);
    const version = await debian('version');
    expect(version.code, version.err).toBe(0);
    expect(version.out).toMatch(/^Client:\n Version:\s+20\.10\.24\+dfsg1\n API version:\s+1\.41\n/);
    expect(version.out).toMatch(/Server:[\s\S]*Engine:\n\s+Version:\s+27\.0\.0-drydock\n\s+API version:\s+1\.46 \(minimum version 1\.24\)\n/);
    const ps = await debian('ps');
    expect(ps.code, ps.err).toBe(0);
    expect(ps.out.split('\n')[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(ps.out).toMatch(/ api-web\n/);

    // run -d: the client waits for the wait's head before it starts the container.
    const detached = await debian('run -d --name counter busybox sh -c "for i in 1 2 3; do echo line \\$i; sleep 1; done"');
    expect(detached.code, detached.err).toBe(0);
    expect(detached.out).toMatch(/^[0-9a-f]{64}\n$/);
    const follow = await debian('logs -f counter');
    expect(follow).toMatchObject({ code: 0, out: 'line 1\nline 2\nline 3\n' });
    expect(await debian('run --rm busybox echo removed after')).toMatchObject({ code: 0, out: 'removed after\n' });
    expect((await sh('docker ps -a --format "{{.Image}} {{.Command}}"')).out).not.toContain('echo removed after');
    expect(await debian('exec api-web sh -c "echo from exec; exit 4"')).toMatchObject({ code: 4, out: 'from exec\n' });
    // run -i with piped stdin, sent (and closed) before the container has started.
    expect(await debian('run -i --rm busybox sh', "printf 'echo from stdin; exit 3\\n'")).toMatchObject({ code: 3, out: 'from stdin\n' });
    // run -it in a terminal (script gives the CLI one): the size reaches the container.
    const tty = await sh(`(sleep 8; printf 'stty size; echo tty-$((6*7)); exit 5\\r'; sleep 6) | docker exec -i debian-cli script -q -e -c "docker run -it --rm busybox sh" /dev/null`, 600_000);
    expect(tty.code, tty.out + tty.err).toBe(5);
    expect(tty.out).toMatch(/\n24 80\r?\n/);
    expect(tty.out).toContain('tty-42');

    // build (the legacy builder's context upload), then push and pull through the lab's registry.
    const dockerfile = 'FROM busybox\\nRUN echo built > /built.txt\\nCMD [\\"cat\\", \\"/built.txt\\"]\\n';
    expect((await sh(`docker exec debian-cli sh -c 'mkdir -p /app && printf "${dockerfile}" > /app/Dockerfile'`)).code).toBe(0);
    const build = await debian('build -t alice/cli-app:1.0 /app');
    expect(build.code, build.err).toBe(0);
    expect(build.out.split('\n').filter((l) => l.startsWith('Step '))).toEqual(['Step 1/3 : FROM busybox', 'Step 2/3 : RUN echo built > /built.txt', 'Step 3/3 : CMD ["cat", "/built.txt"]']);
    expect(build.out).toMatch(/\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged alice\/cli-app:1\.0\n$/);
    expect(await debian('run --rm alice/cli-app:1.0')).toMatchObject({ code: 0, out: 'built\n' });
    expect((await debian('login -u alice -p secret')).out).toContain('Login Succeeded');
    const push = await debian('push alice/cli-app:1.0');
    expect(push.code, push.err).toBe(0);
    expect(push.out).toMatch(/^The push refers to repository \[docker\.io\/alice\/cli-app\]\n[\s\S]*1\.0: digest: sha256:[0-9a-f]{64} size: \d+\n$/);
    expect((await debian('rmi alice/cli-app:1.0')).code).toBe(0);
    const pull = await debian('pull alice/cli-app:1.0');
    expect(pull.code, pull.err).toBe(0);
    expect(pull.out).toMatch(/Status: Downloaded newer image for alice\/cli-app:1\.0\ndocker\.io\/alice\/cli-app:1\.0\n$/);
    const images = await debian('images --format "{{.Repository}}:{{.Tag}}"');
    expect(images.out.split('\n')).toEqual(expect.arrayContaining(['alice/cli-app:1.0', 'busybox:latest', 'debian:bookworm-slim']));

    // networks and volumes, seen by the lab's own client too.
    expect((await debian('network create cli-net')).out).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await sh('docker network ls --format "{{.Name}} {{.Driver}}"')).out).toContain('cli-net bridge\n');
    expect((await debian('volume create cli-vol')).out).toBe('cli-vol\n');
    const volumes = await debian('volume ls');
    expect(volumes.out).toMatch(/^DRIVER\s+VOLUME NAME\n[\s\S]*local\s+cli-vol\n/);
  }, 1_200_000);
});
