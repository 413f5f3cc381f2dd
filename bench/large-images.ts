// Lazily loaded images, in the real guest under Node: the first `docker run` of
// debian:bookworm-slim and python:3-slim (pull = attach the index; files fetched as read),
// then the same again warm. Record results in bench/RESULTS.md with the machine.
//   npx tsx bench/large-images.ts
import { cpus, totalmem } from 'node:os';
import { attachEngine, bootGuest } from '../tools/node-host';

const guest = await bootGuest({}, (machine) => attachEngine(machine));
const timed = async (...args: string[]) => {
  const started = performance.now();
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 300_000 });
  if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.exitCode}: ${new TextDecoder().decode(r.stderr)}`);
  return ((performance.now() - started) / 1000).toFixed(2);
};
const rows = [
  ['docker pull debian:bookworm-slim (attach the index)', await timed('pull', 'debian:bookworm-slim')],
  ['docker run --rm debian:bookworm-slim bash -c true, first', await timed('run', '--rm', 'debian:bookworm-slim', 'bash', '-c', 'true')],
  ['the same, again', await timed('run', '--rm', 'debian:bookworm-slim', 'bash', '-c', 'true')],
  ['docker run --rm python:3-slim python3 -c "print(1)", first (pull included)', await timed('run', '--rm', 'python:3-slim', 'python3', '-c', 'print(1)')],
  ['the same, again', await timed('run', '--rm', 'python:3-slim', 'python3', '-c', 'print(1)')],
  // What lessons 5 and 10 start: a web server from the standard library, in a new container.
  ['docker run --rm python:3-slim python3 -c "import http.server", first', await timed('run', '--rm', 'python:3-slim', 'python3', '-c', 'import http.server')],
  ['the same, again', await timed('run', '--rm', 'python:3-slim', 'python3', '-c', 'import http.server')],
];
const used = new TextDecoder().decode((await guest.agent.exec(['sh', '-c', "df -k /var/lib/drydock | awk 'NR==2 {print $3}'"])).stdout).trim();
await guest.destroy();
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; guest 128 MiB`);
for (const [what, seconds] of rows) console.log(`| ${what} | ${seconds} s |`);
console.log(`| image store in guest memory afterwards (/var/lib/drydock) | ${used} KiB |`);
process.exit(0);
