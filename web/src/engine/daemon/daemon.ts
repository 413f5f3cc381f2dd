// The daemon: Drydock's dockerd, as a composition root. Each resource has its service (as
// moby's daemon/ has): containers/ (create, start and monitor, health, restart policy, logs,
// exec), images/ (pull, push, tag, delete, layer store, archives), volumes/, networks/,
// build/ (build, commit), system/ (version, info, events). Each public method here is one
// Engine API endpoint, served by its service: validated, logged (method, path, status, time)
// for the page's API panel, delegated. This file wires them and keeps the records' save and
// restore, which take every store at once.
import type { DaemonState, SavedContainer } from '../models/daemon-state';
import { MemoryKeyValueStore } from '../persist/kv-store';
import { LocalRegistry } from '../registry/local-registry';
import { Registries } from '../registry/registries';
import type { RegistrySource } from '../registry/registry-source';
import type { RuntimeState } from '../models/daemon-state';
import type { ContainerRuntime } from '../runtime/runtime';
import { BuildService } from './build/build-service';
import { ContainerStore } from './containers/container-store';
import { ContainerService } from './containers/container-service';
import { ContainerCreator } from './containers/create';
import { ExecService } from './containers/exec';
import { ContainerMonitor } from './containers/monitor';
import { ApiCalls, type ApiLogEntry } from './endpoints';
import { ImageArchives } from './images/archives';
import { Distribution } from './images/distribution';
import { ImageService } from './images/image-service';
import { ImageStore } from './images/image-store';
import { LayerStore } from './images/layer-store';
import { NetworkService } from './networks/network-service';
import { NetworkStore } from './networks/network-store';
import { ContainerNetworking } from './networks/networking';
import type { DaemonParts } from './parts';
import type { DockerApi } from './docker-api';
import type { LabView } from './lab-view';
import { DaemonEvents } from './system/events';
import { SystemService } from './system/system-service';
import { VolumeService } from './volumes/volume-service';
import { VolumeStore } from './volumes/volume-store';

/** How many log entries of a container are kept across a reload. */
const SAVED_LOG_ENTRIES = 2000;

export class Daemon implements DockerApi {
  readonly images = new ImageStore();
  readonly containers = new ContainerStore();
  readonly volumes = new VolumeStore();
  readonly networking = new ContainerNetworking(new NetworkStore(), this.containers, () => this.runtime);
  /** What happened to containers and images (GET /events). */
  readonly events = new DaemonEvents();
  private readonly calls = new ApiCalls();
  private readonly layers: LayerStore;

  private readonly containerService: ContainerService;
  private readonly creator: ContainerCreator;
  private readonly execs: ExecService;
  private readonly monitor: ContainerMonitor;
  private readonly imageService: ImageService;
  private readonly distribution: Distribution;
  private readonly archives: ImageArchives;
  private readonly volumeService: VolumeService;
  private readonly networkService: NetworkService;
  private readonly builds: BuildService;
  private readonly system: SystemService;

  constructor(
    private currentRuntime: ContainerRuntime,
    builtin: RegistrySource,
    /** Where pushes go (kept in the browser); by default a registry that lives as long as the daemon. */
    readonly hub = new LocalRegistry(new MemoryKeyValueStore()),
  ) {
    this.layers = new LayerStore(this.images, new Registries(builtin, hub), () => this.runtime);
    const daemon = this;
    const parts: DaemonParts = {
      images: this.images,
      containers: this.containers,
      volumes: this.volumes,
      networking: this.networking,
      layers: this.layers,
      events: this.events,
      calls: this.calls,
      get runtime() {
        return daemon.runtime;
      },
    };
    this.volumeService = new VolumeService(parts);
    this.networkService = new NetworkService(parts);
    this.monitor = new ContainerMonitor(parts, this.volumeService);
    this.creator = new ContainerCreator(parts, this.volumeService);
    this.containerService = new ContainerService(parts, this.monitor);
    this.execs = new ExecService(parts);
    this.imageService = new ImageService(parts);
    this.distribution = new Distribution(parts, hub);
    this.archives = new ImageArchives(parts);
    this.builds = new BuildService(parts, this.distribution);
    this.system = new SystemService(parts, () => this.builds.cache);
  }

