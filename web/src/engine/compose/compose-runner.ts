// ComposeRunner: `docker compose` on the daemon's API, as Compose v2 does it against dockerd —
// a project's network (`<project>_default`), its volumes (`<project>_<name>`), and one
// container per service replica (`<project>-<service>-<n>`), all labelled with the project so
// that later commands find them. The file's model is pure code (formats/compose/).
import { ApiError } from '../daemon/endpoints';
import { type CreateRequest } from '../models/container';
import type { DockerApi } from '../daemon/docker-api';
import type { Container } from '../models/container';
import type { ComposeProject, ComposeService } from '../formats/compose-file';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';
export const NUMBER_LABEL = 'com.docker.compose.container-number';
export const ONEOFF_LABEL = 'com.docker.compose.oneoff';

/** Progress as Compose prints it without a terminal: " Container app-web-1  Started". */
export type Progress = (kind: 'Network' | 'Volume' | 'Container' | 'Image' | 'Service', name: string, status: string) => void;

export class ComposeRunner {
  constructor(
    private readonly daemon: DockerApi,
    readonly project: ComposeProject,
    private readonly progress: Progress,
  ) {}

  /** The project's containers (one-off `run` containers too if asked), oldest first. */
  async containers(options: { services?: string[]; oneOff?: boolean } = {}): Promise<Container[]> {
    // GET /containers/json?all=1 (Compose filters by its labels there).
    return (await this.daemon.containerList(true))
      .filter((c) => c.config.Labels[PROJECT_LABEL] === this.project.name)
      .filter((c) => options.oneOff || c.config.Labels[ONEOFF_LABEL] !== 'True')
      .filter((c) => !options.services?.length || options.services.includes(c.config.Labels[SERVICE_LABEL] ?? ''))
      .sort((a: Container, b: Container) => a.created - b.created);
  }

  service(name: string): ComposeService {
    const service = this.project.services.find((s) => s.name === name);
    if (!service) throw new ApiError(404, `no such service: ${name}`);
    return service;
  }

  /** The image a service runs: its `image`, or `<project>-<service>` when it is built. */
  imageOf(service: ComposeService): string {
    return service.image ?? `${this.project.name}-${service.name}`;
  }

  private networkName(key: string): string {
    return this.project.networks[key]?.name ?? `${this.project.name}_${key}`;
  }

  /** GET /networks/{name}: whether the network is there (404: it is not). */
  networkExists(name: string): Promise<boolean> {
    return this.daemon.networkInspect(name).then(() => true, () => false);
  }

  /** GET /volumes/{name}: whether the volume is there. */
  volumeExists(name: string): Promise<boolean> {
    return this.daemon.volumeInspect(name).then(() => true, () => false);
  }

  /** Networks and volumes the services use, made if missing. */
  async ensureResources(): Promise<void> {
    const used = new Set(this.project.services.flatMap((s) => (s.networkMode ? [] : Object.keys(s.networks))));
    for (const key of used) {
      const network = this.project.networks[key];
      const name = this.networkName(key);
      if (await this.networkExists(name)) continue;
      if (network?.external) throw new ApiError(404, `network ${name} declared as external, but could not be found`);
      this.progress('Network', name, 'Creating');
      await this.daemon.networkCreate({
        name,
        ...(network?.ipam?.subnet ? { subnet: network.ipam.subnet } : {}),
        ...(network?.ipam?.gateway ? { gateway: network.ipam.gateway } : {}),
        internal: !!network?.internal,
        labels: { ...network?.labels, [PROJECT_LABEL]: this.project.name, 'com.docker.compose.network': key },
      });
      this.progress('Network', name, 'Created');
    }
    const volumes = new Set(this.project.services.flatMap((s) => s.volumes.filter((v) => v.type === 'volume' && v.source).map((v) => v.source!)));
    for (const key of volumes) {
      const volume = this.project.volumes[key];
      if (!volume) throw new ApiError(400, `service uses undefined volume ${key}: invalid compose project`);
      if (await this.volumeExists(volume.name)) continue;
      if (volume.external) throw new ApiError(404, `external volume "${volume.name}" not found`);
      this.progress('Volume', volume.name, 'Creating');
      await this.daemon.volumeCreate(volume.name, { ...volume.labels, [PROJECT_LABEL]: this.project.name, 'com.docker.compose.volume': key });
      this.progress('Volume', volume.name, 'Created');
    }
  }

