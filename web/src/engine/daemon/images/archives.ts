// Images as archives: save (GET /images/get: a docker-archive and an OCI layout at once), load
// (POST /images/load), and import (POST /images/create?fromSrc=-: a one-layer image from a
// filesystem tar). `docker export` is the containers' (it reads a container's filesystem).
import { familiarString, parseReference } from '../../formats/reference';
import { ImageArchiveError, readImageArchive, writeImageArchive, type ArchiveImage } from '../../formats/image-archive';
import { readTar } from '../../formats/tar';
import { gunzip } from '../../lib/digest';
import type { Image, ImageConfig, ImageLayer } from '../../models/image';
import { ApiError } from '../endpoints';
import type { DaemonParts } from '../parts';
import { applyChangesOr400 } from './changes';
import { resolveImage, tagNames } from './lookup';

export class ImageArchives {
  constructor(private readonly parts: DaemonParts) {}

  /** GET /images/get?names=…: the images as one archive (docker-archive + OCI layout). */
  imageSave(names: string[]) {
    return this.parts.calls.serve('GET', `/images/get?${names.map((n) => `names=${encodeURIComponent(n)}`).join('&')}`, async () => {
      const byId = new Map<string, { image: Image; tags: string[] }>();
      for (const name of names) {
        const image = resolveImage(this.parts.images, name);
        const entry = byId.get(image.id) ?? { image, tags: [] };
        byId.set(image.id, entry);
        const short = name.replace(/^sha256:/, '');
        if (/^[a-f0-9]{3,64}$/.test(short) && image.id.slice(7).startsWith(short)) continue; // by ID: untagged
        const ref = parseReference(name);
        const asked = familiarString(ref);
        // A repository without a tag saves every tag of it, as Docker does.
        const tags = /:[^/]+$/.test(name) ? [asked] : image.repoTags.filter((t) => t.startsWith(`${asked.replace(/:latest$/, '')}:`));
        for (const t of tags) if (!entry.tags.includes(t)) entry.tags.push(t);
      }
      const { layers } = this.parts;
      const archive: ArchiveImage[] = [];
      for (const { image, tags } of byId.values()) {
        archive.push({ config: await layers.configBytes(image), layers: await Promise.all(image.layers.map((l) => layers.tar(l, image))), repoTags: tags });
      }
      return writeImageArchive(archive);
    });
  }

  /** POST /images/load: images from an archive; says what it loaded, as Docker does. */
  imageLoad(archive: Uint8Array) {
    return this.parts.calls.serve('POST', '/images/load', async () => {
      let images: ArchiveImage[];
      try {
        images = await readImageArchive(archive);
      } catch (error) {
        if (error instanceof ImageArchiveError) throw new ApiError(500, error.message);
        throw error;
      }
      const loaded: string[] = [];
      for (const found of images) {
        const layers: ImageLayer[] = [];
        for (const tar of found.layers) layers.push(await this.parts.layers.store(tar));
        const config = JSON.parse(new TextDecoder().decode(found.config)) as ImageConfig;
        const image = await this.parts.layers.storeImage(config, layers, tagNames(found.repoTags));
        loaded.push(...(found.repoTags.length ? found.repoTags.map((t) => `Loaded image: ${t}`) : [`Loaded image ID: ${image.id}`]));
      }
      return loaded;
    });
  }

  /** POST /images/create?fromSrc=-: a one-layer image from a filesystem tar (`docker import`). */
  imageImport(tar: Uint8Array, reference: string | undefined, options: { message?: string; changes?: string[] } = {}) {
    return this.parts.calls.serve('POST', `/images/create?fromSrc=-${reference ? `&repo=${encodeURIComponent(reference)}` : ''}`, async () => {
      if (tar[0] === 0x1f && tar[1] === 0x8b) tar = await gunzip(tar);
      try {
        readTar(tar);
      } catch {
        throw new ApiError(500, 'archive/tar: invalid tar header');
      }
      const tags = reference ? tagNames([reference]) : [];
      const layer = await this.parts.layers.store(tar);
      const config: ImageConfig = {
        architecture: '386',
        os: 'linux',
        created: new Date().toISOString(),
        config: {},
        rootfs: { type: 'layers', diff_ids: [] },
        history: [{ created: new Date().toISOString(), created_by: '', comment: options.message ?? 'Imported from -' }],
      };
      applyChangesOr400(config, options.changes ?? []);
      return this.parts.layers.storeImage(config, [layer], tags);
    });
  }
}
