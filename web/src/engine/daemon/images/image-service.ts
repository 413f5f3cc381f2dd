// The image endpoints on what the daemon has: list, inspect, history, tag, delete (untag, and
// delete with its unused layers when no tag is left, refused while containers use it), prune.
import { chainIds } from '../../lib/digest';
import { familiarString, parseReference, type ImageReference } from '../../formats/reference';
import { ApiError } from '../endpoints';
import type { DaemonParts } from '../parts';
import { resolveImage } from './lookup';

export class ImageService {
  constructor(private readonly parts: DaemonParts) {}

  imageList() {
    return this.parts.calls.serve('GET', '/images/json', async () => this.parts.images.list());
  }

  imageInspect(name: string) {
    return this.parts.calls.serve('GET', `/images/${name}/json`, async () => resolveImage(this.parts.images, name));
  }

  imageHistory(name: string) {
    return this.parts.calls.serve('GET', `/images/${name}/history`, async () => resolveImage(this.parts.images, name));
  }

  /** POST /images/{name}/tag?repo=…&tag=… */
  imageTag(source: string, target: string) {
    return this.parts.calls.serve('POST', `/images/${source}/tag?repo=${encodeURIComponent(target)}`, async () => {
      const image = resolveImage(this.parts.images, source);
      let ref: ImageReference;
      try {
        ref = parseReference(target);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      this.parts.images.add({ ...image, repoTags: [familiarString(ref)], repoDigests: [] });
    });
  }

  /** DELETE /images/{name}: untags, and deletes the image (and its unused layers) when no tag is left. */
  imageDelete(name: string, force = false) {
    return this.parts.calls.serve('DELETE', `/images/${name}${force ? '?force=1' : ''}`, async () => {
      const images = this.parts.images;
      const image = resolveImage(images, name);
      const byId = image.id.slice(7).startsWith(name.replace(/^sha256:/, ''));
      const users = this.parts.containers.list().filter((c) => c.imageId === image.id);
      const events: Array<{ Untagged?: string; Deleted?: string }> = [];
      let ref: ImageReference | undefined;
      try {
        ref = byId ? undefined : parseReference(name);
      } catch {
        ref = undefined;
      }
      const untag = ref ? familiarString(ref) : undefined;
      if (untag && image.repoTags.length > 1) {
        image.repoTags = image.repoTags.filter((t) => t !== untag);
        return [{ Untagged: untag }];
      }
      const short = image.id.slice(7, 19);
      if (!untag && image.repoTags.length > 1 && !force) {
        throw new ApiError(409, `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
      }
      const running = users.find((c) => c.state.status === 'running' || c.state.status === 'paused');
      if (running && (force || !untag)) {
        throw new ApiError(409, `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${running.id.slice(0, 12)}`);
      }
      if (users.length && !force) {
        throw new ApiError(409, untag
          ? `conflict: unable to remove repository reference "${name}" (must force) - container ${users[0]!.id.slice(0, 12)} is using its referenced image ${short}`
          : `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${users[0]!.id.slice(0, 12)}`);
      }
      if (users.length) {
        // Forced while stopped containers use it: the names go, the image stays for them.
        const untagged = image.repoTags.map((t) => ({ Untagged: t }));
        image.repoTags = [];
        return untagged;
      }
      for (const tag of image.repoTags) events.push({ Untagged: tag });
      for (const digest of image.repoDigests) events.push({ Untagged: digest });
      images.remove(image.id);
      events.push({ Deleted: image.id });
      // Layers are shared by chain ID (a layer and everything under it), as in Docker.
      const chains = await chainIds(image.layers.map((l) => l.diffId));
      const others = new Set((await Promise.all(images.list().map((i) => chainIds(i.layers.map((l) => l.diffId))))).flat());
      const stillUsedDiffs = new Set(images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
      for (let i = chains.length - 1; i >= 0; i--) if (!others.has(chains[i]!)) events.push({ Deleted: chains[i]! });
      await this.parts.runtime.removeLayers(image.layers.map((l) => l.diffId).filter((d) => !stillUsedDiffs.has(d)));
      return events;
    });
  }

  /** POST /images/prune: dangling images (untagged, unused), or with `all` every unused one. */
  imagePrune(all: boolean) {
    return this.parts.calls.serve('POST', `/images/prune${all ? '?filters={"dangling":["false"]}' : ''}`, async () => {
      const images = this.parts.images;
      const used = new Set(this.parts.containers.list().map((c) => c.imageId));
      const deleted: Array<{ Untagged?: string; Deleted?: string }> = [];
      let reclaimed = 0;
      for (const image of images.list()) {
        if (used.has(image.id) || (!all && image.repoTags.length)) continue;
        const before = new Set(images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
        const events = await this.imageDelete(image.id.slice(7), true);
        const after = new Set(images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
        for (const l of image.layers) if (before.has(l.diffId) && !after.has(l.diffId)) reclaimed += l.size;
        deleted.push(...events);
      }
      return { ImagesDeleted: deleted, SpaceReclaimed: reclaimed };
    });
  }
}