  get runtime(): ContainerRuntime {
    return this.currentRuntime;
  }

  /** Every call served (the API panel's lines), newest last. */
  get apiLog(): ApiLogEntry[] {
    return this.calls.log;
  }

  get onApiCall(): (entry: ApiLogEntry) => void {
    return this.calls.onCall;
  }

  set onApiCall(listener: (entry: ApiLogEntry) => void) {
    this.calls.onCall = listener;
  }

  /** Layers made here (build, commit), by diffID: uncompressed tars, as they would be pushed. */
  get layerBlobs(): Map<string, Uint8Array> {
    return this.layers.blobs;
  }

  /** The build cache: a step's key → the layer it made. */
  get buildCache() {
    return this.builds.cache;
  }

  /** The read-only view the page's pictures and the lesson checks use (see lab-view.ts). */
  labView(): LabView {
    return {
      images: () => this.images.list(),
      containers: () => this.containers.list(),
      volumes: () => this.volumes.list(),
      networks: () => this.networking.networks.list(),
      layerTar: (diffId) => this.layers.blobs.get(diffId),
      pushedRepositories: () => this.hub.repositories(),
      apiLog: () => this.calls.log,
      hostPath: (path) => this.runtime.archiveHostPath(path),
    };
  }

  /** Whether a snapshot now would cut off work (an API call, or guest work of the runtime's). */
  get busy(): boolean {
    return this.calls.inFlight > 0 || this.runtime.busy;
  }

  /** One line of the API panel for a request the API server answered itself (ping, errors). */
  logRequest(method: string, path: string, status: number, ms: number, client?: string): void {
    this.calls.record(method, path, status, ms, client);
  }

  /** The daemon itself, also when reached through an asClient view (for maps keyed by daemon). */
  get itself(): Daemon {
    return this;
  }

