// The Engine API over /var/run/docker.sock, in the real guest under Node: a request's round trip
// from a container that mounts the socket (GET /containers/json with 20 running, timed in the
// guest by Python, and by curl from the lab's shell), and `docker run --rm busybox true` from Debian's unmodified docker CLI
// (timed in the guest with date), each beside the same-day figure of the lab's thin client.
// Prints medians; record them in bench/RESULTS.md with the machine.
//   npx tsx bench/socket.ts          (BENCH_RUNS=n for more samples)
import { cpus, totalmem } from 'node:os';
import { attachEngine, bootGuest } from '../tools/node-host';
import { debianDockerCli } from '../tools/debian-docker-cli';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: number[]) => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

const guest = await bootGuest({}, (machine) => attachEngine(machine));
const decoder = new TextDecoder();
const sh = async (command: string) => {
  const r = await guest.agent.exec(['sh', '-c', command], { timeoutMs: 600_000, cwd: '/root' });
  if (r.exitCode !== 0) throw new Error(`${command}: exit ${r.exitCode}: ${decoder.decode(r.stderr)}`);
  return decoder.decode(r.stdout);
};
const timedHost = async (command: string) => {
  const started = performance.now();
  await sh(command);
  return performance.now() - started;
};
/** Milliseconds the guest printed, one number a line. */
const numbers = (out: string) => out.trim().split('\n').map(Number);

const shared = await guest.writeSharedFile('debian-docker', debianDockerCli());
await sh(`chmod 755 ${shared} && docker pull -q busybox && docker pull -q python:3-slim`);
await sh(`docker run -d --name debian-cli -v /var/run/docker.sock:/var/run/docker.sock -v ${shared}:/usr/local/bin/docker debian:bookworm-slim sleep infinity`);

// docker run --rm busybox true: the thin client (the baseline), then Debian's CLI over the socket.
await sh('docker run --rm busybox true');
const thinRuns: number[] = [];
for (let i = 0; i < RUNS; i++) thinRuns.push(await timedHost('docker run --rm busybox true'));
await sh('docker exec debian-cli docker run --rm busybox true'); // the CLI's 43 MB read once
const cliRuns = numbers(
  await sh(`docker exec debian-cli sh -c 'for i in $(seq ${RUNS}); do s=$(date +%s%N); docker run --rm busybox true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); done'`),
);

// GET /containers/json with 20 running, from Python in a container; and docker ps both ways.
await Promise.all(Array.from({ length: 18 }, (_, i) => sh(`docker run -d --name idle${i} busybox sleep 600`)));
const probe = `import socket, time
def get(path):
    s = socket.socket(socket.AF_UNIX); s.connect('/var/run/docker.sock')
    s.sendall(('GET %s HTTP/1.1\\r\\nHost: docker\\r\\nConnection: close\\r\\n\\r\\n' % path).encode())
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        data += chunk
    s.close(); return data
get('/_ping')
for path in ['/_ping'] * ${RUNS} + ['/v1.43/containers/json'] * ${RUNS}:
    t = time.perf_counter(); body = get(path); print(path, round((time.perf_counter() - t) * 1000, 1), body.count(b'"Id"'))
`;
await sh(`cat > /root/probe.py <<'PROBE'\n${probe}PROBE`);
const probed = (await sh('docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v /root/probe.py:/probe.py python:3-slim python3 /probe.py')).trim().split('\n').map((l) => l.split(' '));
const pings = probed.filter(([p]) => p === '/_ping').map(([, ms]) => Number(ms));
const lists = probed.filter(([p]) => p !== '/_ping').map(([, ms]) => Number(ms));
const listed = Number(probed.at(-1)![2]);
// curl from the lab's shell, as a learner calls it (host-timed, curl's own start included; the
// lab machine's busybox date has no %N), beside an empty command timed the same way.
const curlLists: number[] = [];
const curlPing: number[] = [];
const emptyCommand: number[] = [];
for (let i = 0; i < RUNS; i++) {
  curlLists.push(await timedHost('curl -sf --unix-socket /var/run/docker.sock http://localhost/v1.43/containers/json >/dev/null'));
  curlPing.push(await timedHost('curl -sf --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null'));
  emptyCommand.push(await timedHost('true'));
}
const thinPs: number[] = [];
for (let i = 0; i < RUNS; i++) thinPs.push(await timedHost('docker ps'));
const cliPs = numbers(await sh(`docker exec debian-cli sh -c 'for i in $(seq ${RUNS}); do s=$(date +%s%N); docker ps >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); done'`));
// The CLI's own start on the emulated CPU, with no request at all: the floor under both rows above.
const cliFloor = numbers(await sh(`docker exec debian-cli sh -c 'for i in $(seq ${RUNS}); do s=$(date +%s%N); docker --version >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); done'`));
await guest.destroy();

console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; guest 128 MiB; medians of ${RUNS}`);
console.log(`| docker run --rm busybox true, the lab's thin client (baseline; host-timed) | ${spread(thinRuns)} |`);
console.log(`| the same from Debian's docker CLI over the socket (guest-timed) | ${spread(cliRuns)} (${(median(cliRuns) / median(thinRuns)).toFixed(2)} × the baseline) |`);
console.log(`| GET /_ping over the socket, from Python in a container | ${spread(pings)} |`);
console.log(`| GET /v1.43/containers/json with ${listed} containers listed, the same way | ${spread(lists)} |`);
console.log(`| curl --unix-socket … /v1.43/containers/json (${listed} containers) from the lab's shell / /_ping / an empty command, host-timed | ${median(curlLists).toFixed(0)} / ${median(curlPing).toFixed(0)} / ${median(emptyCommand).toFixed(0)} ms |`);
console.log(`| docker ps, thin client (baseline) / Debian's CLI over the socket | ${median(thinPs).toFixed(0)} / ${median(cliPs).toFixed(0)} ms (${(median(cliPs) / median(thinPs)).toFixed(2)} ×) |`);
console.log(`| Debian's CLI with no request (docker --version): its own start | ${spread(cliFloor)} |`);
process.exit(0);
