// Debian root filesystems from i386 packages, for the large built-in images (debian, python).
// No maintainer scripts run (we unpack, as debootstrap's first stage does), so what those
// scripts would have made is made here: /etc/passwd and /etc/group from base-passwd, the /bin/sh
// and awk links, merged /usr. Documentation is left out, as in Debian's slim images.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';

interface PackageInfo {
  name: string;
  arch: string;
  depends: string[][];
}

/** Stanzas of `apt-cache show` for many names at once (one apt run: each costs about a second). */
function showAll(specs: string[]): PackageInfo[] {
  if (!specs.length) return [];
  const r = spawnSync('apt-cache', ['show', '--no-all-versions', ...specs], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.stdout.split(/\n\n+/).filter((t) => /^Package:/m.test(t)).map((text) => {
    const field = (f: string) => new RegExp(`^${f}: (.*)$`, 'm').exec(text)?.[1] ?? '';
    const depends = [field('Pre-Depends'), field('Depends')]
      .filter(Boolean)
      .flatMap((line) => line.split(','))
      .map((clause) => clause.split('|').map((alt) => alt.trim().replace(/\s*\(.*\)$/, '').replace(/:any$/, '')));
    return { name: field('Package'), arch: field('Architecture'), depends };
  });
}

/**
 * Alternatives taken over the first one listed, as debootstrap and Debian's images have them:
 * usr-is-merged (the /usr merge is already done here), not usrmerge, which would bring perl.
 */
const PREFERRED = new Set(['usr-is-merged']);

const infoCache = new Map<string, PackageInfo | null>();

/** i386 or arch-independent packages by name (null: no such real package). */
function packageInfos(names: string[]): void {
  const unknown = [...new Set(names)].filter((n) => !infoCache.has(n));
  for (const p of showAll(unknown.map((n) => `${n}:i386`))) if (p.arch === 'i386' || p.arch === 'all') infoCache.set(p.name, p);
  const rest = unknown.filter((n) => !infoCache.has(n));
  for (const p of showAll(rest)) if (p.arch === 'all') infoCache.set(p.name, p);
  for (const n of unknown) if (!infoCache.has(n)) infoCache.set(n, null);
}

function packageInfo(name: string): PackageInfo | null {
  packageInfos([name]);
  return infoCache.get(name) ?? null;
}

/**
 * The packages `roots` need, Depends and Pre-Depends followed (first installable alternative,
 * or one already chosen), minus `exclude` (what a lower layer has). Level by level, so that
 * apt is asked once per level.
 */
export function packageClosure(roots: string[], exclude: Set<string> = new Set()): string[] {
  const chosen = new Set<string>();
  let frontier = roots.filter((r) => !exclude.has(r));
  while (frontier.length) {
    packageInfos(frontier);
    packageInfos(frontier.flatMap((n) => infoCache.get(n)?.depends.flat() ?? []));
    const next: string[] = [];
    for (const name of frontier) {
      if (chosen.has(name)) continue;
      const pkg = infoCache.get(name);
      if (!pkg) throw new Error(`debian: no i386 package ${name}`);
      chosen.add(name);
      for (const alternatives of pkg.depends) {
        if (alternatives.some((a) => chosen.has(a) || exclude.has(a) || next.includes(a))) continue;
        const pick = alternatives.find((a) => PREFERRED.has(a) && infoCache.get(a)) ?? alternatives.find((a) => infoCache.get(a));
        if (pick) next.push(pick); // else a virtual package that a chosen package provides
      }
    }
    frontier = next.filter((n) => !chosen.has(n));
  }
  return [...chosen].sort();
}

/** Unpacks packages into `dir` with merged /usr; returns "name=version" lines. */
export function unpackRootfs(packages: string[], dir: string, debs: string, options: { base: boolean }): string[] {
  mkdirSync(debs, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'usr'), { recursive: true });
  // Debian 12 merges /usr: /bin, /sbin and /lib are links into it.
  for (const d of ['bin', 'sbin', 'lib']) {
    mkdirSync(join(dir, 'usr', d), { recursive: true });
    symlinkSync(`usr/${d}`, join(dir, d));
  }
  const versions: string[] = [];
  const missing = packages.filter((p) => !readdirSync(debs).some((f) => f.startsWith(`${p}_`)));
  if (missing.length) {
    execFileSync('apt-get', ['download', '-q', ...missing.map((p) => (packageInfo(p)?.arch === 'all' ? p : `${p}:i386`))], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const pkg of packages) {
    const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && (f.endsWith('_i386.deb') || f.endsWith('_all.deb')));
    if (!deb) throw new Error(`no .deb downloaded for ${pkg}`);
    const tar = execFileSync('dpkg-deb', ['--fsys-tarfile', join(debs, deb)], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '--keep-directory-symlink', '-C', dir], { input: tar });
    versions.push(`${pkg}=${deb.split('_')[1]!.replace('%3a', ':')}`);
  }
  for (const prune of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/lintian', 'usr/share/locale', 'usr/share/bug', 'usr/share/doc-base']) {
    rmSync(join(dir, prune), { recursive: true, force: true });
  }
  if (options.base) finishBase(dir);
  return versions;
}

/** What the maintainer scripts of an essential set would have made. */
function finishBase(dir: string): void {
  const master = (f: string) => readFileSync(join(dir, 'usr/share/base-passwd', f), 'utf8');
  writeFileSync(join(dir, 'etc/passwd'), master('passwd.master'));
  writeFileSync(join(dir, 'etc/group'), master('group.master'));
  writeFileSync(join(dir, 'etc/shadow'), master('passwd.master').split('\n').filter(Boolean).map((l) => `${l.split(':')[0]}:*:19700:0:99999:7:::`).join('\n') + '\n');
  const link = (path: string, target: string) => {
    if (!existsSync(join(dir, path))) symlinkSync(target, join(dir, path));
  };
  link('usr/bin/sh', 'dash');
  link('usr/bin/awk', 'mawk');
  link('usr/bin/which', 'which.debianutils');
  for (const d of ['root', 'home', 'tmp', 'proc', 'sys', 'dev', 'run', 'mnt', 'srv', 'opt', 'media', 'var/tmp', 'var/lib', 'var/log', 'var/cache']) mkdirSync(join(dir, d), { recursive: true });
  execFileSync('chmod', ['1777', join(dir, 'tmp'), join(dir, 'var/tmp')]);
  execFileSync('chmod', ['700', join(dir, 'root')]);
  for (const f of ['.bashrc', '.profile']) if (existsSync(join(dir, 'etc/skel', f))) copyFileSync(join(dir, 'etc/skel', f), join(dir, 'root', f));
  // dpkg's database, so that `dpkg -l` and apt know what is installed.
  mkdirSync(join(dir, 'var/lib/dpkg'), { recursive: true });
  if (!existsSync(join(dir, 'var/lib/dpkg/status'))) writeFileSync(join(dir, 'var/lib/dpkg/status'), '');
}
