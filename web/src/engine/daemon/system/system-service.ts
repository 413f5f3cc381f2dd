// GET /version and GET /info: what the daemon says of itself and its host (the guest).
import { containerCounts } from '../../models/container';
import type { CachedStep } from '../../models/image';
import { API_VERSION, ENGINE_VERSION } from '../endpoints';
import type { DaemonParts } from '../parts';

export class SystemService {
  constructor(
    private readonly parts: DaemonParts,
    /** The build cache (the build service's). */
    private readonly buildCache: () => Map<string, CachedStep>,
  ) {}

  /**
   * GET /system/df: what takes space — images, containers with their writable layer's bytes,
   * volumes with theirs (-1 when the runtime cannot tell) and how many containers mount each,
   * and the build cache's steps.
   */
  systemDf() {
    const { parts } = this;
    return parts.calls.serve('GET', '/system/df', async () => {
      const containers = parts.containers.list();
      return {
        images: parts.images.list(),
        containers: await Promise.all(containers.map(async (container) => ({ container, sizeRw: await parts.runtime.writableSize(container) }))),
        volumes: await Promise.all(
          parts.volumes.list().map(async (volume) => ({
            volume,
            size: (await parts.runtime.directorySize?.(volume.Mountpoint)) ?? -1,
            refCount: containers.filter((c) => c.mounts.some((m) => m.Type === 'volume' && m.Name === volume.Name)).length,
          })),
        ),
        buildCache: [...this.buildCache().values()],
      };
    });
  }

  version() {
    return this.parts.calls.serve('GET', '/version', async () => ({
      Version: ENGINE_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: '1.24',
      Os: 'linux',
      Arch: '386',
      KernelVersion: (await this.parts.runtime.hostInfo()).kernel,
      Components: [{ Name: 'Engine', Version: ENGINE_VERSION }],
    }));
  }

  /** GET /info: the host, and the counts `docker info` prints (one request, as dockerd answers it). */
  info() {
    return this.parts.calls.serve('GET', '/info', async () => {
      return {
        host: await this.parts.runtime.hostInfo(),
        containers: containerCounts(this.parts.containers.list()),
        images: this.parts.images.list().length,
      };
    });
  }
}
