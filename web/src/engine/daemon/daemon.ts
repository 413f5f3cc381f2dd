// The daemon: Drydock's dockerd. Each public method is one Docker Engine API endpoint, named in
// its `api()` call, with Docker's status codes and messages; every call is logged (method, path,
// status, time) for the page's API panel. State lives in ImageStore and ContainerStore; work in
// the guest goes through GuestRuntime; images come from a RegistrySource.
import { parseReference, familiarName, familiarString, type ImageReference, InvalidReferenceError } from '../formats/reference';
import { ContainerStore } from './containers/container-store';
import { newContainer, type Container, type ContainerConfig, type HostConfig, type LogEntry } from '../models/container';
import { chainIds, gunzip, randomHex, sha256Digest } from '../lib/digest';
import { RuntimeError, type ContainerRuntime, type RuntimeState } from '../runtime/runtime';
import { ImageStore } from './images/image-store';
import { type Image, type ImageConfig, type ImageLayer } from '../models/image';
import { randomName } from './containers/names';
import { monitorHealth } from './containers/health';
import { type HealthConfig } from '../models/container';
import { MountSpecError, parseBind, parseMount, parseTmpfs, checkVolumeName, type MountRequest } from '../formats/mount-spec';
import { VOLUME_ROOT, VolumeStore } from './volumes/volume-store';
import { type ContainerMount, type Volume } from '../models/volume';
import { ImageBuilder, type BuildRequest, type CachedStep } from '../builder/builder';
import { BuildError, type BuildEvent } from '../builder/events';
import { readTar } from '../formats/tar';
import { parseDockerfile } from '../formats/dockerfile/parse';
import { expandWord } from '../formats/dockerfile/expand';
import type { RegistrySource } from '../registry/registry-source';
import { LocalRegistry, UnauthorizedError } from '../registry/local-registry';
import { Registries } from '../registry/registries';
import { MemoryKeyValueStore } from '../persist/kv-store';
import { gzip } from '../lib/digest';
import { ImageArchiveError, readImageArchive, writeImageArchive, type ArchiveImage } from '../formats/image-archive';
import { NetworkError, NetworkStore } from './networks/network-store';
import { type Network, type NetworkStoreState } from '../models/network';
import { ContainerNetworking } from './networks/networking';
import { checkCapabilities } from '../runtime/capabilities';
import { BUILT_IN, notBuiltInHint } from '../registry/not-built-in';
import { parseLink } from '../formats/links';
import { DaemonEvents } from './system/events';

export const API_VERSION = '1.46';
export const ENGINE_VERSION = '27.0.0-drydock';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface ApiLogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  at: number;
}

export interface PullProgress {
  id: string;
  status: string;
}

export interface CreateRequest {
  image: string;
  name?: string;
  cmd?: string[];
  entrypoint?: string[] | null;
  env?: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  tty?: boolean;
  openStdin?: boolean;
  labels?: Record<string, string>;
  hostConfig?: Partial<HostConfig>;
  /** `--mount` specs, as the CLI was given them. */
  mounts?: string[];
  /** --health-cmd and friends (Test ["NONE"] for --no-healthcheck). */
  healthcheck?: HealthConfig;
  /** `--expose` ports ("80/tcp"). */
  exposedPorts?: string[];
  /** `--network-alias` and `--ip` for the network of the container's network mode. */
  networking?: { aliases?: string[]; ip?: string };
}

const SIGKILL = 9;
const SIGTERM = 15;
const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const HOSTNAME = /^[a-zA-Z0-9][a-zA-Z0-9.-]{0,62}$/;

/** A container record without what lives only while the engine runs (listeners, waiters). */
type SavedContainer = Omit<Container, 'listeners' | 'exitWaiters' | 'health'>;

/**
 * The daemon's records as plain data: saved with a snapshot of the machine, so that a later
 * visit finds its images, containers, volumes and networks (see engine/persist/).
 */
export interface DaemonState {
  version: 1;
  images: Image[];
  containers: SavedContainer[];
  volumes: Volume[];
  networks: NetworkStoreState;
  layerSizes: Array<[string, number]>;
  buildCache: Array<[string, CachedStep]>;
  lazyIndexes: Array<[string, { fsroot: unknown[] }]>;
  runtime: RuntimeState;
}

/** What `docker search` says of the built-in images (Drydock's words). */

