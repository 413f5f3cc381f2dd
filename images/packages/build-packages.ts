// Builds the lab's offline package world into public/registry/packages/:
//   index.json     the tree below in v86's 9p format (as a lazy layer's index, lazy-index.ts);
//                  the guest's package server (busybox httpd) serves it, and each file's content
//                  is fetched by the page only when a container downloads it
//   files/         contents, zstd-compressed, by sha256
//   manifest.json  every package: name, version, file, sha256, the Debian package it came from
// The tree: PyPI's "simple" API (PEP 503) at /simple/<name>/ and its wheels at /packages/.
// Wheels are made from Debian 12's python3-* packages (wheels.ts); one whose extension needs a
// library the python image lacks (psycopg2: libpq) has it inside, as auditwheel would bundle it
// (contents.ts PYPI_BUNDLED). Deterministic for the same Debian packages.
// npm: packages fetched from the npm registry with their closure (npm.ts), their tarballs at
// the registry's paths (/express/-/express-4.22.3.tgz, /@redis/client/-/…), each checked
// against the registry's sha512, and packuments under /npm/; /cgi-bin/npm serves both, the
// path in its query (npm names a scoped package @scope%2fname, and busybox httpd answers 404
// to an encoded slash in a path). The registry's state at build
// time decides the versions; the manifest records them.
// Debian: Debian 12's .debs for APT_ROOTS and their closure in a pool under /debian/, with the
// Packages and Release files apt reads (debian-repo.ts), Release signed with the lab's archive
// key (archive-key/); the images' sources name it and its keyring.
//   npx tsx images/packages/build-packages.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../../tools/guest-manifest';
import { buildIndex, type IndexEntry } from '../containers/lazy-index';
import { APT_ROOTS, NPM_ROOTS, PYPI_BUNDLED, PYPI_ROOTS, PYTHON_IMAGE_ROOTS } from './contents';
import { DEBIAN_REQUIRED, downloadDebs, packageClosure } from '../containers/debian-rootfs';
import { packageName, packagesIndex, packageVersion, poolPath, releaseFile, type DebFile } from './debian-repo';
import semver from 'semver';
import { neededRanges, npmClosure, tarballPath, worldPackument, type Packument } from './npm';

const semverCompare = (a: string, b: string) => semver.compare(a, b);
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** The page an offline line names (/npm/, /debian/ from a container): one package and its versions a row. */
const listPage = (title: string, rows: string[]) => `<!DOCTYPE html>\n<html>\n  <head><title>${title}</title></head>\n  <body>\n<pre>\n${rows.map(escapeHtml).join('\n')}\n</pre>\n  </body>\n</html>\n`;
import { buildWheel, canonicalName, isExtension, metadataField, metadataRequires, projectPage, requiresTxt, rootPage, wheelMetadata, wheelName, type Requirement } from './wheels';

const out = join(repoRoot, 'public', 'registry', 'packages');
const recipe = join(repoRoot, 'images', 'packages');
const work = join(repoRoot, '.build', 'packages');
const debs = join(work, 'debs');
const tree = join(work, 'tree');
const DIST_PACKAGES = 'usr/lib/python3/dist-packages';

export interface NpmEntry {
  name: string;
  version: string;
  /** The tarball's path in the tree, as on the registry. */
  file: string;
  /** The registry's dist.integrity (sha512), which the downloaded tarball matched. */
  integrity: string;
  sha256: string;
  /** What npm installs with it (`name@range`: dependencies, optional ones, peers). */
  requires: string[];
}

export interface DebianEntry {
  name: string;
  version: string;
  /** The .deb's path in the tree (debian/pool/…). */
  file: string;
  sha256: string;
}

export interface PypiEntry {
  name: string;
  version: string;
  file: string;
  sha256: string;
  debian: string;
  requires: string[];
}

