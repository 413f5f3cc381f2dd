// The layer disk: the lazy layers (see lazy-index.ts) of DISK_IMAGES, the built-in large images, as one
// read-only EROFS filesystem that the guest mounts from an IDE disk, each layer a top-level
// directory named by its diffID's hex. Overlayfs uses those directories as lowerdirs, and the
// guest kernel's page and dentry caches serve every later container, where the same files on
// 9p cost a round trip through the emulator for each lookup and each page.
//
// The disk is published in fixed-size chunks, each named by the sha256 of its raw bytes and
// zstd-compressed (`disk/chunks/<sha256>.zst`; all-zero chunks are not stored), with
// `disk/layers.json` naming them in order. The engine fetches a chunk when the guest first reads
// it and checks it against its name. The filesystem is uncompressed: the emulated CPU is the
// scarce one, and the host decompresses chunks far faster than the guest could.
//
// The disk is made from the published lazy layers (their indexes and contents), so it holds
// exactly the files the 9p path would show, and it can be rebuilt without the Debian packages:
//   tsx images/containers/layer-disk.ts            (build-images.ts calls it at its end)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, lchownSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MTIME, S_IFDIR, S_IFLNK, S_IFMT, zstdFiles, type IndexEntry } from './lazy-index';
import { registry } from './oci-writer';
import { repoRoot } from '../../tools/guest-manifest';
import type { LayerDiskManifest } from '../../web/src/engine/guest/layer-disk';

/** 128 KiB: python3's start reads scattered pages; larger chunks fetched more unread bytes. */
export const DISK_CHUNK_SIZE = 128 * 1024;
/** Fixed, so that the same layers give the same disk. */
const UUID = 'd7d0c4a1-6e0b-4c55-9b1e-2f6a4c8e0d01';

/** Every content key (`<sha256>.zst`) a lazy index names. */
function contentKeys(entries: IndexEntry[], into: Set<string>): Set<string> {
  for (const [, , , mode, , , body] of entries) {
    if ((mode & S_IFMT) === S_IFDIR) contentKeys(body as IndexEntry[], into);
    else if ((mode & S_IFMT) !== S_IFLNK) into.add(body as string);
  }
  return into;
}

/** Writes the tree a lazy index describes under `dir`, with its owners, modes and contents (`files`: decompressed, by sha256). */
function materialize(entries: IndexEntry[], dir: string, files: string): void {
  for (const [name, , mtime, mode, uid, gid, body] of entries) {
    const path = join(dir, name);
    const type = mode & S_IFMT;
    if (type === S_IFDIR) {
      mkdirSync(path);
      materialize(body as IndexEntry[], path, files);
    } else if (type === S_IFLNK) {
      symlinkSync(body as string, path);
    } else {
      copyFileSync(join(files, (body as string).replace(/\.zst$/, '')), path);
    }
    lchownSync(path, uid, gid);
    if (type !== S_IFLNK) {
      chmodSync(path, mode & 0o7777);
      utimesSync(path, mtime, mtime);
    }
  }
}

/**
 * The images whose lazy layers are on the disk. The others (mariadb, httpd) load over 9p: the disk
 * is one EROFS filesystem, whose layout shifts when a layer is added (adding two rewrote 4,249
 * of its 4,273 chunks, 220 MB more in the repository), so new images wait for a disk split per
 * layer (a partition each) instead of rewriting it.
 */
export const DISK_IMAGES = ['library/debian', 'library/python', 'library/node', 'library/postgres'];

/** The hex diffIDs of the lazy layers of DISK_IMAGES, from the written registry's index and configs. */
function diskLayerHexes(): Set<string> {
  const blob = (digest: string) => JSON.parse(readFileSync(join(registry, 'blobs', 'sha256', digest.replace(/^sha256:/, '')), 'utf8'));
  const index = JSON.parse(readFileSync(join(registry, 'index.json'), 'utf8')) as { repositories: Record<string, Record<string, string>> };
  const hexes = new Set<string>();
  for (const repository of DISK_IMAGES) {
    for (const digest of new Set(Object.values(index.repositories[repository] ?? {}))) {
      const config = blob((blob(digest) as { config: { digest: string } }).config.digest) as { rootfs: { diff_ids: string[] } };
      for (const diffId of config.rootfs.diff_ids) hexes.add(diffId.replace(/^sha256:/, ''));
    }
  }
  return hexes;
}

