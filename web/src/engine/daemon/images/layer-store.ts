// LayerStore: the layers the daemon knows, by diffID — their sizes, the tars of layers made here
// (build, commit, load, import: kept uncompressed, as they would be pushed), and the indexes of
// lazy layers — and putting them where containers run: into the guest when an image is used
// after a guest restart, from the engine's copy, the registry, or the lazy index.
import { gunzip, gzip, sha256Digest } from '../../lib/digest';
import { readTar } from '../../formats/tar';
import type { Image, ImageConfig, ImageLayer } from '../../models/image';
import type { Registries } from '../../registry/registries';
import type { LayerRuntime } from '../../runtime/runtime';
import { ApiError } from '../endpoints';
import type { ImageStore } from './image-store';

export type LazyIndex = { fsroot: unknown[] };

export class LayerStore {
  readonly sizes = new Map<string, number>();
  /** Layers made here (build, commit), by diffID: uncompressed tars, as they would be pushed. */
  readonly blobs = new Map<string, Uint8Array>();
  /** Lazy layers' indexes, by diffID: to attach them again to a new guest. */
  readonly lazyIndexes = new Map<string, LazyIndex>();

  constructor(
    private readonly images: ImageStore,
    readonly registry: Registries,
    private readonly runtime: () => LayerRuntime,
  ) {}

  /** Puts an image's layers into the guest if they are not there (after a guest restart). */
  async ensure(image: Image): Promise<void> {
    const runtime = this.runtime();
    for (const layer of image.layers) {
      if (runtime.hasLayer(layer.diffId)) continue;
      const lazy = this.lazyIndexes.get(layer.diffId);
      if (lazy) {
        await runtime.attachLazyLayer(layer.diffId, lazy);
        continue;
      }
      const tar = this.blobs.get(layer.diffId) ?? (await gunzip(await this.registry.blob(layer.digest)));
      await runtime.unpackLayer(layer.diffId, tar);
    }
  }

  /** Keeps a layer made here and unpacks it where containers run. Its size is its files' bytes. */
  async store(tar: Uint8Array): Promise<ImageLayer> {
    const diffId = await sha256Digest(tar);
    const size = readTar(tar).reduce((n, e) => n + (e.type === 'file' ? e.data.length : 0), 0);
    if (!this.runtime().hasLayer(diffId)) await this.runtime().unpackLayer(diffId, tar);
    this.blobs.set(diffId, tar);
    this.sizes.set(diffId, size);
    return { digest: diffId, diffId, size };
  }

  /** Adds an image made here (build, commit, load, import): its ID is its config's digest. */
  async storeImage(config: ImageConfig, layers: ImageLayer[], tags: string[]): Promise<Image> {
    config.created ??= new Date().toISOString();
    config.rootfs = { type: 'layers', diff_ids: layers.map((l) => l.diffId) };
    const id = await sha256Digest(new TextEncoder().encode(JSON.stringify(config)));
    const image: Image = { id, config, layers, repoTags: tags, repoDigests: [] };
    this.images.add(image);
    return this.images.find(id) ?? image;
  }

  /** A layer's uncompressed tar: kept here if made here, else from the registry. */
  async tar(layer: ImageLayer, image: Image): Promise<Uint8Array> {
    const made = this.blobs.get(layer.diffId);
    if (made) return made;
    if (this.lazyIndexes.has(layer.diffId)) {
      throw new ApiError(500, `${image.repoTags[0] ?? image.id.slice(7, 19)} has a layer Drydock loads file by file (${layer.diffId.slice(7, 19)}): it cannot be written to an archive here`);
    }
    return gunzip(await this.registry.blob(layer.digest));
  }

  /** A layer as a registry holds it: its compressed blob's digest and size (and bytes if made here). */
  async pushable(layer: ImageLayer): Promise<{ digest: string; size: number; pulled?: boolean; bytes?: Uint8Array; annotations?: Record<string, string> }> {
    const made = this.blobs.get(layer.diffId);
    if (!made) {
      // Pulled: the registry has it under its digest already (a lazy one keeps its index).
      const lazy = this.lazyIndexes.has(layer.diffId)
        ? { 'org.drydock.lazy.index': `lazy/${layer.diffId.slice(7)}.json`, 'org.drydock.lazy.bytes': String(layer.size) }
        : undefined;
      return { digest: layer.digest, size: layer.size, pulled: true, ...(lazy ? { annotations: lazy } : {}) };
    }
    const bytes = await gzip(made);
    return { digest: await sha256Digest(bytes), size: bytes.length, bytes };
  }

  /** The config's exact bytes (its digest is the image ID). */
  async configBytes(image: Image): Promise<Uint8Array> {
    const mine = new TextEncoder().encode(JSON.stringify(image.config));
    if ((await sha256Digest(mine)) === image.id) return mine;
    return this.registry.blob(image.id);
  }
}
