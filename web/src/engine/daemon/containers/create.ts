// POST /containers/create: a container record from the request and its image, checked as
// Docker checks it (in Docker's order, with its messages): name, hostname, command, links,
// capabilities, networks, restart policy; then its mounts (`-v`, `--mount`, `--tmpfs`,
// `--volumes-from`, the image's VOLUMEs), and the runtime's preparation.
import { parseBind, parseMount, parseTmpfs, type MountRequest, MountSpecError } from '../../formats/mount-spec';
import { familiarString, parseReference, type ImageReference, InvalidReferenceError } from '../../formats/reference';
import { mergeEnv } from '../../formats/env';
import { parseLink } from '../../formats/links';
import { randomHex } from '../../lib/digest';
import { signalNumber } from '../../lib/signals';
import { newContainer, type ContainerConfig, type CreateRequest, type HostConfig } from '../../models/container';
import type { Image } from '../../models/image';
import type { ContainerMount } from '../../models/volume';
import { checkCapabilities } from '../../runtime/capabilities';
import { ApiError } from '../endpoints';
import { networkCall } from '../networks/network-service';
import type { DaemonParts } from '../parts';
import type { VolumeService } from '../volumes/volume-service';
import { randomName } from './names';

export const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const HOSTNAME = /^[a-zA-Z0-9][a-zA-Z0-9.-]{0,62}$/;

export class ContainerCreator {
  constructor(
    private readonly parts: DaemonParts,
    private readonly volumes: VolumeService,
  ) {}

