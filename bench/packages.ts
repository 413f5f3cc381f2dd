// The offline package world, in the real guest under Node: `docker build` of the get-started
// Flask app (FROM python:3.11-slim, RUN pip install -r requirements.txt), first (pull and
// lazily read files included), cached, and again with --no-cache (files already read); and
// the bytes the page fetches for the wheels pip installed. Record results in bench/RESULTS.md.
//   npx tsx bench/packages.ts
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../tools/guest-manifest';
import { attachEngine, bootGuest } from '../tools/node-host';

const fixture = join(repoRoot, 'tests/guest/fixtures/flask-get-started');
const packages = join(repoRoot, 'public/registry/packages');
const guest = await bootGuest({}, (machine) => attachEngine(machine));
await guest.agent.exec(['mkdir', '-p', '/root/flask']);
for (const name of readdirSync(fixture)) {
  await guest.agent.exec(['sh', '-c', 'cat > "$1"', 'sh', `/root/flask/${name}`], { stdin: readFileSync(join(fixture, name)) });
}
let installed = '';
const timed = async (...args: string[]) => {
  const started = performance.now();
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 900_000, cwd: '/root/flask' });
  const err = new TextDecoder().decode(r.stderr);
  if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.exitCode}: ${err}`);
  installed = /Successfully installed (.*)/.exec(err)?.[1] ?? installed;
  return ((performance.now() - started) / 1000).toFixed(2);
};
const rows = [
  ['docker build of the Flask app, first (pull, pip and wheels read lazily)', `${await timed('build', '-t', 'friendlyhello', '.')} s`],
  ['the same, cached', `${await timed('build', '-t', 'friendlyhello', '.')} s`],
  ['the same with --no-cache (files already read)', `${await timed('build', '--no-cache', '-t', 'friendlyhello', '.')} s`],
];
await guest.destroy();
// What the page fetches for the wheels: each one's zstd content, once.
const manifest = JSON.parse(readFileSync(join(packages, 'manifest.json'), 'utf8')) as { pypi: Array<{ name: string; version: string; sha256: string }> };
const wheels = installed.trim().split(/\s+/).map((nv) => manifest.pypi.find((e) => `${e.name}-${e.version}`.toLowerCase() === nv.toLowerCase()));
const fetched = wheels.reduce((sum, e) => sum + (e ? statSync(join(packages, 'files', `${e.sha256}.zst`)).size : 0), 0);
const onDisk = readdirSync(join(packages, 'files')).reduce((sum, f) => sum + statSync(join(packages, 'files', f)).size, 0);
rows.push([`wheels pip installed (${wheels.length}), as the page fetches them (zstd)`, `${(fetched / 1024).toFixed(0)} KiB`]);
rows.push(['the package world on disk (public/registry/packages/files)', `${(onDisk / 2 ** 20).toFixed(1)} MiB`]);
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; guest 128 MiB`);
for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
process.exit(0);
