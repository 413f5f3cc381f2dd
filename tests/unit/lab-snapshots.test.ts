// Saving a lab in a key-value store: chunks named by content (a save writes only what changed),
// old chunks collected, a save from a tab that lost the lab refused, and a snapshot of other
// guest files giving back only the engine's records.
import { describe, expect, it } from 'vitest';
import { chunkBoundaries } from '../../web/src/engine/persist/content-chunks';
import { MemoryKeyValueStore, NotOwnerError } from '../../web/src/engine/persist/kv-store';
import { LabSnapshots, OWNER_KEY, type EngineSaved } from '../../web/src/engine/persist/lab-snapshots';
import type { MachineSnapshot } from '../../web/src/engine/guest/guest-machine';
import type { DaemonState } from '../../web/src/engine/models/daemon-state';
import { saveFailure } from '../../web/src/worker/lab-service';

function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const engine = (tag: string): EngineSaved => ({
  state: { version: 1, images: [{ id: tag }] } as unknown as DaemonState,
  layerBlobs: new Map([[`sha256:${tag}`, new Uint8Array([1, 2, 3])]]),
});
const machine = (state: Uint8Array): MachineSnapshot => ({ state: state.slice().buffer, agent: { sent: 7, nextId: 9 }, console: new Uint8Array([65]) });

describe('content-defined chunks', () => {
  it('cut the same content at the same places even when bytes are inserted before it', () => {
    const data = noise(2_000_000, 1);
    const shifted = new Uint8Array([...noise(5000, 2), ...data]);
    const ends = (d: Uint8Array) => chunkBoundaries(d);
    const a = ends(data);
    const b = new Set(ends(shifted).map((e) => e - 5000));
    const kept = a.filter((e) => b.has(e)).length;
    expect(a.at(-1)).toBe(data.length);
    expect(kept / a.length).toBeGreaterThan(0.9);
  });
});

describe('LabSnapshots', () => {
  it('round-trips a machine and the engine, and a second save writes only changed chunks', async () => {
    const store = new MemoryKeyValueStore();
    const labs = new LabSnapshots(store, 'tab-a');
    await labs.claim();
    const state = noise(1_500_000, 3);
    const first = await labs.save('guest-1', machine(state), engine('one'));
    const changed = state.slice();
    changed.set(noise(3000, 4), 700_000);
    const second = await labs.save('guest-1', machine(changed), engine('one'));
    expect(second.bytesWritten).toBeLessThan(first.bytesWritten / 10);
    const loaded = await labs.load('guest-1');
    // (Buffer.compare: a deep toEqual over 1.5 MB takes seconds.)
    expect(Buffer.compare(new Uint8Array(loaded!.machine!.state), changed)).toBe(0);
    expect(loaded!.machine!.agent).toEqual({ sent: 7, nextId: 9 });
    expect(loaded!.engine.layerBlobs.get('sha256:one')).toEqual(new Uint8Array([1, 2, 3]));
    // Chunks only the first save used are gone.
    const chunks = (await store.keys()).filter((k) => k.startsWith('lab/chunk/'));
    expect(chunks.length).toBeLessThanOrEqual(new Set((await store.get<{ chunks: string[] }>('lab/manifest'))!.chunks).size);
  });

  it('gives only the engine records for a snapshot of other guest files', async () => {
    const store = new MemoryKeyValueStore();
    const labs = new LabSnapshots(store);
    await labs.save('guest-1', machine(noise(100_000, 5)), engine('two'));
    const loaded = await labs.load('guest-2');
    expect(loaded!.machine).toBeUndefined();
    expect(loaded!.engine.state.images[0]!.id).toBe('two');
  });

  it('refuses a save from a tab that lost the lab, keeping what the new owner saved', async () => {
    const store = new MemoryKeyValueStore();
    const oldTab = new LabSnapshots(store, 'tab-a');
    await oldTab.claim();
    const newTab = new LabSnapshots(store, 'tab-b');
    await newTab.claim();
    await newTab.save('g', machine(noise(50_000, 6)), engine('new'));
    await expect(oldTab.save('g', machine(noise(50_000, 7)), engine('old'))).rejects.toBeInstanceOf(NotOwnerError);
    expect((await newTab.load('g'))!.engine.state.images[0]!.id).toBe('new');
    expect(await store.get(OWNER_KEY)).toBe('tab-b');
  });

  it('keeps the previous save whole when the next one does not fit', async () => {
    class FullStore extends MemoryKeyValueStore {
      full = false;
      override async commit(puts: Array<[string, unknown]>, deletes?: string[], guard?: { key: string; value: unknown }) {
        if (this.full) throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
        return super.commit(puts, deletes, guard);
      }
    }
    const store = new FullStore();
    const labs = new LabSnapshots(store);
    const kept = noise(80_000, 9);
    await labs.save('g', machine(kept), engine('kept'));
    store.full = true;
    await expect(labs.save('g', machine(noise(80_000, 10)), engine('lost'))).rejects.toThrow('quota');
    const loaded = await labs.load('g');
    expect(loaded!.engine.state.images[0]!.id).toBe('kept');
    expect(Buffer.compare(new Uint8Array(loaded!.machine!.state), kept)).toBe(0);
  });

  it('reset forgets the lab', async () => {
    const store = new MemoryKeyValueStore();
    const labs = new LabSnapshots(store);
    await labs.save('g', machine(noise(50_000, 8)), engine('x'));
    await labs.clear();
    expect(await labs.load('g')).toBeNull();
  });
});

describe('a save that fails', () => {
  it("tells the learner that the browser's storage is full, and that what was saved is kept", () => {
    const full = saveFailure(new DOMException('quota', 'QuotaExceededError'));
    expect(full.error).toContain("storage for this site is full");
    expect(full.error).toContain('what was saved before is kept');
    expect(saveFailure(new NotOwnerError())).toMatchObject({ takenOver: true });
    expect(saveFailure(new Error('disk on fire')).error).toBe('The lab could not be saved: disk on fire (what was saved before is kept).');
  });
});
