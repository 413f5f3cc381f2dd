// MemoryRuntime: a ContainerRuntime that runs "containers" in memory, for unit-speed tests of
// the daemon and CLI. It interprets a few programs (true, false, echo, sleep, cat, rm, sh -c
// with `;`-separated steps, /hello) and behaves like a PID 1 without signal handlers: SIGTERM
// is ignored, SIGKILL ends it with 137. Containers get files as overlayfs gives them: the
// image's layers (read from their tars) under a writable upper tree. A test fake, never the
// product: the conformance suites (tests/conformance/) run the same tests against the guest.
import type { Container, LogEntry } from '../../web/src/engine/models/container';
import type { Image } from '../../web/src/engine/models/image';
import { createTar, readTar, type TarEntry } from '../../web/src/engine/formats/tar';
import { OPAQUE } from '../../web/src/engine/formats/whiteouts';
import { RuntimeError, type ContainerRuntime, type ContainerStats, type ExecHandle, type NetworkInterface, type NetworkPlan } from '../../web/src/engine/runtime/runtime';
import type { RuntimeState } from '../../web/src/engine/models/daemon-state';

interface Running {
  kill(signal: number): void;
  stdin(data: Uint8Array): void;
}

/** A root filesystem by path (no leading `/`); null is a deletion (an overlay whiteout). */
type Tree = Map<string, TarEntry | null>;

/** What an interpreted program reaches: its output, its stdin, its container's files. */
interface ProcessIO {
  out(stream: 1 | 2, data: Uint8Array): void;
  onKill(kill: (signal: number) => void): void;
  onStdin(read: (data: Uint8Array) => void): void;
  files?: { read(path: string): Uint8Array | undefined; write(path: string, data: Uint8Array, append: boolean): void; remove(path: string): boolean };
}

const enc = new TextEncoder();
const clean = (path: string) => path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
const parentsOf = (path: string) => path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'));
const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/**
 * Runs argv; resolves with the exit status. Steps run in order; `sleep` waits real time, `cat`
 * without a file copies stdin until it closes, and `>`, `>>`, `>&2` redirect a step's output.
 */
function interpret(argv: string[], io: ProcessIO): Promise<number> {
  const program = argv[0]?.split('/').pop() ?? '';
  const steps: string[][] =
    program === 'sh' && argv[1] === '-c' ? (argv[2] ?? '').split(';').map((s) => s.trim().split(/\s+/).filter(Boolean)) : [argv.map((a, i) => (i === 0 ? program : a))];
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    let reader: ((data: Uint8Array) => void) | undefined;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(code);
    };
    io.onKill((signal) => signal === 9 && finish(137)); // PID 1 ignores what it has no handler for
    io.onStdin((data) => reader?.(data));
    const next = (i: number): void => {
      if (done) return;
      const step = steps[i] ?? [];
      const at = step.findIndex((t) => t === '>' || t === '>>' || t === '>&2');
      const [cmd, ...args] = at < 0 ? step : step.slice(0, at);
      const target = at < 0 ? undefined : step[at + 1];
      const out = (text: string | Uint8Array) => {
        const data = typeof text === 'string' ? enc.encode(text) : text;
        if (step[at] === '>&2') io.out(2, data);
        else if (target && io.files) io.files.write(target, data, true);
        else io.out(1, data);
      };
      if (target && io.files && step[at] === '>') io.files.write(target, new Uint8Array(0), false);
      switch (cmd) {
        case undefined: return finish(0);
        case 'true': return next(i + 1);
        case 'false': return finish(1);
        case 'exit': return finish(Number(args[0] ?? 0));
        case 'echo': out(`${args.join(' ').replace(/^"|"$/g, '')}\n`); return next(i + 1);
        case 'hello': out('\nHello from Drydock!\n'); return next(i + 1);
        case 'sleep': timer = setTimeout(() => next(i + 1), Number(args[0] ?? 0) * 1000); return;
        case 'rm':
          if (args.every((p) => io.files?.remove(p))) return next(i + 1);
          io.out(2, enc.encode(`rm: can't remove '${args[0]}': No such file or directory\n`));
          return finish(1);
        case 'cat': {
          if (!args.length) {
            // stdin until it closes (an empty chunk)
            reader = (data) => (data.length ? out(data) : ((reader = undefined), next(i + 1)));
            return;
          }
          for (const p of args) {
            const data = io.files?.read(p);
            if (!data) {
              io.out(2, enc.encode(`cat: can't open '${p}': No such file or directory\n`));
              return finish(1);
            }
            out(data);
          }
          return next(i + 1);
        }
        default: io.out(1, enc.encode(`sh: ${cmd}: not found\n`)); return finish(127);
      }
    };
    next(0);
  });
}

