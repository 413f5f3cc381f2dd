// The Engine API's JSON shapes of Drydock's records (ContainerJSON, ImageInspect): one
// converter each, used by the API server's answers and by the CLI's `docker inspect`.
import type { Container } from '../models/container';
import { imageSize, type Image } from '../models/image';

const iso = (ms: number) => (ms ? new Date(ms).toISOString() : '0001-01-01T00:00:00Z');

export function containerJson(c: Container) {
  const status = c.state.status;
  return {
    Id: c.id,
    Created: iso(c.created),
    Path: [...c.config.Entrypoint, ...c.config.Cmd][0] ?? '',
    Args: [...c.config.Entrypoint, ...c.config.Cmd].slice(1),
    State: {
      Status: status,
      Running: status === 'running' || status === 'paused',
      Paused: status === 'paused',
      Restarting: status === 'restarting',
      OOMKilled: c.state.oomKilled,
      Dead: status === 'dead',
      ...(c.health ? { Health: c.health } : {}),
      Pid: c.state.pid,
      ExitCode: c.state.exitCode,
      Error: c.state.error,
      StartedAt: iso(c.state.startedAt),
      FinishedAt: iso(c.state.finishedAt),
    },
    Image: c.imageId,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: {
      AutoRemove: c.hostConfig.AutoRemove,
      Memory: c.hostConfig.Memory,
      NanoCpus: c.hostConfig.NanoCpus,
      PidsLimit: c.hostConfig.PidsLimit || null,
      NetworkMode: c.hostConfig.NetworkMode,
      RestartPolicy: c.hostConfig.RestartPolicy,
      Binds: c.hostConfig.Binds?.length ? c.hostConfig.Binds : null,
      Tmpfs: c.hostConfig.Tmpfs && Object.keys(c.hostConfig.Tmpfs).length ? c.hostConfig.Tmpfs : undefined,
      VolumesFrom: c.hostConfig.VolumesFrom?.length ? c.hostConfig.VolumesFrom : null,
      PortBindings: c.hostConfig.PortBindings ?? {},
      PublishAllPorts: !!c.hostConfig.PublishAllPorts,
      ExtraHosts: c.hostConfig.ExtraHosts?.length ? c.hostConfig.ExtraHosts : null,
      Links: c.hostConfig.Links?.length ? c.hostConfig.Links : null,
      CapAdd: c.hostConfig.CapAdd?.length ? c.hostConfig.CapAdd : null,
      CapDrop: c.hostConfig.CapDrop?.length ? c.hostConfig.CapDrop : null,
      Privileged: !!c.hostConfig.Privileged,
    },
    NetworkSettings: networkSettings(c),
    Mounts: c.mounts.filter((m) => m.Type !== 'tmpfs').map(({ TmpfsOptions: _, ...m }) => m),
    Config: {
      Hostname: c.config.Hostname,
      User: c.config.User,
      Tty: c.config.Tty,
      OpenStdin: c.config.OpenStdin,
      Env: c.config.Env,
      Cmd: c.config.Cmd,
      Image: c.config.Image,
      WorkingDir: c.config.WorkingDir,
      Entrypoint: c.config.Entrypoint.length ? c.config.Entrypoint : null,
      Labels: c.config.Labels,
      ...(c.config.ExposedPorts ? { ExposedPorts: c.config.ExposedPorts } : {}),
      ...(c.config.StopSignal ? { StopSignal: c.config.StopSignal } : {}),
    },
  };
}

/** NetworkSettings: per network, and (for the default bridge) the old top-level fields. */
function networkSettings(c: Container) {
  const networks = Object.fromEntries(
    Object.entries(c.networks).map(([name, { hostInterface: _h, interfaceName: _i, ...endpoint }]) => [name, endpoint]),
  );
  const bridge = c.networks.bridge;
  return {
    Bridge: '',
    SandboxID: c.state.status === 'running' ? c.id.slice(0, 12).padEnd(64, '0') : '',
    SandboxKey: c.state.status === 'running' ? `/var/run/docker/netns/${c.id.slice(0, 12)}` : '',
    Ports: c.ports,
    HairpinMode: false,
    EndpointID: bridge?.EndpointID ?? '',
    Gateway: bridge?.Gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: bridge?.IPAddress ?? '',
    IPPrefixLen: bridge?.IPPrefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: bridge?.MacAddress ?? '',
    Networks: networks,
  };
}

export function imageJson(i: Image) {
  return {
    Id: i.id,
    RepoTags: i.repoTags,
    RepoDigests: i.repoDigests,
    Created: i.config.created ?? '',
    Architecture: i.config.architecture,
    Os: i.config.os,
    Size: imageSize(i),
    Author: (i.config as { author?: string }).author ?? '',
    Config: {
      User: i.config.config.User ?? '',
      ExposedPorts: i.config.config.ExposedPorts,
      Env: i.config.config.Env ?? [],
      Cmd: i.config.config.Cmd ?? null,
      Healthcheck: i.config.config.Healthcheck,
      Volumes: i.config.config.Volumes ?? null,
      WorkingDir: i.config.config.WorkingDir ?? '',
      Entrypoint: i.config.config.Entrypoint ?? null,
      OnBuild: i.config.config.OnBuild ?? null,
      Labels: i.config.config.Labels ?? null,
      StopSignal: i.config.config.StopSignal,
      Shell: i.config.config.Shell,
    },
    RootFS: { Type: 'layers', Layers: i.config.rootfs.diff_ids },
  };
}
