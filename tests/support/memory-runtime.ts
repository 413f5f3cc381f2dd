// MemoryRuntime: a ContainerRuntime that runs "containers" in memory, for unit-speed tests of
// the daemon and CLI. It interprets a few programs (true, false, echo, sleep, sh -c with
// `;`-separated echo/exit/sleep, /hello) and behaves like a PID 1 without signal handlers:
// SIGTERM is ignored, SIGKILL ends it with 137. A test fake, never the product: the
// conformance suite (tests/conformance/) runs the same tests against the real guest.
import type { Container, LogEntry } from '../../web/src/engine/models/container';
import type { Image } from '../../web/src/engine/models/image';
import { createTar, type TarEntry } from '../../web/src/engine/formats/tar';
import { RuntimeError, type ContainerRuntime, type ContainerStats, type ExecHandle, type NetworkInterface, type NetworkPlan } from '../../web/src/engine/runtime/runtime';
import type { RuntimeState } from '../../web/src/engine/models/daemon-state';

interface Running {
  kill(signal: number): void;
}

const enc = new TextEncoder();

/** Runs argv; resolves with the exit status. Steps run in order; `sleep` waits real time. */
function interpret(argv: string[], out: (text: string) => void, onKill: (kill: (signal: number) => void) => void): Promise<number> {
  const program = argv[0]?.split('/').pop() ?? '';
  const steps: string[][] =
    program === 'sh' && argv[1] === '-c' ? (argv[2] ?? '').split(';').map((s) => s.trim().split(/\s+/).filter(Boolean)) : [argv.map((a, i) => (i === 0 ? program : a))];
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(code);
    };
    onKill((signal) => signal === 9 && finish(137)); // PID 1 ignores what it has no handler for
    const next = (i: number): void => {
      if (done) return;
      const [cmd, ...args] = steps[i] ?? [];
      if (cmd === undefined) return finish(0);
      switch (cmd) {
        case 'true': return next(i + 1);
        case 'false': return finish(1);
        case 'exit': return finish(Number(args[0] ?? 0));
        case 'echo': out(`${args.join(' ').replace(/^"|"$/g, '')}\n`); return next(i + 1);
        case 'hello': out('\nHello from Drydock!\n'); return next(i + 1);
        case 'sleep': timer = setTimeout(() => next(i + 1), Number(args[0] ?? 0) * 1000); return;
        default: out(`sh: ${cmd}: not found\n`); return finish(127);
      }
    };
    next(0);
  });
}

const KNOWN = new Set(['true', 'false', 'echo', 'sleep', 'sh', 'hello']);

export class MemoryRuntime implements ContainerRuntime {
  private readonly layers = new Set<string>();
  private readonly running = new Map<string, Running>();

  // The fake has no machine to snapshot: the engine's own state is all it keeps.
  saveState(): RuntimeState {
    return { initialized: true, layers: [...this.layers], bridges: [...this.bridges], processes: {} };
  }
  resume(state: RuntimeState): Map<string, Promise<number>> {
    state.layers.forEach((d) => this.layers.add(d));
    state.bridges.forEach((b) => this.bridges.add(b));
    return new Map();
  }
  get busy(): boolean {
    return false;
  }

  hasLayer(diffId: string): boolean {
    return this.layers.has(diffId);
  }
  async unpackLayer(diffId: string): Promise<void> {
    this.layers.add(diffId);
  }
  async attachLazyLayer(diffId: string): Promise<void> {
    this.layers.add(diffId);
  }
  async removeLayers(diffIds: string[]): Promise<void> {
    diffIds.forEach((d) => this.layers.delete(d));
  }
  async create(): Promise<void> {}

  /** What the guest would have: bridges, each container's network plan and /etc/hosts. */
  readonly bridges = new Set<string>();
  readonly plans = new Map<string, NetworkPlan>();
  readonly hosts = new Map<string, string>();

  start(container: Container, _image: Image, onOutput: (entry: LogEntry) => void, network?: NetworkPlan): { exited: Promise<number>; started: Promise<void> } {
    if (network) {
      this.plans.set(container.id, network);
      this.hosts.set(container.id, network.hosts);
    }
    const argv = [...container.config.Entrypoint, ...container.config.Cmd];
    const program = argv[0]?.split('/').pop() ?? '';
    if (!KNOWN.has(program)) {
      return { exited: Promise.reject(new RuntimeError(`exec: "${argv[0]}": executable file not found in $PATH`, 127)), started: new Promise(() => {}) };
    }
    let kill: (signal: number) => void = () => {};
    const exited = interpret(argv, (text) => onOutput({ stream: 1, time: Date.now(), data: enc.encode(text) }), (k) => (kill = k));
    this.running.set(container.id, { kill: (s) => kill(s) });
    return { exited: exited.finally(() => this.running.delete(container.id)), started: Promise.resolve() };
  }