  /**
   * The daemon as one socket client sees it: every endpoint it calls is logged with the client's
   * name (its User-Agent), as the API panel shows it.
   */
  asClient(client: string): Daemon {
    return new Proxy(this, {
      get: (target, key) => {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => target.calls.asClient(client, () => (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  }

  /** A new guest replaced one that died (see ContainerMonitor.guestRestarted). */
  async guestRestarted(runtime: ContainerRuntime): Promise<void> {
    this.currentRuntime = runtime;
    await this.monitor.guestRestarted(runtime);
  }

  /** The guest is the one saved with these records: what ran in it runs on. */
  resumeGuest(runtimeState: RuntimeState): void {
    this.monitor.resumeGuest(runtimeState);
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
      layerSizes: [...this.layers.sizes],
      buildCache: structuredClone([...this.builds.cache]),
      lazyIndexes: [...this.layers.lazyIndexes], // never changed once made: shared, not copied
      runtime: this.runtime.saveState(),
    };
    return { state, layerBlobs: new Map(this.layers.blobs) };
  }

  /** Takes the records of a saved lab (before any call is made). */
  restoreState(state: DaemonState, layerBlobs: Map<string, Uint8Array>): void {
    for (const image of state.images) this.images.add(image);
    for (const c of state.containers) this.containers.add({ ...c, listeners: new Set(), exitWaiters: [] });
    for (const v of state.volumes) this.volumes.add(v);
    this.networking.networks.restoreState(state.networks);
    for (const [d, n] of state.layerSizes) this.layers.sizes.set(d, n);
    for (const [k, step] of state.buildCache) this.builds.cache.set(k, step);
    for (const [d, index] of state.lazyIndexes) this.layers.lazyIndexes.set(d, index);
    for (const [d, tar] of layerBlobs) this.layers.blobs.set(d, tar);
  }

  // ---- the endpoints, by resource

  readonly version = this.bind(() => this.system, 'version');
  readonly info = this.bind(() => this.system, 'info');
  readonly systemDf = this.bind(() => this.system, 'systemDf');

  readonly imageList = this.bind(() => this.imageService, 'imageList');
  readonly imageInspect = this.bind(() => this.imageService, 'imageInspect');
  readonly imageHistory = this.bind(() => this.imageService, 'imageHistory');
  readonly imageTag = this.bind(() => this.imageService, 'imageTag');
  readonly imageDelete = this.bind(() => this.imageService, 'imageDelete');
  readonly imagePrune = this.bind(() => this.imageService, 'imagePrune');
  readonly imageCreate = this.bind(() => this.distribution, 'imageCreate');
  readonly imagePush = this.bind(() => this.distribution, 'imagePush');
  readonly imageSearch = this.bind(() => this.distribution, 'imageSearch');
  readonly auth = this.bind(() => this.distribution, 'auth');
  readonly forgetToken = this.bind(() => this.distribution, 'forgetToken');
  readonly imageSave = this.bind(() => this.archives, 'imageSave');
  readonly imageLoad = this.bind(() => this.archives, 'imageLoad');
  readonly imageImport = this.bind(() => this.archives, 'imageImport');

  readonly build = this.bind(() => this.builds, 'build');
  readonly buildPrune = this.bind(() => this.builds, 'buildPrune');
  readonly containerCommit = this.bind(() => this.builds, 'containerCommit');

  readonly containerCreate = this.bind(() => this.creator, 'containerCreate');
  readonly containerExec = this.bind(() => this.execs, 'containerExec');
  readonly containerStart = this.bind(() => this.containerService, 'containerStart');
  readonly containerWait = this.bind(() => this.containerService, 'containerWait');
  readonly containerAttach = this.bind(() => this.containerService, 'containerAttach');
  readonly containerStdin = this.bind(() => this.containerService, 'containerStdin');
  readonly containerResize = this.bind(() => this.containerService, 'containerResize');
  readonly containerList = this.bind(() => this.containerService, 'containerList');
  readonly containerInspect = this.bind(() => this.containerService, 'containerInspect');
  readonly containerLogs = this.bind(() => this.containerService, 'containerLogs');
  readonly containerKill = this.bind(() => this.containerService, 'containerKill');
  readonly containerStop = this.bind(() => this.containerService, 'containerStop');
  readonly containerDelete = this.bind(() => this.containerService, 'containerDelete');
  readonly containerPause = this.bind(() => this.containerService, 'containerPause');
  readonly containerRename = this.bind(() => this.containerService, 'containerRename');
  readonly containerTop = this.bind(() => this.containerService, 'containerTop');
  readonly containerCopy = this.bind(() => this.containerService, 'containerCopy');
  readonly containerChanges = this.bind(() => this.containerService, 'containerChanges');
  readonly containerStats = this.bind(() => this.containerService, 'containerStats');
  readonly containerPrune = this.bind(() => this.containerService, 'containerPrune');
  readonly containerExport = this.bind(() => this.containerService, 'containerExport');

  readonly volumeCreate = this.bind(() => this.volumeService, 'volumeCreate');
  readonly volumeList = this.bind(() => this.volumeService, 'volumeList');
  readonly volumeInspect = this.bind(() => this.volumeService, 'volumeInspect');
  readonly volumeDelete = this.bind(() => this.volumeService, 'volumeDelete');
  readonly volumePrune = this.bind(() => this.volumeService, 'volumePrune');

  readonly networkCreate = this.bind(() => this.networkService, 'networkCreate');
  readonly networkList = this.bind(() => this.networkService, 'networkList');
  readonly networkInspect = this.bind(() => this.networkService, 'networkInspect');
  readonly networkDelete = this.bind(() => this.networkService, 'networkDelete');
  readonly networkPrune = this.bind(() => this.networkService, 'networkPrune');
  readonly networkConnect = this.bind(() => this.networkService, 'networkConnect');
  readonly networkDisconnect = this.bind(() => this.networkService, 'networkDisconnect');

  /** A service's method as the daemon's own (the service is made in the constructor). */
  private bind<S, K extends keyof S>(service: () => S, method: K): S[K] {
    return ((...args: unknown[]) => {
      const s = service();
      return (s[method] as (...a: unknown[]) => unknown).apply(s, args);
    }) as S[K];
  }
}
