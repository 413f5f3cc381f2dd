// Large image layers, loaded lazily: instead of a tar.gz blob, a layer is published as an index
// of its files in v86's 9p format (version 3) plus each file's content, zstd-compressed and
// named by its sha256 (`lazy/files/<sha256>.zst`, shared by every layer). The engine attaches
// the index to the guest's 9p share when the image is pulled; a file's content is fetched the
// first time the guest reads it. v86 decompresses `.zst` content itself.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TarEntry } from '../../web/src/engine/formats/tar';

/** [name, size, mtime, mode (with type bits), uid, gid, children | content key | link target] */
export type IndexEntry = [string, number, number, number, number, number, IndexEntry[] | string];

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
/** Every file gets this mtime: the index (and so the image) does not depend on build time. */
export const MTIME = 1767225600;

/** Runs zstd with `args` over `files`, a few hundred at a time (one run per file took minutes). */
export function zstdFiles(args: string[], files: string[]): void {
  for (let i = 0; i < files.length; i += 500) execFileSync('zstd', [...args, ...files.slice(i, i + 500)]);
}

/**
 * The index of `dir` (minus `exclude`d paths), writing new contents into `filesDir`. Returns the
 * tree, the bytes of file content it names, and the same layer as tar entries (its diffID is
 * the digest of that tar, as if the layer had been published as one).
 */
export function buildIndex(dir: string, filesDir: string, exclude: (path: string) => boolean = () => false): { fsroot: IndexEntry[]; bytes: number; entries: TarEntry[] } {
  const entries: TarEntry[] = [];
  mkdirSync(filesDir, { recursive: true });
  const pending: string[] = [];
  let bytes = 0;
  const walk = (abs: string, rel: string): IndexEntry[] =>
    readdirSync(abs)
      .sort()
      .flatMap((name): IndexEntry[] => {
        const path = rel ? `${rel}/${name}` : name;
        if (exclude(path)) return [];
        const full = join(abs, name);
        const st = lstatSync(full);
        const perm = st.mode & 0o7777;
        const owner = { mode: perm, uid: st.uid, gid: st.gid, mtime: MTIME };
        if (st.isSymbolicLink()) {
          entries.push({ type: 'symlink', path, target: readlinkSync(full), ...owner });
          return [[name, 0, MTIME, S_IFLNK | 0o777, st.uid, st.gid, readlinkSync(full)]];
        }
        if (st.isDirectory()) {
          entries.push({ type: 'dir', path, ...owner });
          return [[name, 0, MTIME, S_IFDIR | perm, st.uid, st.gid, walk(full, path)]];
        }
        if (!st.isFile()) throw new Error(`lazy index: ${path} is neither file, directory nor link`);
        const data = readFileSync(full);
        entries.push({ type: 'file', path, data, ...owner });
        const hex = createHash('sha256').update(data).digest('hex');
        const raw = join(filesDir, hex);
        if (!existsSync(`${raw}.zst`) && !pending.includes(raw)) {
          writeFileSync(raw, data);
          pending.push(raw);
        }
        bytes += data.length;
        return [[name, data.length, MTIME, S_IFREG | perm, st.uid, st.gid, `${hex}.zst`]];
      });
  const fsroot = walk(dir, '');
  // One zstd run for all new contents (level 19: fetched many times, compressed once).
  zstdFiles(['-q', '-19', '--rm', '-f'], pending);
  return { fsroot, bytes, entries };
}
