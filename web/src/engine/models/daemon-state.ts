// The daemon's records as plain data, saved with a snapshot of the machine so that a later
// visit finds its images, containers, volumes and networks (see engine/persist/).
import type { Container } from './container';
import type { CachedStep, Image } from './image';
import type { NetworkStoreState } from './network';
import type { Volume } from './volume';

/** What a runtime knows of its guest: saved with a snapshot of the machine (plain data). */
export interface RuntimeState {
  initialized: boolean;
  /** diffIDs of the layers in the guest. */
  layers: string[];
  bridges: string[];
  /** Running containers' processes: the engine channel's request ID of each (by container ID). */
  processes: Record<string, number>;
}

/** A container record without what lives only while the engine runs (listeners, waiters). */
export type SavedContainer = Omit<Container, 'listeners' | 'exitWaiters' | 'health'>;

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