export function buildLayerDisk(stageDir: string): LayerDiskManifest {
  const lazyDir = join(registry, 'lazy');
  const diskDir = join(registry, 'disk');
  rmSync(diskDir, { recursive: true, force: true });
  mkdirSync(join(diskDir, 'chunks'), { recursive: true });
  const tree = join(stageDir, 'layer-disk');
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const layers: Record<string, string> = {};
  const onDisk = diskLayerHexes();
  const indexes = readdirSync(lazyDir).filter((f) => f.endsWith('.json') && onDisk.has(f.slice(0, -5))).sort()
    .map((file) => ({ hex: file.slice(0, -5), index: JSON.parse(readFileSync(join(lazyDir, file), 'utf8')) as { fsroot: IndexEntry[] } }));
  // Every content once, decompressed.
  const contents = join(stageDir, 'layer-disk-contents');
  rmSync(contents, { recursive: true, force: true });
  mkdirSync(contents, { recursive: true });
  const keys = [...indexes.reduce((all, { index }) => contentKeys(index.fsroot, all), new Set<string>())].sort();
  zstdFiles(['-d', '-q', '-f', '--output-dir-flat', contents], keys.map((k) => join(lazyDir, 'files', k)));
  for (const { hex, index } of indexes) {
    mkdirSync(join(tree, hex));
    materialize(index.fsroot, join(tree, hex), contents);
    chmodSync(join(tree, hex), 0o755);
    utimesSync(join(tree, hex), MTIME, MTIME);
    layers[`sha256:${hex}`] = `/${hex}`;
  }
  utimesSync(tree, MTIME, MTIME);
  rmSync(contents, { recursive: true, force: true });
  const image = join(stageDir, 'layer-disk.erofs');
  rmSync(image, { force: true });
  execFileSync('mkfs.erofs', ['--quiet', `-T${MTIME}`, `-U${UUID}`, '-x-1', image, tree], { stdio: 'inherit' });
  const raw = statSync(image).size;
  const size = Math.ceil(raw / DISK_CHUNK_SIZE) * DISK_CHUNK_SIZE;
  truncateSync(image, size);

  const chunks: Array<string | null> = [];
  const whole = createHash('sha256');
  const fd = openSync(image, 'r');
  const buffer = Buffer.alloc(DISK_CHUNK_SIZE);
  const pending = new Set<string>();
  try {
    for (let offset = 0; offset < size; offset += DISK_CHUNK_SIZE) {
      readSync(fd, buffer, 0, DISK_CHUNK_SIZE, offset);
      whole.update(buffer);
      if (buffer.every((b) => b === 0)) {
        chunks.push(null);
        continue;
      }
      const hex = createHash('sha256').update(buffer).digest('hex');
      chunks.push(hex);
      const out = join(diskDir, 'chunks', hex);
      if (!pending.has(out)) {
        writeFileSync(out, buffer);
        pending.add(out);
      }
    }
  } finally {
    closeSync(fd);
  }
  // Level 19: fetched many times, compressed once. --no-check: the engine checks the sha256.
  zstdFiles(['-q', '-19', '-T0', '--no-check', '--rm', '-f'], [...pending]);
  const manifest: LayerDiskManifest = { version: 1, size, chunkSize: DISK_CHUNK_SIZE, sha256: whole.digest('hex'), chunks, layers };
  writeFileSync(join(diskDir, 'layers.json'), `${JSON.stringify(manifest)}\n`);
  return manifest;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const m = buildLayerDisk(join(repoRoot, '.build', 'guest', 'stage'));
  const stored = m.chunks.filter(Boolean).length;
  console.log(`layer disk: ${m.size >> 20} MiB, ${m.chunks.length} chunks (${stored} stored), ${Object.keys(m.layers).length} layers`);
}
