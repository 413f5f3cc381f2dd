// LabSnapshots: a whole lab saved in a key-value store — the machine's state (v86's, cut into
// content-defined chunks, each gzip-compressed and named by its digest, so a save writes only
// what changed) and the engine's records, in one manifest written last and atomically. A
// manifest names the guest files it was made with; another guest cannot resume it, but the
// engine's records (images, containers, volumes' names) still apply to a fresh one.
import type { AgentCursor } from '../guest/agent-client';
import type { MachineSnapshot } from '../guest/guest-machine';
import type { DaemonState } from '../models/daemon-state';
import { gunzipSync, gzipSync } from 'fflate';
import { sha256Digest } from '../lib/digest';
import { splitChunks } from './content-chunks';
import type { KeyValueStore } from './kv-store';

export interface EngineSaved {
  state: DaemonState;
  layerBlobs: Map<string, Uint8Array>;
}

export interface SavedLab {
  savedAt: number;
  /** Absent when the snapshot was made with other guest files. */
  machine?: MachineSnapshot;
  engine: EngineSaved;
}

export interface SaveReport {
  /** Bytes this save put into the store. */
  bytesWritten: number;
  /** Bytes the saved lab takes in the store. */
  bytesStored: number;
  ms: number;
}

interface Manifest {
  version: 1;
  guestId: string;
  savedAt: number;
  chunks: string[];
  /** Stored (compressed) size of each chunk, to report what the lab takes. */
  chunkBytes: number[];
  agent: AgentCursor;
  console: Uint8Array;
  engine: DaemonState;
  /** diffIDs of the layers made here, stored once each under LAYER. */
  layers: string[];
  layerBytes: number;
}

const MANIFEST = 'lab/manifest';
const CHUNK = 'lab/chunk/';
const LAYER = 'lab/layer/';
export const OWNER_KEY = 'lab/owner';

export class LabSnapshots {
  /** The last state saved and its chunks by place: the next save hashes only what changed. */
  private lastSaved: { state: Uint8Array; byOffset: Map<string, { hash: string }> } | null = null;

  constructor(
    private readonly store: KeyValueStore,
    /** The tab that owns the lab: a save from any other is refused (see KeyValueStore.commit). */
    private readonly owner?: string,
  ) {}

  /** Marks this tab as the lab's owner (after it took the lab's lock). */
  async claim(): Promise<void> {
    if (this.owner) await this.store.commit([[OWNER_KEY, this.owner]]);
  }