const KNOWN = new Set(['true', 'false', 'echo', 'sleep', 'sh', 'hello', 'cat', 'rm']);

export class MemoryRuntime implements ContainerRuntime {
  /** Layers' tars, read when a container first needs their files (most tests never do). */
  private readonly layers = new Map<string, { tar?: Uint8Array; entries?: TarEntry[] }>();
  private readonly running = new Map<string, Running>();
  /** Each container's writable layer (the overlay upper dir) and the image under it. */
  private readonly uppers = new Map<string, Tree>();
  private readonly images = new Map<string, Image>();

  // The fake has no machine to snapshot: the engine's own state is all it keeps.
  saveState(): RuntimeState {
    return { initialized: true, layers: [...this.layers.keys()], bridges: [...this.bridges], processes: {} };
  }
  resume(state: RuntimeState): Map<string, Promise<number>> {
    state.layers.forEach((d) => this.layers.set(d, {}));
    state.bridges.forEach((b) => this.bridges.add(b));
    return new Map();
  }
  get busy(): boolean {
    return false;
  }

  hasLayer(diffId: string): boolean {
    return this.layers.has(diffId);
  }
  async unpackLayer(diffId: string, tar: Uint8Array): Promise<void> {
    if (!this.layers.has(diffId)) this.layers.set(diffId, { tar });
  }
  async attachLazyLayer(diffId: string): Promise<void> {
    this.layers.set(diffId, {});
  }
  async removeLayers(diffIds: string[]): Promise<void> {
    diffIds.forEach((d) => this.layers.delete(d));
  }

  /** The image's root as its layers stack up: each one's `.wh.` entries hide what is below. */
  private imageTree(image: Image): Map<string, TarEntry> {
    const tree = new Map<string, TarEntry>();
    const drop = (dir: string, self: boolean) => [...tree.keys()].forEach((p) => under(p, dir) && (self || p !== dir) && tree.delete(p));
    for (const { diffId } of image.layers) {
      const layer = this.layers.get(diffId);
      if (!layer) continue;
      layer.entries ??= layer.tar ? readTar(layer.tar) : [];
      const kept: TarEntry[] = [];
      // A layer's whiteouts hide what the layers below have, never its own files.
      for (const e of layer.entries) {
        const path = clean(e.path);
        const slash = path.lastIndexOf('/');
        const base = path.slice(slash + 1);
        if (base === OPAQUE) drop(path.slice(0, Math.max(slash, 0)), false);
        else if (base.startsWith('.wh.')) drop(`${path.slice(0, slash + 1)}${base.slice(4)}`, true);
        else kept.push({ ...e, path });
      }
      for (const e of kept) tree.set(e.path, e);
    }
    return tree;
  }
  /** The container's root: its upper tree over its image's. */
  private rootTree(id: string, image = this.images.get(id)): Map<string, TarEntry> {
    const tree = image ? this.imageTree(image) : new Map<string, TarEntry>();
    for (const [path, entry] of [...(this.uppers.get(id) ?? [])].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (entry) tree.set(path, entry);
      else [...tree.keys()].forEach((p) => under(p, path) && tree.delete(p));
    }
    return tree;
  }
  private upper(id: string): Tree {
    let tree = this.uppers.get(id);
    if (!tree) this.uppers.set(id, (tree = new Map()));
    return tree;
  }
  /** Writes into the upper tree, copying up the parent directories as overlayfs does. */
  private putFile(id: string, entry: TarEntry): void {
    const upper = this.upper(id);
    const root = this.rootTree(id);
    for (const dir of parentsOf(entry.path)) if (!upper.get(dir)) upper.set(dir, root.get(dir) ?? { type: 'dir', path: dir, mode: 0o755 });
    upper.set(entry.path, entry);
  }
  private containerFiles(id: string): ProcessIO['files'] {
    return {
      read: (path) => {
        const e = this.rootTree(id).get(clean(path));
        return e?.type === 'file' ? e.data : undefined;
      },
      write: (path, data, append) => {
        const old = this.rootTree(id).get(clean(path));
        const before = append && old?.type === 'file' ? old.data : new Uint8Array(0);
        this.putFile(id, { type: 'file', path: clean(path), data: new Uint8Array([...before, ...data]), mode: old?.mode ?? 0o644 });
      },
      remove: (path) => {
        const p = clean(path);
        if (!this.rootTree(id).has(p)) return false;
        const upper = this.upper(id);
        const root = this.rootTree(id);
        for (const dir of parentsOf(p)) if (!upper.get(dir)) upper.set(dir, root.get(dir)!);
        [...upper.keys()].forEach((k) => under(k, p) && upper.delete(k));
        if (this.images.has(id) && this.imageTree(this.images.get(id)!).has(p)) upper.set(p, null);
        return true;
      },
    };
  }

