// The offline npm registry, in the real guest under Node: `docker build` of a Dockerfile that
// runs `npm install express` (FROM node:18), first (pull and lazily read files included),
// cached, and again with --no-cache (files already read); and the bytes the page fetches for
// the tarballs npm installed. Record results in bench/RESULTS.md.
//   npx tsx bench/npm.ts
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../tools/guest-manifest';
import { attachEngine, bootGuest } from '../tools/node-host';

const packages = join(repoRoot, 'public/registry/packages');
const guest = await bootGuest({}, (machine) => attachEngine(machine));
await guest.agent.exec(['mkdir', '-p', '/root/npm']);
await guest.agent.exec(['sh', '-c', 'cat > /root/npm/Dockerfile'], { stdin: new TextEncoder().encode('FROM node:18\nWORKDIR /app\nRUN npm install express\n') });
let added = '';
const timed = async (...args: string[]) => {
  const started = performance.now();
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 900_000, cwd: '/root/npm' });
  const err = new TextDecoder().decode(r.stderr);
  if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.exitCode}: ${err}`);
  added = /added \d+ packages[^\n]*/.exec(err)?.[0] ?? added;
  return ((performance.now() - started) / 1000).toFixed(2);
};
const rows = [
  ['docker build with RUN npm install express, first (pull, npm and the tarballs read lazily)', `${await timed('build', '-t', 'npmbench', '.')} s`],
  ['the same, cached', `${await timed('build', '-t', 'npmbench', '.')} s`],
  ['the same with --no-cache (files already read)', `${await timed('build', '--no-cache', '-t', 'npmbench', '.')} s`],
];
// What npm installed: the lockfile the build wrote, each tarball's zstd content fetched once.
const lock = await guest.agent.exec(['docker', 'run', '--rm', 'npmbench', 'cat', 'package-lock.json']);
const installed = Object.entries(JSON.parse(new TextDecoder().decode(lock.stdout)).packages as Record<string, { version?: string }>)
  .filter(([path]) => path)
  .map(([path, p]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), version: p.version }));
await guest.destroy();
const manifest = JSON.parse(readFileSync(join(packages, 'manifest.json'), 'utf8')) as { npm: Array<{ name: string; version: string; sha256: string }> };
const tarballs = installed.map((p) => manifest.npm.find((e) => e.name === p.name && e.version === p.version));
const fetched = tarballs.reduce((sum, e) => sum + (e ? statSync(join(packages, 'files', `${e.sha256}.zst`)).size : 0), 0);
const onDisk = readdirSync(join(packages, 'files')).reduce((sum, f) => sum + statSync(join(packages, 'files', f)).size, 0);
rows.push([`npm's summary`, added]);
rows.push([`tarballs npm installed (${tarballs.filter(Boolean).length}), as the page fetches them (zstd)`, `${(fetched / 1024).toFixed(0)} KiB`]);
rows.push(['the package world on disk (public/registry/packages/files)', `${(onDisk / 2 ** 20).toFixed(1)} MiB`]);
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; guest 128 MiB`);
for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
process.exit(0);
