import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { APT_ROOTS, NPM_ROOTS, PYPI_BUNDLED, PYPI_ROOTS } from '../../images/packages/contents';
import { registrySpec } from '../../images/packages/npm';
import { canonicalName, markerHolds } from '../../images/packages/wheels';

const dir = join(__dirname, '..', '..', 'public', 'registry', 'packages');
type Entry = { name: string; version: string; file: string; sha256: string; debian: string; requires: string[] };
type NpmEntry = { name: string; version: string; file: string; integrity: string; sha256: string; requires: string[] };
type DebianEntry = { name: string; version: string; file: string; sha256: string };
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { pypi: Entry[]; npm: NpmEntry[]; debian: DebianEntry[] };
type Node = [string, number, number, number, number, number, Node[] | string];
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { fsroot: Node[] };

/** The index's entry at a path (`simple/flask/index.html`). */
function lookup(path: string): Node | undefined {
  let nodes: Node[] = index.fsroot;
  let found: Node | undefined;
  for (const part of path.split('/')) {
    found = nodes.find((n) => n[0] === part);
    if (!found) return undefined;
    nodes = Array.isArray(found[6]) ? found[6] : [];
  }
  return found;
}

const versionKey = (v: string) => v.split('.').map((p) => parseInt(p, 10) || 0);
const atLeast = (v: string, min: string) => {
  const [a, b] = [versionKey(v), versionKey(min)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

describe('the package world manifest (rebuild with npx tsx images/packages/build-packages.ts)', () => {
  it('has a wheel for every package the recipe lists', () => {
    for (const root of PYPI_ROOTS) expect(manifest.pypi.some((e) => e.debian.startsWith(`${root.split(':')[0]}=`)), root).toBe(true);
  });

  it('has a wheel under each name a bundling package is built as (psycopg2 and psycopg2-binary), both from its Debian package', () => {
    for (const [pkg, { names }] of Object.entries(PYPI_BUNDLED)) {
      for (const name of names) expect(manifest.pypi.find((e) => e.name === name)?.debian, name).toMatch(new RegExp(`^${pkg}=`));
    }
  });

  it('has everything pip installs with them on the python image (the dependency closure), at versions that satisfy >= bounds', () => {
    const byName = new Map(manifest.pypi.map((e) => [canonicalName(e.name), e]));
    for (const e of manifest.pypi) {
      for (const spec of e.requires) {
        const [req, marker] = spec.split(';');
        if (marker && !markerHolds(marker.trim())) continue;
        const name = /^[A-Za-z0-9._-]+/.exec(req!.trim())![0];
        const dep = byName.get(canonicalName(name));
        expect(dep, `${e.name} needs ${spec}`).toBeDefined();
        for (const [, min] of req!.matchAll(/>=\s*([\d.]+)/g)) expect(atLeast(dep!.version, min!), `${e.name} needs ${spec}, has ${dep!.version}`).toBe(true);
      }
    }
  });

  it('serves each wheel at /packages/<file> with the content the manifest names, listed on its /simple/ page', () => {
    for (const e of manifest.pypi) {
      const node = lookup(`packages/${e.file}`);
      expect(node, e.file).toBeDefined();
      // The content key is the file's sha256 (fetched lazily from packages/files/).
      expect(node![6]).toBe(`../../packages/files/${e.sha256}.zst`);
      expect(existsSync(join(dir, 'files', `${e.sha256}.zst`)), e.file).toBe(true);
      expect(lookup(`simple/${canonicalName(e.name)}/index.html`), e.name).toBeDefined();
    }
    expect(lookup('simple/index.html')).toBeDefined();
  });

  it('has the content of every file the index names (a missing one would hang its reader)', () => {
    const walk = (nodes: Node[]): string[] => nodes.flatMap((n) => (Array.isArray(n[6]) ? walk(n[6]) : (n[3] & 0o170000) === 0o100000 ? [n[6]] : []));
    for (const key of walk(index.fsroot)) expect(existsSync(join(dir, 'files', key.replace('../../packages/files/', ''))), key).toBe(true);
  });

  it('has every npm package the recipe lists, and a version for each range any of them needs (the closure)', () => {
    const split = (spec: string) => {
      const at = spec.lastIndexOf('@');
      return at > 0 ? registrySpec(spec.slice(0, at), spec.slice(at + 1)) : [spec, '*'];
    };
    const satisfied = (spec: string) => {
      const [name, range] = split(spec);
      return manifest.npm.some((e) => e.name === name && semver.satisfies(e.version, range!, { loose: true }));
    };
    for (const root of NPM_ROOTS) expect(satisfied(root), root).toBe(true);
    for (const e of manifest.npm) for (const spec of e.requires) expect(satisfied(spec), `${e.name}@${e.version} needs ${spec}`).toBe(true);
    // Exact versions with the registry's sha512.
    for (const e of manifest.npm) {
      expect(semver.valid(e.version), e.name).toBe(e.version);
      expect(e.integrity, e.name).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
  });

  it("serves each npm tarball at the registry's path, each package's document under npm/, and the CGI npm asks", () => {
    for (const e of manifest.npm) {
      const node = lookup(e.file);
      expect(e.file, e.name).toBe(`${e.name}/-/${e.name.split('/').pop()}-${e.version}.tgz`);
      expect(node?.[6], e.file).toBe(`../../packages/files/${e.sha256}.zst`);
      expect(lookup(`npm/${e.name}.json`), e.name).toBeDefined();
    }
    const cgi = lookup('cgi-bin/npm');
    expect(cgi).toBeDefined();
    expect(cgi![3] & 0o111).toBe(0o111);
    expect(lookup('npm/index.html')).toBeDefined();
  });

  it("serves every Debian package the recipe lists at its pool path, with the index files apt reads", () => {
    for (const root of APT_ROOTS) expect(manifest.debian.some((e) => e.name === root), root).toBe(true);
    for (const e of manifest.debian) {
      expect(e.file, e.name).toMatch(new RegExp(`^debian/pool/main/(lib)?[a-z0-9]/[^/]+/${e.name.replace(/[+.]/g, '\\$&')}_${e.version.replace(/^\d+:/, '').replace(/[+.~]/g, '\\$&')}_(i386|all)\\.deb$`));
      expect(lookup(e.file)?.[6], e.file).toBe(`../../packages/files/${e.sha256}.zst`);
    }
    for (const f of ['debian/dists/bookworm/Release', 'debian/dists/bookworm/main/binary-i386/Packages', 'debian/index.html']) expect(lookup(f), f).toBeDefined();
  });
});
