// Images to and from registries: pull (POST /images/create?fromImage=…, with Docker's progress
// lines), push (POST /images/{name}/push, into the learner's own namespace of the lab's
// registry), search, and login (POST /auth). Built-in images and pushed ones are one registry
// to a pull (Registries); pushes go to the hub kept in the browser.
import { familiarName, familiarString, parseReference, type ImageReference } from '../../formats/reference';
import { gunzip, sha256Digest } from '../../lib/digest';
import type { Image, ImageConfig } from '../../models/image';
import type { LocalRegistry } from '../../registry/local-registry';
import { UnauthorizedError } from '../../registry/local-registry';
import { BUILT_IN, notBuiltInHint } from '../../registry/not-built-in';
import { ApiError } from '../endpoints';
import type { DaemonParts } from '../parts';

export interface PullProgress {
  id: string;
  status: string;
}

export class Distribution {
  constructor(
    private readonly parts: DaemonParts,
    /** Where pushes go (kept in the browser). */
    readonly hub: LocalRegistry,
  ) {}

  private get registry() {
    return this.parts.layers.registry;
  }

  /** POST /images/create?fromImage=…&tag=… — a pull, reporting progress as Docker does. */
  imageCreate(reference: string, onProgress: (p: PullProgress) => void): Promise<{ image: Image; digest: string; downloaded: boolean }> {
    let ref: ImageReference;
    try {
      ref = parseReference(reference);
    } catch (error) {
      return Promise.reject(new ApiError(400, (error as Error).message));
    }
    const { images, layers } = this.parts;
    return this.parts.calls.serve('POST', `/images/create?fromImage=${encodeURIComponent(`${ref.domain}/${ref.path}`)}&tag=${ref.tag}`, async () => {
      const index = await this.registry.index();
      const manifestDigest = ref.domain === 'docker.io' ? index.repositories[ref.path]?.[ref.tag] : undefined;
      if (!manifestDigest) {
        const repo = ref.domain === 'docker.io' && ref.path.startsWith('library/') ? ref.path.slice(8) : `${ref.domain === 'docker.io' ? '' : `${ref.domain}/`}${ref.path}`;
        const error = new ApiError(404, index.repositories[ref.path]
          ? `manifest for ${familiarString(ref)} not found: manifest unknown: manifest unknown`
          : `pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`);
        // The CLI prints Docker's error, then this line on what the lab has instead.
        throw Object.assign(error, { hint: notBuiltInHint(ref, index.repositories) });
      }
      const manifest = JSON.parse(new TextDecoder().decode(await this.registry.blob(manifestDigest))) as {
        config: { digest: string };
        layers: Array<{ digest: string; size: number; annotations?: Record<string, string> }>;
      };
      const name = familiarString(ref);
      const repoDigest = `${name.split(':')[0]}@${manifestDigest}`;
      const existing = images.find(manifest.config.digest);
      onProgress({ id: ref.tag, status: `Pulling from ${ref.path}` });
      if (existing) {
        // The image is here under another name: as in Docker, its layers "Already exist" and
        // the new tag counts as a download; only a tag that already named it is "up to date".
        const tagged = existing.repoTags.includes(name);
        if (!tagged) for (const layer of manifest.layers) onProgress({ id: layer.digest.slice(7, 19), status: 'Already exists' });
        images.add({ ...existing, repoTags: [name], repoDigests: [repoDigest] });
        return { image: existing, digest: manifestDigest, downloaded: !tagged };
      }
      const configBytes = await this.registry.blob(manifest.config.digest);
      const config = JSON.parse(new TextDecoder().decode(configBytes)) as ImageConfig;
      const runtime = this.parts.runtime;
      const pulled = await Promise.all(
        manifest.layers.map(async (layer, i) => {
          const short = layer.digest.slice(7, 19);
          const diffId = config.rootfs.diff_ids[i]!;
          if (runtime.hasLayer(diffId)) {
            onProgress({ id: short, status: 'Already exists' });
            return { digest: layer.digest, diffId, size: layers.sizes.get(diffId) ?? 0 };
          }
          onProgress({ id: short, status: 'Pulling fs layer' });
          const lazyIndex = layer.annotations?.['org.drydock.lazy.index'];
          if (lazyIndex) {
            // A large layer: only its index now; files come when a container reads them.
            const index = JSON.parse(new TextDecoder().decode(await this.registry.file(lazyIndex))) as { fsroot: unknown[] };
            layers.lazyIndexes.set(diffId, index);
            await runtime.attachLazyLayer(diffId, index);
            const size = Number(layer.annotations?.['org.drydock.lazy.bytes'] ?? layer.size);
            layers.sizes.set(diffId, size);
            onProgress({ id: short, status: 'Pull complete' });
            return { digest: layer.digest, diffId, size };
          }
          const blob = await this.registry.blob(layer.digest);
          onProgress({ id: short, status: 'Download complete' });
          const tar = await gunzip(blob);
          if ((await sha256Digest(tar)) !== diffId) throw new ApiError(500, `layer ${layer.digest} does not match its diffID ${diffId}`);
          await runtime.unpackLayer(diffId, tar);
          layers.sizes.set(diffId, tar.length);
          onProgress({ id: short, status: 'Pull complete' });
          return { digest: layer.digest, diffId, size: tar.length };
        }),
      );
      const image: Image = { id: manifest.config.digest, config, layers: pulled, repoTags: [name], repoDigests: [repoDigest] };
      images.add(image);
      this.parts.events.emit('image', 'pull', name, { name });
      return { image, digest: manifestDigest, downloaded: true };
    });
  }