  /**
   * Reads the saved lab. The guest's identity may still be on its way (its files are being
   * downloaded): the reading starts at once, and the machine is given back only if it matches.
   */
  async load(guestId: string | Promise<string>): Promise<SavedLab | null> {
    const manifest = await this.store.get<Manifest>(MANIFEST);
    if (!manifest || manifest.version !== 1) return null;
    const [layers, chunks] = await Promise.all([
      this.store.getMany<Uint8Array>(manifest.layers.map((d) => LAYER + d)),
      this.store.getMany<Uint8Array>(manifest.chunks.map((h) => CHUNK + h)),
    ]);
    const layerBlobs = new Map<string, Uint8Array>();
    manifest.layers.forEach((d, i) => layers[i] && layerBlobs.set(d, layers[i]!));
    const engine = { state: manifest.engine, layerBlobs };
    const sameGuest = chunks.every(Boolean) ? Promise.resolve(guestId).then((id) => id === manifest.guestId) : Promise.resolve(false);
    // fflate, synchronously: a machine is thousands of chunks, and a DecompressionStream per
    // chunk cost about 2 ms each in Chromium (4.8 s for a 13.5 MB lab).
    const [parts, same] = await Promise.all([sameGuest.then((ok) => (ok ? chunks.map((c) => gunzipSync(c!)) : [])), sameGuest]);
    if (!same) return { savedAt: manifest.savedAt, engine };
    const state = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      state.set(p, at);
      at += p.length;
    }
    return { savedAt: manifest.savedAt, engine, machine: { state: state.buffer, agent: manifest.agent, console: manifest.console } };
  }

  async save(guestId: string, machine: MachineSnapshot, engine: EngineSaved): Promise<SaveReport> {
    const started = performance.now();
    const previous = await this.store.get<Manifest>(MANIFEST);
    const known = new Map<string, number>();
    previous?.chunks.forEach((h, i) => known.set(h, previous.chunkBytes[i] ?? 0));
    const puts: Array<[string, unknown]> = [];
    let bytesWritten = 0;
    const chunks: string[] = [];
    const chunkBytes: number[] = [];
    const state = new Uint8Array(machine.state);
    const previousChunks = this.lastSaved;
    const offsets = new Map<string, { hash: string }>();
    let at = 0;
    let n = 0;
    for (const piece of splitChunks(state)) {
      const start = at;
      at += piece.length;
      // Most of memory did not change since the last save, and sits at the same place: a chunk
      // equal to the last save's at the same offset keeps its digest without hashing again.
      const before = previousChunks?.byOffset.get(`${start}:${piece.length}`);
      const hash = before && sameBytes(previousChunks!.state, start, piece) ? before.hash : (await sha256Digest(piece)).slice(7);
      offsets.set(`${start}:${piece.length}`, { hash });
      // Let the worker answer the page now and then (a save can take a second).
      if (++n % 256 === 0) await new Promise((r) => setTimeout(r, 0));
      let size = known.get(hash);
      if (size === undefined) {
        const packed = gzipSync(piece, { level: 1 });
        size = packed.length;
        known.set(hash, size);
        puts.push([CHUNK + hash, packed]);
        bytesWritten += size;
      }
      chunks.push(hash);
      chunkBytes.push(size);
    }
    const storedLayers = new Set(previous?.layers ?? []);
    let layerBytes = 0;
    for (const [diffId, tar] of engine.layerBlobs) {
      layerBytes += tar.length;
      if (storedLayers.has(diffId)) continue;
      puts.push([LAYER + diffId, tar]);
      bytesWritten += tar.length;
    }
    const manifest: Manifest = {
      version: 1,
      guestId,
      savedAt: Date.now(),
      chunks,
      chunkBytes,
      agent: machine.agent,
      console: machine.console,
      engine: engine.state,
      layers: [...engine.layerBlobs.keys()],
      layerBytes,
    };
    puts.push([MANIFEST, manifest]);
    // What the new manifest no longer names goes in the same transaction.
    const keep = new Set([...chunks.map((h) => CHUNK + h), ...manifest.layers.map((d) => LAYER + d)]);
    const stale = (await this.store.keys()).filter((k) => (k.startsWith(CHUNK) || k.startsWith(LAYER)) && !keep.has(k));
    await this.store.commit(puts, stale, this.owner ? { key: OWNER_KEY, value: this.owner } : undefined);
    this.lastSaved = { state, byOffset: offsets };
    return { bytesWritten, bytesStored: chunkBytes.reduce((a, b) => a + b, 0) + layerBytes, ms: performance.now() - started };
  }

  /** Forgets the saved lab (the learner's "reset lab"). */
  async clear(): Promise<void> {
    const keys = (await this.store.keys()).filter((k) => k.startsWith('lab/') && k !== OWNER_KEY);
    await this.store.commit([], keys);
  }
}

function sameBytes(previous: Uint8Array, start: number, piece: Uint8Array): boolean {
  if (start + piece.length > previous.length) return false;
  const old = previous.subarray(start, start + piece.length);
  // Word by word where both are aligned (they are: same offset into same-shaped buffers).
  if (old.byteOffset % 4 === 0 && piece.byteOffset % 4 === 0) {
    const words = piece.length >> 2;
    const a = new Uint32Array(old.buffer, old.byteOffset, words);
    const b = new Uint32Array(piece.buffer, piece.byteOffset, words);
    for (let i = 0; i < words; i++) if (a[i] !== b[i]) return false;
    for (let i = words << 2; i < piece.length; i++) if (old[i] !== piece[i]) return false;
    return true;
  }
  for (let i = 0; i < piece.length; i++) if (old[i] !== piece[i]) return false;
  return true;
}

/** Names a guest by its files and how it is started: a snapshot resumes only the same guest. */
export async function guestIdentity(parts: Array<ArrayBuffer | Uint8Array | string>): Promise<string> {
  const digests: string[] = [];
  for (const p of parts) digests.push(await sha256Digest(typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p)));
  return (await sha256Digest(new TextEncoder().encode(digests.join('\n')))).slice(7, 31);
}
