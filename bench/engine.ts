// Engine benchmark, in the real guest under Node: `docker run --rm busybox true` end to end
// from the guest's docker client, 20 detached containers started at once, and `docker ps`
// with 20 running. Prints medians; record them in bench/RESULTS.md with the machine.
//   npx tsx bench/engine.ts          (BENCH_RUNS=n for more samples)
import { cpus, totalmem } from 'node:os';
import { attachEngine, bootGuest } from '../tools/node-host';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const guest = await bootGuest({}, (machine) => attachEngine(machine));
const docker = async (...args: string[]) => {
  const started = performance.now();
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 300_000 });
  if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.exitCode}: ${new TextDecoder().decode(r.stderr)}`);
  return { ms: performance.now() - started, out: new TextDecoder().decode(r.stdout) };
};

await docker('pull', 'busybox');
await docker('run', '--rm', 'busybox', 'true'); // warm: layer unpacked, caches filled
const runs: number[] = [];
for (let i = 0; i < RUNS; i++) runs.push((await docker('run', '--rm', 'busybox', 'true')).ms);
// As a learner types: a second of quiet before each run (the last one's cleanup is done).
const paced: number[] = [];
for (let i = 0; i < RUNS; i++) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  paced.push((await docker('run', '--rm', 'busybox', 'true')).ms);
}
// The guest's own view, without the client: how long one `drydock-run` takes.
const agentOnly: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  await guest.agent.exec(['true']);
  agentOnly.push(performance.now() - started);
}

const startedAll = performance.now();
await Promise.all(Array.from({ length: 20 }, (_, i) => docker('run', '-d', '--name', `bench${i}`, 'busybox', 'sleep', '600')));
const twentyMs = performance.now() - startedAll;
const ps: number[] = [];
for (let i = 0; i < 5; i++) ps.push((await docker('ps')).ms);
const rows = (await docker('ps', '-q')).out.trim().split('\n').length;
const free = new TextDecoder().decode((await guest.agent.exec(['free', '-m'])).stdout).split('\n')[1]?.trim();
await guest.destroy();

console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; guest 128 MiB`);
console.log(`| docker run --rm busybox true (client to exit), back to back, median of ${RUNS} | ${median(runs).toFixed(0)} ms (min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)}) |`);
console.log(`| the same, one second apart (as typed), median of ${RUNS} | ${median(paced).toFixed(0)} ms (min ${Math.min(...paced).toFixed(0)}, max ${Math.max(...paced).toFixed(0)}) |`);
console.log(`| agent round trip of \`true\` (no docker), median of ${RUNS} | ${median(agentOnly).toFixed(0)} ms |`);
console.log(`| 20 × docker run -d busybox sleep, started at once | ${(twentyMs / 1000).toFixed(1)} s for all 20 |`);
console.log(`| docker ps with ${rows} running, median of 5 | ${median(ps).toFixed(0)} ms |`);
console.log(`| guest memory with 20 running (free -m: total used free …) | ${free} |`);
process.exit(0);
