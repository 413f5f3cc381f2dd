// A container's process from start to exit, as dockerd's container monitor follows it: launch
// (layers, binds, networking, the runtime's start, and `docker start` returning once the
// command runs or with why it could not), its log, HEALTHCHECK, what its exit does (state,
// restart policy with Docker's backoff, --rm), removal, and what happens to containers when
// the guest dies or a saved guest resumes.
import type { Container, LogEntry } from '../../models/container';
import type { Image } from '../../models/image';
import type { Volume } from '../../models/volume';
import { RuntimeError, type ContainerRuntime } from '../../runtime/runtime';
import type { RuntimeState } from '../../models/daemon-state';
import { ApiError } from '../endpoints';
import { networkCall } from '../networks/network-service';
import type { DaemonParts } from '../parts';
import type { VolumeService } from '../volumes/volume-service';
import { monitorHealth } from './health';

/** Docker's words for a container process that could not be started. */
function startFailure(error: Error): string {
  return `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${error.message}: unknown`;
}

export class ContainerMonitor {
  /** Containers that were running when their guest died (restart policies apply in the next). */
  private readonly lostWithGuest = new Set<string>();
  private readonly deferredCleanups: Array<() => Promise<void>> = [];
  private cleanupTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly parts: DaemonParts,
    private readonly volumes: VolumeService,
  ) {}

  /** Starts the container's process and follows it to its exit (and to a restart, by policy). */
  async launch(container: Container): Promise<void> {
    const { parts } = this;
    const image = parts.images.find(container.imageId);
    if (!image) throw new ApiError(500, `image ${container.imageId} of container ${container.name} is gone`);
    await parts.layers.ensure(image);
    // A `-v` bind's host directory is made again if it is gone (a new guest after a crash).
    for (const m of container.mounts) {
      if (m.Type === 'bind' && container.hostConfig.Binds?.some((b) => b.startsWith(`${m.Source}:`))) await parts.runtime.hostPathExists(m.Source, true);
    }
    const record = this.recorder(container);
    const plan = await networkCall(() => parts.networking.prepare(container, image));
    const { exited, started } = parts.runtime.start(container, image, record, plan);
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
    parts.events.emit('container', 'start', container.id, { image: container.imageName, name: container.name });
    const finish = this.exitHandler(container, this.monitorHealth(container, image));
    if (early) finish(early.code);
    else {
      // Its peers on user networks learn its name.
      parts.networking.refreshPeers(parts.networking.networkIdsOf(container)).catch(() => {});
      this.followExit(container, exited, finish);
    }
  }

  /** A container's log: kept, and passed to whoever is attached. */
  recorder(container: Container): (entry: LogEntry) => void {
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
    return monitorHealth(container, check, this.parts.runtime);
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
    const { parts } = this;
    return (code: number, error = '') => {
      stopHealth();
      parts.networking.release(container);
      // Its peers on user networks forget its name.
      parts.networking.refreshPeers(parts.networking.networkIdsOf(container)).catch(() => {});
      container.state = { ...container.state, status: error ? 'created' : 'exited', exitCode: code, finishedAt: Date.now(), error, oomKilled: false };
      parts.events.emit('container', 'die', container.id, { exitCode: String(code), image: container.imageName, name: container.name });
      if (code === 137) {
        parts.runtime.oomKilled(container).then((oom) => (container.state.oomKilled = oom), () => {});
      }
      const release = () => container.exitWaiters.splice(0).forEach((w) => w(code, error));
      if (!error && this.shouldRestart(container, code)) {
        release();
        // Docker's backoff: 100 ms, doubling, shown as "Restarting (code) … ago" meanwhile.
        container.state.status = 'restarting';
        const delay = 100 * 2 ** Math.min(container.restartCount, 8);
        container.restartCount++;
        setTimeout(() => {
          if (container.state.status !== 'restarting' || !parts.containers.find(container.id)) return;
          this.launch(container).catch(() => (container.state.status = 'exited'));
        }, delay);
        return;
      }
      // --rm: removed (with its anonymous volumes) once it has stopped, before a waiting
      // `docker run` returns, as Docker's CLI waits for the removal; the guest's cleanup
      // (unmount, delete its files) goes on after that.
      if (container.hostConfig.AutoRemove && parts.containers.find(container.id)) {
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
   * Forgets the container (and, with `volumes`, its anonymous volumes that nothing else uses)
   * at once, then cleans up in the guest: the records are what every later call sees, so
   * `--rm` need not wait for the guest.
   */
  async removeNow(container: Container, volumes = false, defer = false): Promise<void> {
    const { parts } = this;
    parts.containers.remove(container.id);
    parts.events.emit('container', 'destroy', container.id, { image: container.imageName, name: container.name });
    const gone: Volume[] = [];
    for (const m of volumes ? container.mounts : []) {
      const volume = m.Type === 'volume' && m.Name ? parts.volumes.get(m.Name) : undefined;
      if (!volume?.anonymous || this.volumes.users(volume.Name).length) continue;
      parts.volumes.remove(volume.Name);
      gone.push(volume);
    }
    const cleanup = async () => {
      await parts.runtime.remove(container);
      for (const volume of gone) await parts.runtime.removeVolumeDir(volume.Mountpoint);
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

  /**
   * A new guest replaced one that died. What ran there is gone: containers that were running
   * are exited (255, as after a host crash); volumes start empty again (their data lived in the
   * guest's memory). Images and records stay; layers are put back when next needed.
   */
  async guestRestarted(runtime: ContainerRuntime): Promise<void> {
    const { parts } = this;
    for (const c of parts.containers.list()) {
      if (['running', 'paused', 'restarting'].includes(c.state.status)) {
        if (!c.manuallyStopped) this.lostWithGuest.add(c.id);
        c.manuallyStopped = true; // no restart policy fires for a machine that went away
        c.state = { ...c.state, status: 'exited', exitCode: 255, finishedAt: Date.now(), pid: 0 };
        parts.networking.release(c);
        c.exitWaiters.splice(0).forEach((w) => w(255));
      }
      c.health = undefined;
    }
    for (const v of parts.volumes.list()) await runtime.createVolumeDir(v.Mountpoint);
    for (const c of parts.containers.list()) await runtime.create(c);
    // As dockerd does when it comes back: `always` and `unless-stopped` containers start again.
    for (const c of parts.containers.list()) {
      if (!this.lostWithGuest.has(c.id) || !['always', 'unless-stopped'].includes(c.hostConfig.RestartPolicy.Name)) continue;
      c.manuallyStopped = false;
      await this.launch(c).catch(() => {});
    }
    this.lostWithGuest.clear();
  }

  /**
   * The guest is the one saved with these records: what ran in it runs on. The runtime follows
   * the containers' processes again; a container it cannot follow ended with the old engine.
   */
  resumeGuest(runtimeState: RuntimeState): void {
    const { parts } = this;
    const live = parts.containers.list().filter((c) => ['running', 'paused'].includes(c.state.status));
    const exits = parts.runtime.resume(runtimeState, live.map((container) => ({ container, onOutput: this.recorder(container) })));
    for (const container of parts.containers.list()) {
      const image = parts.images.find(container.imageId);
      const exited = exits.get(container.id);
      if (exited && image) {
        this.followExit(container, exited, this.exitHandler(container, this.monitorHealth(container, image)));
      } else if (['running', 'paused', 'restarting'].includes(container.state.status)) {
        // A restart that was waiting for its backoff goes ahead; anything else is gone.
        if (container.state.status === 'restarting') {
          this.launch(container).catch(() => (container.state.status = 'exited'));
        } else {
          parts.networking.release(container);
          container.state = { ...container.state, status: 'exited', exitCode: 255, finishedAt: Date.now(), pid: 0 };
        }
      }
    }
  }
}