  async create(): Promise<void> {}

  /** What the guest would have: bridges, each container's network plan and /etc/hosts. */
  readonly bridges = new Set<string>();
  readonly plans = new Map<string, NetworkPlan>();
  readonly hosts = new Map<string, string>();

  start(container: Container, image: Image, onOutput: (entry: LogEntry) => void, network?: NetworkPlan): { exited: Promise<number>; started: Promise<void> } {
    if (network) {
      this.plans.set(container.id, network);
      this.hosts.set(container.id, network.hosts);
    }
    this.images.set(container.id, image);
    const argv = [...container.config.Entrypoint, ...container.config.Cmd];
    const program = argv[0]?.split('/').pop() ?? '';
    if (!KNOWN.has(program)) {
      return { exited: Promise.reject(new RuntimeError(`exec: "${argv[0]}": executable file not found in $PATH`, 127)), started: new Promise(() => {}) };
    }
    const proc = this.spawn(container, argv, (stream, data) => onOutput({ stream, time: Date.now(), data }));
    this.running.set(container.id, proc);
    return { exited: proc.exited.finally(() => this.running.delete(container.id)), started: Promise.resolve() };
  }
  private spawn(container: Container, argv: string[], out: ProcessIO['out']): Running & { exited: Promise<number> } {
    let kill: (signal: number) => void = () => {};
    let stdin: (data: Uint8Array) => void = () => {};
    const exited = interpret(argv, { out, onKill: (k) => (kill = k), onStdin: (read) => (stdin = read), files: this.containerFiles(container.id) });
    return { exited, kill: (s) => kill(s), stdin: (d) => stdin(d) };
  }

  exec(container: Container, options: { cmd: string[] }, onOutput: (stream: 1 | 2, data: Uint8Array) => void): ExecHandle {
    const program = options.cmd[0]?.split('/').pop() ?? '';
    if (!KNOWN.has(program)) {
      return { exited: Promise.reject(new RuntimeError(`exec: "${options.cmd[0]}": executable file not found in $PATH`, 127)), write: () => {}, resize: () => {}, kill: () => {} };
    }
    const proc = this.spawn(container, options.cmd, onOutput);
    return { exited: proc.exited, write: (d) => proc.stdin(d), resize: () => {}, kill: (s) => proc.kill(s) };
  }

