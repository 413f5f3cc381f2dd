// A container as the daemon records it (plain data: Docker's Config, HostConfig and State, and
// what Drydock keeps beside them). No behaviour here but the record of one that never ran.
import type { ContainerMount } from './volume';
import type { EndpointSettings } from './network';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerConfig {
  Image: string;
  Cmd: string[];
  Entrypoint: string[];
  Env: string[];
  WorkingDir: string;
  User: string;
  Hostname: string;
  Tty: boolean;
  OpenStdin: boolean;
  Labels: Record<string, string>;
  /** "80/tcp" → {}: the image's EXPOSE and the ports published with -p/--expose. */
  ExposedPorts?: Record<string, object>;
  /** `--stop-signal`, else the image's STOPSIGNAL; unset means SIGTERM. */
  StopSignal?: string;
}

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

export interface HostConfig {
  AutoRemove: boolean;
  Memory: number;
  PidsLimit: number;
  NanoCpus: number;
  NetworkMode: string;
  RestartPolicy: { Name: 'no' | 'always' | 'unless-stopped' | 'on-failure' | ''; MaximumRetryCount: number };
  /** `-v` specs as given; `--tmpfs` as Docker keeps them (path → options); `--volumes-from`. */
  Binds?: string[];
  Tmpfs?: Record<string, string>;
  VolumesFrom?: string[];
  /** `-p` as Docker keeps it: "80/tcp" → [{ HostIp, HostPort }] ("" port: any free one). */
  PortBindings?: Record<string, PortBinding[]>;
  /** `-P`: every exposed port on a free host port. */
  PublishAllPorts?: boolean;
  /** `--add-host name:ip`. */
  ExtraHosts?: string[];
  /** Legacy `--link`s on the default bridge, as Docker keeps them: `/db:/web/db`. */
  Links?: string[];
  /** --cap-add, --cap-drop, --privileged (all capabilities, nothing masked in /proc). */
  CapAdd?: string[];
  CapDrop?: string[];
  Privileged?: boolean;
}

export interface LogEntry {
  stream: 1 | 2;
  time: number;
  data: Uint8Array;
}

export interface Container {
  id: string;
  name: string;
  imageId: string;
  /** What the user asked for (`busybox`), as `docker ps` shows it. */
  imageName: string;
  created: number;
  config: ContainerConfig;
  hostConfig: HostConfig;
  state: {
    status: ContainerStatus;
    pid: number;
    exitCode: number;
    startedAt: number;
    finishedAt: number;
    error: string;
    oomKilled: boolean;
  };
  /** HEALTHCHECK status while the container runs (see health.ts); undefined without a check. */
  health?: Health;
  /** A check given on the command line (--health-cmd …), over the image's. */
  healthcheck?: HealthConfig;
  /** Volumes, bind mounts and tmpfs mounts, resolved when the container was created. */
  mounts: ContainerMount[];
  /**
   * The networks it is connected to, by name (bridge, a user network, or host/none), with
   * its address on each while it runs (NetworkSettings.Networks).
   */
  networks: Record<string, EndpointSettings>;
  /** Published ports while it runs, as NetworkSettings.Ports shows them. */
  ports: Record<string, PortBinding[] | null>;
  logs: LogEntry[];
  /** Listeners to the container's output (attached clients, `logs -f`). */
  listeners: Set<(entry: LogEntry) => void>;
  exitWaiters: Array<(code: number, error?: string) => void>;
  restartCount: number;
  /** Stopped or killed by a user: no restart policy applies until it is started again. */
  manuallyStopped: boolean;
}

/** The containers by state, as `docker info` and dockerd's start-up line count them (stopped: neither running nor paused). */
export function containerCounts(containers: readonly Container[]): { total: number; running: number; paused: number; stopped: number } {
  const running = containers.filter((c) => c.state.status === 'running').length;
  const paused = containers.filter((c) => c.state.status === 'paused').length;
  return { total: containers.length, running, paused, stopped: containers.length - running - paused };
}

/** A new container record: what was asked for, and the state of one that never ran. */
export function newContainer(fields: Pick<Container, 'id' | 'name' | 'imageId' | 'imageName' | 'config' | 'hostConfig' | 'mounts'> & Partial<Pick<Container, 'healthcheck' | 'networks'>>): Container {
  return {
    networks: {},
    ports: {},
    ...fields,
    created: Date.now(),
    state: { status: 'created', pid: 0, exitCode: 0, startedAt: 0, finishedAt: 0, error: '', oomKilled: false },
    logs: [],
    listeners: new Set(),
    exitWaiters: [],
    restartCount: 0,
    manuallyStopped: false,
  };
}

export interface HealthConfig {
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export interface Health {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

export interface CreateRequest {
  image: string;
  name?: string;
  cmd?: string[];
  entrypoint?: string[] | null;
  env?: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  tty?: boolean;
  openStdin?: boolean;
  labels?: Record<string, string>;
  hostConfig?: Partial<HostConfig>;
  /** `--mount` specs, as the CLI was given them. */
  mounts?: string[];
  /** --health-cmd and friends (Test ["NONE"] for --no-healthcheck). */
  healthcheck?: HealthConfig;
  /** `--expose` ports ("80/tcp"). */
  exposedPorts?: string[];
  /** `--stop-signal` (a name such as SIGINT, or a number). */
  stopSignal?: string;
  /** `--network-alias` and `--ip` for the network of the container's network mode. */
  networking?: { aliases?: string[]; ip?: string };
}
