// ImageStore: the images the daemon has, content-addressed as in Docker: an image's ID is the
// digest of its config; tags point at IDs; layers are identified by their diffIDs.
import type { ImageReference } from '../../formats/reference';
import { familiarString } from '../../formats/reference';
import { imageSize, type Image } from '../../models/image';

export class ImageStore {
  private readonly images = new Map<string, Image>();

  add(image: Image): void {
    const existing = this.images.get(image.id);
    if (existing) {
      for (const tag of image.repoTags) if (!existing.repoTags.includes(tag)) existing.repoTags.push(tag);
      for (const d of image.repoDigests) if (!existing.repoDigests.includes(d)) existing.repoDigests.push(d);
    } else {
      this.images.set(image.id, image);
    }
    // A tag names one image: taking it moves it here.
    for (const other of this.images.values()) {
      if (other.id === image.id) continue;
      other.repoTags = other.repoTags.filter((t) => !image.repoTags.includes(t));
    }
  }

  list(): Image[] {
    return [...this.images.values()];
  }

  byReference(ref: ImageReference): Image | undefined {
    const name = familiarString(ref);
    return this.list().find((i) => i.repoTags.includes(name));
  }

  /** Finds by tag, full or short ID (as `docker rmi 3f5`), or reference. */
  find(nameOrId: string, ref?: ImageReference): Image | undefined {
    const id = nameOrId.replace(/^sha256:/, '');
    if (/^[a-f0-9]{3,64}$/.test(id)) {
      const matches = this.list().filter((i) => i.id.slice(7).startsWith(id));
      if (matches.length === 1) return matches[0];
    }
    return ref ? this.byReference(ref) : undefined;
  }

  remove(id: string): void {
    this.images.delete(id);
  }

  size(image: Image): number {
    return imageSize(image);
  }
}