  signal(container: Container, signal: number): void {
    this.running.get(container.id)?.kill(signal);
  }
  writeStdin(container: Container, data: Uint8Array): void {
    if (container.config.OpenStdin) this.running.get(container.id)?.stdin(data);
  }
  resize(): void {}
  async freeze(): Promise<void> {}
  async oomKilled(): Promise<boolean> {
    return false;
  }
  async top(container: Container): Promise<string> {
    return `USER PID PPID TTY COMMAND\nroot 10 9 ? ${[...container.config.Entrypoint, ...container.config.Cmd].join(' ')}\n`;
  }
  /** The upper tree as `docker diff` lists it: D a whiteout, C over the image's path, else A. */
  async diff(container: Container, image: Image): Promise<Array<{ kind: 'A' | 'C' | 'D'; path: string }>> {
    const lower = this.imageTree(image);
    return [...(this.uppers.get(container.id) ?? [])]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, e]) => ({ kind: !e ? 'D' : lower.has(path) ? 'C' : 'A', path }));
  }
  /** `cp -a` between the guest's files and the container's root (or a mount's source). */
  async copy(container: Container, image: Image, direction: 'in' | 'out', hostPath: string, containerPath: string): Promise<number> {
    this.images.set(container.id, image);
    const inside = `/${clean(containerPath)}`;
    const mount = container.mounts
      .filter((m) => m.Type !== 'tmpfs' && under(inside, m.Destination.replace(/\/$/, '')))
      .sort((a, b) => b.Destination.length - a.Destination.length)[0];
    if (mount && !mount.RW && direction === 'in') throw new Error('mounted volume is marked read-only');
    const host = { tree: () => this.hostTree(), put: (e: TarEntry) => this.putHost(`/${e.path}`, e) };
    const box = mount
      ? { tree: host.tree, put: host.put, path: `${mount.Source}${inside.slice(mount.Destination.replace(/\/$/, '').length)}` }
      : { tree: () => this.rootTree(container.id), put: (e: TarEntry) => this.putFile(container.id, e), path: inside };
    const [from, to] = direction === 'out' ? [box, { ...host, path: hostPath }] : [{ ...host, path: hostPath }, box];
    const src = clean(from.path);
    const tree = from.tree();
    if (!tree.has(src) && src !== '') throw new Error('missing');
    const dst = to.tree().get(clean(to.path))?.type === 'dir' ? `${clean(to.path)}/${src.split('/').pop()}` : clean(to.path);
    const base = src.slice(0, src.lastIndexOf('/') + 1);
    const copied = [...tree.values()].filter((e) => under(e.path, src)).sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const e of copied) to.put({ ...e, path: `${dst}${e.path.slice(src.length)}` });
    return createTar(copied.map((e) => ({ ...e, path: e.path.slice(base.length) }))).length;
  }
  async stats(): Promise<ContainerStats> {
    return { memory: 0, memoryLimit: 128 * 1024 * 1024, pids: 1, cpuUsec: 0, netRx: 0, netTx: 0, at: performance.now() };
  }
  /** The bytes of the files in the writable layer. */
  async writableSize(container: Container): Promise<number> {
    return [...(this.uppers.get(container.id)?.values() ?? [])].reduce((n, e) => n + (e?.type === 'file' ? e.data.length : 0), 0);
  }
  async directorySize(path: string): Promise<number> {
    const dir = clean(path);
    return [...this.hostTree().values()].reduce((n, e) => n + (e.type === 'file' && under(e.path, dir) ? e.data.length : 0), 0);
  }
  async hostInfo(): Promise<{ kernel: string; memTotal: number; cpus: number; hostname: string }> {
    return { kernel: 'memory', memTotal: 128 * 1024 * 1024, cpus: 1, hostname: 'drydock' };
  }
  async remove(container: Container): Promise<void> {
    this.running.delete(container.id);
    this.uppers.delete(container.id);
    this.images.delete(container.id);
  }
  /** The upper tree as an OCI layer: deletions as `.wh.` files. */
  async exportChanges(container: Container): Promise<Uint8Array> {
    const entries = [...(this.uppers.get(container.id) ?? [])].map(([path, e]): TarEntry => {
      if (e) return e;
      const slash = path.lastIndexOf('/');
      return { type: 'file', path: `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, data: new Uint8Array(0), mode: 0o600 };
    });
    return createTar(entries.sort((a, b) => (a.path < b.path ? -1 : 1)));
  }
  async exportFilesystem(container: Container, image: Image): Promise<Uint8Array> {
    return createTar([...this.rootTree(container.id, image).values()].sort((a, b) => (a.path < b.path ? -1 : 1)));
  }

  /**
   * The guest's own files, for tests to fill: directory path → its entries (paths relative to
   * it); a directory with no entries is an empty one.
   */
  readonly hostFiles = new Map<string, TarEntry[]>();
  /** Every host path (no leading `/`) with its entry: the directories above files are implied. */
  private hostTree(): Map<string, TarEntry> {
    const tree = new Map<string, TarEntry>();
    const dir = (path: string) => path && !tree.has(path) && tree.set(path, { type: 'dir', path, mode: 0o755 });
    for (const [d, entries] of this.hostFiles) {
      const base = clean(d);
      [...parentsOf(base), base].forEach(dir);
      for (const e of entries) {
        const path = clean(`${base}/${clean(e.path)}`);
        parentsOf(path).forEach(dir);
        tree.set(path, { ...e, path });
      }
    }
    return tree;
  }
  private putHost(path: string, entry: TarEntry): void {
    const p = `/${clean(path)}`;
    if (entry.type === 'dir') return void (this.hostFiles.has(p) || this.hostFiles.set(p, []));
    const slash = p.lastIndexOf('/');
    const [dir, name] = [p.slice(0, slash), p.slice(slash + 1)];
    this.hostFiles.set(dir, [...(this.hostFiles.get(dir) ?? []).filter((e) => clean(e.path) !== name), { ...entry, path: name }]);
  }
  async archiveHostPath(path: string): Promise<{ directory: boolean; tar: Uint8Array } | null> {
    const p = clean(path);
    const tree = this.hostTree();
    const entry = tree.get(p);
    if (!entry) return null;
    if (entry.type !== 'dir') return { directory: false, tar: createTar([{ ...entry, path: p.split('/').pop()! }]) };
    const inside = [...tree.values()].filter((e) => e.path.startsWith(`${p}/`)).sort((a, b) => (a.path < b.path ? -1 : 1));
    return { directory: true, tar: createTar(inside.map((e) => ({ ...e, path: e.path.slice(p.length + 1) }))) };
  }
  async writeHostFile(path: string, data: Uint8Array, mode = 0o644): Promise<void> {
    this.putHost(path, { type: 'file', path, data, mode });
  }
  async archiveImagePaths(image: Image, paths: string[]): Promise<Uint8Array> {
    const tree = this.imageTree(image);
    const missing = paths.find((p) => !tree.has(clean(p)));
    if (missing !== undefined) throw new Error(`"/${clean(missing)}": not found`);
    return createTar([...tree.values()].filter((e) => paths.some((p) => under(e.path, clean(p)))).sort((a, b) => (a.path < b.path ? -1 : 1)));
  }
  async statImagePaths(image: Image, paths: string[]): Promise<Uint8Array> {
    const tree = this.imageTree(image);
    return createTar(paths.flatMap((p) => tree.get(clean(p)) ?? []));
  }
  /** A new volume's directory; an empty one gets the image's files at the seed path. */
  async createVolumeDir(mountpoint: string, seed?: { image: Image; path: string }): Promise<void> {
    this.putHost(mountpoint, { type: 'dir', path: mountpoint });
    if (!seed) return;
    const from = clean(seed.path);
    const image = this.imageTree(seed.image);
    const host = this.hostTree();
    if (image.get(from)?.type !== 'dir' || [...host.keys()].some((p) => p.startsWith(`${clean(mountpoint)}/`))) return;
    for (const e of image.values()) if (e.path.startsWith(`${from}/`)) this.putHost(`${mountpoint}/${e.path.slice(from.length + 1)}`, e);
  }
  async removeVolumeDir(mountpoint: string): Promise<void> {
    const dir = `/${clean(mountpoint.replace(/\/_data$/, ''))}`;
    for (const [d, entries] of this.hostFiles) {
      if (under(d, dir)) this.hostFiles.delete(d);
      else this.hostFiles.set(d, entries.filter((e) => !under(`${d}/${clean(e.path)}`, dir)));
    }
  }
  async hostPathExists(path: string, create: boolean): Promise<boolean> {
    if (clean(path) === '' || this.hostTree().has(clean(path))) return true;
    if (create) this.putHost(path, { type: 'dir', path });
    return create;
  }
  async createBridge(bridge: string): Promise<void> {
    this.bridges.add(bridge);
  }
  async removeBridge(bridge: string): Promise<void> {
    this.bridges.delete(bridge);
  }
  /** As drydock-run --net-attach: only into a running container's namespace. */
  async connectInterface(container: Container, iface: NetworkInterface): Promise<void> {
    if (!this.running.has(container.id)) throw new RuntimeError('container is not running', 125);
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
