// The layer disk as v86 reads it (guest/layer-disk.ts) over a source in memory, and the
// published disk (public/registry/disk) against the lazy layers it was made from.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayerDisk, type LayerDiskManifest } from '../../web/src/engine/guest/layer-disk';
import { repoRoot } from '../../tools/guest-manifest';
import { DISK_IMAGES } from '../../images/containers/layer-disk';

const CHUNK = 16;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A disk of `chunks` (null: all zeros); its "compression" is identity, and it counts fetches. */
function diskOf(chunks: Array<Uint8Array | null>, broken = new Set<number>()) {
  const store = new Map<string, Uint8Array>();
  const names = chunks.map((c, i) => {
    if (!c) return null;
    const name = sha(c);
    store.set(name, broken.has(i) ? c.map((b) => b ^ 1) : c);
    return name;
  });
  const manifest: LayerDiskManifest = { version: 1, size: chunks.length * CHUNK, chunkSize: CHUNK, sha256: 'x', chunks: names, layers: {} };
  const fetches: string[] = [];
  const disk = new LayerDisk({
    manifest,
    fetchChunk: async (name) => {
      fetches.push(name);
      return store.get(name)!;
    },
  });
  disk.decompress = (_size, data) => data.slice().buffer;
  return { disk, fetches };
}
const read = (disk: LayerDisk, offset: number, length: number) => new Promise<Uint8Array>((resolve) => disk.get(offset, length, resolve));
const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);

describe('the layer disk as v86 reads it', () => {
  it('reads within a chunk, across chunks and from an all-zero chunk, fetching each chunk once', async () => {
    const { disk, fetches } = diskOf([bytes(0, 16), null, bytes(100, 16)]);
    expect(disk.byteLength).toBe(48);
    expect([...(await read(disk, 4, 4))]).toEqual([4, 5, 6, 7]);
    expect([...(await read(disk, 14, 20))]).toEqual([14, 15, ...new Array(16).fill(0), 100, 101]);
    await read(disk, 0, 16);
    expect(fetches).toHaveLength(2);
    expect(disk.fetched.chunks).toBe(2);
  });

  it('keeps what the guest writes over a chunk, in the saved state too', async () => {
    const { disk } = diskOf([bytes(0, 16), bytes(16, 16)]);
    await new Promise<void>((resolve) => disk.set(14, Uint8Array.of(9, 9, 9, 9), resolve));
    expect([...(await read(disk, 12, 8))]).toEqual([12, 13, 9, 9, 9, 9, 18, 19]);
    const { disk: restored } = diskOf([bytes(0, 16), bytes(16, 16)]);
    restored.set_state(disk.get_state());
    expect([...(await read(restored, 12, 8))]).toEqual([12, 13, 9, 9, 9, 9, 18, 19]);
  });

  it('does not hand the guest a chunk that does not match its name: it says why and reads zeros', async () => {
    const { disk, fetches } = diskOf([bytes(0, 16), bytes(16, 16)], new Set([1]));
    const errors: string[] = [];
    disk.onError = (message) => errors.push(message);
    expect([...(await read(disk, 16, 4))]).toEqual([0, 0, 0, 0]);
    expect(fetches).toHaveLength(3); // tried three times
    expect(errors).toEqual([expect.stringMatching(/chunk 1 .*could not be loaded: its content does not match its name/)]);
    expect([...(await read(disk, 0, 2))]).toEqual([0, 1]);
    await read(disk, 16, 4); // a later read tries again
    expect(fetches).toHaveLength(3 + 1 + 3); // chunk 0 once between
  });
});

describe('the published layer disk', () => {
  const dir = join(repoRoot, 'public/registry/disk');
  const published = () => JSON.parse(readFileSync(join(dir, 'layers.json'), 'utf8')) as LayerDiskManifest;

  it('holds exactly the lazy layers of the disk\'s images, each a directory of its own; other lazy layers stay on 9p', () => {
    const manifest = published();
    const registry = join(repoRoot, 'public/registry');
    const blob = (digest: string) => JSON.parse(readFileSync(join(registry, 'blobs/sha256', digest.slice(7)), 'utf8'));
    const index = JSON.parse(readFileSync(join(registry, 'index.json'), 'utf8')) as { repositories: Record<string, Record<string, string>> };
    const layersOf = (repository: string) => new Set(Object.values(index.repositories[repository]!).flatMap((m) => blob(blob(m).config.digest).rootfs.diff_ids as string[]));
    const lazy = new Set(readdirSync(join(registry, 'lazy')).filter((f) => f.endsWith('.json')).map((f) => `sha256:${f.slice(0, -5)}`));
    const wanted = [...new Set(DISK_IMAGES.flatMap((r) => [...layersOf(r)]))].filter((d) => lazy.has(d));
    expect(Object.keys(manifest.layers).sort()).toEqual(wanted.sort());
    for (const [diffId, path] of Object.entries(manifest.layers)) expect(path).toBe(`/${diffId.slice(7)}`);
    // httpd's own layer is lazy, read over 9p.
    const httpd = [...layersOf('library/httpd')].filter((d) => !manifest.layers[d]);
    expect(httpd.length).toBe(1);
    expect(lazy.has(httpd[0]!)).toBe(true);
  });

  it('has every chunk it names, and no file it does not', () => {
    const manifest = published();
    expect(manifest.size).toBe(manifest.chunks.length * manifest.chunkSize);
    const named = new Set(manifest.chunks.filter((c): c is string => c !== null).map((c) => `${c}.zst`));
    for (const file of named) expect(existsSync(join(dir, 'chunks', file)), file).toBe(true);
    expect(readdirSync(join(dir, 'chunks')).length).toBe(named.size);
  });
});
