// The Engine API over HTTP (web/src/engine/api-server/), driven with raw bytes as a Docker
// client sends them over /var/run/docker.sock, on the in-memory runtime: status codes, the
// API reference's field names, stream formats, hijacking, pipelining, clients that go away.
import { beforeAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';
import { RawClient, demux, request, type RawResponse } from '../support/raw-http';
import { createTar } from '../../web/src/engine/formats/tar';

let daemon: Daemon;
beforeAll(async () => {
  daemon = new Daemon(new MemoryRuntime(), new FsRegistrySource());
  await daemon.imageCreate('busybox', () => {});
});

/** One request on a fresh connection, and its answer. */
async function call(method: string, path: string, options: Parameters<typeof request>[2] = {}): Promise<RawResponse> {
  const client = new RawClient(daemon);
  client.send(request(method, path, options));
  return client.response();
}
const body = (r: RawResponse) => JSON.parse(r.text) as Record<string, unknown>;
const lines = (r: RawResponse) => r.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

async function runToExit(name: string, config: Record<string, unknown>): Promise<string> {
  const created = await call('POST', `/v1.43/containers/create?name=${name}`, { body: { Image: 'busybox', ...config } });
  expect(created.status).toBe(201);
  const { Id } = body(created) as { Id: string };
  const waiting = new RawClient(daemon);
  waiting.send(request('POST', `/v1.43/containers/${Id}/wait?condition=next-exit`));
  await waiting.until(() => waiting.text.includes('\r\n\r\n'), 'the wait\'s head before the start');
  expect((await call('POST', `/v1.43/containers/${Id}/start`)).status).toBe(204);
  expect(body(await waiting.response())).toEqual({ StatusCode: 0, Error: null });
  return Id;
}

describe('the API over HTTP', () => {
  it('answers /_ping with dockerd\'s headers, and HEAD without a body', async () => {
    const r = await call('GET', '/_ping');
    expect(r.status).toBe(200);
    expect(r.text).toBe('OK');
    expect(r.headers.get('api-version')).toBe('1.46');
    expect(r.headers.get('ostype')).toBe('linux');
    expect(r.headers.get('docker-experimental')).toBe('false');
    expect(r.headers.get('server')).toMatch(/^Docker\/\S+ \(linux\)$/);
    const head = new RawClient(daemon);
    head.send(request('HEAD', '/_ping'));
    const h = await head.response();
    expect(h.status).toBe(200);
    expect(h.body.length).toBe(0);
    expect(h.headers.get('api-version')).toBe('1.46');
  });

  it('checks the version in the path: too old and too new are 400 with dockerd\'s message; 1.41 (Docker 20.10) is served', async () => {
    const old = await call('GET', '/v1.12/version');
    expect(old.status).toBe(400);
    expect(body(old)).toEqual({ message: 'client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version' });
    const tooNew = await call('GET', '/v1.99/version');
    expect(tooNew.status).toBe(400);
    expect(body(tooNew).message).toBe('client version 1.99 is too new. Maximum supported API version is 1.46');
    const v = await call('GET', '/v1.41/version');
    expect(v.status).toBe(200);
    const version = body(v);
    expect(Object.keys(version)).toEqual(expect.arrayContaining(['Platform', 'Components', 'Version', 'ApiVersion', 'MinAPIVersion', 'GitCommit', 'GoVersion', 'Os', 'Arch', 'KernelVersion', 'BuildTime']));
    expect(version.ApiVersion).toBe('1.46');
    expect(Number((version.MinAPIVersion as string).split('.')[1])).toBeLessThanOrEqual(41);
    expect(v.headers.get('content-type')).toBe('application/json');
  });

  it('answers unknown paths and wrong methods with 404 page not found, as dockerd\'s router does', async () => {
    for (const [method, path] of [['GET', '/v1.43/nothing/here'], ['GET', '/nope'], ['PUT', '/v1.43/containers/json'], ['GET', '/v1.43/containers/create'], ['PATCH', '/_ping']] as const) {
      const r = await call(method, path);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(body(r)).toEqual({ message: 'page not found' });
    }
  });

  it('lists, creates and inspects containers in the Engine API\'s shapes', async () => {
    const id = await runToExit('shapes', { Cmd: ['echo', 'hello'], Labels: { app: 'demo' }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, RestartPolicy: { Name: 'no' } } });
    const list = await call('GET', '/v1.43/containers/json?all=1');
    expect(list.status).toBe(200);
    const found = (JSON.parse(list.text) as Array<Record<string, unknown>>).find((c) => c.Id === id)!;
    expect(Object.keys(found).sort()).toEqual(['Command', 'Created', 'HostConfig', 'Id', 'Image', 'ImageID', 'Labels', 'Mounts', 'Names', 'NetworkSettings', 'Ports', 'State', 'Status'].sort());
    expect(found).toMatchObject({ Names: ['/shapes'], Image: 'busybox', Command: 'echo hello', State: 'exited', Labels: { app: 'demo' }, HostConfig: { NetworkMode: 'bridge' } });
    expect(found.Status).toMatch(/^Exited \(0\) /);
    expect(typeof found.Created).toBe('number');
    // Only running containers without all=1; a filter as the CLI sends it.
    expect((JSON.parse((await call('GET', '/v1.43/containers/json')).text) as unknown[]).some((c) => (c as { Id: string }).Id === id)).toBe(false);
    const filtered = await call('GET', `/v1.43/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ name: ['shapes'] }))}`);
    expect((JSON.parse(filtered.text) as Array<{ Id: string }>).map((c) => c.Id)).toEqual([id]);
    const inspect = await call('GET', '/v1.43/containers/shapes/json');
    expect(inspect.status).toBe(200);
    const c = body(inspect);
    expect(c).toMatchObject({ Id: id, Name: '/shapes', Config: { Cmd: ['echo', 'hello'], Image: 'busybox' }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } });
    expect(Object.keys(c.State as object)).toEqual(expect.arrayContaining(['Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt']));
    const missing = await call('GET', '/v1.43/containers/nosuch/json');
    expect(missing.status).toBe(404);
    expect(body(missing)).toEqual({ message: 'No such container: nosuch' });
  });

  it('gives the daemon\'s status codes and messages: a name in use is 409, bad JSON is 400, a second start 304', async () => {
    await call('POST', '/v1.43/containers/create?name=taken', { body: { Image: 'busybox', Cmd: ['sleep', '5'] } });
    const conflict = await call('POST', '/v1.43/containers/create?name=taken', { body: { Image: 'busybox' } });
    expect(conflict.status).toBe(409);
    expect(body(conflict).message).toMatch(/^Conflict\. The container name "\/taken" is already in use by container "[0-9a-f]{64}"/);
    const bad = await call('POST', '/v1.43/containers/create', { raw: '{"Image": ', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(body(bad).message).toMatch(/^invalid JSON: /);
    const empty = await call('POST', '/v1.43/containers/create', { raw: '' });
    expect(empty.status).toBe(400);
    expect(body(empty).message).toBe('invalid JSON: got EOF while reading request body');
    const noImage = await call('POST', '/v1.43/containers/create', { body: { Image: 'nosuchimage' } });
    expect(noImage.status).toBe(404);
    expect(body(noImage).message).toBe('No such image: nosuchimage:latest');
    expect((await call('POST', '/v1.43/containers/taken/start')).status).toBe(204);
    expect((await call('POST', '/v1.43/containers/taken/start')).status).toBe(304);
    const busy = await call('DELETE', '/v1.43/containers/taken');
    expect(busy.status).toBe(409);
    expect((await call('POST', '/v1.43/containers/taken/kill?signal=SIGKILL')).status).toBe(204);
    expect((await call('DELETE', '/v1.43/containers/taken?force=1')).status).toBe(204);
    expect((await call('GET', '/v1.43/containers/taken/json')).status).toBe(404);
  });

  it('streams logs in the multiplexed format without a TTY, raw with one, timestamps on request', async () => {
    await runToExit('logs-mux', { Cmd: ['echo', 'hello'] });
    const logs = await call('GET', '/v1.43/containers/logs-mux/logs?stdout=1&stderr=1');
    expect(logs.status).toBe(200);
    expect(logs.headers.get('content-type')).toBe('application/vnd.docker.multiplexed-stream');
    expect([...logs.body.slice(0, 8)]).toEqual([1, 0, 0, 0, 0, 0, 0, 6]);
    expect(demux(logs.body)).toEqual([[1, 'hello\n']]);
    const stamped = await call('GET', '/v1.43/containers/logs-mux/logs?stdout=1&timestamps=1');
    expect(demux(stamped.body)[0]![1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z hello\n$/);
    await runToExit('logs-tty', { Cmd: ['echo', 'typed'], Tty: true });
    const raw = await call('GET', '/v1.43/containers/logs-tty/logs?stdout=1');
    expect(raw.headers.get('content-type')).toBe('application/vnd.docker.raw-stream');
    expect(raw.text).toBe('typed\n');
    const none = await call('GET', '/v1.43/containers/logs-tty/logs');
    expect(none.status).toBe(400);
    expect(body(none).message).toBe('Bad parameters: you must choose at least one stream');
  });

  it('follows logs until the container exits (the chunked stream then ends)', async () => {
    const created = body(await call('POST', '/v1.43/containers/create?name=follow', { body: { Image: 'busybox', Cmd: ['sh', '-c', 'echo one; sleep 0.05; echo two'] } })) as { Id: string };
    await call('POST', `/v1.43/containers/${created.Id}/start`);
    const client = new RawClient(daemon);
    client.send(request('GET', '/v1.43/containers/follow/logs?stdout=1&follow=1'));
    const r = await client.response();
    expect(r.headers.get('transfer-encoding')).toBe('chunked');
    expect(demux(r.body).map(([, t]) => t).join('')).toBe('one\ntwo\n');
  });

  it('hijacks attach with Upgrade: tcp (101 UPGRADED), streams output framed and closes when the container exits', async () => {
    const { Id } = body(await call('POST', '/v1.43/containers/create?name=attached', { body: { Image: 'busybox', Cmd: ['echo', 'through the socket'], AttachStdout: true } })) as { Id: string };
    const client = new RawClient(daemon);
    client.send(request('POST', `/v1.43/containers/${Id}/attach?stream=1&stdout=1&stderr=1`, { headers: { Connection: 'Upgrade', Upgrade: 'tcp' } }));
    await client.until(() => client.text.includes('\r\n\r\n'), 'the 101 head');
    expect(client.text).toMatch(/^HTTP\/1\.1 101 UPGRADED\r\n/);
    expect(client.text).toContain('Content-Type: application/vnd.docker.multiplexed-stream\r\n');
    expect(client.text).toContain('Upgrade: tcp\r\n');
    const headEnd = client.text.indexOf('\r\n\r\n') + 4;
    expect((await call('POST', `/v1.43/containers/${Id}/start`)).status).toBe(204);
    await client.until(() => client.serverClosed, 'the stream to close');
    expect(demux(client.bytes.slice(headEnd))).toEqual([[1, 'through the socket\n']]);
    const stopped = await call('POST', `/v1.43/containers/${Id}/attach?stream=1&stdout=1`, { headers: { Connection: 'Upgrade', Upgrade: 'tcp' } });
    expect(stopped.status).toBe(409);
  });

  it('serves `docker run --rm` as the CLI sends it: attach, wait for the removal, start', async () => {
    const { Id } = body(await call('POST', '/v1.41/containers/create', { body: { Image: 'busybox', Cmd: ['echo', 'bye'], AttachStdout: true, AttachStderr: true, HostConfig: { AutoRemove: true } } })) as { Id: string };
    const attached = new RawClient(daemon);
    attached.send(request('POST', `/v1.41/containers/${Id}/attach?stream=1&stdout=1&stderr=1`, { headers: { Connection: 'Upgrade', Upgrade: 'tcp' } }));
    await attached.until(() => attached.text.includes('\r\n\r\n'), 'the 101 head');
    const waiting = new RawClient(daemon);
    waiting.send(request('POST', `/v1.41/containers/${Id}/wait?condition=removed`));
    // Docker's client reads the wait's head before it sends start: the head comes at once.
    await waiting.until(() => waiting.text.startsWith('HTTP/1.1 200 OK\r\n') && waiting.text.includes('\r\n\r\n'), 'the wait\'s head before the start');
    expect((await call('POST', `/v1.41/containers/${Id}/start`)).status).toBe(204);
    const waited = await waiting.response();
    expect(body(waited)).toEqual({ StatusCode: 0, Error: null });
    expect(daemon.containers.find(Id)).toBeUndefined();
    await attached.until(() => attached.serverClosed, 'the attach stream to end');
    expect(demux(attached.bytes.slice(attached.text.indexOf('\r\n\r\n') + 4))).toEqual([[1, 'bye\n']]);
  });

  it('runs an exec: create (201), start hijacked, then its exit code in /exec/{id}/json', async () => {
    await call('POST', '/v1.43/containers/create?name=exec-host', { body: { Image: 'busybox', Cmd: ['sleep', '5'] } });
    await call('POST', '/v1.43/containers/exec-host/start');
    const made = await call('POST', '/v1.43/containers/exec-host/exec', { body: { Cmd: ['echo', 'from exec'], AttachStdout: true, AttachStderr: true } });
    expect(made.status).toBe(201);
    const { Id } = body(made) as { Id: string };
    expect(Id).toMatch(/^[0-9a-f]{64}$/);
    const client = new RawClient(daemon);
    client.send(request('POST', `/v1.43/exec/${Id}/start`, { body: { Detach: false, Tty: false }, headers: { Connection: 'Upgrade', Upgrade: 'tcp' } }));
    await client.until(() => client.serverClosed, 'the exec stream to end');
    const headEnd = client.text.indexOf('\r\n\r\n') + 4;
    expect(client.text).toMatch(/^HTTP\/1\.1 101 UPGRADED\r\n/);
    expect(demux(client.bytes.slice(headEnd))).toEqual([[1, 'from exec\n']]);
    expect(body(await call('GET', `/v1.43/exec/${Id}/json`))).toMatchObject({ ID: Id, Running: false, ExitCode: 0, ProcessConfig: { entrypoint: 'echo', arguments: ['from exec'] } });
    expect((await call('GET', '/v1.43/exec/nosuch/json')).status).toBe(404);
    await call('DELETE', '/v1.43/containers/exec-host?force=1');
  });

  it('pulls with a JSON progress stream; an unknown repository is a plain 404 before any progress', async () => {
    const r = await call('POST', '/v1.43/images/create?fromImage=hello-world&tag=latest');
    expect(r.status).toBe(200);
    const progress = lines(r);
    expect(progress[0]).toEqual({ status: 'Pulling from library/hello-world', id: 'latest' });
    expect(progress.at(-2)!.status).toMatch(/^Digest: sha256:[0-9a-f]{64}$/);
    expect(progress.at(-1)).toEqual({ status: 'Status: Downloaded newer image for hello-world:latest' });
    const missing = await call('POST', '/v1.43/images/create?fromImage=nosuchrepo&tag=latest');
    expect(missing.status).toBe(404);
    expect(body(missing).message).toMatch(/^pull access denied for nosuchrepo, repository does not exist/);
  });

  it('lists, tags, inspects and removes images', async () => {
    const list = JSON.parse((await call('GET', '/v1.43/images/json')).text) as Array<Record<string, unknown>>;
    const busybox = list.find((i) => (i.RepoTags as string[]).includes('busybox:latest'))!;
    expect(Object.keys(busybox)).toEqual(expect.arrayContaining(['Id', 'ParentId', 'RepoTags', 'RepoDigests', 'Created', 'Size', 'SharedSize', 'Labels', 'Containers']));
    expect((await call('POST', '/v1.43/images/busybox/tag?repo=me/box&tag=v1')).status).toBe(201);
    const inspect = body(await call('GET', '/v1.43/images/me/box:v1/json'));
    expect(inspect.Id).toBe(busybox.Id);
    expect(inspect.RepoTags).toContain('me/box:v1');
    const removed = await call('DELETE', '/v1.43/images/me/box:v1');
    expect(removed.status).toBe(200);
    expect(JSON.parse(removed.text)).toEqual([{ Untagged: 'me/box:v1' }]);
    expect((await call('GET', '/v1.43/images/me/box:v1/json')).status).toBe(404);
  });

  it('manages volumes and networks with dockerd\'s status codes', async () => {
    const vol = await call('POST', '/v1.43/volumes/create', { body: { Name: 'data' } });
    expect(vol.status).toBe(201);
    expect(body(vol)).toMatchObject({ Name: 'data', Driver: 'local', Scope: 'local' });
    expect(body(vol)).not.toHaveProperty('anonymous');
    const vols = body(await call('GET', '/v1.43/volumes'));
    expect((vols.Volumes as Array<{ Name: string }>).map((v) => v.Name)).toContain('data');
    expect(vols).toHaveProperty('Warnings');
    expect((await call('DELETE', '/v1.43/volumes/data')).status).toBe(204);
    expect((await call('DELETE', '/v1.43/volumes/data')).status).toBe(404);
    const net = await call('POST', '/v1.43/networks/create', { body: { Name: 'backend', Driver: 'bridge' } });
    expect(net.status).toBe(201);
    expect(body(net)).toEqual({ Id: expect.stringMatching(/^[0-9a-f]{64}$/), Warning: '' });
    const nets = JSON.parse((await call('GET', '/v1.43/networks')).text) as Array<Record<string, unknown>>;
    expect(nets.map((n) => n.Name)).toEqual(expect.arrayContaining(['bridge', 'host', 'none', 'backend']));
    expect(nets[0]).not.toHaveProperty('bridge');
    const builtin = await call('DELETE', '/v1.43/networks/bridge');
    expect(builtin.status).toBe(403);
    expect(body(builtin).message).toBe('bridge is a pre-defined network and cannot be removed');
    expect((await call('DELETE', '/v1.43/networks/backend')).status).toBe(204);
  });

  it('takes a chunked request body', async () => {
    const json = JSON.stringify({ Name: 'chunky' });
    const client = new RawClient(daemon);
    client.send(`POST /v1.43/volumes/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    client.send(`${(5).toString(16)}\r\n${json.slice(0, 5)}\r\n`);
    client.send(`${(json.length - 5).toString(16)}\r\n${json.slice(5)}\r\n0\r\n\r\n`);
    const r = await client.response();
    expect(r.status).toBe(201);
    expect(body(r).Name).toBe('chunky');
  });

  it('answers pipelined requests in order on one connection, split anywhere', async () => {
    const client = new RawClient(daemon);
    const all = new Uint8Array([...request('GET', '/_ping'), ...request('GET', '/v1.43/version'), ...request('GET', '/v1.43/volumes')]);
    for (let i = 0; i < all.length; i += 7) client.send(all.slice(i, i + 7));
    const first = await client.response();
    const second = await client.response();
    const third = await client.response();
    expect([first.text, body(second).ApiVersion, Object.keys(body(third))]).toEqual(['OK', '1.46', ['Volumes', 'Warnings']]);
    expect(client.serverClosed).toBe(false);
    client.send(request('GET', '/_ping', { headers: { Connection: 'close' } }));
    expect((await client.response()).status).toBe(200);
    await client.until(() => client.serverClosed, 'Connection: close to close');
  });

  it('builds a context as the classic builder reports it: every instruction a numbered step', async () => {
    const dockerfile = 'FROM busybox\nENV GREETING=hi\nRUN echo "$GREETING" > /g.txt\nCMD ["cat", "/g.txt"]\n';
    const context = createTar([{ type: 'file', path: 'Dockerfile', data: new TextEncoder().encode(dockerfile), mode: 0o644, uid: 0, gid: 0 }]);
    const r = await call('POST', '/v1.41/build?t=classic%3A1&dockerfile=Dockerfile', { raw: context, headers: { 'Content-Type': 'application/x-tar' } });
    expect(r.status).toBe(200);
    const streamed = lines(r).flatMap((l) => (typeof l.stream === 'string' ? [l.stream] : []));
    expect(streamed.filter((l) => l.startsWith('Step '))).toEqual([
      'Step 1/4 : FROM busybox\n',
      'Step 2/4 : ENV GREETING=hi\n',
      'Step 3/4 : RUN echo "$GREETING" > /g.txt\n',
      'Step 4/4 : CMD ["cat", "/g.txt"]\n',
    ]);
    expect(streamed.at(-1)).toBe('Successfully tagged classic:1\n');
    expect(streamed.indexOf('Step 4/4 : CMD ["cat", "/g.txt"]\n')).toBeLessThan(streamed.findIndex((l) => l.startsWith('Successfully built ')));
  });

  it('answers malformed HTTP as Go does (400, 431) and closes the connection', async () => {
    const garbage = new RawClient(daemon);
    garbage.send('NOT HTTP AT ALL\r\n\r\n');
    const r = await garbage.response();
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(garbage.serverClosed).toBe(true);
    const big = new RawClient(daemon);
    big.send(`GET /_ping HTTP/1.1\r\nHost: docker\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    expect((await big.response()).status).toBe(431);
    const noHost = new RawClient(daemon);
    noHost.send('GET /_ping HTTP/1.1\r\n\r\n');
    const nh = await noHost.response();
    expect(nh.status).toBe(400);
    expect(nh.text).toBe('400 Bad Request: missing required Host header');
  });

  it('streams events (container create, start, die, destroy) and stops when the client hangs up', async () => {
    const client = new RawClient(daemon);
    client.send(request('GET', `/v1.43/events?filters=${encodeURIComponent(JSON.stringify({ type: ['container'] }))}`));
    await client.until(() => client.text.includes('\r\n\r\n'), 'the events head');
    await runToExit('evented', { Cmd: ['true'], HostConfig: { AutoRemove: true } });
    await client.until(() => client.text.includes('"destroy"'), 'the destroy event');
    const events = client.text
      .split('\r\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { Attributes: Record<string, string> }; status: string; id: string; time: number; timeNano: number });
    expect(events.map((e) => e.Action)).toEqual(['create', 'start', 'die', 'destroy']);
    expect(events[2]).toMatchObject({ Type: 'container', status: 'die', Actor: { Attributes: { name: 'evented', exitCode: '0', image: 'busybox' } } });
    const writes = client.writes;
    client.hangUp();
    await runToExit('after-hangup', { Cmd: ['true'], HostConfig: { AutoRemove: true } });
    expect(client.writes).toBe(writes);
  });

  it('forgets a log follower whose client disconnected mid-stream', async () => {
    await call('POST', '/v1.43/containers/create?name=long', { body: { Image: 'busybox', Cmd: ['sleep', '5'] } });
    await call('POST', '/v1.43/containers/long/start');
    const container = daemon.containers.find('long')!;
    const before = container.listeners.size;
    const client = new RawClient(daemon);
    client.send(request('GET', '/v1.43/containers/long/logs?stdout=1&follow=1'));
    await client.until(() => container.listeners.size === before + 1, 'the follower');
    client.hangUp();
    await client.until(() => container.listeners.size === before, 'the follower to go');
    await call('DELETE', '/v1.43/containers/long?force=1');
  });

  it("names each request's client in the API panel by its User-Agent, also when two clients' requests overlap", async () => {
    const from = daemon.apiLog.length;
    const curl = { headers: { 'User-Agent': 'curl/7.88.1' } };
    const cli = { headers: { 'User-Agent': 'Docker-Client/20.10.24+dfsg1 (linux)' } };
    expect((await call('GET', '/v1.43/_ping', curl)).status).toBe(200);
    const created = await call('POST', '/v1.43/volumes/create', { body: { Name: 'ua-vol' }, ...curl });
    expect(created.status).toBe(201);
    // Started together: each connection's endpoints are logged as its own client's.
    await Promise.all([
      call('GET', '/v1.43/containers/json?all=1', curl),
      call('GET', '/v1.43/images/json', cli),
      call('GET', '/v1.43/volumes', cli),
      call('GET', '/v1.43/networks', curl),
      call('GET', '/v1.43/info', cli),
      call('GET', '/v1.43/version', curl),
    ]);
    expect((await call('DELETE', '/v1.43/volumes/ua-vol', cli)).status).toBe(204);
    expect((await call('GET', '/v1.43/no/such/thing', { headers: {} })).status).toBe(404);
    const seen = Object.fromEntries(daemon.apiLog.slice(from).map((e) => [`${e.method} ${e.path.split('?')[0]}`, e.client]));
    expect(seen).toEqual({
      'GET /v1.43/_ping': 'curl/7.88.1',
      'POST /volumes/create': 'curl/7.88.1',
      'GET /containers/json': 'curl/7.88.1',
      'GET /images/json': 'Docker-Client/20.10.24+dfsg1 (linux)',
      'GET /volumes': 'Docker-Client/20.10.24+dfsg1 (linux)',
      'GET /networks': 'curl/7.88.1',
      'GET /info': 'Docker-Client/20.10.24+dfsg1 (linux)',
      'GET /version': 'curl/7.88.1',
      'DELETE /volumes/ua-vol': 'Docker-Client/20.10.24+dfsg1 (linux)',
      'GET /v1.43/no/such/thing': 'drydock-test',
    });
    // The lab's own docker calls the API in the engine: no client name.
    const direct = daemon.apiLog.length;
    await daemon.version();
    expect(daemon.apiLog.slice(direct).map((e) => e.client)).toEqual([undefined]);
  });

  it('logs every request in the API panel: those the daemon serves once, those it answers itself too', async () => {
    const from = daemon.apiLog.length;
    await call('GET', '/_ping');
    await call('GET', '/v1.43/containers/json?all=1');
    await call('GET', '/v1.43/no/such/route');
    const seen = daemon.apiLog.slice(from).map((e) => `${e.method} ${e.path} ${e.status}`);
    expect(seen).toEqual(['GET /_ping 200', 'GET /containers/json?all=1 200', 'GET /v1.43/no/such/route 404']);
    // A streamed answer (a pull's progress) is one line too, the daemon's, when the pull ends.
    const pullFrom = daemon.apiLog.length;
    expect((await call('POST', '/v1.43/images/create?fromImage=busybox&tag=latest')).status).toBe(200);
    expect(daemon.apiLog.slice(pullFrom).map((e) => `${e.method} ${e.path.split('?')[0]} ${e.status}`)).toEqual(['POST /images/create 200']);
  });

  it('answers stats once with stream=0, in the API\'s shape', async () => {
    await call('POST', '/v1.43/containers/create?name=statted', { body: { Image: 'busybox', Cmd: ['sleep', '5'] } });
    await call('POST', '/v1.43/containers/statted/start');
    const r = await call('GET', '/v1.43/containers/statted/stats?stream=0');
    expect(r.status).toBe(200);
    expect(Object.keys(body(r))).toEqual(expect.arrayContaining(['read', 'preread', 'name', 'id', 'pids_stats', 'cpu_stats', 'precpu_stats', 'memory_stats', 'blkio_stats']));
    expect(body(r).name).toBe('/statted');
    await call('DELETE', '/v1.43/containers/statted?force=1');
  });
});