  containerCreate(request: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    const { parts } = this;
    const query = request.name ? `?name=${encodeURIComponent(request.name)}` : '';
    return parts.calls.serve('POST', `/containers/create${query}`, async () => {
      // Checked first, with the rest of the settings, as Docker does (before the image).
      if (request.workingDir && !request.workingDir.startsWith('/')) {
        throw new ApiError(400, `the working directory '${request.workingDir}' is invalid, it needs to be an absolute path`);
      }
      // An image ID (even a full 64-hex one, no repository name) needs no parsing.
      let image = parts.images.find(request.image);
      if (!image) {
        let ref: ImageReference;
        try {
          ref = parseReference(request.image);
        } catch (error) {
          throw new ApiError(400, (error as InvalidReferenceError).message);
        }
        image = parts.images.find(request.image, ref);
        if (!image) throw new ApiError(404, `No such image: ${familiarString(ref)}`);
      }
      if (request.name !== undefined && !CONTAINER_NAME.test(request.name)) {
        throw new ApiError(400, `Invalid container name (${request.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      }
      const name = request.name?.replace(/^\//, '') ?? this.freshName();
      const taken = parts.containers.nameTaken(name);
      if (taken) {
        throw new ApiError(409, `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`);
      }
      if (request.hostname !== undefined && !HOSTNAME.test(request.hostname)) throw new ApiError(400, `invalid hostname format: ${request.hostname}`);
      const id = randomHex(32);
      const ic = image.config.config;
      const entrypoint = request.entrypoint === null ? [] : (request.entrypoint ?? ic.Entrypoint ?? []);
      // As in Docker: a new entrypoint drops the image's CMD; a given command replaces it.
      const cmd = request.cmd?.length ? request.cmd : request.entrypoint !== undefined ? [] : (ic.Cmd ?? []);
      if (entrypoint.length === 0 && cmd.length === 0) throw new ApiError(400, 'no command specified');
      // `-e NAME` without a value takes NAME from the client's environment in Docker; the guest
      // client does not send its environment, so such entries are left out.
      const env = mergeEnv(ic.Env ?? [], (request.env ?? []).filter((e) => e.includes('=')));
      const config: ContainerConfig = {
        Image: request.image,
        Cmd: cmd,
        Entrypoint: entrypoint,
        Env: env,
        WorkingDir: request.workingDir || ic.WorkingDir || '',
        User: request.user ?? ic.User ?? '',
        // On the host's network a container takes the host's name, as in Docker.
        Hostname: request.hostname ?? ((request.hostConfig?.NetworkMode === 'host' && (await parts.runtime.hostInfo()).hostname) || id.slice(0, 12)),
        Tty: !!request.tty,
        OpenStdin: !!request.openStdin,
        Labels: { ...ic.Labels, ...request.labels },
      };
      const hostConfig: HostConfig = {
        AutoRemove: false, Memory: 0, PidsLimit: 0, NanoCpus: 0, NetworkMode: 'bridge',
        RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
        ...request.hostConfig,
      };
      if (hostConfig.NetworkMode === 'default') hostConfig.NetworkMode = 'bridge';
      hostConfig.Links = this.registerLinks(name, hostConfig);
      try {
        checkCapabilities(hostConfig.CapAdd, hostConfig.CapDrop);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      // Ports published or --expose'd are exposed too, as in Docker.
      const exposed = [...Object.keys(ic.ExposedPorts ?? {}), ...(request.exposedPorts ?? []), ...Object.keys(hostConfig.PortBindings ?? {})];
      if (exposed.length) config.ExposedPorts = Object.fromEntries(exposed.map((p) => [p, {}]));
      const stopSignal = request.stopSignal || ic.StopSignal;
      if (request.stopSignal && signalNumber(request.stopSignal) === undefined) throw new ApiError(400, `Invalid signal: ${request.stopSignal}`);
      if (stopSignal) config.StopSignal = stopSignal;
      const networks = await networkCall(async () => parts.networking.atCreate(hostConfig.NetworkMode, { ...request.networking, links: request.hostConfig?.Links ?? [] }));
      if (hostConfig.AutoRemove && hostConfig.RestartPolicy.Name !== 'no') {
        throw new ApiError(400, 'can\'t create \'AutoRemove\' container with restart policy');
      }
      const mounts = await this.resolveMounts(request, hostConfig, image);
      const container = newContainer({
        id,
        name,
        mounts,
        ...(request.healthcheck ? { healthcheck: request.healthcheck } : {}),
        imageId: image.id,
        imageName: request.image,
        config,
        hostConfig,
        networks,
      });
      await parts.runtime.create(container);
      parts.containers.add(container);
      parts.events.emit('container', 'create', id, { image: request.image, name });
      const published = Object.keys(hostConfig.PortBindings ?? {}).length || hostConfig.PublishAllPorts;
      return { Id: id, Warnings: published && hostConfig.NetworkMode === 'host' ? ['Published ports are discarded when using host network mode'] : [] };
    });
  }

  private freshName(): string {
    for (;;) {
      const name = randomName();
      if (!this.parts.containers.nameTaken(name)) return name;
    }
  }

  /**
   * `--link`s, checked and kept as Docker keeps them (`/db:/web/db`). Only the default bridge
   * has legacy links; on a user network they are names for peers (see atCreate).
   */
  private registerLinks(name: string, hostConfig: HostConfig): string[] {
    const links = hostConfig.Links ?? [];
    const mode = hostConfig.NetworkMode;
    if (links.length && mode === 'host') throw new ApiError(400, "conflicting options: host type networking can't be used with links. This would result in undefined behavior");
    if (mode !== 'bridge') return [];
    return links.map((link) => {
      let childName: string, alias: string;
      try {
        [childName, alias] = parseLink(link);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      const child = this.parts.containers.find(childName);
      if (!child) throw new ApiError(400, `could not get container for ${childName}: No such container: ${childName}`);
      if (child.hostConfig.NetworkMode === 'host') throw new ApiError(400, "conflicting options: host type networking can't be used with links. This would result in undefined behavior");
      return `/${child.name}:/${name}/${alias}`;
    });
  }

  /**
   * A new container's mounts: `-v`, `--mount`, `--tmpfs`, `--volumes-from`, then an anonymous
   * volume for each VOLUME of the image not otherwise mounted. Named volumes are made on first
   * use; a new volume gets the image's files at its path.
   */
  private async resolveMounts(request: CreateRequest, hostConfig: HostConfig, image: Image): Promise<ContainerMount[]> {
    let requests: MountRequest[];
    try {
      requests = [
        ...(hostConfig.Binds ?? []).map(parseBind),
        ...(request.mounts ?? []).map(parseMount),
        ...Object.entries(hostConfig.Tmpfs ?? {}).map(([path, options]) => parseTmpfs(options ? `${path}:${options}` : path)),
      ];
    } catch (error) {
      throw new ApiError(400, (error as MountSpecError).message);
    }
    const mounts: ContainerMount[] = [];
    const taken = new Set<string>();
    const claim = (target: string) => {
      const clean = target.replace(/\/+$/, '') || '/';
      if (taken.has(clean)) throw new ApiError(400, `Duplicate mount point: ${clean}`);
      taken.add(clean);
    };
    for (const r of requests) claim(r.target);
    for (const spec of hostConfig.VolumesFrom ?? []) {
      const [from, mode] = spec.split(':');
      const source = this.parts.containers.find(from!);
      if (!source) throw new ApiError(404, `No such container: ${from}`);
      // -v and --mount win over a volumes-from mount at the same path, as in Docker.
      for (const m of source.mounts.filter((m) => m.Type !== 'tmpfs' && !taken.has(m.Destination.replace(/\/+$/, '')))) {
        claim(m.Destination);
        mounts.push({ ...m, RW: mode === 'ro' ? false : mode === 'rw' ? true : m.RW });
      }
    }
    for (const path of Object.keys(image.config.config.Volumes ?? {})) {
      if (!taken.has(path.replace(/\/+$/, ''))) {
        claim(path);
        requests.push({ type: 'volume', target: path, readOnly: false, mode: '' });
      }
    }
    for (const r of requests) {
      if (r.type === 'tmpfs') {
        mounts.push({ Type: 'tmpfs', Source: '', Destination: r.target, Mode: '', RW: true, Propagation: '', TmpfsOptions: r.options });
      } else if (r.type === 'bind') {
        if (!(await this.parts.runtime.hostPathExists(r.source, r.createSource))) {
          throw new ApiError(400, `invalid mount config for type "bind": bind source path does not exist: ${r.source}`);
        }
        mounts.push({ Type: 'bind', Source: r.source, Destination: r.target, Mode: r.mode, RW: !r.readOnly, Propagation: 'rprivate' });
      } else {
        const volume = await this.volumes.ensureVolume(r.name, {}, { image, path: r.target });
        mounts.push({ Type: 'volume', Name: volume.Name, Source: volume.Mountpoint, Destination: r.target, Driver: 'local', Mode: r.mode || 'z', RW: !r.readOnly, Propagation: '' });
      }
    }
    return mounts;
  }
}
