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
  // ".wh." — found by jumping from one "." to the next, since every pulled layer is scanned.
  for (let i = tar.indexOf(0x2e); i >= 0 && i + 4 <= tar.length; i = tar.indexOf(0x2e, i + 1)) {
    if (tar[i + 1] === 0x77 && tar[i + 2] === 0x68 && tar[i + 3] === 0x2e) return true;
  }
  return false;
}