/** The .deb of a Debian package (`name` or `name:i386`), downloaded once into `debs`. */
function debFor(spec: string): string {
  const [pkg] = spec.split(':');
  const find = () => readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && (f.endsWith('_all.deb') || f.endsWith('_i386.deb')));
  if (!find()) execFileSync('apt-get', ['download', '-q', spec], { cwd: debs, stdio: ['ignore', 'ignore', 'pipe'] });
  const deb = find();
  if (!deb) throw new Error(`no .deb downloaded for ${spec}`);
  return join(debs, deb);
}

/** Debian's name for a distribution: python3-<normalized name>, as Debian's Python policy has it. */
const debianNameOf = (dist: string) => `python3-${canonicalName(dist)}`;

/** i386 for a package with compiled code, the name alone for an arch-independent one. */
function debianSpec(pkg: string): string | undefined {
  for (const spec of [`${pkg}:i386`, pkg]) {
    const r = spawnSync('apt-cache', ['show', '--no-all-versions', spec], { encoding: 'utf8' });
    const arch = /^Architecture: (\S+)/m.exec(r.stdout ?? '')?.[1];
    if (arch === 'all') return pkg;
    if (arch === 'i386') return `${pkg}:i386`;
  }
  return undefined;
}

function filesUnder(dir: string, skip: (rel: string) => boolean): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      const full = join(abs, name);
      const rel = relative(dir, full);
      if (skip(rel)) continue;
      // A link becomes the file it names (a wheel holds no links); one into another Debian
      // package (werkzeug's jquery.js, from libjs-jquery) is left out, as it is not in this one.
      if (lstatSync(full).isSymbolicLink() && !existsSync(full)) {
        console.log(`  left out: ${rel} (a link to ${readlinkSync(full)}, not in the package)`);
        continue;
      }
      if (statSync(full).isDirectory()) walk(full);
      else files.set(rel, readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

const built = new Map<string, PypiEntry | null>();

/**
 * The wheel of one Debian package (and, first, of what it needs). Its requirements are the
 * package's own metadata's, completed by Debian's Depends on other python3-* packages (Debian's
 * egg-info sometimes lost them: python3-redis's names none). Null for a package with no Python
 * distribution in it (python3-pkg-resources is part of setuptools' files).
 */
function wheelOf(spec: string): PypiEntry | null {
  const key = spec.split(':')[0]!;
  if (built.has(key)) return built.get(key)!;
  built.set(key, null); // a dependency cycle ends here
  const deb = debFor(spec);
  const root = join(work, 'unpacked', key);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  execFileSync('dpkg-deb', ['-x', deb, root]);
  const site = join(root, DIST_PACKAGES);
  const infoDir = existsSync(site) ? readdirSync(site).find((f) => /\.(egg|dist)-info$/.test(f)) : undefined;
  if (!infoDir) return null;
  const info = join(site, infoDir);
  const isDir = statSync(info).isDirectory();
  const metaFile = !isDir ? info : join(info, infoDir.endsWith('.dist-info') ? 'METADATA' : 'PKG-INFO');
  const original = readFileSync(metaFile, 'utf8');
  const name = metadataField(original, 'Name')!;
  const version = metadataField(original, 'Version')!;
  const own: Requirement[] = infoDir.endsWith('.dist-info')
    ? metadataRequires(original)
    : isDir && existsSync(join(info, 'requires.txt'))
      ? requiresTxt(readFileSync(join(info, 'requires.txt'), 'utf8'))
      : [];
  const requires = [...own];
  // Debian's Depends, clause by clause; a clause that Python itself can satisfy
  // (`python3-importlib-metadata | python3 (>> 3.8)`) is not a requirement on 3.11.
  const depends = execFileSync('dpkg-deb', ['-f', deb, 'Depends'], { encoding: 'utf8' }).trim();
  for (const clause of depends ? depends.split(',') : []) {
    const alternatives = clause.split('|').map((a) => a.trim().replace(/\s*\(.*\)$/, '').replace(/:any$/, ''));
    if (alternatives.includes('python3') || !alternatives[0]!.startsWith('python3-')) continue;
    const dep = debianSpec(alternatives[0]!);
    const entry = dep ? wheelOf(dep) : null;
    if (entry && !requires.some((r) => canonicalName(r.name) === canonicalName(entry.name))) requires.push({ name: entry.name, spec: entry.name, needed: true });
  }
  // Requirements pip will install here must be in the world too.
  for (const r of requires.filter((q) => q.needed)) {
    if ([...built.values()].some((e) => e && canonicalName(e.name) === canonicalName(r.name))) continue;
    const dep = debianSpec(debianNameOf(r.name));
    if (!dep || !wheelOf(dep)) throw new Error(`${name} needs ${r.spec}: no Debian package ${debianNameOf(r.name)} provides it`);
  }
  const extra = new Map<string, Uint8Array>();
  for (const f of ['entry_points.txt', 'top_level.txt']) if (isDir && existsSync(join(info, f))) extra.set(f, readFileSync(join(info, f)));
  // Bytecode ahead, as the python image's own packages have it (build-images.ts): pip compiles
  // what it installs, which took the emulated CPU longer than the rest of `pip install flask`;
  // the image's pip.conf says no-compile, and these unchecked-hash .pyc files (listed in RECORD,
  // so pip uninstall removes them) are used wherever the wheel is installed. The build host's
  // Debian Python 3.11 writes them, with the image's magic number.
  execFileSync('/usr/bin/python3.11', ['-m', 'compileall', '-q', '-j', '0', '--invalidation-mode', 'unchecked-hash', site], { stdio: 'inherit' });
  const files = filesUnder(site, (rel) => rel === infoDir || rel.startsWith(`${infoDir}/`));
  const debVersion = execFileSync('dpkg-deb', ['-f', deb, 'Version'], { encoding: 'utf8' }).trim();
  const bundled = PYPI_BUNDLED[key];
  const write = (distName: string, wheelFiles: Map<string, Uint8Array>, note: string): PypiEntry => {
    const { filename, data } = buildWheel({
      name: distName,
      version,
      files: wheelFiles,
      metadata: wheelMetadata(original.replace(/^Name: .*$/m, `Name: ${distName}`), requires),
      extra,
      generator: `drydock build-packages (from Debian 12's ${key} ${debVersion}${note})`,
    });
    mkdirSync(join(tree, 'packages'), { recursive: true });
    writeFileSync(join(tree, 'packages', filename), data);
    console.log(`pypi: ${filename} (${data.length} bytes) from ${key} ${debVersion}${note}`);
    return { name: distName, version, file: filename, sha256: createHash('sha256').update(data).digest('hex'), debian: `${key}=${debVersion}`, requires: requires.map((r) => r.spec) };
  };
  if (!bundled) {
    const entry = write(name, files, '');
    built.set(key, entry);
    return entry;
  }
  const libraries = bundledLibraries(bundled.libraries);
  const note = `, with ${libraries.from.join(', ')} inside`;
  const entries = bundled.names.map((distName) => write(distName, withLibraries(files, `${wheelName(distName)}.libs`, libraries.files), note));
  entries.forEach((e, i) => built.set(i ? `${key} ${e.name}` : key, e));
  return entries[0]!;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();

/**
 * The shared libraries (by soname) in the Debian packages `roots` and in what they need beyond
 * the python image: what a wheel's extension loads that the image lacks. Each gets RUNPATH
 * $ORIGIN, so that they find one another beside themselves.
 */
function bundledLibraries(roots: string[]): { files: Map<string, Uint8Array>; from: string[] } {
  const essential = packageClosure(DEBIAN_REQUIRED);
  const image = new Set([...essential, ...packageClosure(PYTHON_IMAGE_ROOTS, new Set(essential))]);
  const packages = packageClosure(roots, image);
  const files = new Map<string, Uint8Array>();
  const from: string[] = [];
  for (const [pkg, deb] of downloadDebs(packages, debs)) {
    const root = join(work, 'unpacked', `lib-${pkg}`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    execFileSync('dpkg-deb', ['-x', deb, root]);
    from.push(`${pkg} ${run('dpkg-deb', ['-f', deb, 'Version'])}`);
    for (const dir of ['usr/lib/i386-linux-gnu', 'lib/i386-linux-gnu'].map((d) => join(root, d)).filter(existsSync)) {
      for (const name of readdirSync(dir).sort()) {
        const full = join(dir, name);
        if (!isExtension(name) || lstatSync(full).isSymbolicLink() || !statSync(full).isFile()) continue;
        const soname = run('patchelf', ['--print-soname', full]);
        if (!soname) continue;
        execFileSync('patchelf', ['--set-rpath', '$ORIGIN', full]);
        files.set(soname, readFileSync(full));
      }
    }
  }
  return { files, from };
}

/**
 * The wheel's files with `libraries` in `libsDir` beside the package, and its extensions'
 * RUNPATH set to it ($ORIGIN/../<libsDir> from where each one is), as auditwheel repairs a wheel.
 */
function withLibraries(files: Map<string, Uint8Array>, libsDir: string, libraries: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const out = new Map(files);
  const scratch = mkdtempSync(join(tmpdir(), 'drydock-wheel-'));
  try {
    for (const [path, data] of files) {
      if (!isExtension(path)) continue;
      const file = join(scratch, 'ext.so');
      writeFileSync(file, data);
      const up = path.split('/').length - 1;
      execFileSync('patchelf', ['--set-rpath', `$ORIGIN/${'../'.repeat(up)}${libsDir}`, file]);
      out.set(path, readFileSync(file));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const [soname, data] of libraries) out.set(`${libsDir}/${soname}`, data);
  return out;
}

/** The index's content keys, relative to the lazy layers' base URL (`registry/lazy/files/`). */
function rebase(entries: IndexEntry[]): IndexEntry[] {
  const S_IFMT = 0o170000;
  const S_IFREG = 0o100000;
  return entries.map((e) => {
    const [name, size, mtime, mode, uid, gid, body] = e;
    if (Array.isArray(body)) return [name, size, mtime, mode, uid, gid, rebase(body)];
    return (mode & S_IFMT) === S_IFREG ? [name, size, mtime, mode, uid, gid, `../../packages/files/${body}`] : e;
  });
}

const NPM_REGISTRY = 'https://registry.npmjs.org';
const npmCache = join(work, 'npm');

const packuments = new Map<string, Packument>();
async function packumentOf(name: string): Promise<Packument> {
  const known = packuments.get(name);
  if (known) return known;
  const res = await fetch(`${NPM_REGISTRY}/${name.replace('/', '%2f')}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`npm: GET ${name}: ${res.status} ${res.statusText}`);
  const doc = (await res.json()) as Packument;
  packuments.set(name, doc);
  return doc;
}

/** The tarball, from the cache or the registry, checked against the registry's integrity. */
async function tarballOf(url: string, integrity: string | undefined, shasum: string): Promise<Uint8Array> {
  const cached = join(npmCache, createHash('sha256').update(url).digest('hex'));
  let data: Uint8Array | undefined = existsSync(cached) ? readFileSync(cached) : undefined;
  const matches = (d: Uint8Array) =>
    integrity?.startsWith('sha512-') ? `sha512-${createHash('sha512').update(d).digest('base64')}` === integrity.split(/\s+/)[0] : createHash('sha1').update(d).digest('hex') === shasum;
  if (!data || !matches(data)) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`npm: GET ${url}: ${res.status} ${res.statusText}`);
    data = new Uint8Array(await res.arrayBuffer());
    if (!matches(data)) throw new Error(`npm: ${url} does not match its integrity ${integrity ?? shasum}`);
    writeFileSync(cached, data);
  }
  return data;
}

// The CGI that answers npm's packument requests (/cgi-bin/npm?/<name>): the name comes
// URL-encoded in the query (the scoped @redis%2fclient); the document is ../npm/<name>.json.
const NPM_CGI = `#!/bin/sh
# The npm registry for npm (the node image's /etc/npmrc: registry=…/cgi-bin/npm?): the path npm
# asks for comes in the query, since busybox httpd answers 404 to an encoded slash in a path and
# npm names a scoped package @scope%2fname. /<name> is the package's document (../npm/<name>.json);
# /<name>/-/<file>.tgz a tarball (npm puts a registry.npmjs.org tarball URL, a lockfile's too,
# under the configured registry). Built by images/packages/build-packages.ts.
path=$(busybox httpd -d "\${QUERY_STRING#/}")
file=
case "$path" in
  *..*|*[!A-Za-z0-9@._/~-]*) ;;
  */-/*.tgz) file=../$path type=application/octet-stream ;;
  @*/*/*) ;;
  @*/?*) file=../npm/$path.json type=application/json ;;
  ''|@*|*/*) ;;
  *) file=../npm/$path.json type=application/json ;;
esac
if [ -n "$file" ] && [ -f "$file" ]; then
  printf 'Content-Type: %s\\r\\n\\r\\n' "$type"
  exec cat "$file"
fi
printf 'Status: 404 Not Found\\r\\nContent-Type: application/json\\r\\n\\r\\n{"error":"Not found"}\\n'
`;

async function buildNpm(): Promise<NpmEntry[]> {
  mkdirSync(npmCache, { recursive: true });
  const world = await npmClosure(NPM_ROOTS, packumentOf);
  const roots = new Set(NPM_ROOTS.map((r) => (r.lastIndexOf('@') > 0 ? r.slice(0, r.lastIndexOf('@')) : r)));
  const entries: NpmEntry[] = [];
  for (const name of [...world.keys()].sort()) {
    const doc = worldPackument(packuments.get(name)!, world.get(name)!, roots.has(name));
    for (const mani of Object.values(doc.versions)) {
      const file = tarballPath(mani.dist.tarball);
      if (/^\/(simple|packages|npm|cgi-bin)\//.test(file)) throw new Error(`npm: ${name}'s tarballs would be under the tree's ${file.split('/')[1]}/`);
      const data = await tarballOf(mani.dist.tarball, mani.dist.integrity, mani.dist.shasum);
      mkdirSync(join(tree, file, '..'), { recursive: true });
      writeFileSync(join(tree, file), data);
      const integrity = mani.dist.integrity ?? `sha512-${createHash('sha512').update(data).digest('base64')}`;
      entries.push({ name, version: mani.version, file: file.slice(1), integrity, sha256: createHash('sha256').update(data).digest('hex'), requires: neededRanges(mani).map(([dep, range]) => `${dep}@${range}`) });
      console.log(`npm: ${name}@${mani.version} (${data.length} bytes)`);
    }
    mkdirSync(join(tree, 'npm', name, '..'), { recursive: true });
    writeFileSync(join(tree, 'npm', `${name}.json`), JSON.stringify(doc));
  }
  mkdirSync(join(tree, 'cgi-bin'), { recursive: true });
  writeFileSync(join(tree, 'cgi-bin', 'npm'), NPM_CGI, { mode: 0o755 });
  // The list the offline line names (/npm/ from a container): every package and its versions.
  const rows = [...world.keys()].sort().map((name) => `${name} ${[...world.get(name)!].sort(semverCompare).join(' ')}`);
  writeFileSync(join(tree, 'npm', 'index.html'), listPage("The lab's npm packages", rows));
  return entries;
}

/**
 * InRelease and Release.gpg, signed with the lab's archive key (archive-key/README.md) at the
 * recipe's fixed time: the same bytes at every build.
 */
function signRelease(dist: string): void {
  const home = mkdtempSync(join(tmpdir(), 'drydock-gpg-'));
  try {
    const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--faked-system-time', '20260101T000000!', '--digest-algo', 'SHA512', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    gpg('--import', join(recipe, 'archive-key', 'drydock-archive.secret.asc'));
    gpg('--clearsign', '--output', join(dist, 'InRelease'), join(dist, 'Release'));
    gpg('--armor', '--detach-sign', '--output', join(dist, 'Release.gpg'), join(dist, 'Release'));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// The Debian mirror: APT_ROOTS and what they need beyond the debian image's essential set
// (the same closure the image is built from), at /debian/ as deb.debian.org serves it.
function buildDebian(): DebianEntry[] {
  const essential = new Set(packageClosure(DEBIAN_REQUIRED));
  const files = downloadDebs(packageClosure(APT_ROOTS, essential), debs);
  const entries: DebianEntry[] = [];
  const indexed: DebFile[] = [];
  for (const deb of [...files.values()].sort()) {
    const control = execFileSync('dpkg-deb', ['-f', deb], { encoding: 'utf8' });
    const data = readFileSync(deb);
    const file = `debian/${poolPath(control)}`;
    mkdirSync(join(tree, file, '..'), { recursive: true });
    writeFileSync(join(tree, file), data);
    indexed.push({ control, data });
    entries.push({ name: packageName(control), version: packageVersion(control), file, sha256: createHash('sha256').update(data).digest('hex') });
  }
  const packages = packagesIndex(indexed);
  const dist = join(tree, 'debian', 'dists', 'bookworm');
  mkdirSync(join(dist, 'main', 'binary-i386'), { recursive: true });
  writeFileSync(join(dist, 'main', 'binary-i386', 'Packages'), packages);
  writeFileSync(join(dist, 'Release'), releaseFile(packages));
  signRelease(dist);
  const rows = entries.map((e) => `${e.name} ${e.version}`);
  writeFileSync(join(tree, 'debian', 'index.html'), listPage("The lab's Debian packages", rows));
  console.log(`debian: ${entries.length} packages (${APT_ROOTS.join(', ')} and what they need)`);
  return entries.sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function main(): Promise<void> {
  // patchelf sets the RUNPATH of the wheels' bundled libraries (withLibraries).
  execFileSync('bash', [join(repoRoot, 'scripts', 'ensure-debian-package.sh'), '/usr/bin/patchelf', 'patchelf'], { stdio: 'inherit' });
  mkdirSync(debs, { recursive: true });
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(join(tree, 'simple'), { recursive: true });
  for (const spec of PYPI_ROOTS) if (!wheelOf(spec)) throw new Error(`${spec}: no Python distribution inside`);
  const pypi = [...built.values()].filter((e): e is PypiEntry => !!e).sort((a, b) => (canonicalName(a.name) < canonicalName(b.name) ? -1 : 1));
  for (const e of pypi) {
    const dir = join(tree, 'simple', canonicalName(e.name));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), projectPage(canonicalName(e.name), [{ filename: e.file, sha256: e.sha256 }]));
  }
  writeFileSync(join(tree, 'simple', 'index.html'), rootPage(pypi.map((e) => canonicalName(e.name))));
  const npm = await buildNpm();
  const debian = buildDebian();

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { fsroot, bytes } = buildIndex(tree, join(out, 'files'));
  writeFileSync(join(out, 'index.json'), JSON.stringify({ version: 3, size: bytes, fsroot: rebase(fsroot) }));
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({ pypi, npm, debian }, null, 2)}\n`);
  console.log(`packages: ${pypi.length} wheels, ${npm.length} npm tarballs, ${debian.length} Debian packages, ${bytes} bytes, written to public/registry/packages/`);
}

await main();
