// Fuzzing the Engine API server (web/src/engine/api-server/) with seeded requests on the
// in-memory runtime: valid requests for every route, the same mutated, pipelined, split at
// random points, and random bytes. Every connection must be answered (a status line) or
// closed, and nothing may throw out of the server. FUZZ_SEED=<n> replays a run; the seed and
// the count are printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';
import { Random, mutateTimes, randomString } from '../support/fuzz';
import { RawClient, request } from '../support/raw-http';

const SEED = Number(process.env.FUZZ_SEED ?? 20_251_203);
const COUNTS = { valid: 1500, mutated: 5000, pipelined: 1500, structural: 1500, garbage: 1000 };

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const q = (v: unknown) => encodeURIComponent(JSON.stringify(v));

/** One valid request per route family (what the Docker CLI sends), as text. */
const CORPUS: string[] = [
  ['GET', '/_ping'],
  ['HEAD', '/_ping'],
  ['GET', '/v1.41/version'],
  ['GET', '/v1.43/info'],
  ['GET', '/v1.43/containers/json?all=1&limit=3'],
  ['GET', `/v1.43/containers/json?filters=${q({ status: ['exited'], name: ['fz'] })}`],
  ['GET', '/v1.43/containers/fz-exited/json'],
  ['GET', '/v1.43/containers/fz-exited/logs?stdout=1&stderr=1&tail=2&timestamps=1'],
  ['GET', '/v1.43/containers/fz-exited/logs?stdout=1&follow=1'],
  ['POST', '/v1.43/containers/fz-exited/start'],
  ['POST', '/v1.43/containers/fz-exited/stop?t=1'],
  ['POST', '/v1.43/containers/fz-exited/kill?signal=HUP'],
  ['POST', '/v1.43/containers/fz-exited/wait?condition=not-running'],
  ['POST', '/v1.43/containers/fz-exited/rename?name=fz-renamed'],
  ['POST', '/v1.43/containers/fz-exited/resize?h=24&w=80'],
  ['POST', '/v1.43/containers/fz-exited/pause'],
  ['POST', '/v1.43/containers/fz-exited/attach?stream=1&stdout=1'],
  ['GET', '/v1.43/containers/fz-exited/stats?stream=0'],
  ['GET', '/v1.43/containers/fz-exited/top'],
  ['GET', '/v1.43/containers/fz-exited/changes'],
  ['GET', '/v1.43/containers/fz-exited/archive?path=/etc'],
  ['DELETE', '/v1.43/containers/fz-gone?force=1&v=1'],
  ['GET', '/v1.43/images/json'],
  ['GET', '/v1.43/images/busybox/json'],
  ['GET', '/v1.43/images/busybox/history'],
  ['POST', '/v1.43/images/busybox/tag?repo=fz/box&tag=v1'],
  ['DELETE', '/v1.43/images/fz/box:v1'],
  ['GET', '/v1.43/images/search?term=bus&limit=2'],
  ['POST', '/v1.43/images/create?fromImage=nosuch&tag=latest'],
  ['GET', '/v1.43/images/get?names=busybox'],
  ['GET', '/v1.43/volumes'],
  ['DELETE', '/v1.43/volumes/fz-vol'],
  ['GET', '/v1.43/networks'],
  ['GET', '/v1.43/networks/bridge'],
  ['DELETE', '/v1.43/networks/fz-net'],
  ['GET', '/v1.43/system/df'],
  ['GET', `/v1.43/events?since=0&until=${Math.floor(Date.now() / 1000)}`],
  ['GET', '/v1.43/exec/nosuch/json'],
  ['GET', '/v1.12/version'],
  ['GET', '/nothing'],
].map(([m, p]) => latin1(request(m!, p!)))
  .concat([
    latin1(request('POST', '/v1.43/containers/create?name=fz-new', { body: { Image: 'busybox', Cmd: ['echo', 'hi'], Env: ['A=1'], Tty: false, HostConfig: { Binds: ['/tmp:/tmp'], PortBindings: { '80/tcp': [{ HostPort: '8080' }] }, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 }, Mounts: [{ Type: 'tmpfs', Target: '/t' }] }, NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: ['a'] } } } } })),
    latin1(request('POST', '/v1.43/containers/fz-exited/exec', { body: { Cmd: ['echo', 'x'], AttachStdout: true } })),
    latin1(request('POST', '/v1.43/exec/nosuch/start', { body: { Detach: false } })),
    latin1(request('POST', '/v1.43/volumes/create', { body: { Name: 'fz-vol', Labels: { a: 'b' } } })),
    latin1(request('POST', '/v1.43/networks/create', { body: { Name: 'fz-net', Driver: 'bridge', IPAM: { Config: [{ Subnet: '172.30.0.0/16' }] } } })),
    latin1(request('POST', '/v1.43/networks/fz-net/connect', { body: { Container: 'fz-exited' } })),
    latin1(request('POST', '/v1.43/auth', { body: { username: 'fz', password: 'secret' } })),
    latin1(request('POST', '/v1.43/images/fz/box/push?tag=v1', { headers: { 'X-Registry-Auth': btoa(JSON.stringify({ username: 'fz', password: 'secret' })) } })),
    latin1(request('POST', '/v1.43/build?t=fz:built&q=1', { raw: new Uint8Array(1024) })),
    latin1(request('POST', '/v1.43/images/load', { raw: new Uint8Array(512) })),
    latin1(request('PUT', '/v1.43/containers/fz-exited/archive?path=/', { raw: new Uint8Array(1024) })),
    'POST /v1.43/volumes/create HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"Na\r\n9\r\nme":"fz"}\r\n0\r\n\r\n',
    'GET /_ping HTTP/1.0\r\n\r\n',
    'GET http://localhost/v1.43/containers/json HTTP/1.1\r\nHost: localhost\r\n\r\n',
  ]);