  /** The container a service replica is, as a create request. */
  request(service: ComposeService, number: number, oneOff?: { name: string; command?: string[] }): CreateRequest {
    const networkKeys = service.networkMode ? [] : Object.keys(service.networks);
    const first = networkKeys[0];
    const ports = service.ports.filter((p) => p.protocol === 'tcp');
    const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
    for (const p of ports) (portBindings[`${p.target}/tcp`] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.published ?? '' });
    const binds: string[] = [];
    const mounts: string[] = [];
    const tmpfs: Record<string, string> = {};
    for (const v of service.volumes) {
      if (v.type === 'tmpfs') tmpfs[v.target] = '';
      else if (v.type === 'bind') binds.push(`${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
      else if (v.source) binds.push(`${this.project.volumes[v.source]?.name ?? v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
      else mounts.push(`type=volume,target=${v.target}${v.readOnly ? ',readonly' : ''}`);
    }
    const command = oneOff?.command ?? service.command;
    const health = service.healthcheck;
    return {
      image: this.imageOf(service),
      name: oneOff?.name ?? service.containerName ?? `${this.project.name}-${service.name}-${number}`,
      ...(command ? { cmd: command } : {}),
      ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
      env: Object.entries(service.environment).map(([k, v]) => `${k}=${v}`),
      ...(service.workingDir ? { workingDir: service.workingDir } : {}),
      ...(service.stopSignal ? { stopSignal: service.stopSignal } : {}),
      ...(service.user ? { user: service.user } : {}),
      ...(service.hostname ? { hostname: service.hostname } : {}),
      tty: service.tty,
      openStdin: service.stdinOpen,
      labels: {
        ...service.labels,
        [PROJECT_LABEL]: this.project.name,
        [SERVICE_LABEL]: service.name,
        [NUMBER_LABEL]: String(number),
        [ONEOFF_LABEL]: oneOff ? 'True' : 'False',
        'com.docker.compose.project.working_dir': this.project.workingDir,
      },
      hostConfig: {
        NetworkMode: service.networkMode ?? (first ? this.networkName(first) : 'bridge'),
        RestartPolicy: restartPolicy(oneOff ? undefined : service.restart),
        PortBindings: oneOff ? {} : portBindings,
        Binds: binds,
        Tmpfs: tmpfs,
        ExtraHosts: service.extraHosts,
        CapAdd: service.capAdd,
        CapDrop: service.capDrop,
        Privileged: service.privileged,
      },
      mounts,
      exposedPorts: service.expose.map((p) => (p.includes('/') ? p : `${p}/tcp`)),
      // Compose makes the service's name an alias on each of its networks.
      ...(first ? { networking: { aliases: [service.name, ...service.networks[first]!.aliases], ...(service.networks[first]!.ipv4Address ? { ip: service.networks[first]!.ipv4Address } : {}) } } : {}),
      ...(health
        ? {
            healthcheck:
              'disable' in health
                ? { Test: ['NONE'] }
                : {
                    Test: health.test,
                    ...(health.intervalNs !== undefined ? { Interval: health.intervalNs } : {}),
                    ...(health.timeoutNs !== undefined ? { Timeout: health.timeoutNs } : {}),
                    ...(health.startPeriodNs !== undefined ? { StartPeriod: health.startPeriodNs } : {}),
                    ...(health.retries !== undefined ? { Retries: health.retries } : {}),
                  },
          }
        : {}),
    };
  }

  /** Makes a container for a replica and joins it to the service's other networks. */
  async createContainer(service: ComposeService, number: number, oneOff?: { name: string; command?: string[] }): Promise<Container> {
    const request = this.request(service, number, oneOff);
    const { Id } = await this.daemon.containerCreate(request);
    for (const key of service.networkMode ? [] : Object.keys(service.networks).slice(1)) {
      await this.daemon.networkConnect(this.networkName(key), Id, { aliases: [service.name, ...service.networks[key]!.aliases], ...(service.networks[key]!.ipv4Address ? { ip: service.networks[key]!.ipv4Address } : {}) });
    }
    return this.daemon.containerInspect(Id);
  }

  /**
   * Waits for what a service depends on: started, healthy, or completed successfully. As
   * Compose, with no deadline of its own: a healthcheck ends the wait by turning the container
   * healthy or unhealthy (its retries), a one-shot service by exiting. Each container is
   * inspected again on every round (GET /containers/{id}/json), since its state is the daemon's.
   */
  async waitForDependencies(service: ComposeService): Promise<void> {
    for (const [name, dep] of Object.entries(service.dependsOn)) {
      const containers = await this.containers({ services: [name] });
      if (!containers.length) {
        if (dep.required) throw new ApiError(500, `service "${service.name}" depends on service "${name}" which is not running`);
        continue;
      }
      if (dep.condition === 'service_started') continue;
      for (const listed of containers) {
        this.progress('Container', listed.name, 'Waiting');
        for (;;) {
          const c = await this.daemon.containerInspect(listed.id);
          if (dep.condition === 'service_healthy') {
            if (c.health?.Status === 'healthy') break;
            if (!c.health) throw new ApiError(500, `dependency failed to start: container ${c.name} has no healthcheck configured`);
            if (c.health.Status === 'unhealthy') throw new ApiError(500, `dependency failed to start: container ${c.name} is unhealthy`);
            if (c.state.status === 'exited') throw new ApiError(500, `dependency failed to start: container ${c.name} exited (${c.state.exitCode})`);
          } else if (c.state.status === 'exited') {
            if (c.state.exitCode !== 0) throw new ApiError(500, `service "${name}" didn't complete successfully: exit ${c.state.exitCode}`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        this.progress('Container', listed.name, dep.condition === 'service_healthy' ? 'Healthy' : 'Exited');
      }
    }
  }
}

function restartPolicy(value: string | undefined): { Name: 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount: number } {
  if (!value || value === 'no') return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count] = value.split(':');
  if (name === 'always' || name === 'unless-stopped') return { Name: name, MaximumRetryCount: 0 };
  if (name === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: Number(count ?? 0) };
  throw new ApiError(400, `invalid restart policy: ${value}`);
}
