// The Node host adapter: boots the guest from the files on disk (public/guest, v86's wasm).
// Used by the lab runner, the guest integration tests and the benchmarks.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GuestMachine, type GuestAssets, type GuestMachineOptions } from '../web/src/engine/guest/guest-machine';
import { guestDir, repoRoot } from './guest-manifest';
import { Engine } from '../web/src/engine/engine';
import type { RegistryIndex, RegistrySource } from '../web/src/engine/registry/registry-source';
import type { LayerDiskManifest, LayerDiskSource } from '../web/src/engine/guest/layer-disk';

const diskDir = join(repoRoot, 'public', 'registry', 'disk');

/** The layer disk from public/registry/disk/, or undefined when none was built. */
export async function fsLayerDisk(): Promise<LayerDiskSource | undefined> {
  if (!existsSync(join(diskDir, 'layers.json'))) return undefined;
  const manifest = JSON.parse(await readFile(join(diskDir, 'layers.json'), 'utf8')) as LayerDiskManifest;
  return { manifest, fetchChunk: async (sha) => new Uint8Array(await readFile(join(diskDir, 'chunks', `${sha}.zst`))) };
}

/** The built-in registry (public/registry/) read from disk. */
export class FsRegistrySource implements RegistrySource {
  constructor(private readonly dir = join(repoRoot, 'public', 'registry')) {}

  async index(): Promise<RegistryIndex> {
    return JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as RegistryIndex;
  }

  async blob(digest: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(join(this.dir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''))));
  }

  async file(path: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(join(this.dir, path)));
  }
}

/** The container engine over a booted (or booting) guest, with the built-in registry. */
export function attachEngine(machine: GuestMachine): Engine {
  return new Engine(machine, new FsRegistrySource());
}

const require = createRequire(import.meta.url);
const v86Build = dirname(require.resolve('v86'));

async function bytes(path: string): Promise<ArrayBuffer> {
  const data = await readFile(path);
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

/** The guest's files, with the layer disk unless `withoutLayerDisk` (to measure the 9p path). */
export async function loadGuestAssets({ withoutLayerDisk = false } = {}): Promise<GuestAssets> {
  const [wasm, bios, bzimage, initrd, layerDisk] = await Promise.all([
    bytes(join(v86Build, 'v86.wasm')),
    bytes(join(guestDir, 'seabios.bin')),
    bytes(join(guestDir, 'bzImage')),
    bytes(join(guestDir, 'initrd.img')),
    withoutLayerDisk ? undefined : fsLayerDisk(),
  ]);
  return { wasm, bios, bzimage, initrd, ...(layerDisk ? { layerDisk } : {}) };
}

/**
 * Boots a guest and waits for its first shell prompt. `onCreated` gets the machine before it is
 * ready, for whatever must answer the console during boot (a ShellDriver does).
 */
export async function bootGuest(
  { withoutLayerDisk = false, ...options }: GuestMachineOptions & { withoutLayerDisk?: boolean } = {},
  onCreated?: (machine: GuestMachine) => void,
): Promise<GuestMachine> {
  // In Node, v86 reads lazy files from disk: the base is a path.
  const machine = new GuestMachine(await loadGuestAssets({ withoutLayerDisk }), {
    lazyBaseUrl: `${join(repoRoot, 'public', 'registry', 'lazy', 'files')}/`,
    ...options,
  });
  onCreated?.(machine);
  try {
    await withTimeout(machine.ready, 60_000, 'the guest did not reach a shell prompt within 60 s');
  } catch (error) {
    await machine.destroy();
    throw error;
  }
  return machine;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]);
}