const HEADER_NAMES = ['Host', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Upgrade', 'Content-Type', 'X-Registry-Auth', 'Expect', ' Bad', 'X:Y'];
const HEADER_VALUES = ['0', '5', '-1', '99999999999', 'chunked', 'gzip, chunked', 'close', 'keep-alive', 'Upgrade', 'tcp', 'application/json', 'text/plain', '', '\u0000', 'a'.repeat(300)];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS', 'G ET', '', 'post'];

/** A request assembled from plausible parts in implausible combinations. */
function structural(r: Random): string {
  const path = r.pick(CORPUS).split(' ')[1] ?? '/';
  const lines = [`${r.pick(METHODS)} ${r.chance(0.1) ? randomString(r, 20) : path} ${r.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'http/1.1'])}`];
  if (r.chance(0.9)) lines.push('Host: docker');
  for (let i = r.int(4); i > 0; i--) lines.push(`${r.pick(HEADER_NAMES)}: ${r.pick(HEADER_VALUES)}`);
  const body = r.chance(0.5) ? r.pick(['{}', '{"Image":"busybox"}', '[]', 'null', '"x"', '{"Image":1,"Cmd":{}}', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n']) : '';
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function garbage(r: Random): string {
  let s = '';
  for (let i = r.int(300); i > 0; i--) s += String.fromCharCode(r.chance(0.7) ? 32 + r.int(95) : r.int(256));
  return r.chance(0.5) ? `${s}\r\n\r\n` : s;
}

/** Sends the input in random pieces, ends the client's side, and checks what came back. */
async function exercise(daemon: Daemon, r: Random, input: string, family: string, index: number): Promise<void> {
  const bytes = new TextEncoder().encode(input);
  const client = new RawClient(daemon);
  let at = 0;
  while (at < bytes.length) {
    const n = r.chance(0.5) ? bytes.length - at : 1 + r.int(64);
    client.send(bytes.slice(at, at + n));
    at += n;
    if (r.chance(0.2)) await new Promise((resolve) => setImmediate(resolve));
  }
  client.endInput();
  // Answered once a response head is here (a stream, such as events, may go on after it).
  const answered = () => /^HTTP\/1\.1 \d{3} [^\r]*\r\n[\s\S]*?\r\n\r\n/.test(client.text);
  const deadline = Date.now() + 5000; // a hang, not a measurement
  while (!client.serverClosed && !answered() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 0));
  if (!client.serverClosed && !answered()) {
    throw new Error(`fuzz http ${family} #${index} (FUZZ_SEED=${SEED}): neither answered nor closed\ninput: ${JSON.stringify(input)}`);
  }
  client.hangUp();
}

describe('fuzzing the Engine API server', () => {
  let daemon: Daemon;
  const uncaught: unknown[] = [];
  const onError = (error: unknown) => uncaught.push(error);
  beforeAll(async () => {
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    daemon = new Daemon(new MemoryRuntime(), new FsRegistrySource());
    await daemon.imageCreate('busybox', () => {});
  });
  afterAll(() => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  });

  /** Back to the starting records: busybox, one exited container, nothing else that could block. */
  async function reset(): Promise<void> {
    if (!daemon.images.find('busybox')) await daemon.imageCreate('busybox', () => {});
    for (const c of daemon.containers.list()) if (c.name !== 'fz-exited') await daemon.containerDelete(c.id, true).catch(() => {});
    if (!daemon.containers.find('fz-exited')) {
      const { Id } = await daemon.containerCreate({ image: 'busybox', name: 'fz-exited', cmd: ['echo', 'fuzz'] });
      const done = daemon.containerWait(Id);
      await daemon.containerStart(Id);
      await done;
    }
  }

  it('answers or closes every connection, and never throws', async () => {
    let total = 0;
    const families: Array<[keyof typeof COUNTS, (r: Random) => string]> = [
      ['valid', (r) => r.pick(CORPUS)],
      ['mutated', (r) => mutateTimes(r, r.pick(CORPUS), 1 + r.int(4))],
      ['pipelined', (r) => Array.from({ length: 2 + r.int(2) }, () => (r.chance(0.3) ? mutateTimes(r, r.pick(CORPUS), 1) : r.pick(CORPUS))).join('')],
      ['structural', structural],
      ['garbage', garbage],
    ];
    for (const [family, make] of families) {
      const r = new Random(SEED ^ (family.length * 7919));
      await reset();
      for (let i = 0; i < COUNTS[family]; i++) {
        await exercise(daemon, r, make(r), family, i);
        if (i % 50 === 49) await reset();
      }
      total += COUNTS[family];
    }
    // Let anything the last connections left behind settle before counting failures.
    await new Promise((resolve) => setTimeout(resolve, 50));
    console.log(`fuzz http: seed ${SEED}, ${total} cases, ${uncaught.length} uncaught`);
    expect(uncaught.map(String)).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(10_000);
  }, 300_000);
});
