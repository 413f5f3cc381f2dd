// Images made from instructions: POST /build (the Dockerfile run by builder/ImageBuilder on the
// context, BuildKit-style progress, the step cache), POST /build/prune, and POST /commit (a
// container's changes as a layer on its image, with `--change` instructions).
import { ImageBuilder, type BuildRequest } from '../../builder/builder';
import type { BuildEvent } from '../../builder/events';
import { parseReference } from '../../formats/reference';
import type { CachedStep, ImageConfig, ImageLayer } from '../../models/image';
import { ApiError } from '../endpoints';
import type { Distribution } from '../images/distribution';
import { applyChangesOr400 } from '../images/changes';
import { tagNames } from '../images/lookup';
import { containerOrThrow, imageOfContainer, type DaemonParts } from '../parts';

export class BuildService {
  /** The build cache: a step's key → the layer it made. */
  readonly cache = new Map<string, CachedStep>();

  constructor(
    private readonly parts: DaemonParts,
    private readonly distribution: Distribution,
  ) {}

  /**
   * POST /build: runs the Dockerfile on the context (see builder/), reporting BuildKit-style
   * events, and tags the image. Throws BuildError when the build fails.
   */
  build(request: BuildRequest & { tags: string[] }, onEvent: (event: BuildEvent) => void) {
    const query = request.tags.map((t) => `t=${encodeURIComponent(t)}`).join('&');
    const { images, layers } = this.parts;
    return this.parts.calls.serve('POST', `/build${query ? `?${query}` : ''}`, async () => {
      const tags = tagNames(request.tags);
      let lastVertex = 0;
      const builder = new ImageBuilder(
        {
          runtime: this.parts.runtime,
          baseImage: async (reference) => {
            const local = images.find(reference, parseReference(reference));
            if (local) {
              await layers.ensure(local);
              return { image: local, pulled: false };
            }
            return { image: (await this.distribution.imageCreate(reference, () => {})).image, pulled: true };
          },
          storeLayer: (tar) => layers.store(tar),
          cache: this.cache,
        },
        request,
        (event) => {
          lastVertex = Math.max(lastVertex, event.id);
          onEvent(event);
        },
      );
      const result = await builder.build();
      const started = performance.now();
      const id = lastVertex + 1;
      onEvent({ kind: 'vertex', id, name: 'exporting to image' });
      onEvent({ kind: 'status', id, text: 'exporting layers done' });
      const config = result.config;
      if (Object.keys(request.labels).length) config.config.Labels = { ...config.config.Labels, ...request.labels };
      const image = await layers.storeImage(config, result.layers, tags);
      onEvent({ kind: 'status', id, text: `writing image ${image.id} done` });
      for (const tag of tags) {
        const ref = parseReference(tag);
        onEvent({ kind: 'status', id, text: `naming to ${ref.domain}/${ref.path}:${ref.tag} done` });
      }
      onEvent({ kind: 'done', id, seconds: Math.round((performance.now() - started) / 100) / 10 });
      return image;
    });
  }

  /** POST /build/prune: forgets the build cache, and removes the layers only it kept. */
  buildPrune() {
    return this.parts.calls.serve('POST', '/build/prune', async () => {
      const used = new Set(this.parts.images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
      const orphans = new Map<string, ImageLayer>();
      for (const step of this.cache.values()) if (!used.has(step.layer.diffId)) orphans.set(step.layer.diffId, step.layer);
      const reclaimed = [...orphans.values()].reduce((n, l) => n + l.size, 0);
      const count = this.cache.size;
      this.cache.clear();
      for (const d of orphans.keys()) this.parts.layers.blobs.delete(d);
      await this.parts.runtime.removeLayers([...orphans.keys()]);
      return { CachesDeleted: count, SpaceReclaimed: reclaimed };
    });
  }

  /** POST /commit?container=…&repo=…: the container's changes as a new image on top of its own. */
  containerCommit(idOrName: string, options: { reference?: string; comment?: string; author?: string; pause?: boolean; changes?: string[] }) {
    return this.parts.calls.serve('POST', `/commit?container=${encodeURIComponent(idOrName)}${options.reference ? `&repo=${encodeURIComponent(options.reference)}` : ''}`, async () => {
      const container = containerOrThrow(this.parts, idOrName);
      const tags = options.reference ? tagNames([options.reference]) : [];
      const image = await imageOfContainer(this.parts, container);
      const runtime = this.parts.runtime;
      const freeze = options.pause !== false && container.state.status === 'running';
      if (freeze) await runtime.freeze(container, true);
      let layer: ImageLayer;
      try {
        layer = await this.parts.layers.store(await runtime.exportChanges(container));
      } finally {
        if (freeze) await runtime.freeze(container, false);
      }
      const c = container.config;
      const config: ImageConfig = structuredClone(image.config);
      config.created = new Date().toISOString();
      config.config = { ...config.config, Env: c.Env, Cmd: c.Cmd, Entrypoint: c.Entrypoint.length ? c.Entrypoint : undefined, WorkingDir: c.WorkingDir, User: c.User, Labels: c.Labels };
      config.history = [
        ...(image.config.history ?? []),
        { created: new Date().toISOString(), created_by: [...c.Entrypoint, ...c.Cmd].join(' '), ...(options.comment ? { comment: options.comment } : {}) },
      ];
      if (options.author) (config as ImageConfig & { author?: string }).author = options.author;
      applyChangesOr400(config, options.changes ?? []);
      const made = await this.parts.layers.storeImage(config, [...image.layers, layer], tags);
      return made.id;
    });
  }
}
