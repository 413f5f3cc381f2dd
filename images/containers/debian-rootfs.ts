// Debian root filesystems from i386 packages, for the large built-in images (debian, python).
// No maintainer scripts run (we unpack, as debootstrap's first stage does), so what those
// scripts would have made is made here: /etc/passwd and /etc/group from base-passwd, the /bin/sh
// and awk links, merged /usr, and dpkg's database (status, file lists, maintainer scripts,
// trigger interests), so that apt installs more packages over them as on Debian. Documentation
// is left out, as in Debian's slim images.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_PORT } from '../../web/src/engine/daemon/package-world';
import { repoRoot } from '../../tools/guest-manifest';

/** Debian 12's essential set (Priority: required): debian:bookworm-slim's packages, with their closure. */
export const DEBIAN_REQUIRED = ['apt', 'base-files', 'base-passwd', 'bash', 'bsdutils', 'coreutils', 'dash', 'debconf', 'debianutils', 'diffutils', 'dpkg', 'e2fsprogs', 'findutils', 'grep', 'gzip', 'hostname', 'init-system-helpers', 'libc-bin', 'login', 'mawk', 'mount', 'ncurses-base', 'ncurses-bin', 'passwd', 'perl-base', 'sed', 'sysvinit-utils', 'tar', 'tzdata', 'util-linux'];

/** What Debian's slim images keep dpkg from unpacking (their /etc/dpkg/dpkg.cfg.d/docker): what unpackRootfs prunes. */
const PRUNED = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/lintian', 'usr/share/locale', 'usr/share/bug', 'usr/share/doc-base'];

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

/** The upstream part of a Debian package version: `5:7.0.15-1~deb12u10` → `7.0.15`. */
export const upstreamOf = (debianVersion: string) => debianVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[+~].*$/, '');

/** `file` of the layer below (etc/passwd…) with `line` added: an image's own user, as useradd would add it. */
const withLine = (lowerDir: string, file: string, line: string) => `${readFileSync(join(lowerDir, file), 'utf8').trimEnd()}\n${line}\n`;

/**
 * An image's own user (and group of the same name and id) in `dir`, over the layer below's
 * passwd, group and shadow, as `useradd --uid ID` would add it; the password is locked.
 */
export function addUser(dir: string, lowerDir: string, user: { name: string; id: number; home: string; shell: string }): void {
  const { name, id, home, shell } = user;
  writeFileSync(join(dir, 'etc/passwd'), withLine(lowerDir, 'etc/passwd', `${name}:x:${id}:${id}::${home}:${shell}`));
  writeFileSync(join(dir, 'etc/group'), withLine(lowerDir, 'etc/group', `${name}:x:${id}:`));
  writeFileSync(join(dir, 'etc/shadow'), withLine(lowerDir, 'etc/shadow', `${name}:!:19700:0:99999:7:::`));
}

/** The .deb of each package in `debs` (downloaded with apt-get the first time), by package name. */
export function downloadDebs(packages: string[], debs: string): Map<string, string> {
  mkdirSync(debs, { recursive: true });
  const missing = packages.filter((p) => !readdirSync(debs).some((f) => f.startsWith(`${p}_`)));
  if (missing.length) {
    execFileSync('apt-get', ['download', '-q', ...missing.map((p) => (packageInfo(p)?.arch === 'all' ? p : `${p}:i386`))], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const found = new Map<string, string>();
  for (const pkg of packages) {
    const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && (f.endsWith('_i386.deb') || f.endsWith('_all.deb')));
    if (!deb) throw new Error(`no .deb downloaded for ${pkg}`);
    found.set(pkg, join(debs, deb));
  }
  return found;
}

/**
 * Unpacks packages into `dir` with merged /usr; returns "name=version" lines. With `dpkg`, the
 * layer also gets dpkg's database: its status lists `dpkg.below` (the lower layers' registered
 * packages, unpacked in `dpkg.lowerDirs`) and these, as installed.
 */
export function unpackRootfs(packages: string[], dir: string, debs: string, options: { base: boolean; dpkg?: { below: string[]; lowerDirs: string[] } }): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'usr'), { recursive: true });
  // Debian 12 merges /usr: /bin, /sbin and /lib are links into it.
  for (const d of ['bin', 'sbin', 'lib']) {
    mkdirSync(join(dir, 'usr', d), { recursive: true });
    symlinkSync(`usr/${d}`, join(dir, d));
  }
  const versions: string[] = [];
  const files = downloadDebs(packages, debs);
  const lists = new Map<string, string[]>();
  for (const pkg of packages) {
    const deb = files.get(pkg)!;
    const tar = execFileSync('dpkg-deb', ['--fsys-tarfile', deb], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '--keep-directory-symlink', '-C', dir], { input: tar });
    lists.set(pkg, execFileSync('tar', ['-t'], { input: tar, maxBuffer: 1 << 28, encoding: 'utf8' }).split('\n').filter(Boolean));
    versions.push(`${pkg}=${deb.split('/').pop()!.split('_')[1]!.replace('%3a', ':')}`);
  }
  for (const prune of PRUNED) rmSync(join(dir, prune), { recursive: true, force: true });
  if (options.base) finishBase(dir);
  if (options.dpkg) writeDpkgDatabase([dir, ...options.dpkg.lowerDirs], downloadDebs(options.dpkg.below, debs), files, lists);
  return versions;
}

/** A package's name in dpkg's info/ directory: `name:i386` when several architectures may be installed. */
const infoName = (control: string, pkg: string) => (/^Multi-Arch: same$/m.test(control) ? `${pkg}:${/^Architecture: (\S+)$/m.exec(control)?.[1]}` : pkg);