  /** POST /auth: checks the credentials (the first login with a name makes the account). */
  auth(username: string, password: string) {
    return this.parts.calls.serve('POST', '/auth', async () => {
      try {
        return { Status: 'Login Succeeded', IdentityToken: await this.hub.login(username, password) };
      } catch (error) {
        if (error instanceof UnauthorizedError) throw new ApiError(401, `Get "https://registry-1.docker.io/v2/": unauthorized: ${error.message}`);
        throw error;
      }
    });
  }

  /** The client forgets a token: the registry forgets it too. */
  async forgetToken(token: string): Promise<void> {
    await this.hub.logout(token);
  }

  /**
   * POST /images/{name}/push: uploads the image's layers and config (those the registry does
   * not have), then its manifest under the tag. Progress per layer, as Docker reports it.
   */
  imagePush(reference: string, identityToken: string | undefined, onProgress: (p: PullProgress) => void) {
    let ref: ImageReference;
    try {
      ref = parseReference(reference);
    } catch (error) {
      return Promise.reject(new ApiError(400, (error as Error).message));
    }
    const { layers } = this.parts;
    // As the Engine API spells it: the repository in the path, the tag in the query.
    return this.parts.calls.serve('POST', `/images/${familiarName(ref)}/push?tag=${encodeURIComponent(ref.tag)}`, async () => {
      if (ref.domain !== 'docker.io') {
        const host = ref.domain.split(':')[0];
        throw new ApiError(500, `Get "https://${ref.domain}/v2/": dial tcp: lookup ${host}: no such host (the lab has one registry: docker.io, kept in this browser)`);
      }
      const image = this.parts.images.byReference(ref);
      if (!image) throw new ApiError(404, `An image does not exist locally with the tag: ${familiarString(ref).replace(/:[^:/]+$/, '')}`);
      const topFirst = [...image.layers].reverse();
      // Pushed layers are gzip-compressed tars; built layers are kept uncompressed here.
      const blobs = await Promise.all(topFirst.map((l) => layers.pushable(l)));
      for (const b of blobs) onProgress({ id: b.digest.slice(7, 19), status: 'Preparing' });
      const user = await this.hub.user(identityToken);
      const namespace = ref.path.split('/')[0];
      if (!user || namespace !== user) throw new ApiError(403, 'denied: requested access to the resource is denied');
      for (const b of blobs) {
        const id = b.digest.slice(7, 19);
        if (b.pulled || (await this.hub.hasBlob(b.digest))) {
          onProgress({ id, status: 'Layer already exists' });
          continue;
        }
        onProgress({ id, status: 'Pushing' });
        await this.hub.putBlobs([b.bytes!]);
        onProgress({ id, status: 'Pushed' });
      }
      const config = await layers.configBytes(image);
      if (!(await this.hub.hasBlob(image.id))) await this.hub.putBlobs([config]);
      const manifest = new TextEncoder().encode(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: image.id },
          layers: [...blobs].reverse().map((b) => ({
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            size: b.size,
            digest: b.digest,
            ...(b.annotations ? { annotations: b.annotations } : {}),
          })),
        }),
      );
      const digest = await this.hub.putManifest(ref.path, ref.tag, manifest, user);
      const repoDigest = `${familiarString(ref).replace(/:[^:/]+$/, '')}@${digest}`;
      if (!image.repoDigests.includes(repoDigest)) image.repoDigests.push(repoDigest);
      return { tag: ref.tag, digest, size: manifest.length };
    });
  }

  /** GET /images/search?term=…: repositories of the registry whose name contains the term. */
  imageSearch(term: string) {
    return this.parts.calls.serve('GET', `/images/search?term=${encodeURIComponent(term)}`, async () => {
      const index = await this.registry.index();
      const pushed = new Set((await this.hub.repositories()).map((r) => r.name));
      return Object.keys(index.repositories)
        .map((path) => {
          const official = path.startsWith('library/') && !pushed.has(path);
          const name = official ? path.slice(8) : path;
          // A built-in image says what it is and every tag it has here (the lab's registry is
          // all there is); a learner's pushed repository has no description, as on Docker Hub.
          const about = official ? BUILT_IN[name]?.description : undefined;
          const tags = `tags: ${Object.keys(index.repositories[path]!).join(', ')}`;
          return { name, description: official ? (about ? `${about}; ${tags}` : tags) : '', star_count: 0, is_official: official };
        })
        // `*` (or nothing) matches every repository.
        .filter((r) => r.name.includes(term.toLowerCase().replace(/^\*+$/, '')))
        .sort((a, b) => Number(b.is_official) - Number(a.is_official) || a.name.localeCompare(b.name));
    });
  }
}
