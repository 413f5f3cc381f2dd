// What COPY and ADD put into their layer (pure code): sources picked from a file tree (the
// build context, or another stage's filesystem for --from) by name or glob, placed at the
// destination with Docker's rules, with --chown/--chmod applied and missing parents made.
import { cleanPath, compilePattern, hasGlob } from '../formats/path-match';
import { readTar, type TarEntry } from '../formats/tar';
import { BuildError } from './events';

export interface CopyOptions {
  /** Source patterns, relative to the tree's root. */
  sources: string[];
  /** Absolute destination (WORKDIR already applied); a trailing "/" means a directory. */
  dest: string;
  /**
   * The destination and its parents as they are in the image (absent: they do not exist). A
   * destination that is a directory takes sources inside it; parents keep their metadata, since
   * the directory in the new layer is what overlayfs will show.
   */
  existing: Map<string, TarEntry>;
  owner?: { uid: number; gid: number };
  chmod?: number;
  /** ADD: a local tar archive (plain or gzip'd, already gunzipped by the caller) is unpacked. */
  unpackArchives?: (entry: TarEntry) => TarEntry[] | null;
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** The layer's entries for one COPY/ADD, sorted so that parents precede their children. */
export function planCopy(tree: TarEntry[], options: CopyOptions): TarEntry[] {
  const byPath = new Map(tree.map((e) => [e.path, e]));
  const destClean = cleanPath(options.dest);
  // Sources are found with symbolic links followed, as BuildKit does (a link's own name is kept).
  const follow = (path: string): TarEntry | undefined => {
    let parts = path.split('/');
    for (let hops = 0, i = 1; i <= parts.length; i++) {
      const at = byPath.get(parts.slice(0, i).join('/'));
      if (at?.type !== 'symlink') continue;
      if (++hops > 16) return undefined;
      const dir = parts.slice(0, i - 1).join('/');
      parts = cleanPath(at.target.startsWith('/') ? at.target : `${dir}/${at.target}`).split('/').concat(parts.slice(i));
      i = 0;
    }
    return byPath.get(parts.join('/'));
  };
  const found = options.sources.map((source) => {
    const clean = cleanPath(source);
    const named = clean === '' ? [''] : hasGlob(clean) ? tree.filter((e) => compilePattern(clean).test(e.path)).map((e) => e.path) : [clean];
    const matches = named.flatMap((path) => {
      const entry = path === '' ? null : follow(path);
      return entry === undefined ? [] : [{ entry, name: basename(path) }];
    });
    if (!matches.length) throw new BuildError(`failed to compute cache key: failed to calculate checksum of ref: "/${clean}": not found`);
    return { clean, matches };
  });
  // Several sources (or a pattern matching several) go into a directory; one goes to the path.
  const many = found.reduce((n, f) => n + f.matches.length, 0) > 1;
  const toDir = options.existing.get(destClean)?.type === 'dir' || options.dest.endsWith('/') || /(^|\/)\.$/.test(options.dest) || many;
  const placed = new Map<string, TarEntry>();
  const put = (entry: TarEntry, path: string) => {
    // A hard link inside the tree is copied as the file it links to.
    const resolved = entry.type === 'hardlink' ? { ...(byPath.get(entry.target) ?? entry), mode: entry.mode } : entry;
    placed.set(path, { ...resolved, path } as TarEntry);
  };

  for (const { matches } of found) {
    for (const { entry: match, name } of matches) {
      if (match === null || match.type === 'dir') {
        // A directory: its contents (not the directory itself) go to the destination.
        const prefix = match ? `${match.path}/` : '';
        // An existing destination directory keeps what it is (/tmp stays 1777).
        if (match && !options.existing.has(destClean)) placed.set(destClean, { ...match, path: destClean });
        for (const e of tree) if (e.path.startsWith(prefix) && e.path !== match?.path) put(e, join(destClean, e.path.slice(prefix.length)));
        continue;
      }
      const unpacked = options.unpackArchives?.(match);
      if (unpacked) {
        for (const e of unpacked) put(e, join(destClean, cleanPath(e.path)));
        continue;
      }
      put(match, toDir ? join(destClean, name) : destClean);
    }
  }

  // Parents that do not exist in the layer are made, as `mkdir -p` would.
  for (const path of [...placed.keys()]) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!placed.has(parent)) placed.set(parent, options.existing.get(parent) ?? { type: 'dir', path: parent, mode: 0o755 });
    }
  }
  const parents = new Set(ancestors(destClean));
  if (options.existing.get(destClean)?.type === 'dir') parents.add(destClean);
  return [...placed.values()]
    .map((e) => {
      if (parents.has(e.path)) return e; // the destination's parents are not the copy's
      const owned = options.owner ? { ...e, uid: options.owner.uid, gid: options.owner.gid } : { ...e, uid: e.uid ?? 0, gid: e.gid ?? 0 };
      return options.chmod !== undefined && e.type !== 'symlink' ? { ...owned, mode: options.chmod } : owned;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** "a/b/c" → ["a", "a/b"]. */
export function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** ADD's archive check: a tar (ustar magic at byte 257) is unpacked; anything else is copied. */
export function tarEntriesIfArchive(data: Uint8Array): TarEntry[] | null {
  const magic = new TextDecoder().decode(data.subarray(257, 262));
  if (magic !== 'ustar') return null;
  try {
    return readTar(data);
  } catch {
    return null;
  }
}
