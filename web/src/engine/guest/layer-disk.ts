// The layer disk on v86's IDE controller: the built-in large images' layers as one read-only
// EROFS filesystem (made by images/containers/layer-disk.ts), which the guest mounts once and
// every container uses as overlay lowerdirs. It is fetched lazily, a chunk at a time, when the
// guest first reads it: each chunk is zstd-compressed, named by the sha256 of its raw bytes and
// checked against that name. v86 takes any object with its disk buffers' methods (load, get,
// set, get_state…; src/buffer.js), which is what LayerDisk is.
import { sha256Digest } from '../lib/digest';

/** `registry/disk/layers.json`, written by images/containers/layer-disk.ts. */
export interface LayerDiskManifest {
  version: 1;
  /** The filesystem's size in bytes (a whole number of chunks). */
  size: number;
  chunkSize: number;
  /** sha256 of the whole disk: part of a saved lab's identity (a state restores only with it). */
  sha256: string;
  /** Each chunk's sha256 (its file is `chunks/<sha256>.zst`), or null for an all-zero chunk. */
  chunks: Array<string | null>;
  /** diffID → the layer's directory on the disk. */
  layers: Record<string, string>;
}

/** Where a host finds the disk: its manifest and a way to fetch one compressed chunk. */
export interface LayerDiskSource {
  manifest: LayerDiskManifest;
  fetchChunk(sha256: string): Promise<Uint8Array>;
}

/** How many decompressed chunks stay in memory (the guest's page cache holds what it uses). */
const CACHE_CHUNKS = 256;
const ATTEMPTS = 3;

export class LayerDisk {
  readonly byteLength: number;
  onload: ((event: object) => void) | undefined;
  onprogress: ((event: object) => void) | undefined;
  /** Set by the machine once the emulator exists: v86's own zstd decoder. */
  decompress: ((size: number, data: Uint8Array) => ArrayBuffer) | null = null;
  /** Told when a chunk cannot be had: the guest reads zeros there, and the page says why. */
  onError: ((message: string) => void) | null = null;
  /** Chunks read so far, and their compressed bytes (the benchmark counts them). */
  fetched = { chunks: 0, bytes: 0 };
  private readonly cache = new Map<number, Uint8Array>();
  private readonly loading = new Map<number, Promise<Uint8Array>>();
  /** Chunks the guest wrote (it mounts the disk read-only, so none in practice); kept in a state. */
  private readonly written = new Map<number, Uint8Array>();

  constructor(private readonly source: LayerDiskSource) {
    this.byteLength = source.manifest.size;
  }

  get manifest(): LayerDiskManifest {
    return this.source.manifest;
  }

  load(): void {
    this.onload?.({});
  }

  get(offset: number, length: number, done: (data: Uint8Array) => void): void {
    void this.covering(offset, length).then((parts) => {
      if (parts.length === 1) return done(parts[0]!.bytes.subarray(parts[0]!.from, parts[0]!.to));
      const out = new Uint8Array(length);
      let at = 0;
      for (const { bytes, from, to } of parts) {
        out.set(bytes.subarray(from, to), at);
        at += to - from;
      }
      done(out);
    });
  }

  get_and_cache(offset: number, length: number, done: (data: Uint8Array) => void): void {
    this.get(offset, length, done);
  }

  /** v86 asks this for the first sector to guess the geometry; a miss makes it use the size. */
  get_from_cache(offset: number, length: number): Uint8Array | undefined {
    const size = this.source.manifest.chunkSize;
    const index = Math.floor(offset / size);
    if (Math.floor((offset + length - 1) / size) !== index) return undefined;
    const chunk = this.written.get(index) ?? this.cache.get(index);
    return chunk?.subarray(offset - index * size, offset - index * size + length);
  }

  set(offset: number, data: Uint8Array, done: () => void): void {
    void this.covering(offset, data.length).then((parts) => {
      let at = 0;
      for (const { index, bytes, from, to } of parts) {
        const copy = this.written.get(index) ?? bytes.slice();
        copy.set(data.subarray(at, at + to - from), from);
        this.written.set(index, copy);
        at += to - from;
      }
      done();
    });
  }

  get_buffer(done: (buffer?: ArrayBuffer) => void): void {
    done();
  }

  get_state(): unknown[] {
    return [[...this.written]];
  }

  set_state(state: unknown[]): void {
    this.written.clear();
    for (const [index, bytes] of state[0] as Array<[number, Uint8Array]>) this.written.set(index, bytes);
  }

  /** The chunks a byte range spans, each with the range's part of it (`from`..`to` within the chunk). */
  private covering(offset: number, length: number): Promise<Array<{ index: number; bytes: Uint8Array; from: number; to: number }>> {
    const size = this.source.manifest.chunkSize;
    const first = Math.floor(offset / size);
    const last = Math.floor((offset + length - 1) / size);
    const parts = [];
    for (let index = first; index <= last; index++) {
      const start = index * size;
      const from = Math.max(offset, start) - start;
      const to = Math.min(offset + length, start + size) - start;
      parts.push(this.chunk(index).then((bytes) => ({ index, bytes, from, to })));
    }
    return Promise.all(parts);
  }

  private chunk(index: number): Promise<Uint8Array> {
    const own = this.written.get(index) ?? this.cache.get(index);
    if (own) {
      // Most recently used last: the oldest goes first when the cache is full.
      if (this.cache.delete(index)) this.cache.set(index, own);
      return Promise.resolve(own);
    }
    let pending = this.loading.get(index);
    if (!pending) {
      pending = this.fetchChunk(index).then(({ bytes, ok }) => {
        this.loading.delete(index);
        // A chunk that could not be had is asked for again at the next read.
        if (!ok) return bytes;
        this.cache.set(index, bytes);
        while (this.cache.size > CACHE_CHUNKS) this.cache.delete(this.cache.keys().next().value!);
        return bytes;
      });
      this.loading.set(index, pending);
    }
    return pending;
  }

  private async fetchChunk(index: number): Promise<{ bytes: Uint8Array; ok: boolean }> {
    const { chunkSize, chunks } = this.source.manifest;
    const sha = chunks[index];
    if (sha === undefined) throw new Error(`layer disk: chunk ${index} is past the end`);
    if (sha === null) return { bytes: new Uint8Array(chunkSize), ok: true };
    let problem = '';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        const packed = await this.source.fetchChunk(sha);
        if (!this.decompress) throw new Error('no decoder yet');
        const raw = new Uint8Array(this.decompress(chunkSize, packed));
        const digest = await sha256Digest(raw);
        if (digest !== `sha256:${sha}`) throw new Error(`its content does not match its name (${digest.slice(0, 19)}…)`);
        this.fetched.chunks++;
        this.fetched.bytes += packed.length;
        return { bytes: raw, ok: true };
      } catch (error) {
        problem = (error as Error).message;
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
    // The guest's read must end: a reader left waiting would hang its process for good. Zeros
    // make EROFS report the damage where they hit its metadata; the page is told either way.
    this.onError?.(`the image disk's chunk ${index} (${sha.slice(0, 12)}…) could not be loaded: ${problem}`);
    return { bytes: new Uint8Array(chunkSize), ok: false };
  }
}