  exec(_c: Container, options: { cmd: string[] }, onOutput: (stream: 1 | 2, data: Uint8Array) => void): ExecHandle {
    let kill: (signal: number) => void = () => {};
    const program = options.cmd[0]?.split('/').pop() ?? '';
    const exited = KNOWN.has(program)
      ? interpret(options.cmd, (text) => onOutput(1, enc.encode(text)), (k) => (kill = k))
      : Promise.reject(new RuntimeError(`exec: "${options.cmd[0]}": executable file not found in $PATH`, 127));
    return { exited, write: () => {}, resize: () => {}, kill: (s) => kill(s) };
  }

  signal(container: Container, signal: number): void {
    this.running.get(container.id)?.kill(signal);
  }
  writeStdin(): void {}
  resize(): void {}
  async freeze(): Promise<void> {}
  async oomKilled(): Promise<boolean> {
    return false;
  }
  async top(container: Container): Promise<string> {
    return `USER PID PPID TTY COMMAND\nroot 10 9 ? ${[...container.config.Entrypoint, ...container.config.Cmd].join(' ')}\n`;
  }
  async diff(): Promise<Array<{ kind: 'A' | 'C' | 'D'; path: string }>> {
    return [];
  }
  async copy(): Promise<number> {
    return 0;
  }
  async stats(): Promise<ContainerStats> {
    return { memory: 0, memoryLimit: 128 * 1024 * 1024, pids: 1, cpuUsec: 0, netRx: 0, netTx: 0, at: performance.now() };
  }
  // Sizes a test may set: nothing is written in memory, so both are 0 unless a test says.
  async writableSize(_container: Container): Promise<number> {
    return 0;
  }
  async directorySize(_path: string): Promise<number> {
    return 0;
  }
  async hostInfo(): Promise<{ kernel: string; memTotal: number; cpus: number; hostname: string }> {
    return { kernel: 'memory', memTotal: 128 * 1024 * 1024, cpus: 1, hostname: 'drydock' };
  }
  async remove(container: Container): Promise<void> {
    this.running.delete(container.id);
  }
  /** Containers here change no files: every layer they make is empty. */
  async exportChanges(): Promise<Uint8Array> {
    return createTar([]);
  }
  /** The guest's own files, for tests to fill: directory path → its entries. */
  readonly hostFiles = new Map<string, TarEntry[]>();
  async archiveHostPath(path: string): Promise<{ directory: boolean; tar: Uint8Array } | null> {
    const clean = path.replace(/\/+$/, '');
    const entries = this.hostFiles.get(clean);
    if (entries) return { directory: true, tar: createTar(entries) };
    const slash = clean.lastIndexOf('/');
    const file = this.hostFiles.get(clean.slice(0, slash))?.find((e) => e.path === clean.slice(slash + 1));
    return file ? { directory: false, tar: createTar([file]) } : null;
  }
  /** The fake's containers have no files of their own: an export is its image's layers' worth (none). */
  async exportFilesystem(): Promise<Uint8Array> {
    return createTar([{ type: 'dir', path: 'etc/' }]);
  }
  async writeHostFile(path: string, data: Uint8Array): Promise<void> {
    const slash = path.lastIndexOf('/');
    const dir = path.slice(0, slash);
    const entries = (this.hostFiles.get(dir) ?? []).filter((e) => e.path !== path.slice(slash + 1));
    entries.push({ type: 'file', path: path.slice(slash + 1), data, mode: 0o644 } as TarEntry);
    this.hostFiles.set(dir, entries);
  }
  async archiveImagePaths(): Promise<Uint8Array> {
    return createTar([]);
  }
  async statImagePaths(): Promise<Uint8Array> {
    return createTar([]);
  }
  readonly volumeDirs = new Set<string>();
  async createVolumeDir(mountpoint: string): Promise<void> {
    this.volumeDirs.add(mountpoint);
  }
  async removeVolumeDir(mountpoint: string): Promise<void> {
    this.volumeDirs.delete(mountpoint);
  }
  async hostPathExists(path: string, create: boolean): Promise<boolean> {
    return create || this.hostFiles.has(path);
  }
  async createBridge(bridge: string): Promise<void> {
    this.bridges.add(bridge);
  }
  async removeBridge(bridge: string): Promise<void> {
    this.bridges.delete(bridge);
  }
  async connectInterface(container: Container, iface: NetworkInterface): Promise<void> {
    this.plans.get(container.id)?.interfaces.push(iface);
  }
  async disconnectInterface(container: Container, iface: NetworkInterface): Promise<void> {
    const plan = this.plans.get(container.id);
    if (plan) plan.interfaces = plan.interfaces.filter((i) => i.hostInterface !== iface.hostInterface);
  }
  async writeHosts(files: Array<{ container: Container; hosts: string }>): Promise<void> {
    for (const f of files) this.hosts.set(f.container.id, f.hosts);
  }
  /** No servers in memory: a published port answers 502, anything else is refused. */
  async hostRequest(port: number): Promise<Uint8Array> {
    const published = [...this.plans.entries()].some(([id, plan]) => this.running.has(id) && plan.ports.some((p) => p.hostPort === port));
    if (!published) throw new Error(`connect 127.0.0.1:${port}: Connection refused`);
    return enc.encode('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
  }
}
