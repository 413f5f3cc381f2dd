// Deletions in image layers, in the two spellings that exist (pure code). The OCI image spec
// marks a deleted path with an empty file `.wh.<name>` beside it (and a directory whose old
// contents are hidden with `.wh..wh..opq`); overlayfs marks it with a 0:0 character device of
// the same name. Layers travel and are hashed in the OCI spelling; the guest unpacks them in
// overlayfs's so that they can be stacked as lowerdirs.
import type { TarEntry } from './tar';

const PREFIX = '.wh.';
export const OPAQUE = '.wh..wh..opq';

const split = (path: string) => {
  const slash = path.lastIndexOf('/');
  return { dir: slash < 0 ? '' : path.slice(0, slash + 1), base: path.slice(slash + 1) };
};

/** overlayfs → OCI: each 0:0 character device becomes a `.wh.` file. */
export function overlayToOci(entries: TarEntry[]): TarEntry[] {
  return entries.map((e) => {
    if (e.type !== 'char' || e.major !== 0 || e.minor !== 0) return e;
    const { dir, base } = split(e.path);
    return { type: 'file', path: `${dir}${PREFIX}${base}`, data: new Uint8Array(0), mode: 0o600, mtime: e.mtime };
  });
}

/**
 * OCI → overlayfs: each `.wh.` file becomes a 0:0 character device. Opaque markers are
 * returned apart: the directory must be marked with an xattr, which tar cannot carry here.
 */
export function ociToOverlay(entries: TarEntry[]): { entries: TarEntry[]; opaqueDirs: string[] } {
  const out: TarEntry[] = [];
  const opaqueDirs: string[] = [];
  for (const e of entries) {
    const { dir, base } = split(e.path);
    if (base === OPAQUE) opaqueDirs.push(dir.replace(/\/$/, ''));
    else if (base.startsWith(PREFIX)) out.push({ type: 'char', path: `${dir}${base.slice(PREFIX.length)}`, major: 0, minor: 0, mode: 0, mtime: e.mtime });
    else out.push(e);
  }
  return { entries: out, opaqueDirs };
}

/** Whether a layer holds any whiteout (most do not: then it needs no rewriting). */
export function hasWhiteouts(tar: Uint8Array): boolean {
  const needle = [0x2e, 0x77, 0x68, 0x2e]; // ".wh."
  outer: for (let i = 0; i + 4 <= tar.length; i++) {
    for (let j = 0; j < 4; j++) if (tar[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
