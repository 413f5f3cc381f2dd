// VolumeStore: the daemon's named and anonymous volumes (what `docker volume ls` lists). A
// volume's data is a directory in the guest (`Mountpoint`); containers get it bind-mounted.
import type { Volume } from '../../models/volume';

export const VOLUME_ROOT = '/var/lib/drydock/volumes';

export class VolumeStore {
  private readonly volumes = new Map<string, Volume>();

  list(): Volume[] {
    return [...this.volumes.values()];
  }

  get(name: string): Volume | undefined {
    return this.volumes.get(name);
  }

  add(volume: Volume): void {
    this.volumes.set(volume.Name, volume);
  }

  remove(name: string): void {
    this.volumes.delete(name);
  }
}
