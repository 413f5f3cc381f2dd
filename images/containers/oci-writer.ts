// Writes the built-in images as a static OCI registry under public/registry/ (blobs/sha256/<hex>:
// layers, configs, manifests; lazy/: large layers' file indexes; index.json: repository -> tag
// -> manifest digest), and the checks every image recipe uses. The recipes are build-images.ts
// and the per-image modules beside it.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTar, type TarEntry } from '../../web/src/engine/formats/tar';
import { repoRoot } from '../../tools/guest-manifest';
import { buildIndex } from './lazy-index';

export const registry = join(repoRoot, 'public', 'registry');
export const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const CREATED = '2026-01-01T00:00:00Z';

/** Empties the registry for a build. packages/ is another recipe's (images/packages/build-packages.ts): it stays. */
export function startRegistry(): void {
  for (const made of readdirSync(registry, { withFileTypes: true }).filter((e) => e.name !== 'packages')) rmSync(join(registry, made.name), { recursive: true, force: true });
  mkdirSync(join(registry, 'blobs', 'sha256'), { recursive: true });
}

const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
function putBlob(data: Uint8Array | string): { digest: string; size: number } {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const hex = sha(bytes);
  writeFileSync(join(registry, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/**
 * The tags an upstream version earns: `7.0.15` → `7`, `7.0`, `7.0.15`, each with `suffix`
 * (`-slim`). Only versions of what is really inside: Debian 12's packages, not upstream's newest.
 */
export function versionTags(version: string, suffix = ''): string[] {
  const parts = version.split('.');
  return parts.map((_, i) => `${parts.slice(0, i + 1).join('.')}${suffix}`);
}

/** A layer published as a tar.gz blob, or (large ones) as a lazy index of its files. */
export type LayerSpec = { entries: TarEntry[]; createdBy: string } | { lazyDir: string; exclude?: (path: string) => boolean; createdBy: string };

export interface ImageSpec {
  repository: string;
  /** Every tag names the same manifest, as upstream's aliases do (nginx:1.22 and nginx:1.22.1). */
  tags: string[];
  layers: LayerSpec[];
  config: Record<string, unknown>;
  history?: Array<{ createdBy: string; emptyLayer: true }>;
}

const index: Record<string, Record<string, string>> = {};

const lazyLayers = new Map<string, { diffId: string; descriptor: Record<string, unknown> }>();

/** A lazy layer: its index under lazy/, its files under lazy/files/ (see lazy-index.ts). */
function lazyLayer(dir: string, exclude?: (path: string) => boolean) {
  const known = lazyLayers.get(dir);
  if (known) return known;
  const { fsroot, bytes, entries } = buildIndex(dir, join(registry, 'lazy', 'files'), exclude);
  const tar = createTar(entries);
  const hex = sha(tar);
  writeFileSync(join(registry, 'lazy', `${hex}.json`), JSON.stringify({ version: 3, size: bytes, fsroot }));
  const layer = {
    diffId: `sha256:${hex}`,
    // The tar itself is not published: the guest reads the files through the index.
    descriptor: {
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: `sha256:${hex}`,
      size: tar.length,
      annotations: { 'org.drydock.lazy.index': `lazy/${hex}.json`, 'org.drydock.lazy.bytes': String(bytes) },
    },
  };
  lazyLayers.set(dir, layer);
  return layer;
}

export function buildImage(spec: ImageSpec): void {
  const layers = spec.layers.map((layer) => {
    if ('lazyDir' in layer) return { ...lazyLayer(layer.lazyDir, layer.exclude), createdBy: layer.createdBy };
    const tar = createTar(layer.entries);
    const gz = gzipSync(tar, { level: 9 });
    const blob = putBlob(gz);
    return { diffId: `sha256:${sha(tar)}`, descriptor: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...blob }, createdBy: layer.createdBy };
  });
  const config = {
    architecture: '386',
    os: 'linux',
    created: CREATED,
    config: spec.config,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: [
      ...layers.map((l) => ({ created: CREATED, created_by: l.createdBy })),
      ...(spec.history ?? []).map((h) => ({ created: CREATED, created_by: h.createdBy, empty_layer: true })),
    ],
  };
  const configBlob = putBlob(JSON.stringify(config));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
    layers: layers.map((l) => l.descriptor),
  };
  const manifestBlob = putBlob(JSON.stringify(manifest));
  for (const tag of spec.tags) (index[spec.repository] ??= {})[tag] = manifestBlob.digest;
}

/** Every file, link and directory under `dir`, as tar entries (sorted, so the tar is stable). */
export function treeEntries(dir: string, exclude: (path: string) => boolean = () => false): TarEntry[] {
  const out: TarEntry[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      const full = join(abs, name);
      const path = relative(dir, full);
      if (exclude(path)) continue;
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.push({ type: 'symlink', path, target: readlinkSync(full) });
      else if (st.isDirectory()) {
        out.push({ type: 'dir', path, mode: st.mode & 0o7777 });
        walk(full);
      } else if (st.isFile()) out.push({ type: 'file', path, data: readFileSync(full), mode: st.mode & 0o7777 });
    }
  };
  walk(dir);
  return out;
}

/**
 * Fails the build when a program needs a library the image's layers do not ship. It checks the
 * tar entries themselves (what the container will see), reading the programs from `roots`.
 */
export function checkLibraries(layers: TarEntry[][], roots: string[], programs: string[]): void {
  const shipped = new Set(layers.flat().map((e) => e.path));
  const libDirs = ['lib', 'lib/i386-linux-gnu', 'usr/lib', 'usr/lib/i386-linux-gnu'];
  // /lib is a symlink to /usr/lib in Debian 12 (merged /usr): look in both.
  const has = (soname: string) => libDirs.some((d) => shipped.has(`${d}/${soname}`) || shipped.has(`usr/${d}/${soname}`));
  const locate = (rel: string) => roots.map((r) => join(r, rel)).find((p) => existsSync(p));
  const checked = new Set<string>();
  // Programs and, transitively, the libraries they load.
  const queue = programs.map((p) => ({ path: p, by: p }));
  while (queue.length) {
    const { path, by } = queue.shift()!;
    if (checked.has(path)) continue;
    checked.add(path);
    const file = locate(path);
    if (!file || !shipped.has(path)) throw new Error(`image check: ${path} (for ${by}) is missing`);
    const dynamic = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
    for (const [, soname] of dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
      if (!has(soname!)) throw new Error(`image check: ${by} needs ${soname}, which no package in the image provides`);
      const found = libDirs.flatMap((d) => [`${d}/${soname}`, `usr/${d}/${soname}`]).find((p) => shipped.has(p) && locate(p));
      if (found) queue.push({ path: found, by });
    }
  }
}

/** index.json, once every image is written; returns how many repositories it names. */
export function writeRegistryIndex(): number {
  writeFileSync(join(registry, 'index.json'), `${JSON.stringify({ repositories: index }, null, 2)}\n`);
  return Object.keys(index).length;
}
