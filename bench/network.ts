// Container networking in the real guest under Node: the latency of one HTTP request from the
// preview relay (what the page's preview panel calls) to nginx on a published port, the same
// request from the guest's own shell, and container-to-container TCP throughput on a user
// bridge (busybox nc, 4 MiB). Record results in bench/RESULTS.md with the machine.
//   npx tsx bench/network.ts
import { cpus, totalmem } from 'node:os';
import { attachEngine, bootGuest } from '../tools/node-host';
import type { Engine } from '../web/src/engine/engine';

let engine!: Engine;
const guest = await bootGuest({}, (machine) => {
  engine = attachEngine(machine);
});
const sh = async (script: string) => {
  const r = await guest.agent.exec(['sh', '-c', script], { timeoutMs: 300_000 });
  if (r.exitCode !== 0) throw new Error(`${script}: exit ${r.exitCode}: ${new TextDecoder().decode(r.stderr)}`);
  return new TextDecoder().decode(r.stdout);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await sh('docker run -d --name web -p 8080:80 nginx && until wget -qO- localhost:8080 >/dev/null 2>&1; do sleep 0.2; done');
const preview: number[] = [];
for (let i = 0; i < 15; i++) {
  const started = performance.now();
  const r = await engine.httpRequest(8080, { method: 'GET', path: '/', headers: [] });
  preview.push(performance.now() - started);
  if (r.status !== 200) throw new Error(`status ${r.status}`);
}
// In-guest timing: the request itself, without the host↔guest channel.
const inGuest = Number(
  (await sh('s=$(cut -d" " -f1 /proc/uptime); for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- localhost:8080 >/dev/null; done; e=$(cut -d" " -f1 /proc/uptime); echo "($e - $s) * 100" | bc')).trim(),
);

await sh('docker network create bench >/dev/null && docker run -d --name sink --network bench busybox sh -c "nc -l -p 5000 > /dev/null" >/dev/null');
await sh('sleep 1');
const bytes = 4 * 1024 * 1024;
const out = await sh(
  `docker run --rm --network bench busybox sh -c 's=$(cut -d" " -f1 /proc/uptime); dd if=/dev/zero bs=65536 count=${bytes / 65536} 2>/dev/null | nc sink 5000; e=$(cut -d" " -f1 /proc/uptime); echo "$s $e"'`,
);
const [s, e] = out.trim().split(' ').map(Number) as [number, number];
await guest.destroy();

console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; guest 128 MiB`);
console.log(`| HTTP GET / to nginx on -p 8080:80 through the preview relay (engine → agent → drydock-run --connect), median of 15 | ${median(preview).toFixed(0)} ms |`);
console.log(`| the same request from the guest's shell (wget localhost:8080 → proxy → container), mean of 10, guest clock | ${inGuest.toFixed(0)} ms |`);
console.log(`| container → container on a user bridge, 4 MiB through busybox nc (guest clock) | ${(bytes / 2 ** 20 / (e - s)).toFixed(1)} MiB/s |`);
process.exit(0);
