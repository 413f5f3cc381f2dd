// The container endpoints after create: start (ContainerMonitor follows the process), wait,
// attach and its stdin, resize, list, inspect, logs, kill, stop, remove, pause, rename, top,
// the archive (`docker cp`), changes, stats, prune, and export.
import type { Container, LogEntry } from '../../models/container';
import { SIGKILL, SIGTERM, signalNumber } from '../../lib/signals';
import { ApiError } from '../endpoints';
import { containerOrThrow, imageOfContainer, type DaemonParts } from '../parts';
import { CONTAINER_NAME } from './create';
import type { ContainerMonitor } from './monitor';

export class ContainerService {
  constructor(
    private readonly parts: DaemonParts,
    private readonly monitor: ContainerMonitor,
  ) {}

  private get(idOrName: string): Container {
    return containerOrThrow(this.parts, idOrName);
  }

  containerStart(idOrName: string) {
    return this.parts.calls.serve('POST', `/containers/${idOrName}/start`, async () => {
      const container = this.get(idOrName);
      if (container.state.status === 'paused') throw new ApiError(409, 'cannot start a paused container, try unpause instead');
      if (container.state.status === 'running') return;
      container.manuallyStopped = false;
      await this.monitor.launch(container);
    });
  }

  /**
   * POST /containers/{id}/wait?condition=next-exit: resolves with the exit code when the
   * container next stops. A client calls it before starting a container (as the Docker CLI
   * does), so that an auto-removed container cannot vanish before its status is read.
   */
  containerWait(idOrName: string, condition: 'next-exit' | 'not-running' = 'next-exit') {
    const container = this.parts.containers.find(idOrName);
    return this.parts.calls.serve('POST', `/containers/${idOrName}/wait?condition=${condition}`, async () => {
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
    return this.parts.calls.serve('POST', `/containers/${idOrName}/attach?stream=1&stdout=1&stderr=1`, async () => {
      const container = this.get(idOrName);
      container.listeners.add(listener);
      return () => container.listeners.delete(listener);
    });
  }

  /** The stdin half of an attach (a hijacked stream in Docker): bytes typed by the client. */
  containerStdin(idOrName: string, data: Uint8Array): void {
    const container = this.parts.containers.find(idOrName);
    if (container?.state.status === 'running' && container.config.OpenStdin) this.parts.runtime.writeStdin(container, data);
  }

  /** POST /containers/{id}/resize?h=…&w=…: the container's terminal size. */
  containerResize(idOrName: string, rows: number, cols: number) {
    return this.parts.calls.serve('POST', `/containers/${idOrName}/resize?h=${rows}&w=${cols}`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running') throw new ApiError(409, `Container ${container.id} is not running`);
      this.parts.runtime.resize(container, rows, cols);
    });
  }

  containerList(all: boolean) {
    return this.parts.calls.serve('GET', `/containers/json${all ? '?all=1' : ''}`, async () =>
      this.parts.containers.list().filter((c) => all || ['running', 'paused', 'restarting'].includes(c.state.status)),
    );
  }

  containerInspect(idOrName: string) {
    return this.parts.calls.serve('GET', `/containers/${idOrName}/json`, async () => this.get(idOrName));
  }

  containerLogs(idOrName: string) {
    return this.parts.calls.serve('GET', `/containers/${idOrName}/logs?stdout=1&stderr=1`, async () => this.get(idOrName));
  }

  containerKill(idOrName: string, signal = SIGKILL) {
    return this.parts.calls.serve('POST', `/containers/${idOrName}/kill`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running' && container.state.status !== 'paused') {
        throw new ApiError(409, `Cannot kill container: ${idOrName}: container ${container.id} is not running`);
      }
      container.manuallyStopped = true;
      this.parts.runtime.signal(container, signal);
      await this.thawIfPaused(container);
    });
  }

  /** SIGTERM, then SIGKILL after `timeoutSeconds` (Docker's default 10). */
  containerStop(idOrName: string, timeoutSeconds = 10) {
    return this.parts.calls.serve('POST', `/containers/${idOrName}/stop`, async () => {
      const container = this.get(idOrName);
      container.manuallyStopped = true;
      if (container.state.status === 'restarting') container.state.status = 'exited';
      if (container.state.status !== 'running' && container.state.status !== 'paused') return;
      const stopped = new Promise<void>((resolve) => container.exitWaiters.push(() => resolve()));
      // --stop-signal or the image's STOPSIGNAL (nginx: SIGQUIT, a graceful stop), else SIGTERM.
      const stopSignal = container.config.StopSignal ?? this.parts.images.find(container.imageId)?.config.config.StopSignal;
      this.parts.runtime.signal(container, signalNumber(stopSignal) ?? SIGTERM);
      await this.thawIfPaused(container); // a frozen process only sees its signal once thawed
      // -t -1 waits for ever, as in Docker.
      const timer = timeoutSeconds < 0 ? undefined : setTimeout(() => this.parts.runtime.signal(container, SIGKILL), timeoutSeconds * 1000);
      await stopped;
      clearTimeout(timer);
    });
  }

  containerDelete(idOrName: string, force = false, removeVolumes = false) {
    return this.parts.calls.serve('DELETE', `/containers/${idOrName}${force ? '?force=1' : ''}${removeVolumes ? `${force ? '&' : '?'}v=1` : ''}`, async () => {
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
        this.parts.runtime.signal(container, SIGKILL);
        await this.thawIfPaused(container);
        await stopped;
      }
      container.manuallyStopped = true; // a container waiting to restart is removed instead
      if (this.parts.containers.find(container.id)) await this.monitor.removeNow(container, removeVolumes);
    });
  }

  private async thawIfPaused(container: Container): Promise<void> {
    if (container.state.status !== 'paused') return;
    await this.parts.runtime.freeze(container, false);
    if (container.state.status === 'paused') container.state.status = 'running';
  }

  containerPause(idOrName: string, paused: boolean) {
    return this.parts.calls.serve('POST', `/containers/${idOrName}/${paused ? 'pause' : 'unpause'}`, async () => {
      const container = this.get(idOrName);
      if (paused && container.state.status === 'paused') throw new ApiError(409, `Container ${container.id} is already paused`);
      if (!paused && container.state.status !== 'paused') throw new ApiError(409, `Container ${container.id} is not paused`);
      if (container.state.status !== 'running' && container.state.status !== 'paused') throw new ApiError(409, `Container ${container.id} is not running`);
      await this.parts.runtime.freeze(container, paused);
      container.state.status = paused ? 'paused' : 'running';
    });
  }

  containerRename(idOrName: string, newName: string) {
    return this.parts.calls.serve('POST', `/containers/${idOrName}/rename?name=${encodeURIComponent(newName)}`, async () => {
      const container = this.get(idOrName);
      const name = newName.replace(/^\//, '');
      if (!CONTAINER_NAME.test(name)) throw new ApiError(400, `Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      if (name === container.name) throw new ApiError(400, 'Renaming a container with the same name as its current name');
      const taken = this.parts.containers.nameTaken(name);
      if (taken) throw new ApiError(409, `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`);
      container.name = name;
    });
  }

  containerTop(idOrName: string) {
    return this.parts.calls.serve('GET', `/containers/${idOrName}/top`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running' && container.state.status !== 'paused') throw new ApiError(409, `container ${container.id} is not running`);
      return this.parts.runtime.top(container);
    });
  }

  /** PUT/GET /containers/{id}/archive: a copy into or out of the container's filesystem. */
  containerCopy(idOrName: string, direction: 'in' | 'out', hostPath: string, containerPath: string) {
    return this.parts.calls.serve(direction === 'in' ? 'PUT' : 'GET', `/containers/${idOrName}/archive?path=${encodeURIComponent(containerPath)}`, async () => {
      const container = this.get(idOrName);
      const image = await imageOfContainer(this.parts, container);
      try {
        return await this.parts.runtime.copy(container, image, direction, hostPath, containerPath);
      } catch (error) {
        if ((error as Error).message !== 'missing') throw new ApiError(500, (error as Error).message);
        if (direction === 'out') throw new ApiError(404, `Could not find the file ${containerPath} in container ${idOrName}`);
        throw new ApiError(400, `lstat ${hostPath}: no such file or directory`);
      }
    });
  }

  containerChanges(idOrName: string) {
    return this.parts.calls.serve('GET', `/containers/${idOrName}/changes`, async () => {
      const container = this.get(idOrName);
      const image = await imageOfContainer(this.parts, container);
      return this.parts.runtime.diff(container, image);
    });
  }

  containerStats(idOrName: string) {
    return this.parts.calls.serve('GET', `/containers/${idOrName}/stats?stream=0`, async () => {
      const container = this.get(idOrName);
      if (container.state.status !== 'running' && container.state.status !== 'paused') return null;
      return this.parts.runtime.stats(container);
    });
  }

  /** POST /containers/prune: removes every stopped container. */
  containerPrune() {
    return this.parts.calls.serve('POST', '/containers/prune', async () => {
      const deleted: string[] = [];
      let reclaimed = 0;
      for (const c of this.parts.containers.list().filter((c) => c.state.status === 'exited' || c.state.status === 'created')) {
        reclaimed += await this.parts.runtime.writableSize(c);
        await this.monitor.removeNow(c);
        deleted.push(c.id);
      }
      return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
    });
  }

  /** GET /containers/{id}/export: the container's filesystem as a tar. */
  containerExport(idOrName: string) {
    return this.parts.calls.serve('GET', `/containers/${idOrName}/export`, async () => {
      const container = this.get(idOrName);
      const image = await imageOfContainer(this.parts, container, `image ${container.imageId} of container ${container.name} is gone`);
      return this.parts.runtime.exportFilesystem(container, image);
    });
  }
}
