// The parts every service of the daemon reaches: the stores (each kept by its own service and
// read by the others, as dockerd's daemon packages read one another's), the layer store, the
// event log, the call log, and the runtime of the current guest.
import type { Container } from '../models/container';
import type { ContainerRuntime } from '../runtime/runtime';
import type { ContainerStore } from './containers/container-store';
import { ApiError } from './endpoints';
import type { ImageStore } from './images/image-store';
import type { LayerStore } from './images/layer-store';
import type { ContainerNetworking } from './networks/networking';
import type { DaemonEvents } from './system/events';
import type { ApiCalls } from './endpoints';
import type { VolumeStore } from './volumes/volume-store';

export interface DaemonParts {
  readonly images: ImageStore;
  readonly containers: ContainerStore;
  readonly volumes: VolumeStore;
  readonly networking: ContainerNetworking;
  readonly layers: LayerStore;
  readonly events: DaemonEvents;
  readonly calls: ApiCalls;
  /** The runtime of the guest now (a new one after a guest restart). */
  readonly runtime: ContainerRuntime;
}

/** By ID, short ID or name; 404 "No such container" otherwise. */
export function containerOrThrow(parts: DaemonParts, idOrName: string): Container {
  const container = parts.containers.find(idOrName);
  if (!container) throw new ApiError(404, `No such container: ${idOrName}`);
  return container;
}

/** The image a container was made from (layers in the guest): what export, copy, diff, commit need. */
export async function imageOfContainer(parts: DaemonParts, container: Container, gone = `image of container ${container.name} is gone`) {
  const image = parts.images.find(container.imageId);
  if (!image) throw new ApiError(500, gone);
  await parts.layers.ensure(image);
  return image;
}