/** `docker import --change 'CMD ["x"]'`: the Dockerfile instructions import accepts. */
function applyImportChange(config: ImageConfig, change: string): void {
  const match = /^\s*(\w+)\s+(.*)$/s.exec(change);
  if (!match) throw new ApiError(400, `dockerfile parse error: unknown instruction: ${change}`);
  const [, word, rest] = match as unknown as [string, string, string];
  const list = () => (rest.trim().startsWith('[') ? (JSON.parse(rest) as string[]) : ['/bin/sh', '-c', rest.trim()]);
  switch (word.toUpperCase()) {
    case 'CMD': config.config.Cmd = list(); break;
    case 'ENTRYPOINT': config.config.Entrypoint = list(); break;
    case 'ENV': (config.config.Env ??= []).push(rest.includes('=') ? rest.trim() : rest.trim().replace(/\s+/, '=')); break;
    case 'WORKDIR': config.config.WorkingDir = rest.trim(); break;
    case 'USER': config.config.User = rest.trim(); break;
    case 'EXPOSE': for (const p of rest.trim().split(/\s+/)) (config.config.ExposedPorts ??= {})[p.includes('/') ? p : `${p}/tcp`] = {}; break;
    case 'LABEL': for (const m of rest.matchAll(/(\S+?)=("[^"]*"|\S+)/g)) (config.config.Labels ??= {})[m[1]!] = m[2]!.replace(/^"|"$/g, ''); break;
    default: throw new ApiError(400, `${word.toUpperCase()} is not a valid change command`);
  }
}

/** How many log entries of a container are kept across a reload. */
const SAVED_LOG_ENTRIES = 2000;

export class Daemon {
  readonly images = new ImageStore();
  readonly containers = new ContainerStore();
  readonly volumes = new VolumeStore();
  readonly networking = new ContainerNetworking(new NetworkStore(), this.containers, () => this.runtime);
  readonly apiLog: ApiLogEntry[] = [];
  /** What happened to containers and images (GET /events). */
  readonly events = new DaemonEvents();
  onApiCall: (entry: ApiLogEntry) => void = () => {};

  /** Built-in images and pushed ones, as `docker pull` sees them. */
  private readonly registry: Registries;

  constructor(
    private currentRuntime: ContainerRuntime,
    builtin: RegistrySource,
    /** Where pushes go (kept in the browser); by default a registry that lives as long as the daemon. */
    readonly hub = new LocalRegistry(new MemoryKeyValueStore()),
  ) {
    this.registry = new Registries(builtin, hub);
  }

  get runtime(): ContainerRuntime {
    return this.currentRuntime;
  }

  /** Containers that were running when their guest died (restart policies apply in the next). */
  private readonly lostWithGuest = new Set<string>();

  /** Lazy layers' indexes, by diffID: to attach them again to a new guest. */
  private readonly lazyIndexes = new Map<string, { fsroot: unknown[] }>();

  /**
   * A new guest replaced one that died. What ran there is gone: containers that were running
   * are exited (255, as after a host crash); volumes start empty again (their data lived in the
   * guest's memory). Images and records stay; layers are put back when next needed.
   */
  async guestRestarted(runtime: ContainerRuntime): Promise<void> {
    this.currentRuntime = runtime;
    for (const c of this.containers.list()) {
      if (['running', 'paused', 'restarting'].includes(c.state.status)) {
        if (!c.manuallyStopped) this.lostWithGuest.add(c.id);
        c.manuallyStopped = true; // no restart policy fires for a machine that went away
        c.state = { ...c.state, status: 'exited', exitCode: 255, finishedAt: Date.now(), pid: 0 };
        this.networking.release(c);
        c.exitWaiters.splice(0).forEach((w) => w(255));
      }
      c.health = undefined;
    }
    for (const v of this.volumes.list()) await runtime.createVolumeDir(v.Mountpoint);
    for (const c of this.containers.list()) await runtime.create(c);
    // As dockerd does when it comes back: `always` and `unless-stopped` containers start again.
    for (const c of this.containers.list()) {
      if (!this.lostWithGuest.has(c.id) || !['always', 'unless-stopped'].includes(c.hostConfig.RestartPolicy.Name)) continue;
      c.manuallyStopped = false;
      await this.launch(c).catch(() => {});
    }
    this.lostWithGuest.clear();
  }

  /** Daemon API calls in progress. */
  private callsInFlight = 0;

  /** Whether a snapshot now would cut off work (an API call, or guest work of the runtime's). */
  get busy(): boolean {
    return this.callsInFlight > 0 || this.runtime.busy;
  }

  /**
   * The records at this instant (synchronous: taken together with the machine's state). Layers
   * made here come apart, by diffID, for the store to keep once (they never change).
   */
  saveState(): { state: DaemonState; layerBlobs: Map<string, Uint8Array> } {
    const containers = this.containers.list().map((c): SavedContainer => {
      const { listeners: _l, exitWaiters: _w, health: _h, ...rest } = c;
      return { ...structuredClone({ ...rest, logs: [] }), logs: rest.logs.slice(-SAVED_LOG_ENTRIES) };
    });
    const state: DaemonState = {
      version: 1,
      images: structuredClone(this.images.list()),
      containers,
      volumes: structuredClone(this.volumes.list()),
      networks: this.networking.networks.saveState(),
      layerSizes: [...this.layerSizes],
      buildCache: structuredClone([...this.buildCache]),
      lazyIndexes: [...this.lazyIndexes], // never changed once made: shared, not copied
      runtime: this.runtime.saveState(),
    };
    return { state, layerBlobs: new Map(this.layerBlobs) };
  }

  /** Takes the records of a saved lab (before any call is made). */
  restoreState(state: DaemonState, layerBlobs: Map<string, Uint8Array>): void {
    for (const image of state.images) this.images.add(image);
    for (const c of state.containers) this.containers.add({ ...c, listeners: new Set(), exitWaiters: [] });
    for (const v of state.volumes) this.volumes.add(v);
    this.networking.networks.restoreState(state.networks);
    for (const [d, n] of state.layerSizes) this.layerSizes.set(d, n);
    for (const [k, step] of state.buildCache) this.buildCache.set(k, step);
    for (const [d, index] of state.lazyIndexes) this.lazyIndexes.set(d, index);
    for (const [d, tar] of layerBlobs) this.layerBlobs.set(d, tar);
  }

  /**
   * The guest is the one saved with these records: what ran in it runs on. The runtime follows
   * the containers' processes again; a container it cannot follow ended with the old engine.
   */
  resumeGuest(runtimeState: RuntimeState): void {
    const live = this.containers.list().filter((c) => ['running', 'paused'].includes(c.state.status));
    const exits = this.runtime.resume(runtimeState, live.map((container) => ({ container, onOutput: this.recorder(container) })));
    for (const container of this.containers.list()) {
      const image = this.images.find(container.imageId);
      const exited = exits.get(container.id);
      if (exited && image) {
        this.followExit(container, exited, this.exitHandler(container, this.monitorHealth(container, image)));
      } else if (['running', 'paused', 'restarting'].includes(container.state.status)) {
        // A restart that was waiting for its backoff goes ahead; anything else is gone.
        if (container.state.status === 'restarting') {
          this.launch(container).catch(() => (container.state.status = 'exited'));
        } else {
          this.networking.release(container);
          container.state = { ...container.state, status: 'exited', exitCode: 255, finishedAt: Date.now(), pid: 0 };
        }
      }
    }
  }

  /** Puts an image's layers into the guest if they are not there (after a guest restart). */
  private async ensureLayers(image: Image): Promise<void> {
    for (const layer of image.layers) {
      if (this.runtime.hasLayer(layer.diffId)) continue;
      const lazy = this.lazyIndexes.get(layer.diffId);
      if (lazy) {
        await this.runtime.attachLazyLayer(layer.diffId, lazy);
        continue;
      }
      const tar = this.layerBlobs.get(layer.diffId) ?? (await gunzip(await this.registry.blob(layer.digest)));
      await this.runtime.unpackLayer(layer.diffId, tar);
    }
  }

  private async api<T>(method: string, path: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    this.callsInFlight++;
    // As dockerd answers: 201 Created for containers, volumes and networks (a pull, POST
    // /images/create, streams its progress under 200), 204 for DELETE (but removing an image
    // lists what went, under 200) and start/stop/kill/restart.
    const bare = path.split('?')[0]!;
    let status = method === 'POST' && /\/create$/.test(bare) && bare !== '/images/create' ? 201 : (method === 'DELETE' && !bare.startsWith('/images/')) || /\/(start|stop|kill|restart)$/.test(bare) ? 204 : 200;
    try {
      return await work();
    } catch (error) {
      status = error instanceof ApiError ? error.status : 500;
      // A failed build keeps its own shape: the CLI prints the step and the Dockerfile lines.
      throw error instanceof ApiError || error instanceof BuildError ? error : new ApiError(500, (error as Error).message);
    } finally {
      this.callsInFlight--;
      this.logRequest(method, path, status, performance.now() - started);
    }
  }

  /** One line of the API panel: an endpoint's call, or a request the API server answered itself. */
  logRequest(method: string, path: string, status: number, ms: number): void {
    const entry = { method, path, status, ms, at: Date.now() };
    this.apiLog.push(entry);
    if (this.apiLog.length > 500) this.apiLog.shift();
    this.onApiCall(entry);
  }

  // ---- system

  version() {
    return this.api('GET', '/version', async () => ({
      Version: ENGINE_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: '1.24',
      Os: 'linux',
      Arch: '386',
      KernelVersion: (await this.runtime.hostInfo()).kernel,
      Components: [{ Name: 'Engine', Version: ENGINE_VERSION }],
    }));
  }

  // ---- images

  imageList() {
    return this.api('GET', '/images/json', async () => this.images.list());
  }

  /** POST /images/create?fromImage=…&tag=… — a pull, reporting progress as Docker does. */
  imageCreate(reference: string, onProgress: (p: PullProgress) => void): Promise<{ image: Image; digest: string; downloaded: boolean }> {
    let ref: ImageReference;
    try {
      ref = parseReference(reference);
    } catch (error) {
      return Promise.reject(new ApiError(400, (error as Error).message));
    }
    return this.api('POST', `/images/create?fromImage=${encodeURIComponent(`${ref.domain}/${ref.path}`)}&tag=${ref.tag}`, async () => {
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
      const existing = this.images.find(manifest.config.digest);
      onProgress({ id: ref.tag, status: `Pulling from ${ref.path}` });
      if (existing) {
        // The image is here under another name: as in Docker, its layers "Already exist" and
        // the new tag counts as a download; only a tag that already named it is "up to date".
        const tagged = existing.repoTags.includes(name);
        if (!tagged) for (const layer of manifest.layers) onProgress({ id: layer.digest.slice(7, 19), status: 'Already exists' });
        this.images.add({ ...existing, repoTags: [name], repoDigests: [repoDigest] });
        return { image: existing, digest: manifestDigest, downloaded: !tagged };
      }
      const configBytes = await this.registry.blob(manifest.config.digest);
      const config = JSON.parse(new TextDecoder().decode(configBytes)) as ImageConfig;
      const layers = await Promise.all(
        manifest.layers.map(async (layer, i) => {
          const short = layer.digest.slice(7, 19);
          const diffId = config.rootfs.diff_ids[i]!;
          if (this.runtime.hasLayer(diffId)) {
            onProgress({ id: short, status: 'Already exists' });
            return { digest: layer.digest, diffId, size: this.layerSizes.get(diffId) ?? 0 };
          }
          onProgress({ id: short, status: 'Pulling fs layer' });
          const lazyIndex = layer.annotations?.['org.drydock.lazy.index'];
          if (lazyIndex) {
            // A large layer: only its index now; files come when a container reads them.
            const index = JSON.parse(new TextDecoder().decode(await this.registry.file(lazyIndex))) as { fsroot: unknown[] };
            this.lazyIndexes.set(diffId, index);
            await this.runtime.attachLazyLayer(diffId, index);
            const size = Number(layer.annotations?.['org.drydock.lazy.bytes'] ?? layer.size);
            this.layerSizes.set(diffId, size);
            onProgress({ id: short, status: 'Pull complete' });
            return { digest: layer.digest, diffId, size };
          }
          const blob = await this.registry.blob(layer.digest);
          onProgress({ id: short, status: 'Download complete' });
          const tar = await gunzip(blob);
          if ((await sha256Digest(tar)) !== diffId) throw new ApiError(500, `layer ${layer.digest} does not match its diffID ${diffId}`);
          await this.runtime.unpackLayer(diffId, tar);
          this.layerSizes.set(diffId, tar.length);
          onProgress({ id: short, status: 'Pull complete' });
          return { digest: layer.digest, diffId, size: tar.length };
        }),
      );
      const image: Image = { id: manifest.config.digest, config, layers, repoTags: [name], repoDigests: [repoDigest] };
      this.images.add(image);
      this.events.emit('image', 'pull', name, { name });
      return { image, digest: manifestDigest, downloaded: true };
    });
  }

  // ---- registry: login, push, search

  /** POST /auth: checks the credentials (the first login with a name makes the account). */
  auth(username: string, password: string) {
    return this.api('POST', '/auth', async () => {
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
    // As the Engine API spells it: the repository in the path, the tag in the query.
    return this.api('POST', `/images/${familiarName(ref)}/push?tag=${encodeURIComponent(ref.tag)}`, async () => {
      if (ref.domain !== 'docker.io') {
        const host = ref.domain.split(':')[0];
        throw new ApiError(500, `Get "https://${ref.domain}/v2/": dial tcp: lookup ${host}: no such host (the lab has one registry: docker.io, kept in this browser)`);
      }
      const image = this.images.byReference(ref);
      if (!image) throw new ApiError(404, `An image does not exist locally with the tag: ${familiarString(ref).replace(/:[^:/]+$/, '')}`);
      const topFirst = [...image.layers].reverse();
      // Pushed layers are gzip-compressed tars; built layers are kept uncompressed here.
      const blobs = await Promise.all(topFirst.map((l) => this.pushableLayer(l)));
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
      const config = await this.imageConfigBytes(image);
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

  /** A layer as a registry holds it: its compressed blob's digest and size (and bytes if made here). */
  private async pushableLayer(layer: ImageLayer): Promise<{ digest: string; size: number; pulled?: boolean; bytes?: Uint8Array; annotations?: Record<string, string> }> {
    const made = this.layerBlobs.get(layer.diffId);
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
  private async imageConfigBytes(image: Image): Promise<Uint8Array> {
    const mine = new TextEncoder().encode(JSON.stringify(image.config));
    if ((await sha256Digest(mine)) === image.id) return mine;
    return this.registry.blob(image.id);
  }

  /** GET /images/search?term=…: repositories of the registry whose name contains the term. */
  imageSearch(term: string) {
    return this.api('GET', `/images/search?term=${encodeURIComponent(term)}`, async () => {
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

  // ---- archives: save, load, export, import

  /** GET /images/get?names=…: the images as one archive (docker-archive + OCI layout). */
  imageSave(names: string[]) {
    return this.api('GET', `/images/get?${names.map((n) => `names=${encodeURIComponent(n)}`).join('&')}`, async () => {
      const byId = new Map<string, { image: Image; tags: string[] }>();
      for (const name of names) {
        const image = this.resolveImage(name);
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
      const archive: ArchiveImage[] = [];
      for (const { image, tags } of byId.values()) {
        archive.push({ config: await this.imageConfigBytes(image), layers: await Promise.all(image.layers.map((l) => this.layerTar(l, image))), repoTags: tags });
      }
      return writeImageArchive(archive);
    });
  }

  /** A layer's uncompressed tar: kept here if made here, else from the registry. */
  private async layerTar(layer: ImageLayer, image: Image): Promise<Uint8Array> {
    const made = this.layerBlobs.get(layer.diffId);
    if (made) return made;
    if (this.lazyIndexes.has(layer.diffId)) {
      throw new ApiError(500, `${image.repoTags[0] ?? image.id.slice(7, 19)} has a layer Drydock loads file by file (${layer.diffId.slice(7, 19)}): it cannot be written to an archive here`);
    }
    return gunzip(await this.registry.blob(layer.digest));
  }

  /** POST /images/load: images from an archive; says what it loaded, as Docker does. */
  imageLoad(archive: Uint8Array) {
    return this.api('POST', '/images/load', async () => {
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
        for (const tar of found.layers) layers.push(await this.storeLayer(tar));
        const config = JSON.parse(new TextDecoder().decode(found.config)) as ImageConfig;
        const image = await this.storeImage(config, layers, this.tagNames(found.repoTags));
        loaded.push(...(found.repoTags.length ? found.repoTags.map((t) => `Loaded image: ${t}`) : [`Loaded image ID: ${image.id}`]));
      }
      return loaded;
    });
  }

  /** GET /containers/{id}/export: the container's filesystem as a tar. */
  containerExport(idOrName: string) {
    return this.api('GET', `/containers/${idOrName}/export`, async () => {
      const container = this.get(idOrName);
      const image = this.images.find(container.imageId);
      if (!image) throw new ApiError(500, `image ${container.imageId} of container ${container.name} is gone`);
      await this.ensureLayers(image);
      return this.runtime.exportFilesystem(container, image);
    });
  }

  /** POST /images/create?fromSrc=-: a one-layer image from a filesystem tar (`docker import`). */
  imageImport(tar: Uint8Array, reference: string | undefined, options: { message?: string; changes?: string[] } = {}) {
    return this.api('POST', `/images/create?fromSrc=-${reference ? `&repo=${encodeURIComponent(reference)}` : ''}`, async () => {
      if (tar[0] === 0x1f && tar[1] === 0x8b) tar = await gunzip(tar);
      try {
        readTar(tar);
      } catch {
        throw new ApiError(500, 'archive/tar: invalid tar header');
      }
      const tags = reference ? this.tagNames([reference]) : [];
      const layer = await this.storeLayer(tar);
      const config: ImageConfig = {
        architecture: '386',
        os: 'linux',
        created: new Date().toISOString(),
        config: {},
        rootfs: { type: 'layers', diff_ids: [] },
        history: [{ created: new Date().toISOString(), created_by: '', comment: options.message ?? 'Imported from -' }],
      };
      for (const change of options.changes ?? []) applyImportChange(config, change);
      return this.storeImage(config, [layer], tags);
    });
  }

  private readonly layerSizes = new Map<string, number>();
  /** Layers made here (build, commit), by diffID: uncompressed tars, as they would be pushed. */
  readonly layerBlobs = new Map<string, Uint8Array>();
  /** The build cache: a step's key → the layer it made. */
  readonly buildCache = new Map<string, CachedStep>();

  /** Keeps a layer made here and unpacks it where containers run. Its size is its files' bytes. */
  private async storeLayer(tar: Uint8Array): Promise<ImageLayer> {
    const diffId = await sha256Digest(tar);
    const size = readTar(tar).reduce((n, e) => n + (e.type === 'file' ? e.data.length : 0), 0);
    if (!this.runtime.hasLayer(diffId)) await this.runtime.unpackLayer(diffId, tar);
    this.layerBlobs.set(diffId, tar);
    this.layerSizes.set(diffId, size);
    return { digest: diffId, diffId, size };
  }

  /** Adds an image made here (build, commit): its ID is its config's digest. */
  private async storeImage(config: ImageConfig, layers: ImageLayer[], tags: string[]): Promise<Image> {
    config.created ??= new Date().toISOString();
    config.rootfs = { type: 'layers', diff_ids: layers.map((l) => l.diffId) };
    const id = await sha256Digest(new TextEncoder().encode(JSON.stringify(config)));
    const image: Image = { id, config, layers, repoTags: tags, repoDigests: [] };
    this.images.add(image);
    return this.images.find(id) ?? image;
  }

  /** Validated familiar names for -t / commit's REPOSITORY[:TAG]. */
  private tagNames(tags: string[]): string[] {
    return tags.map((t) => {
      try {
        const ref = parseReference(t);
        if (ref.digest) throw new Error('invalid reference format');
        return familiarString(ref);
      } catch (error) {
        throw new ApiError(400, `invalid tag "${t}": ${(error as Error).message}`);
      }
    });
  }

  /**
   * POST /build: runs the Dockerfile on the context (see builder/), reporting BuildKit-style
   * events, and tags the image. Throws BuildError when the build fails.
   */
  build(request: BuildRequest & { tags: string[] }, onEvent: (event: BuildEvent) => void) {
    const query = request.tags.map((t) => `t=${encodeURIComponent(t)}`).join('&');
    return this.api('POST', `/build${query ? `?${query}` : ''}`, async () => {
      const tags = this.tagNames(request.tags);
      let lastVertex = 0;
      const builder = new ImageBuilder(
        {
          runtime: this.runtime,
          baseImage: async (reference) => {
            const local = this.images.find(reference, parseReference(reference));
            if (local) {
              await this.ensureLayers(local);
              return { image: local, pulled: false };
            }
            return { image: (await this.imageCreate(reference, () => {})).image, pulled: true };
          },
          storeLayer: (tar) => this.storeLayer(tar),
          cache: this.buildCache,
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
      const image = await this.storeImage(config, result.layers, tags);
      onEvent({ kind: 'status', id, text: `writing image ${image.id} done` });
      for (const tag of tags) {
        const ref = parseReference(tag);
        onEvent({ kind: 'status', id, text: `naming to ${ref.domain}/${ref.path}:${ref.tag} done` });
      }
      onEvent({ kind: 'done', id, seconds: Math.round((performance.now() - started) / 100) / 10 });
      return image;
    });
  }

  /** POST /commit?container=…&repo=…: the container's changes as a new image on top of its own. */
  containerCommit(idOrName: string, options: { reference?: string; comment?: string; author?: string; pause?: boolean; changes?: string[] }) {
    return this.api('POST', `/commit?container=${encodeURIComponent(idOrName)}${options.reference ? `&repo=${encodeURIComponent(options.reference)}` : ''}`, async () => {
      const container = this.get(idOrName);
      const tags = options.reference ? this.tagNames([options.reference]) : [];
      const image = this.images.find(container.imageId);
      if (!image) throw new ApiError(500, `image of container ${container.name} is gone`);
      await this.ensureLayers(image);
      const freeze = options.pause !== false && container.state.status === 'running';
      if (freeze) await this.runtime.freeze(container, true);
      let layer: ImageLayer;
      try {
        layer = await this.storeLayer(await this.runtime.exportChanges(container));
      } finally {
        if (freeze) await this.runtime.freeze(container, false);
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
      for (const change of options.changes ?? []) applyChange(config, change);
      const made = await this.storeImage(config, [...image.layers, layer], tags);
      return made.id;
    });
  }

  /** POST /build/prune: forgets the build cache, and removes the layers only it kept. */
  buildPrune() {
    return this.api('POST', '/build/prune', async () => {
      const used = new Set(this.images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
      const orphans = new Map<string, ImageLayer>();
      for (const step of this.buildCache.values()) if (!used.has(step.layer.diffId)) orphans.set(step.layer.diffId, step.layer);
      const reclaimed = [...orphans.values()].reduce((n, l) => n + l.size, 0);
      const count = this.buildCache.size;
      this.buildCache.clear();
      for (const d of orphans.keys()) this.layerBlobs.delete(d);
      await this.runtime.removeLayers([...orphans.keys()]);
      return { CachesDeleted: count, SpaceReclaimed: reclaimed };
    });
  }

  /** POST /images/prune: dangling images (untagged, unused), or with `all` every unused one. */
  imagePrune(all: boolean) {
    return this.api('POST', `/images/prune${all ? '?filters={"dangling":["false"]}' : ''}`, async () => {
      const used = new Set(this.containers.list().map((c) => c.imageId));
      const deleted: Array<{ Untagged?: string; Deleted?: string }> = [];
      let reclaimed = 0;
      for (const image of this.images.list()) {
        if (used.has(image.id) || (!all && image.repoTags.length)) continue;
        const before = new Set(this.images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
        const events = await this.imageDelete(image.id.slice(7), true);
        const after = new Set(this.images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
        for (const l of image.layers) if (before.has(l.diffId) && !after.has(l.diffId)) reclaimed += l.size;
        deleted.push(...events);
      }
      return { ImagesDeleted: deleted, SpaceReclaimed: reclaimed };
    });
  }

  imageInspect(name: string) {
    return this.api('GET', `/images/${name}/json`, async () => this.resolveImage(name));
  }

  private resolveImage(name: string): Image {
    let ref: ImageReference | undefined;
    try {
      ref = parseReference(name);
    } catch {
      ref = undefined;
    }
    const image = this.images.find(name, ref);
    if (!image) throw new ApiError(404, `No such image: ${ref ? familiarString(ref) : name}`);
    return image;
  }

  // ---- containers

  containerCreate(request: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    const query = request.name ? `?name=${encodeURIComponent(request.name)}` : '';
    return this.api('POST', `/containers/create${query}`, async () => {
      // Checked first, with the rest of the settings, as Docker does (before the image).
      if (request.workingDir && !request.workingDir.startsWith('/')) {
        throw new ApiError(400, `the working directory '${request.workingDir}' is invalid, it needs to be an absolute path`);
      }
      // An image ID (even a full 64-hex one, no repository name) needs no parsing.
      let image = this.images.find(request.image);
      if (!image) {
        let ref: ImageReference;
        try {
          ref = parseReference(request.image);
        } catch (error) {
          throw new ApiError(400, (error as InvalidReferenceError).message);
        }
        image = this.images.find(request.image, ref);
        if (!image) throw new ApiError(404, `No such image: ${familiarString(ref)}`);
      }
      if (request.name !== undefined && !NAME.test(request.name)) {
        throw new ApiError(400, `Invalid container name (${request.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      }
      const name = request.name?.replace(/^\//, '') ?? this.freshName();
      const taken = this.containers.nameTaken(name);
      if (taken) {
        throw new ApiError(409, `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`);
      }
      if (request.hostname !== undefined && !HOSTNAME.test(request.hostname)) throw new ApiError(400, `invalid hostname format: ${request.hostname}`);
      const id = randomHex(32);
      const ic = image.config.config;
      const entrypoint = request.entrypoint === null ? [] : (request.entrypoint ?? ic.Entrypoint ?? []);
      // As in Docker: a new entrypoint drops the image's CMD; a given command replaces it.
      const cmd = request.cmd?.length ? request.cmd : request.entrypoint !== undefined ? [] : (ic.Cmd ?? []);
      if (entrypoint.length === 0 && cmd.length === 0) throw new ApiError(400, 'no command specified');
      // `-e NAME` without a value takes NAME from the client's environment in Docker; the guest
      // client does not send its environment, so such entries are left out.
      const env = mergeEnv(ic.Env ?? [], (request.env ?? []).filter((e) => e.includes('=')));
      const config: ContainerConfig = {
        Image: request.image,
        Cmd: cmd,
        Entrypoint: entrypoint,
        Env: env,
        WorkingDir: request.workingDir || ic.WorkingDir || '',
        User: request.user ?? ic.User ?? '',
        // On the host's network a container takes the host's name, as in Docker.
        Hostname: request.hostname ?? ((request.hostConfig?.NetworkMode === 'host' && (await this.runtime.hostInfo()).hostname) || id.slice(0, 12)),
        Tty: !!request.tty,
        OpenStdin: !!request.openStdin,
        Labels: { ...ic.Labels, ...request.labels },
      };
      const hostConfig: HostConfig = {
        AutoRemove: false, Memory: 0, PidsLimit: 0, NanoCpus: 0, NetworkMode: 'bridge',
        RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
        ...request.hostConfig,
      };
      if (hostConfig.NetworkMode === 'default') hostConfig.NetworkMode = 'bridge';
      hostConfig.Links = this.registerLinks(name, hostConfig);
      try {
        checkCapabilities(hostConfig.CapAdd, hostConfig.CapDrop);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      // Ports published or --expose'd are exposed too, as in Docker.
      const exposed = [...Object.keys(ic.ExposedPorts ?? {}), ...(request.exposedPorts ?? []), ...Object.keys(hostConfig.PortBindings ?? {})];
      if (exposed.length) config.ExposedPorts = Object.fromEntries(exposed.map((p) => [p, {}]));
      let networks;
      try {
        networks = this.networking.atCreate(hostConfig.NetworkMode, { ...request.networking, links: request.hostConfig?.Links ?? [] });
      } catch (error) {
        throw error instanceof NetworkError ? new ApiError(error.status, error.message) : error;
      }
      if (hostConfig.AutoRemove && hostConfig.RestartPolicy.Name !== 'no') {
        throw new ApiError(400, 'can\'t create \'AutoRemove\' container with restart policy');
      }
      const mounts = await this.resolveMounts(request, hostConfig, image);
      const container = newContainer({
        id,
        name,
        mounts,
        ...(request.healthcheck ? { healthcheck: request.healthcheck } : {}),
        imageId: image.id,
        imageName: request.image,
        config,
        hostConfig,
        networks,
      });
      await this.runtime.create(container);
      this.containers.add(container);
      this.events.emit('container', 'create', id, { image: request.image, name });
      const published = Object.keys(hostConfig.PortBindings ?? {}).length || hostConfig.PublishAllPorts;
      return { Id: id, Warnings: published && hostConfig.NetworkMode === 'host' ? ['Published ports are discarded when using host network mode'] : [] };
    });
  }

  /**
   * `--link`s, checked and kept as Docker keeps them (`/db:/web/db`). Only the default bridge
   * has legacy links; on a user network they are names for peers (see atCreate).
   */
  private registerLinks(name: string, hostConfig: HostConfig): string[] {
    const links = hostConfig.Links ?? [];
    const mode = hostConfig.NetworkMode;
    if (links.length && mode === 'host') throw new ApiError(400, "conflicting options: host type networking can't be used with links. This would result in undefined behavior");
    if (mode !== 'bridge') return [];
    return links.map((link) => {
      let childName: string, alias: string;
      try {
        [childName, alias] = parseLink(link);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      const child = this.containers.find(childName);
      if (!child) throw new ApiError(400, `could not get container for ${childName}: No such container: ${childName}`);
      if (child.hostConfig.NetworkMode === 'host') throw new ApiError(400, "conflicting options: host type networking can't be used with links. This would result in undefined behavior");
      return `/${child.name}:/${name}/${alias}`;
    });
  }

  /**
   * A new container's mounts: `-v`, `--mount`, `--tmpfs`, `--volumes-from`, then an anonymous
   * volume for each VOLUME of the image not otherwise mounted. Named volumes are made on first
   * use; a new volume gets the image's files at its path.
   */
  private async resolveMounts(request: CreateRequest, hostConfig: HostConfig, image: Image): Promise<ContainerMount[]> {
    let requests: MountRequest[];
    try {
      requests = [
        ...(hostConfig.Binds ?? []).map(parseBind),
        ...(request.mounts ?? []).map(parseMount),
        ...Object.entries(hostConfig.Tmpfs ?? {}).map(([path, options]) => parseTmpfs(options ? `${path}:${options}` : path)),
      ];
    } catch (error) {
      throw new ApiError(400, (error as MountSpecError).message);
    }
    const mounts: ContainerMount[] = [];
    const taken = new Set<string>();
    const claim = (target: string) => {
      const clean = target.replace(/\/+$/, '') || '/';
      if (taken.has(clean)) throw new ApiError(400, `Duplicate mount point: ${clean}`);
      taken.add(clean);
    };
    for (const r of requests) claim(r.target);
    for (const spec of hostConfig.VolumesFrom ?? []) {
      const [from, mode] = spec.split(':');
      const source = this.containers.find(from!);
      if (!source) throw new ApiError(404, `No such container: ${from}`);
      // -v and --mount win over a volumes-from mount at the same path, as in Docker.
      for (const m of source.mounts.filter((m) => m.Type !== 'tmpfs' && !taken.has(m.Destination.replace(/\/+$/, '')))) {
        claim(m.Destination);
        mounts.push({ ...m, RW: mode === 'ro' ? false : mode === 'rw' ? true : m.RW });
      }
    }
    for (const path of Object.keys(image.config.config.Volumes ?? {})) {
      if (!taken.has(path.replace(/\/+$/, ''))) {
        claim(path);
        requests.push({ type: 'volume', target: path, readOnly: false, mode: '' });
      }
    }
    for (const r of requests) {
      if (r.type === 'tmpfs') {
        mounts.push({ Type: 'tmpfs', Source: '', Destination: r.target, Mode: '', RW: true, Propagation: '', TmpfsOptions: r.options });
      } else if (r.type === 'bind') {
        if (!(await this.runtime.hostPathExists(r.source, r.createSource))) {
          throw new ApiError(400, `invalid mount config for type "bind": bind source path does not exist: ${r.source}`);
        }
        mounts.push({ Type: 'bind', Source: r.source, Destination: r.target, Mode: r.mode, RW: !r.readOnly, Propagation: 'rprivate' });
      } else {
        const volume = await this.ensureVolume(r.name, {}, { image, path: r.target });
        mounts.push({ Type: 'volume', Name: volume.Name, Source: volume.Mountpoint, Destination: r.target, Driver: 'local', Mode: r.mode || 'z', RW: !r.readOnly, Propagation: '' });
      }
    }
    return mounts;
  }

  /** The volume of that name, made (and seeded from the image) if it does not exist; anonymous without a name. */
  private async ensureVolume(name: string | undefined, labels: Record<string, string>, seed?: { image: Image; path: string }): Promise<Volume> {
    const existing = name ? this.volumes.get(name) : undefined;
    if (existing) {
      if (seed) await this.runtime.createVolumeDir(existing.Mountpoint, seed);
      return existing;
    }
    const volumeName = name ?? randomHex(32);
    const volume: Volume = {
      Name: volumeName,
      Driver: 'local',
      Mountpoint: `${VOLUME_ROOT}/${volumeName}/_data`,
      CreatedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Labels: name ? labels : { ...labels, 'com.docker.volume.anonymous': '' },
      Scope: 'local',
      Options: null,
      anonymous: !name,
    };
    await this.runtime.createVolumeDir(volume.Mountpoint, seed);
    this.volumes.add(volume);
    return volume;
  }

  // ---- volumes

  /** POST /volumes/create */
  volumeCreate(name: string | undefined, labels: Record<string, string> = {}) {
    return this.api('POST', '/volumes/create', async () => {
      if (name !== undefined) {
        try {
          checkVolumeName(name);
        } catch (error) {
          throw new ApiError(400, (error as Error).message);
        }
      }
      return this.ensureVolume(name, labels);
    });
  }

  volumeList() {
    return this.api('GET', '/volumes', async () => this.volumes.list());
  }

  volumeInspect(name: string) {
    return this.api('GET', `/volumes/${name}`, async () => {
      const volume = this.volumes.get(name);
      if (!volume) throw new ApiError(404, `get ${name}: no such volume`);
      return volume;
    });
  }

  private volumeUsers(name: string): Container[] {
    return this.containers.list().filter((c) => c.mounts.some((m) => m.Type === 'volume' && m.Name === name));
  }

  /** DELETE /volumes/{name}: refused while any container (even a stopped one) uses it. */
  volumeDelete(name: string, force = false) {
    return this.api('DELETE', `/volumes/${name}${force ? '?force=1' : ''}`, async () => {
      const volume = this.volumes.get(name);
      if (!volume) {
        if (force) return;
        throw new ApiError(404, `get ${name}: no such volume`);
      }
      const users = this.volumeUsers(name);
      if (users.length) throw new ApiError(409, `remove ${name}: volume is in use - [${users.map((c) => c.id).join(', ')}]`);
      this.volumes.remove(name);
      await this.runtime.removeVolumeDir(volume.Mountpoint);
    });
  }

  /** POST /volumes/prune: unused anonymous volumes (all unused ones with `all`). */
  volumePrune(all: boolean) {
    return this.api('POST', `/volumes/prune${all ? '?filters={"all":["true"]}' : ''}`, async () => {
      const deleted: string[] = [];
      for (const v of this.volumes.list()) {
        if ((!all && !v.anonymous) || this.volumeUsers(v.Name).length) continue;
        this.volumes.remove(v.Name);
        await this.runtime.removeVolumeDir(v.Mountpoint);
        deleted.push(v.Name);
      }
      return { VolumesDeleted: deleted, SpaceReclaimed: 0 };
    });
  }

  // ---- networks

  private networkOrThrow(idOrName: string): Network {
    const network = this.networking.networks.find(idOrName);
    if (!network) throw new ApiError(404, `network ${idOrName} not found`);
    return network;
  }

  private async networkCall<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw error instanceof NetworkError ? new ApiError(error.status, error.message) : error;
    }
  }

  /** POST /networks/create */
  networkCreate(options: { name: string; driver?: string; subnet?: string; gateway?: string; internal?: boolean; attachable?: boolean; labels?: Record<string, string> }) {
    return this.api('POST', '/networks/create', () =>
      this.networkCall(async () => {
        const driver = options.driver ?? 'bridge';
        if (driver === 'overlay') {
          throw new ApiError(503, 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
        }
        if (driver === 'host' || driver === 'null') throw new ApiError(403, `only one instance of "${driver}" network is allowed`);
        if (driver !== 'bridge') throw new ApiError(404, `plugin "${driver}" not found`);
        if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(options.name)) throw new ApiError(400, `invalid network name "${options.name}"`);
        return { Id: this.networking.networks.create(options).Id, Warning: '' };
      }),
    );
  }

  networkList() {
    return this.api('GET', '/networks', async () => this.networking.networks.list());
  }

  /** A network with the containers attached to it (running ones, with their addresses). */
  networkInspect(idOrName: string) {
    return this.api('GET', `/networks/${idOrName}`, async () => {
      const network = this.networkOrThrow(idOrName);
      const containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }> = {};
      for (const c of this.containers.list()) {
        const e = Object.values(c.networks).find((n) => n.NetworkID === network.Id);
        if (!e || c.state.status !== 'running') continue;
        containers[c.id] = { Name: c.name, EndpointID: e.EndpointID, MacAddress: e.MacAddress, IPv4Address: e.IPAddress ? `${e.IPAddress}/${e.IPPrefixLen}` : '', IPv6Address: '' };
      }
      return { network, containers };
    });
  }

  private networkUsers(network: Network): Container[] {
    return this.containers.list().filter((c) => ['running', 'paused', 'restarting'].includes(c.state.status) && Object.values(c.networks).some((e) => e.NetworkID === network.Id));
  }

  /** DELETE /networks/{id}: not a predefined one, not while running containers use it. */
  networkDelete(idOrName: string) {
    return this.api('DELETE', `/networks/${idOrName}`, async () => {
      const network = this.networkOrThrow(idOrName);
      if (NetworkStore.isBuiltin(network)) throw new ApiError(403, `${network.Name} is a pre-defined network and cannot be removed`);
      const users = this.networkUsers(network);
      if (users.length) {
        throw new ApiError(403, `error while removing network: network ${network.Name} has active endpoints (${users.map((c) => `name:"${c.name}" id:"${c.id.slice(0, 12)}"`).join(', ')})`);
      }
      this.networking.networks.remove(network);
      await this.runtime.removeBridge(network.bridge);
    });
  }

  /** POST /networks/prune: user networks no container uses. */
  networkPrune() {
    return this.api('POST', '/networks/prune', async () => {
      const deleted: string[] = [];
      for (const network of this.networking.networks.list()) {
        if (NetworkStore.isBuiltin(network)) continue;
        if (this.containers.list().some((c) => Object.values(c.networks).some((e) => e.NetworkID === network.Id))) continue;
        this.networking.networks.remove(network);
        await this.runtime.removeBridge(network.bridge);
        deleted.push(network.Name);
      }
      return { NetworksDeleted: deleted };
    });
  }

  /** POST /networks/{id}/connect */
  networkConnect(idOrName: string, container: string, options: { aliases?: string[]; ip?: string } = {}) {
    return this.api('POST', `/networks/${idOrName}/connect`, () =>
      this.networkCall(async () => this.networking.connect(this.get(container), this.networkOrThrow(idOrName), options)),
    );
  }

  /** POST /networks/{id}/disconnect */
  networkDisconnect(idOrName: string, container: string, force = false) {
    return this.api('POST', `/networks/${idOrName}/disconnect`, () =>
      this.networkCall(async () => {
        const network = this.networkOrThrow(idOrName);
        const c = this.containers.find(container);
        if (!c) {
          if (force) return;
          throw new ApiError(404, `No such container: ${container}`);
        }
        await this.networking.disconnect(c, network);
      }),
    );
  }

  private freshName(): string {
    for (;;) {
      const name = randomName();
      if (!this.containers.nameTaken(name)) return name;
    }
  }

  private get(idOrName: string): Container {
    const container = this.containers.find(idOrName);
    if (!container) throw new ApiError(404, `No such container: ${idOrName}`);
    return container;
  }

  containerStart(idOrName: string) {
    return this.api('POST', `/containers/${idOrName}/start`, async () => {
      const container = this.get(idOrName);
      if (container.state.status === 'paused') throw new ApiError(409, 'cannot start a paused container, try unpause instead');
      if (container.state.status === 'running') return;
      container.manuallyStopped = false;
      await this.launch(container);
    });
  }

  /** Starts the container's process and follows it to its exit (and to a restart, by policy). */
  private async launch(container: Container): Promise<void> {
    const image = this.images.find(container.imageId);
    if (!image) throw new ApiError(500, `image ${container.imageId} of container ${container.name} is gone`);
    await this.ensureLayers(image);
    // A `-v` bind's host directory is made again if it is gone (a new guest after a crash).
    for (const m of container.mounts) {
      if (m.Type === 'bind' && container.hostConfig.Binds?.some((b) => b.startsWith(`${m.Source}:`))) await this.runtime.hostPathExists(m.Source, true);
    }
    const record = this.recorder(container);
    let plan;
    try {
      plan = await this.networking.prepare(container, image);
    } catch (error) {
      throw error instanceof NetworkError ? new ApiError(error.status, error.message) : error;
    }
    const { exited, started } = this.runtime.start(container, image, record, plan);
    container.state = { ...container.state, status: 'running', startedAt: Date.now(), exitCode: 0, error: '' };
    // As `docker start` does, return once the command runs, or with the reason it could not
    // (the runtime says which). The timeout only guards against a mark that never came.
    let giveUp: ReturnType<typeof setTimeout> | undefined;
    const early = await Promise.race([
      exited.then((code) => ({ code }), (error: Error) => ({ error })),
      started.then(() => null),
      new Promise<null>((resolve) => (giveUp = setTimeout(() => resolve(null), 30_000))),
    ]);
    clearTimeout(giveUp);
    if (early && 'error' in early) {
      this.exitHandler(container, () => {})(early.error instanceof RuntimeError ? early.error.exitCode : 128, startFailure(early.error));
      throw new ApiError(early.error instanceof RuntimeError && early.error.exitCode === 127 ? 400 : 500, startFailure(early.error));
    }
    this.events.emit('container', 'start', container.id, { image: container.imageName, name: container.name });
    const finish = this.exitHandler(container, this.monitorHealth(container, image));
    if (early) finish(early.code);
    else {
      // Its peers on user networks learn its name.
      this.networking.refreshPeers(this.networking.networkIdsOf(container)).catch(() => {});
      this.followExit(container, exited, finish);
    }
  }

  /** A container's log: kept, and passed to whoever is attached. */
  private recorder(container: Container): (entry: LogEntry) => void {
    return (entry) => {
      container.logs.push(entry);
      container.listeners.forEach((l) => l(entry));
    };
  }

  private monitorHealth(container: Container, image: Image): () => void {
    // --health-* flags override the image's HEALTHCHECK field by field (a test too, if given).
    const fromImage = image.config.config.Healthcheck;
    const given = container.healthcheck;
    const check = given ? { ...fromImage, ...given, Test: given.Test.length ? given.Test : (fromImage?.Test ?? []) } : fromImage;
    return monitorHealth(container, check, this.runtime);
  }

  private followExit(container: Container, exited: Promise<number>, finish: (code: number, error?: string) => void): void {
    exited.then(
      (code) => finish(code),
      // The guest went away under the container: it simply ended (guestRestarted says how).
      (error: Error) => {
        if (error.name !== 'GuestUnavailableError') return finish(error instanceof RuntimeError ? error.exitCode : 128, startFailure(error));
        // The guest died: no restart against it; guestRestarted starts it in the new one.
        if (!container.manuallyStopped) this.lostWithGuest.add(container.id);
        container.manuallyStopped = true;
        finish(255);
      },
    );
  }

  /** What happens when a container's process ends: its state, restart policy, --rm. */
  private exitHandler(container: Container, stopHealth: () => void): (code: number, error?: string) => void {
    return (code: number, error = '') => {
      stopHealth();
      this.networking.release(container);
      // Its peers on user networks forget its name.
      this.networking.refreshPeers(this.networking.networkIdsOf(container)).catch(() => {});
      container.state = { ...container.state, status: error ? 'created' : 'exited', exitCode: code, finishedAt: Date.now(), error, oomKilled: false };
      this.events.emit('container', 'die', container.id, { exitCode: String(code), image: container.imageName, name: container.name });
      if (code === 137) {
        this.runtime.oomKilled(container).then((oom) => (container.state.oomKilled = oom), () => {});
      }
      const release = () => container.exitWaiters.splice(0).forEach((w) => w(code, error));
      if (!error && this.shouldRestart(container, code)) {
        release();
        // Docker's backoff: 100 ms, doubling, shown as "Restarting (code) … ago" meanwhile.
        container.state.status = 'restarting';
        const delay = 100 * 2 ** Math.min(container.restartCount, 8);
        container.restartCount++;
        setTimeout(() => {
          if (container.state.status !== 'restarting' || !this.containers.find(container.id)) return;
          this.launch(container).catch(() => (container.state.status = 'exited'));
        }, delay);
        return;
      }
      // --rm: removed (with its anonymous volumes) once it has stopped, before a waiting
      // `docker run` returns, as Docker's CLI waits for the removal; the guest's cleanup
      // (unmount, delete its files) goes on after that.
      if (container.hostConfig.AutoRemove && this.containers.find(container.id)) {
        this.removeNow(container, true, true).catch((error: Error) => console.warn(`drydock: removing ${container.name}: ${error.message}`));
      }
      release();
    };
  }

  private shouldRestart(container: Container, code: number): boolean {
    const { Name, MaximumRetryCount } = container.hostConfig.RestartPolicy;
    if (container.manuallyStopped || Name === 'no' || Name === '') return false;
    if (Name === 'on-failure') return code !== 0 && (MaximumRetryCount === 0 || container.restartCount < MaximumRetryCount);
    return true; // always, unless-stopped
  }

  /**
   * POST /containers/{id}/wait?condition=next-exit: resolves with the exit code when the
   * container next stops. A client calls it before starting a container (as the Docker CLI
   * does), so that an auto-removed container cannot vanish before its status is read.
   */
  containerWait(idOrName: string, condition: 'next-exit' | 'not-running' = 'next-exit') {
    const container = this.containers.find(idOrName);
    return this.api('POST', `/containers/${idOrName}/wait?condition=${condition}`, async () => {
      if (!container) throw new ApiError(404, `No such container: ${idOrName}`);
      const running = container.state.status === 'running' || container.state.status === 'paused';
      if (!running && (condition === 'not-running' || container.state.status !== 'created')) return { StatusCode: container.state.exitCode };
      return await new Promise<{ StatusCode: number; Error?: { Message: string } }>((resolve) =>
        container.exitWaiters.push((code, error) => resolve({ StatusCode: code, ...(error ? { Error: { Message: error } } : {}) })),
      );
    });
  }

  /** POST /containers/{id}/attach?stream=1: output from now on; returns a detach function. */
  containerAttach(idOrName: string, listener: (entry: LogEntry) => void) {
    return this.api('POST', `/containers/${idOrName}/attach?stream=1&stdout=1&stderr=1`, async () => {
      const container = this.get(idOrName);
      container.listeners.add(listener);
      return () => container.listeners.delete(listener);
    });
  }

  /**
   * POST /containers/{id}/exec, then POST /exec/{id}/start: another process in a running
   * container. Resolves once it has started, with its input, resize and exit.
   */
  async containerExec(
    idOrName: string,
    config: { cmd: string[]; env?: string[]; workdir?: string; user?: string; tty: boolean; stdin: boolean; privileged?: boolean },
    onOutput: (stream: 1 | 2, data: Uint8Array) => void,
  ) {
    const { container, execId } = await this.api('POST', `/containers/${idOrName}/exec`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running') throw new ApiError(409, `container ${container.id} is not running`);
      return { container, execId: randomHex(32) };
    });
    return this.api('POST', `/exec/${execId}/start`, async () => {
      const handle = this.runtime.exec(
        container,
        {
          cmd: config.cmd,
          env: mergeEnv(container.config.Env, config.env ?? []),
          workdir: config.workdir || container.config.WorkingDir || '/',
          user: config.user ?? container.config.User,
          tty: config.tty,
          stdin: config.stdin,
          privileged: !!config.privileged,
        },
        onOutput,
      );
      return {
        execId,
        containerId: container.id,
        exited: handle.exited.catch((error: Error) => {
          if (error instanceof RuntimeError) {
            throw new ApiError(error.exitCode === 127 ? 400 : 500, `OCI runtime exec failed: exec failed: unable to start container process: ${error.message}: unknown`);
          }
          throw error;
        }),
        write: (data: Uint8Array) => handle.write(data),
        resize: (rows: number, cols: number) => handle.resize(rows, cols),
        kill: (signal: number) => handle.kill(signal),
      };
    });
  }

  /** The stdin half of an attach (a hijacked stream in Docker): bytes typed by the client. */
  containerStdin(idOrName: string, data: Uint8Array): void {
    const container = this.containers.find(idOrName);
    if (container?.state.status === 'running' && container.config.OpenStdin) this.runtime.writeStdin(container, data);
  }

  /** POST /containers/{id}/resize?h=…&w=…: the container's terminal size. */
  containerResize(idOrName: string, rows: number, cols: number) {
    return this.api('POST', `/containers/${idOrName}/resize?h=${rows}&w=${cols}`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running') throw new ApiError(409, `Container ${container.id} is not running`);
      this.runtime.resize(container, rows, cols);
    });
  }

  containerList(all: boolean) {
    return this.api('GET', `/containers/json${all ? '?all=1' : ''}`, async () =>
      this.containers.list().filter((c) => all || ['running', 'paused', 'restarting'].includes(c.state.status)),
    );
  }

  containerInspect(idOrName: string) {
    return this.api('GET', `/containers/${idOrName}/json`, async () => this.get(idOrName));
  }

  containerLogs(idOrName: string) {
    return this.api('GET', `/containers/${idOrName}/logs?stdout=1&stderr=1`, async () => this.get(idOrName));
  }

  containerKill(idOrName: string, signal = SIGKILL) {
    return this.api('POST', `/containers/${idOrName}/kill`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running' && container.state.status !== 'paused') {
        throw new ApiError(409, `Cannot kill container: ${idOrName}: container ${container.id} is not running`);
      }
      container.manuallyStopped = true;
      this.runtime.signal(container, signal);
      await this.thawIfPaused(container);
    });
  }

  /** SIGTERM, then SIGKILL after `timeoutSeconds` (Docker's default 10). */
  containerStop(idOrName: string, timeoutSeconds = 10) {
    return this.api('POST', `/containers/${idOrName}/stop`, async () => {
      const container = this.get(idOrName);
      container.manuallyStopped = true;
      if (container.state.status === 'restarting') container.state.status = 'exited';
      if (container.state.status !== 'running' && container.state.status !== 'paused') return;
      const stopped = new Promise<void>((resolve) => container.exitWaiters.push(() => resolve()));
      // The image's STOPSIGNAL (nginx: SIGQUIT, a graceful stop), else SIGTERM.
      const stopSignal = this.images.find(container.imageId)?.config.config.StopSignal;
      this.runtime.signal(container, signalNumber(stopSignal) ?? SIGTERM);
      await this.thawIfPaused(container); // a frozen process only sees its signal once thawed
      // -t -1 waits for ever, as in Docker.
      const timer = timeoutSeconds < 0 ? undefined : setTimeout(() => this.runtime.signal(container, SIGKILL), timeoutSeconds * 1000);
      await stopped;
      clearTimeout(timer);
    });
  }

  containerDelete(idOrName: string, force = false, removeVolumes = false) {
    return this.api('DELETE', `/containers/${idOrName}${force ? '?force=1' : ''}${removeVolumes ? `${force ? '&' : '?'}v=1` : ''}`, async () => {
      const container = this.get(idOrName);
      if (container.state.status === 'restarting' && !force) {
        throw new ApiError(409, `cannot remove container "/${container.name}": container is restarting: stop the container before removing or force remove`);
      }
      if (container.state.status === 'paused' && !force) {
        throw new ApiError(409, `cannot remove container "/${container.name}": container is paused and must be unpaused first`);
      }
      if (container.state.status === 'running' || container.state.status === 'paused') {
        if (!force) {
          throw new ApiError(409, `cannot remove container "/${container.name}": container is running: stop the container before removing or force remove`);
        }
        container.manuallyStopped = true;
        const stopped = new Promise<void>((resolve) => container.exitWaiters.push(() => resolve()));
        this.runtime.signal(container, SIGKILL);
        await this.thawIfPaused(container);
        await stopped;
      }
      container.manuallyStopped = true; // a container waiting to restart is removed instead
      if (this.containers.find(container.id)) await this.removeNow(container, removeVolumes);
    });
  }

  private async thawIfPaused(container: Container): Promise<void> {
    if (container.state.status !== 'paused') return;
    await this.runtime.freeze(container, false);
    if (container.state.status === 'paused') container.state.status = 'running';
  }

  containerPause(idOrName: string, paused: boolean) {
    return this.api('POST', `/containers/${idOrName}/${paused ? 'pause' : 'unpause'}`, async () => {
      const container = this.get(idOrName);
      if (paused && container.state.status === 'paused') throw new ApiError(409, `Container ${container.id} is already paused`);
      if (!paused && container.state.status !== 'paused') throw new ApiError(409, `Container ${container.id} is not paused`);
      if (container.state.status !== 'running' && container.state.status !== 'paused') throw new ApiError(409, `Container ${container.id} is not running`);
      await this.runtime.freeze(container, paused);
      container.state.status = paused ? 'paused' : 'running';
    });
  }

  containerRename(idOrName: string, newName: string) {
    return this.api('POST', `/containers/${idOrName}/rename?name=${encodeURIComponent(newName)}`, async () => {
      const container = this.get(idOrName);
      const name = newName.replace(/^\//, '');
      if (!NAME.test(name)) throw new ApiError(400, `Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      if (name === container.name) throw new ApiError(400, 'Renaming a container with the same name as its current name');
      const taken = this.containers.nameTaken(name);
      if (taken) throw new ApiError(409, `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`);
      container.name = name;
    });
  }

  containerTop(idOrName: string) {
    return this.api('GET', `/containers/${idOrName}/top`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running' && container.state.status !== 'paused') throw new ApiError(409, `container ${container.id} is not running`);
      return this.runtime.top(container);
    });
  }

  /** POST /images/{name}/tag?repo=…&tag=… */
  imageTag(source: string, target: string) {
    return this.api('POST', `/images/${source}/tag?repo=${encodeURIComponent(target)}`, async () => {
      const image = this.resolveImage(source);
      let ref: ImageReference;
      try {
        ref = parseReference(target);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      this.images.add({ ...image, repoTags: [familiarString(ref)], repoDigests: [] });
    });
  }

  /** DELETE /images/{name}: untags, and deletes the image (and its unused layers) when no tag is left. */
  imageDelete(name: string, force = false) {
    return this.api('DELETE', `/images/${name}${force ? '?force=1' : ''}`, async () => {
      const image = this.resolveImage(name);
      const byId = image.id.slice(7).startsWith(name.replace(/^sha256:/, ''));
      const users = this.containers.list().filter((c) => c.imageId === image.id);
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
      this.images.remove(image.id);
      events.push({ Deleted: image.id });
      // Layers are shared by chain ID (a layer and everything under it), as in Docker.
      const chains = await chainIds(image.layers.map((l) => l.diffId));
      const others = new Set((await Promise.all(this.images.list().map((i) => chainIds(i.layers.map((l) => l.diffId))))).flat());
      const stillUsedDiffs = new Set(this.images.list().flatMap((i) => i.layers.map((l) => l.diffId)));
      for (let i = chains.length - 1; i >= 0; i--) if (!others.has(chains[i]!)) events.push({ Deleted: chains[i]! });
      await this.runtime.removeLayers(image.layers.map((l) => l.diffId).filter((d) => !stillUsedDiffs.has(d)));
      return events;
    });
  }

  /** PUT/GET /containers/{id}/archive: a copy into or out of the container's filesystem. */
  containerCopy(idOrName: string, direction: 'in' | 'out', hostPath: string, containerPath: string) {
    return this.api(direction === 'in' ? 'PUT' : 'GET', `/containers/${idOrName}/archive?path=${encodeURIComponent(containerPath)}`, async () => {
      const container = this.get(idOrName);
      const image = this.images.find(container.imageId);
      if (!image) throw new ApiError(500, `image of container ${container.name} is gone`);
      await this.ensureLayers(image);
      try {
        return await this.runtime.copy(container, image, direction, hostPath, containerPath);
      } catch (error) {
        if ((error as Error).message !== 'missing') throw new ApiError(500, (error as Error).message);
        if (direction === 'out') throw new ApiError(404, `Could not find the file ${containerPath} in container ${idOrName}`);
        throw new ApiError(400, `lstat ${hostPath}: no such file or directory`);
      }
    });
  }

  containerChanges(idOrName: string) {
    return this.api('GET', `/containers/${idOrName}/changes`, async () => {
      const container = this.get(idOrName);
      const image = this.images.find(container.imageId);
      if (!image) throw new ApiError(500, `image of container ${container.name} is gone`);
      await this.ensureLayers(image);
      return this.runtime.diff(container, image);
    });
  }

  containerStats(idOrName: string) {
    return this.api('GET', `/containers/${idOrName}/stats?stream=0`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running' && container.state.status !== 'paused') return null;
      return this.runtime.stats(container);
    });
  }

  /** POST /containers/prune: removes every stopped container. */
  containerPrune() {
    return this.api('POST', '/containers/prune', async () => {
      const deleted: string[] = [];
      let reclaimed = 0;
      for (const c of this.containers.list().filter((c) => c.state.status === 'exited' || c.state.status === 'created')) {
        reclaimed += await this.runtime.writableSize(c);
        await this.removeNow(c);
        deleted.push(c.id);
      }
      return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
    });
  }

  info() {
    return this.api('GET', '/info', async () => ({ host: await this.runtime.hostInfo() }));
  }

  imageHistory(name: string) {
    return this.api('GET', `/images/${name}/history`, async () => this.resolveImage(name));
  }

  /** Removes the container; with `volumes`, also its anonymous volumes that nothing else uses. */
  /**
   * Forgets the container (and its anonymous volumes) at once, then cleans up in the guest:
   * the records are what every later call sees, so `--rm` need not wait for the guest.
   */
  private async removeNow(container: Container, volumes = false, defer = false): Promise<void> {
    this.containers.remove(container.id);
    this.events.emit('container', 'destroy', container.id, { image: container.imageName, name: container.name });
    const gone: Volume[] = [];
    for (const m of volumes ? container.mounts : []) {
      const volume = m.Type === 'volume' && m.Name ? this.volumes.get(m.Name) : undefined;
      if (!volume?.anonymous || this.volumeUsers(volume.Name).length) continue;
      this.volumes.remove(volume.Name);
      gone.push(volume);
    }
    const cleanup = async () => {
      await this.runtime.remove(container);
      for (const volume of gone) await this.runtime.removeVolumeDir(volume.Mountpoint);
    };
    if (!defer) return cleanup();
    // Batched a moment later: a cleanup running under the next `docker run` would slow it
    // (the guest has one CPU), and a learner's next command rarely comes that fast.
    this.deferredCleanups.push(cleanup);
    clearTimeout(this.cleanupTimer);
    this.cleanupTimer = setTimeout(() => {
      const batch = this.deferredCleanups.splice(0);
      void (async () => {
        for (const work of batch) await work().catch((error: Error) => console.warn(`drydock: cleaning up after --rm: ${error.message}`));
      })();
    }, 1500);
  }

  private readonly deferredCleanups: Array<() => Promise<void>> = [];
  private cleanupTimer: ReturnType<typeof setTimeout> | undefined;

}

const SIGNAL_NUMBERS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15, WINCH: 28 };

/** "SIGQUIT", "QUIT" or "3" as a signal number. */
export function signalNumber(name: string | undefined): number | undefined {
  if (!name) return undefined;
  const bare = name.toUpperCase().replace(/^SIG/, '');
  return /^\d+$/.test(bare) ? Number(bare) : SIGNAL_NUMBERS[bare];
}

/** The Dockerfile instructions `docker commit --change` accepts, applied to an image config. */
const CHANGES = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL']);
function applyChange(config: ImageConfig, change: string): void {
  let ins;
  try {
    ins = parseDockerfile(`FROM scratch\n${change}\n`).stages[0]!.instructions[0];
  } catch (error) {
    throw new ApiError(400, (error as Error).message.replace(/^dockerfile parse error on line \d+: /, ''));
  }
  if (!ins || !CHANGES.has(ins.kind)) throw new ApiError(400, `${change.trim().split(/\s+/)[0]!.toUpperCase()} is not a valid change command`);
  const c = config.config;
  const lookup = (name: string) => (c.Env ?? []).find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
  const word = (w: string) => expandWord(w, lookup);
  switch (ins.kind) {
    case 'CMD':
    case 'ENTRYPOINT': {
      const argv = ins.command.form === 'exec' ? ins.command.argv : ['/bin/sh', '-c', ins.command.text];
      if (ins.kind === 'CMD') c.Cmd = argv;
      else c.Entrypoint = argv;
      break;
    }
    case 'ENV':
      c.Env = mergeEnv(c.Env ?? [], ins.pairs.map(([k, v]) => `${word(k)}=${word(v)}`));
      break;
    case 'LABEL':
      c.Labels = { ...c.Labels, ...Object.fromEntries(ins.pairs.map(([k, v]) => [word(k), word(v)])) };
      break;
    case 'EXPOSE':
      c.ExposedPorts = { ...c.ExposedPorts, ...Object.fromEntries(ins.ports.map((p) => [word(p).includes('/') ? word(p) : `${word(p)}/tcp`, {}])) };
      break;
    case 'USER':
      c.User = word(ins.user);
      break;
    case 'WORKDIR':
      c.WorkingDir = word(ins.path).startsWith('/') ? word(ins.path) : `${c.WorkingDir || '/'}/${word(ins.path)}`.replace(/\/+/g, '/');
      break;
    case 'VOLUME':
      c.Volumes = { ...c.Volumes, ...Object.fromEntries(ins.paths.map((p) => [word(p), {}])) };
      break;
    case 'STOPSIGNAL':
      c.StopSignal = word(ins.signal);
      break;
    case 'ONBUILD':
      c.OnBuild = [...(c.OnBuild ?? []), ins.expression ?? ins.original.replace(/^\s*onbuild\s+/i, '')];
      break;
  }
}

/** Docker's words for a container process that could not be started. */
function startFailure(error: Error): string {
  return `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${error.message}: unknown`;
}

/** Image env first, then the container's: a later KEY wins, in its first position. */
function mergeEnv(base: string[], extra: string[]): string[] {
  const out = new Map<string, string>();
  for (const entry of [...base, ...extra]) {
    const eq = entry.indexOf('=');
    out.set(eq < 0 ? entry : entry.slice(0, eq), entry);
  }
  return [...out.values()];
}
