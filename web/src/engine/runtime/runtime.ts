// ContainerRuntime: everything the daemon needs done where containers live. GuestRuntime does it
// in the v86 guest (drydock-run, the agent, 9p); tests/support/memory-runtime.ts does it in
// memory for unit-speed tests. tests/conformance/ holds the suite both must pass.
import type { Container, LogEntry } from '../models/container';
import type { Image } from '../models/image';
import type { RuntimeState } from '../models/daemon-state';

/** A runtime failure before the container's command ran (drydock-run's own error). */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export interface ExecHandle {
  /** The exit status; rejects with RuntimeError when the command could not be started. */
  exited: Promise<number>;
  /** Input (an empty array closes stdin). */
  write(data: Uint8Array): void;
  resize(rows: number, cols: number): void;
  kill(signal: number): void;
}

/** One network interface of a container: a veth from the guest's bridge. */
export interface NetworkInterface {
  bridge: string;
  /** The veth end left on the guest's side (vethXXXXXXX). */
  hostInterface: string;
  /** Its name inside the container: eth0, eth1, … */
  name: string;
  address: string;
  prefixLen: number;
  gateway: string;
  mac: string;
}

/** A published port: the guest listens on hostIp:hostPort and relays to the container. */
export interface PortProxy {
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

/** How a container is networked when it starts. */
export interface NetworkPlan {
  mode: 'none' | 'host' | 'bridge';
  interfaces: NetworkInterface[];
  ports: PortProxy[];
  /** The container's /etc/hosts. */
  hosts: string;
  /** Variables its legacy links give it (`DB_PORT=…`); its own environment wins over them. */
  env?: string[];
}

export interface ContainerStats {
  memory: number;
  memoryLimit: number;
  pids: number;
  cpuUsec: number;
  /** Bytes the container received and sent on its network interfaces. */
  netRx: number;
  netTx: number;
  at: number;
}

/** What a machine snapshot needs of the runtime: its state, taken and resumed. */
export interface RuntimeSnapshots {
  /** Taken at the instant the machine is saved (synchronously). */
  saveState(): RuntimeState;
  /**
   * Takes over a guest restored from a snapshot saved with `state`, and follows again the
   * processes of the containers that ran in it: their exit statuses, by container ID.
   */
  resume(state: RuntimeState, running: Array<{ container: Container; onOutput: (entry: LogEntry) => void }>): Map<string, Promise<number>>;
  /** Guest work in flight, other than following containers (a snapshot now would cut it off). */
  readonly busy: boolean;
}

/** Image layers in the guest: unpacked, attached lazily, removed; read for COPY --from and `docker cp`. */
export interface LayerRuntime {
  hasLayer(diffId: string): boolean;
  unpackLayer(diffId: string, tar: Uint8Array): Promise<void>;
  /**
   * Makes a large layer available without unpacking it: its files' index (v86's 9p format,
   * `{ version, size, fsroot }`) is attached, and each file is fetched when first read.
   */
  attachLazyLayer(diffId: string, index: { fsroot: unknown[] }): Promise<void>;
  removeLayers(diffIds: string[]): Promise<void>;
  /** A tar of paths (relative to /) in an image's filesystem, e.g. for COPY --from. */
  archiveImagePaths(image: Image, paths: string[]): Promise<Uint8Array>;
  /** Tar headers (no contents, no recursion) of those of the paths that exist in the image. */
  statImagePaths(image: Image, paths: string[]): Promise<Uint8Array>;
}

/** Containers' processes and filesystems: create, start, exec, signals, terminals, what they hold. */
export interface TaskRuntime {
  create(container: Container): Promise<void>;
  /**
   * Starts the container's process; `exited` rejects with RuntimeError if it never ran, and
   * `started` resolves once its command runs (it never does when the command could not run).
   * Without a network plan the container has only `lo` (the builder's RUN steps).
   */
  start(container: Container, image: Image, onOutput: (entry: LogEntry) => void, network?: NetworkPlan): { exited: Promise<number>; started: Promise<void> };
  exec(
    container: Container,
    options: { cmd: string[]; env: string[]; workdir: string; user: string; tty: boolean; stdin: boolean; privileged?: boolean },
    onOutput: (stream: 1 | 2, data: Uint8Array) => void,
  ): ExecHandle;
  /** Signals the container's PID 1. */
  signal(container: Container, signal: number): void;
  writeStdin(container: Container, data: Uint8Array): void;
  resize(container: Container, rows: number, cols: number): void;
  freeze(container: Container, frozen: boolean): Promise<void>;
  oomKilled(container: Container): Promise<boolean>;
  /** `ps` output (header line, then USER PID PPID TTY ARGS). */
  top(container: Container): Promise<string>;
  diff(container: Container, image: Image): Promise<Array<{ kind: 'A' | 'C' | 'D'; path: string }>>;
  copy(container: Container, image: Image, direction: 'in' | 'out', hostPath: string, containerPath: string): Promise<number>;
  stats(container: Container): Promise<ContainerStats>;
  writableSize(container: Container): Promise<number>;
  remove(container: Container): Promise<void>;
  /**
   * The container's filesystem changes as an OCI layer tar (deletions as `.wh.` whiteouts),
   * without what the runtime itself put there (/proc, /dev, the /etc files it binds).
   */
  exportChanges(container: Container): Promise<Uint8Array>;
  /** The container's whole filesystem as a tar (`docker export`): its image with its changes. */
  exportFilesystem(container: Container, image: Image): Promise<Uint8Array>;
}

/** The guest machine's own files: volumes' directories, bind-mount sources, files the engine places. */
export interface HostFiles {
  /** A tar of a file or directory (its contents) on the guest's own filesystem; null if missing. */
  archiveHostPath(path: string): Promise<{ directory: boolean; tar: Uint8Array } | null>;
  /** Writes a file on the guest's own filesystem (its directory made if missing). */
  writeHostFile(path: string, data: Uint8Array, mode?: number): Promise<void>;
  /**
   * Makes a volume's directory; an empty new volume first gets what the image has at the path
   * it is mounted on (as Docker copies it).
   */
  createVolumeDir(mountpoint: string, seed?: { image: Image; path: string }): Promise<void>;
  removeVolumeDir(mountpoint: string): Promise<void>;
  /** Whether a path exists in the guest; `create` makes a missing one a directory (`-v`). */
  hostPathExists(path: string, create: boolean): Promise<boolean>;
  /** Bytes a guest directory holds (a volume's data, for `docker system df`); 0 when unknown. */
  directorySize?(path: string): Promise<number>;
  hostInfo(): Promise<{ kernel: string; memTotal: number; cpus: number; hostname: string }>;
}

/** Bridges, containers' interfaces, hosts files, and the guest's ports (the preview). */
export interface NetworkRuntime {
  /** Makes the guest's bridge for a network (idempotent), with the gateway address on it. */
  createBridge(bridge: string, gateway: string, prefixLen: number): Promise<void>;
  removeBridge(bridge: string): Promise<void>;
  /** `docker network connect` for a running container; disconnect removes the interface. */
  connectInterface(container: Container, iface: NetworkInterface): Promise<void>;
  disconnectInterface(container: Container, iface: NetworkInterface): Promise<void>;
  /** Rewrites running containers' /etc/hosts in place (their peers came or went). */
  writeHosts(files: Array<{ container: Container; hosts: string }>): Promise<void>;
  /** Sends bytes to a TCP port of the guest itself and returns all it answers (the preview). */
  hostRequest(port: number, request: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
}

/**
 * What the daemon drives: the guest (guest-runtime.ts) or, in fast tests, memory. Split in narrow
 * parts, so that a service can say which part it needs (networks need only NetworkRuntime).
 */
export type ContainerRuntime = RuntimeSnapshots & LayerRuntime & TaskRuntime & HostFiles & NetworkRuntime;