/**
 * dpkg's database for packages unpacked by hand, as dpkg itself would have left it: `status`
 * (each package's control fields, installed, its conffiles with their md5sums), and for this
 * layer's packages their file lists and maintainer scripts under info/, and the trigger
 * interests (libc-bin's ldconfig) of all of them, so that a package apt installs later runs
 * ldconfig as on Debian.
 */
function writeDpkgDatabase(dirs: string[], below: Map<string, string>, here: Map<string, string>, lists: Map<string, string[]>): void {
  const dir = dirs[0]!;
  const db = join(dir, 'var/lib/dpkg');
  for (const d of ['info', 'updates', 'triggers', 'alternatives']) mkdirSync(join(db, d), { recursive: true });
  mkdirSync(join(dir, 'etc/alternatives'), { recursive: true });
  const stanzas: string[] = [];
  const fileTriggers: string[] = [];
  const namedTriggers = new Map<string, string[]>();
  const all = [...below, ...here].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [pkg, deb] of all) {
    const control = execFileSync('dpkg-deb', ['-f', deb], { encoding: 'utf8' }).trimEnd();
    const scratch = mkdtempSync(join(tmpdir(), 'dpkg-info-'));
    execFileSync('dpkg-deb', ['-e', deb, scratch]);
    const controlFile = (name: string) => (existsSync(join(scratch, name)) ? readFileSync(join(scratch, name), 'utf8') : '');
    // Conffiles with the md5sum of what is unpacked (in this layer, or the one below).
    const conffiles = controlFile('conffiles').split('\n').map((l) => l.trim().split(/\s+/)[0]!).filter((p) => p.startsWith('/'));
    const md5 = (path: string) => {
      const file = dirs.map((d) => join(d, path)).find((f) => existsSync(f) && lstatSync(f).isFile());
      return file && createHash('md5').update(readFileSync(file)).digest('hex');
    };
    // A conffile that was pruned (documentation) is not listed.
    const conffileLines = conffiles.flatMap((p) => {
      const sum = md5(p);
      return sum ? [` ${p} ${sum}`] : [];
    });
    const lines = control.split('\n');
    lines.splice(1, 0, 'Status: install ok installed');
    if (conffileLines.length) lines.push('Conffiles:', ...conffileLines);
    stanzas.push(lines.join('\n'));
    const name = infoName(control, pkg);
    for (const line of controlFile('triggers').split('\n')) {
      const m = /^\s*interest(-await|-noawait)?\s+(\S+)/.exec(line);
      if (!m) continue;
      const who = m[1] === '-noawait' ? `${pkg}/noawait` : pkg;
      if (m[2]!.startsWith('/')) fileTriggers.push(`${m[2]} ${who}`);
      else namedTriggers.set(m[2]!, [...(namedTriggers.get(m[2]!) ?? []), who]);
    }
    if (here.has(pkg)) {
      for (const f of readdirSync(scratch)) if (f !== 'control') copyFileSync(join(scratch, f), join(db, 'info', `${name}.${f}`));
      const paths = lists.get(pkg)!.map((p) => p.replace(/^\./, '').replace(/\/$/, '') || '/.');
      writeFileSync(join(db, 'info', `${name}.list`), `${paths.join('\n')}\n`);
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(join(db, 'status'), `${stanzas.join('\n\n')}\n`);
  writeFileSync(join(db, 'available'), '');
  if (fileTriggers.length) writeFileSync(join(db, 'triggers/File'), `${fileTriggers.sort().join('\n')}\n`);
  for (const [trigger, who] of namedTriggers) writeFileSync(join(db, 'triggers', trigger), `${who.join('\n')}\n`);
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
  // apt's own postinst adds its download user (uid 42 in Debian 12's images) and directories.
  writeFileSync(join(dir, 'etc/passwd'), `${readFileSync(join(dir, 'etc/passwd'), 'utf8').trimEnd()}\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n`);
  writeFileSync(join(dir, 'etc/shadow'), `${readFileSync(join(dir, 'etc/shadow'), 'utf8').trimEnd()}\n_apt:*:19700:0:99999:7:::\n`);
  for (const d of ['var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/log/apt', 'var/cache/debconf', 'etc/dpkg/dpkg.cfg.d', 'etc/apt/sources.list.d']) mkdirSync(join(dir, d), { recursive: true });
  // As Debian's slim images: dpkg leaves out what unpackRootfs pruned (copyrights stay).
  writeFileSync(
    join(dir, 'etc/dpkg/dpkg.cfg.d/docker'),
    `${PRUNED.map((p) => `path-exclude /${p}/*`).join('\n')}\npath-include /usr/share/doc/*/copyright\n`,
  );
  // The lab's offline Debian mirror (images/packages/build-packages.ts): deb.debian.org is the
  // lab's package server. It holds only the packages built into the lab; the .debs are Debian's,
  // the index is the lab's, signed with the lab's archive key (images/packages/archive-key/).
  mkdirSync(join(dir, 'usr/share/keyrings'), { recursive: true });
  copyFileSync(join(repoRoot, 'images', 'packages', 'archive-key', 'drydock-archive-keyring.gpg'), join(dir, 'usr/share/keyrings/drydock-archive-keyring.gpg'));
  writeFileSync(
    join(dir, 'etc/apt/sources.list.d/debian.sources'),
    `# Drydock's offline mirror of Debian 12 (bookworm, i386): only the packages built into the lab,\n# Debian's own .debs in an index the lab signs (images/packages/build-packages.ts).\nTypes: deb\nURIs: http://deb.debian.org:${PACKAGE_PORT}/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/drydock-archive-keyring.gpg\n`,
  );
}
