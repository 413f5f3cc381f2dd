// The guest image manifest: what `npm run images` produced (public/guest/*, public/registry/)
// and from which recipe (every file under images/). A test recomputes both, so a changed recipe with
// stale outputs, or an output edited by hand, fails CI.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const recipeDir = join(repoRoot, 'images');
export const guestDir = join(repoRoot, 'public', 'guest');
export const GUEST_OUTPUTS = ['bzImage', 'initrd.img', 'seabios.bin'] as const;

export interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
}

export interface GuestManifest {
  recipeHash: string;
  files: ManifestFile[];
  debian: string[];
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** One hash over every recipe file's path and content, in a stable order. */
export function recipeHash(dir = recipeDir): string {
  const lines = walk(dir)
    .map((path) => relative(dir, path).split('\\').join('/'))
    .sort()
    .map((rel) => `${sha256(readFileSync(join(dir, rel)))}  ${rel}\n`);
  return sha256(lines.join(''));
}

export function describeOutput(name: string, dir = guestDir): ManifestFile {
  const data = readFileSync(join(dir, name));
  return { name, size: statSync(join(dir, name)).size, sha256: sha256(data) };
}

export function readManifest(dir = guestDir): GuestManifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as GuestManifest;
}

function writeManifest(): void {
  const debian = (process.env.DRYDOCK_DEBIAN_VERSIONS ?? '').split('\n').filter(Boolean).sort();
  const manifest: GuestManifest = {
    recipeHash: recipeHash(),
    files: GUEST_OUTPUTS.map((name) => describeOutput(name)),
    debian,
  };
  writeFileSync(join(guestDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === 'write') {
  writeManifest();
}
