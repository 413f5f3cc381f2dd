// The volume endpoints (/volumes…), and the volumes containers get: found by name, or made on
// first use (and seeded from the image's files at the mount's path when new).
import { randomHex } from '../../lib/digest';
import { checkVolumeName } from '../../formats/mount-spec';
import type { Container } from '../../models/container';
import type { Image } from '../../models/image';
import type { Volume } from '../../models/volume';
import { ApiError } from '../endpoints';
import type { DaemonParts } from '../parts';
import { VOLUME_ROOT } from './volume-store';

export class VolumeService {
  constructor(private readonly parts: DaemonParts) {}

  /** POST /volumes/create */
  volumeCreate(name: string | undefined, labels: Record<string, string> = {}) {
    return this.parts.calls.serve('POST', '/volumes/create', async () => {
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
    return this.parts.calls.serve('GET', '/volumes', async () => this.parts.volumes.list());
  }

  volumeInspect(name: string) {
    return this.parts.calls.serve('GET', `/volumes/${name}`, async () => {
      const volume = this.parts.volumes.get(name);
      if (!volume) throw new ApiError(404, `get ${name}: no such volume`);
      return volume;
    });
  }

  /** DELETE /volumes/{name}: refused while any container (even a stopped one) uses it. */
  volumeDelete(name: string, force = false) {
    return this.parts.calls.serve('DELETE', `/volumes/${name}${force ? '?force=1' : ''}`, async () => {
      const volume = this.parts.volumes.get(name);
      if (!volume) {
        if (force) return;
        throw new ApiError(404, `get ${name}: no such volume`);
      }
      const users = this.users(name);
      if (users.length) throw new ApiError(409, `remove ${name}: volume is in use - [${users.map((c) => c.id).join(', ')}]`);
      this.parts.volumes.remove(name);
      await this.parts.runtime.removeVolumeDir(volume.Mountpoint);
    });
  }

  /** POST /volumes/prune: unused anonymous volumes (all unused ones with `all`). */
  volumePrune(all: boolean) {
    return this.parts.calls.serve('POST', `/volumes/prune${all ? '?filters={"all":["true"]}' : ''}`, async () => {
      const deleted: string[] = [];
      for (const v of this.parts.volumes.list()) {
        if ((!all && !v.anonymous) || this.users(v.Name).length) continue;
        this.parts.volumes.remove(v.Name);
        await this.parts.runtime.removeVolumeDir(v.Mountpoint);
        deleted.push(v.Name);
      }
      return { VolumesDeleted: deleted, SpaceReclaimed: 0 };
    });
  }

  /** Containers (running or not) that mount the volume. */
  users(name: string): Container[] {
    return this.parts.containers.list().filter((c) => c.mounts.some((m) => m.Type === 'volume' && m.Name === name));
  }

  /** The volume of that name, made (and seeded from the image) if it does not exist; anonymous without a name. */
  async ensureVolume(name: string | undefined, labels: Record<string, string>, seed?: { image: Image; path: string }): Promise<Volume> {
    const existing = name ? this.parts.volumes.get(name) : undefined;
    if (existing) {
      if (seed) await this.parts.runtime.createVolumeDir(existing.Mountpoint, seed);
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
    await this.parts.runtime.createVolumeDir(volume.Mountpoint, seed);
    this.parts.volumes.add(volume);
    return volume;
  }
}
