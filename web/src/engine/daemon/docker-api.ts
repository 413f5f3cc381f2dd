// DockerApi: the Engine API as the daemon serves it, per resource (as moby's
// api/server/router/<resource> over its backends). The CLI, compose and whatever else speaks
// for a client reach the daemon through this type only, so every request a learner causes is
// an endpoint call, logged for the API panel; the daemon's stores and runtime are not in it.
import type { BuildService } from './build/build-service';
import type { ContainerService } from './containers/container-service';
import type { ContainerCreator } from './containers/create';
import type { ExecService } from './containers/exec';
import type { ImageArchives } from './images/archives';
import type { Distribution } from './images/distribution';
import type { ImageService } from './images/image-service';
import type { NetworkService } from './networks/network-service';
import type { SystemService } from './system/system-service';
import type { VolumeService } from './volumes/volume-service';

export type ContainerApi = Pick<ContainerService, keyof ContainerService> & Pick<ContainerCreator, 'containerCreate'> & Pick<ExecService, 'containerExec'>;
export type ImageApi = Pick<ImageService, keyof ImageService> & Pick<Distribution, 'imageCreate' | 'imagePush' | 'imageSearch' | 'auth' | 'forgetToken'> & Pick<ImageArchives, keyof ImageArchives>;
export type VolumeApi = Pick<VolumeService, 'volumeCreate' | 'volumeList' | 'volumeInspect' | 'volumeDelete' | 'volumePrune'>;
export type NetworkApi = Pick<NetworkService, keyof NetworkService>;
export type BuildApi = Pick<BuildService, 'build' | 'buildPrune' | 'containerCommit'>;
export type SystemApi = Pick<SystemService, keyof SystemService>;

export type DockerApi = ContainerApi & ImageApi & VolumeApi & NetworkApi & BuildApi & SystemApi;
