// Build benchmark, in the real guest under Node: `docker build` of a 6-instruction Dockerfile
// on busybox (goal < 5 s), a fully cached rebuild (goal < 0.5 s), and a rebuild after one file
// changed. Each from the guest's docker client to its exit. Record results in bench/RESULTS.md.
//   npx tsx bench/build.ts          (BENCH_RUNS=n for more samples)
import { cpus, totalmem } from 'node:os';
import { attachEngine, bootGuest } from '../tools/node-host';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const guest = await bootGuest({}, (machine) => attachEngine(machine));
const sh = (script: string) => guest.agent.exec(['sh', '-c', script]);
const docker = async (...args: string[]) => {
  const started = performance.now();
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 300_000, cwd: '/root/app' });
  if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.exitCode}: ${new TextDecoder().decode(r.stderr)}`);
  return performance.now() - started;
};

// Six instructions, three of them making layers from real work in the guest.
await sh(`mkdir -p /root/app && cd /root/app && echo 'echo hello from app' > app.sh && cat > Dockerfile <<'EOF'
FROM busybox
WORKDIR /app
COPY app.sh .
RUN chmod +x app.sh && echo built > /app/stamp
ENV MODE=bench
CMD ["sh", "/app/app.sh"]
EOF`);
await docker('pull', 'busybox');
const cold: number[] = [];
const cached: number[] = [];
const changed: number[] = [];
for (let i = 0; i < RUNS; i++) {
  cold.push(await docker('build', '--no-cache', '-t', 'app', '.'));
  cached.push(await docker('build', '-t', 'app', '.'));
  await sh(`echo 'echo change ${i}' >> /root/app/app.sh`);
  changed.push(await docker('build', '-t', 'app', '.'));
}
await guest.destroy();

const fmt = (xs: number[]) => `${(median(xs) / 1000).toFixed(2)} s (min ${(Math.min(...xs) / 1000).toFixed(2)}, max ${(Math.max(...xs) / 1000).toFixed(2)})`;
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; guest 128 MiB`);
console.log(`| docker build, 6 instructions on busybox, --no-cache, median of ${RUNS} | ${fmt(cold)} | < 5 s |`);
console.log(`| docker build again, all steps CACHED | ${fmt(cached)} | < 0.5 s |`);
console.log(`| docker build after changing the copied file (COPY and RUN rerun) | ${fmt(changed)} | |`);
process.exit(0);
