// LabView: the lab's objects as the page pictures them and lesson checks read them — a
// read-only view of the daemon's records (and, for files, of the guest), for what is not a
// client's request. It changes nothing and is not an endpoint, so it is not in the API panel:
// the page asks for it after every call and checks run every 3 s, which would bury the
// learner's own requests there.
import type { Container } from '../models/container';
import type { Image } from '../models/image';
import type { Network } from '../models/network';
import type { Volume } from '../models/volume';
import type { Repository } from '../registry/local-registry';
import type { ApiLogEntry } from './endpoints';

export interface LabView {
  images(): readonly Image[];
  containers(): readonly Container[];
  volumes(): readonly Volume[];
  networks(): readonly Network[];
  /** A layer made here (build, commit, load), as its tar; undefined for pulled layers. */
  layerTar(diffId: string): Uint8Array | undefined;
  /** What has been pushed to the lab's registry. */
  pushedRepositories(): Promise<Repository[]>;
  /** The calls served so far (the API panel's lines). */
  apiLog(): readonly ApiLogEntry[];
  /** A file or directory of the lab machine as a tar (null if it is not there). */
  hostPath(path: string): Promise<{ directory: boolean; tar: Uint8Array } | null>;
}
