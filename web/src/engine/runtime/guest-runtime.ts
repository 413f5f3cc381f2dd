// GuestRuntime: what the daemon does inside the guest — unpack image layers, prepare a
// container's directories and files, start it with drydock-run (namespaces, overlay root,
// cgroup), signal it, and clean up. Everything goes through the agent (engine channel) and the
// 9p share; nothing here knows about the CLI or the API.
// One file past ~500 lines: it implements all of ContainerRuntime's parts (layers, tasks, host
// files, networks, snapshots) for the guest, and they share the 9p staging, the layer
// bookkeeping and the running processes' table; the daemon's services each ask for their part.
import type { GuestProcess } from '../guest/agent-client';
import type { GuestMachine } from '../guest/guest-machine';
import type { Container, LogEntry } from '../models/container';
import type { Image } from '../models/image';
import { createTar, readTar, type TarEntry } from '../formats/tar';
import { capabilityMask } from './capabilities';
import { PACKAGE_PORT } from '../daemon/package-world';
import { hasWhiteouts, ociToOverlay, OPAQUE, overlayToOci } from '../formats/whiteouts';
import { RuntimeError, type ContainerRuntime, type ContainerStats, type ExecHandle, type NetworkInterface, type NetworkPlan } from './runtime';
import type { RuntimeState } from '../models/daemon-state';

const ROOT = '/var/lib/drydock';
const CGROUP_ROOT = '/sys/fs/cgroup/drydock';
/** Where the layer disk (guest/layer-disk.ts) is mounted, read-only, once per boot. */
const LAYER_DISK = `${ROOT}/disk`;
const hex = (digest: string) => digest.replace(/^sha256:/, '');
const randomId = () => Math.random().toString(36).slice(2, 10);

export { RuntimeError };

const RUNTIME_ERROR = 'drydock-run: ';

/**
 * Keeps drydock-run's own error (its first output, written before the command ever ran) out of
 * the command's output: it is the daemon's to report. With a terminal (-t) it arrives on the one
 * stream there is. `settle` turns the exit status into a RuntimeError when that is what it was.
 */
function runtimeErrorFilter(tty: boolean, pass: (stream: 1 | 2, data: Uint8Array) => void, onStarted?: () => void) {
  let first = true;
  let failure = '';
  let waiting = !!onStarted;
  return {
    output: (stream: 1 | 2) => (data: Uint8Array) => {
      const text = first && (stream === 2 || tty) ? new TextDecoder().decode(data) : '';
      if (stream === 2 || tty) first = false;
      if (text.startsWith(RUNTIME_ERROR)) return void (failure = text.slice(RUNTIME_ERROR.length).trim());
      // drydock-run --notify-start marks the moment the command runs; the mark is not output.
      if (waiting && (stream === 2 || tty)) {
        const bytes = STARTED_MARK_BYTES;
        const at = indexOfBytes(data, bytes);
        if (at >= 0) {
          waiting = false;
          onStarted!();
          data = new Uint8Array([...data.subarray(0, at), ...data.subarray(at + bytes.length)]);
          if (!data.length) return;
        }
      }
      pass(stream, data);
    },
    settle: (exitCode: number) => {
      if (failure && [125, 126, 127].includes(exitCode)) throw new RuntimeError(failure, exitCode);
      return exitCode;
    },
  };
}

const STARTED_MARK_BYTES = new TextEncoder().encode('\x1b]7777;drydock-started\x07');

function indexOfBytes(data: Uint8Array, pattern: Uint8Array): number {
  outer: for (let i = 0; i <= data.length - pattern.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (data[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

/** An empty directory: the root of an image with no layers (FROM scratch). */
const EMPTY = `${ROOT}/empty`;

/** An image's layers as overlay lowerdirs: top layer first (the config lists them bottom first). */
const lowerDirs = (image: Image) => [...image.layers].reverse().map((l) => `${ROOT}/layers/${hex(l.diffId)}`).join(':') || EMPTY;

/** What drydock-run puts into a container's root: not the container's own changes. */
function runtimeMade(entry: TarEntry): boolean {
  if (/^(proc|sys|dev)\//.test(entry.path)) return true;
  return /^etc\/(hostname|hosts|resolv\.conf)$/.test(entry.path) && entry.type === 'file' && entry.data.length === 0;
}

/** drydock-run's --veth HOSTIF,BRIDGE,IFNAME,ADDR/PREFIX,MAC,GATEWAY (a gateway gives the default route). */
const vethSpec = (i: NetworkInterface, route: boolean) =>
  [i.hostInterface, i.bridge, i.name, `${i.address}/${i.prefixLen}`, i.mac, route ? i.gateway : ''].join(',');

export class GuestRuntime implements ContainerRuntime {
  private readonly unpacked = new Set<string>();
  private readonly unpacking = new Map<string, Promise<void>>();
  private readonly processes = new Map<string, GuestProcess>();
  private ready: Promise<void> | null = null;
  private readonly bridges = new Map<string, Promise<void>>();

  /** `packageIndex` reads the package world's file index (package-world.ts), if the lab has one. */
  constructor(
    private readonly machine: GuestMachine,
    private readonly packageIndex?: () => Promise<Uint8Array>,
  ) {}

  /** Runs a shell script in the guest (outside any container); fails loudly. */
  private async sh(script: string, timeoutMs = 60_000): Promise<string> {
    const r = await this.machine.agent.exec(['/bin/sh', '-c', script], { timeoutMs });
    const text = new TextDecoder();
    if (r.exitCode !== 0) throw new Error(`guest: ${text.decode(r.stderr).trim() || `exit ${r.exitCode}`}`);
    return text.decode(r.stdout);
  }

  private init(): Promise<void> {
    // Delegate cpu, memory and pids to a cgroup subtree that holds every container.
    this.ready ??= this.sh(
      `echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control; mkdir -p ${CGROUP_ROOT} ${ROOT}/layers ${ROOT}/containers ${EMPTY} ${ROOT}/tmp; ` +
        `echo "+cpu +memory +pids" > ${CGROUP_ROOT}/cgroup.subtree_control`,
    ).then(() => this.startPackageServer());
    return this.ready;
  }

  /**
   * The offline package world: its tree joins the 9p share (files fetched when first read) and
   * busybox's httpd serves it on the lab machine, where containers reach it at their gateway
   * and builds at 127.0.0.1. A lab without it still runs containers.
   */
  private async startPackageServer(): Promise<void> {
    if (!this.packageIndex) return;
    try {
      const index = JSON.parse(new TextDecoder().decode(await this.packageIndex())) as { fsroot: unknown[] };
      this.machine.attachLazyTree('packages', index.fsroot);
      await this.sh(`busybox httpd -p ${PACKAGE_PORT} -h /mnt/host/lazy/packages`);
    } catch (error) {
      console.warn(`drydock: no package server: ${(error as Error).message}`);
    }
  }

  saveState(): RuntimeState {
    return {
      initialized: this.ready !== null,
      layers: [...this.unpacked],
      bridges: [...this.bridges.keys()],
      processes: Object.fromEntries([...this.processes].map(([container, proc]) => [container, proc.id])),
    };
  }

  resume(state: RuntimeState, running: Array<{ container: Container; onOutput: (entry: LogEntry) => void }>): Map<string, Promise<number>> {
    if (state.initialized) this.ready = Promise.resolve();
    for (const d of state.layers) this.unpacked.add(d);
    for (const b of state.bridges) this.bridges.set(b, Promise.resolve());
    const exits = new Map<string, Promise<number>>();
    for (const { container, onOutput } of running) {
      const id = state.processes[container.id];
      if (id === undefined) continue;
      const filter = runtimeErrorFilter(container.config.Tty, (stream, data) => onOutput({ stream, time: Date.now(), data }));
      const proc = this.machine.agent.adopt(id, { onStdout: filter.output(1), onStderr: filter.output(2), collect: false, interactive: container.config.OpenStdin });
      this.processes.set(container.id, proc);
      exits.set(container.id, proc.exited.then((result) => {
        this.processes.delete(container.id);
        return result.exitCode;
      }));
    }
    return exits;
  }

  get busy(): boolean {
    const following = new Set([...this.processes.values()].map((p) => p.id));
    return this.unpacking.size > 0 || this.machine.agent.pendingIds.some((id) => !following.has(id));
  }

  hasLayer(diffId: string): boolean {
    return this.unpacked.has(diffId);
  }

  /** Unpacks a layer's tar into the guest, once per diffID. */
  async unpackLayer(diffId: string, tar: Uint8Array): Promise<void> {
    await this.init();
    if (this.unpacked.has(diffId)) return;
    let pending = this.unpacking.get(diffId);
    if (!pending) {
      pending = (async () => {
        // Deletions become overlayfs whiteouts, so that the layer can be a lowerdir.
        let opaque: string[] = [];
        if (hasWhiteouts(tar)) {
          const converted = ociToOverlay(readTar(tar));
          tar = createTar(converted.entries);
          opaque = converted.opaqueDirs;
        }
        const file = `layer-${hex(diffId)}.tar`;
        const path = await this.machine.writeSharedFile(file, tar);
        const dir = `${ROOT}/layers/${hex(diffId)}`;
        const marks = opaque.length ? `/sbin/drydock-run --opaque ${opaque.map((d) => `'${dir}.tmp/${d.replace(/'/g, `'\\''`)}'`).join(' ')} && ` : '';
        // A layer that cannot be unpacked (the store is full) leaves nothing behind.
        await this.sh(`rm -rf ${dir}.tmp; mkdir -p ${dir}.tmp && tar -xf ${path} -C ${dir}.tmp && ${marks}mv ${dir}.tmp ${dir}; s=$?; rm -f ${path}; [ $s = 0 ] || rm -rf ${dir}.tmp; exit $s`);
        this.unpacked.add(diffId);
      })().finally(() => this.unpacking.delete(diffId));
      this.unpacking.set(diffId, pending);
    }
    await pending;
  }

  /**
   * A lazy layer, linked as the layer's dir: its directory on the layer disk when the disk has
   * it (the guest's caches then serve every container), else its index on the 9p share
   * (/mnt/host/lazy/<hex>), each file fetched from the host when first read.
   */
  async attachLazyLayer(diffId: string, index: { fsroot: unknown[] }): Promise<void> {
    await this.init();
    if (this.unpacked.has(diffId)) return;
    const onDisk = this.machine.layerDisk?.manifest.layers[diffId];
    if (onDisk) {
      await this.mountLayerDisk();
      await this.sh(`ln -sfn ${LAYER_DISK}${onDisk} ${ROOT}/layers/${hex(diffId)}`);
    } else {
      this.machine.attachLazyTree(hex(diffId), index.fsroot);
      await this.sh(`ln -sfn /mnt/host/lazy/${hex(diffId)} ${ROOT}/layers/${hex(diffId)}`);
    }
    this.unpacked.add(diffId);
  }

  private diskMount: Promise<unknown> | null = null;

  /** Mounts the layer disk (once; a resumed guest may have it mounted already). */
  private mountLayerDisk(): Promise<unknown> {
    this.diskMount ??= this.sh(`grep -q ' ${LAYER_DISK} ' /proc/mounts || { mkdir -p ${LAYER_DISK} && mount -t erofs -o ro /dev/sda ${LAYER_DISK}; }`)
      .catch((error: Error) => {
        this.diskMount = null;
        throw error;
      });
    return this.diskMount;
  }

  /**
   * Creates a container in the guest. Nothing to do yet: drydock-run makes its directories and
   * files when it first starts (one guest round trip instead of two for `docker run`).
   */
  async create(_container: Container): Promise<void> {
    await this.init();
  }

  /** Starts the container's process; resolves with its exit status when it ends. */
  start(container: Container, image: Image, onOutput: (entry: LogEntry) => void, network?: NetworkPlan): { exited: Promise<number>; started: Promise<void> } {
    const dir = `${ROOT}/containers/${container.id}`;
    const c = container.config;
    const h = container.hostConfig;
    // What Docker adds at start: HOSTNAME, HOME (if unset), TERM with a terminal.
    const env = [...c.Env, `HOSTNAME=${c.Hostname}`];
    for (const e of network?.env ?? []) if (!c.Env.some((own) => own.split('=')[0] === e.split('=')[0])) env.push(e);
    if (!c.Env.some((e) => e.startsWith('HOME='))) env.push('HOME=/root');
    if (c.Tty && !c.Env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
    const args = [
      '/sbin/drydock-run',
      '--rootfs', `${dir}/merged`,
      '--lower', lowerDirs(image),
      '--upper', `${dir}/diff`,
      '--work', `${dir}/work`,
      '--hostname', c.Hostname,
      '--cgroup', `${CGROUP_ROOT}/${container.id}`,
      '--files', dir,
      '--pidfile', `${dir}/pid`,
      '--notify-start', '1',
      '--workdir', c.WorkingDir || '/',
      '--net', network?.mode ?? 'none',
      ...(network?.interfaces ?? []).flatMap((i, k) => ['--veth', vethSpec(i, k === 0)]),
      ...(network?.ports ?? []).flatMap((p) => ['--publish', `tcp,${p.hostIp || '0.0.0.0'},${p.hostPort},${p.containerIp},${p.containerPort}`]),
      ...(network ? ['--hosts', network.hosts] : []),
      ...(h.Memory ? ['--memory', String(h.Memory)] : []),
      ...(h.PidsLimit > 0 ? ['--pids', String(h.PidsLimit)] : []),
      ...(h.NanoCpus ? ['--cpus-quota', String(Math.round(h.NanoCpus / 1e4))] : []),
      ...(c.User ? ['--user', c.User] : []),
      '--caps', capabilityMask({ add: h.CapAdd, drop: h.CapDrop, privileged: h.Privileged }),
      ...(h.Privileged ? ['--unmasked', '1'] : []),
      ...container.mounts.flatMap((m) =>
        m.Type === 'tmpfs' ? ['--tmpfs', `${m.Destination}${m.TmpfsOptions ? `:${m.TmpfsOptions}` : ''}`] : ['--bind', `${m.Source}:${m.Destination}${m.RW ? '' : ':ro'}`],
      ),
      ...env.flatMap((e) => ['--env', e]),
      '--',
      ...c.Entrypoint,
      ...c.Cmd,
    ];
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const filter = runtimeErrorFilter(c.Tty, (stream, data) => onOutput({ stream, time: Date.now(), data }), () => markStarted());
    const proc = this.machine.agent.start(args, {
      cwd: '/',
      onStdout: filter.output(1),
      onStderr: filter.output(2),
      collect: false, // the daemon keeps the logs; a chatty container must not be held twice
      interactive: c.OpenStdin,
      ...(c.Tty ? { pty: { rows: 24, cols: 80 } } : {}),
    });
    this.processes.set(container.id, proc);
    const exited = proc.exited.then((result) => {
      this.processes.delete(container.id);
      return filter.settle(result.exitCode);
    });
    return { exited, started };
  }

  /** Runs another process inside a running container (`docker exec`). */
  exec(
    container: Container,
    options: { cmd: string[]; env: string[]; workdir: string; user: string; tty: boolean; stdin: boolean; privileged?: boolean },
    onOutput: (stream: 1 | 2, data: Uint8Array) => void,
  ): ExecHandle {
    const dir = `${ROOT}/containers/${container.id}`;
    const args = [
      '/sbin/drydock-run',
      '--exec', `${dir}/pid`,
      '--cgroup', `${CGROUP_ROOT}/${container.id}`,
      '--workdir', options.workdir || '/',
      ...(options.user ? ['--user', options.user] : []),
      '--caps', capabilityMask({ add: container.hostConfig.CapAdd, drop: container.hostConfig.CapDrop, privileged: container.hostConfig.Privileged || options.privileged }),
      ...options.env.flatMap((e) => ['--env', e]),
      '--',
      ...options.cmd,
    ];
    const filter = runtimeErrorFilter(options.tty, onOutput);
    const proc = this.machine.agent.start(args, {
      cwd: '/',
      interactive: options.stdin,
      collect: false,
      ...(options.tty ? { pty: { rows: 24, cols: 80 } } : {}),
      onStdout: filter.output(1),
      onStderr: filter.output(2),
    });
    const exited = proc.exited.then((r) => filter.settle(r.exitCode));
    return {
      exited,
      write: (data) => (data.length ? proc.writeStdin(data) : proc.closeStdin()),
      resize: (rows, cols) => proc.resize(rows, cols),
      kill: (signal) => proc.kill(signal),
    };
  }

  /** Signals the container's init, through the runtime process (which forwards it). */
  signal(container: Container, signal: number): void {
    this.processes.get(container.id)?.kill(signal, true);
  }

  /** Whether the kernel's OOM killer ended a process of the container. */
  async oomKilled(container: Container): Promise<boolean> {
    const out = await this.sh(`grep oom_kill ${CGROUP_ROOT}/${container.id}/memory.events 2>/dev/null || true`);
    return /oom_kill [1-9]/.test(out);
  }

  /** Input for a container started with OpenStdin; an empty array closes its stdin. */
  writeStdin(container: Container, data: Uint8Array): void {
    const proc = this.processes.get(container.id);
    if (!proc) return;
    if (data.length) proc.writeStdin(data);
    else proc.closeStdin();
  }

  resize(container: Container, rows: number, cols: number): void {
    this.processes.get(container.id)?.resize(rows, cols);
  }

  /** Freezes or thaws every process of the container (the cgroup v2 freezer). */
  async freeze(container: Container, frozen: boolean): Promise<void> {
    await this.sh(`echo ${frozen ? 1 : 0} > ${CGROUP_ROOT}/${container.id}/cgroup.freeze`);
  }

  /** The container's processes as the guest sees them: `ps` columns for `docker top`. */
  async top(container: Container): Promise<string> {
    return this.sh(
      `pids=$(cat ${CGROUP_ROOT}/${container.id}/cgroup.procs | tr '\n' ' '); ` +
        `ps -o user,pid,ppid,tty,args | awk -v pids=" $pids " 'NR==1 || index(pids, " " $2 " ")'`,
    );
  }

  /**
   * The container's filesystem changes (its overlay upper dir) as `docker diff` lists them:
   * A added, C changed (exists in a lower layer), D deleted (an overlay whiteout). The files
   * the runtime mounts over (/etc/hosts, /proc, …) are left out, as Docker leaves them out.
   */
  async diff(container: Container, image: Image): Promise<Array<{ kind: 'A' | 'C' | 'D'; path: string }>> {
    const dir = `${ROOT}/containers/${container.id}/diff`;
    const lowers = image.layers.map((l) => `${ROOT}/layers/${hex(l.diffId)}`);
    const inLower = lowers.map((l) => `[ -e "${l}/$p" -o -L "${l}/$p" ]`).join(' || ') || 'false';
    const out = await this.sh(
      `cd ${dir} 2>/dev/null || exit 0; find . -mindepth 1 | sed 's#^\./##' | sort | while IFS= read -r p; do ` +
        `if [ -c "$p" ] && [ "$(stat -c %t:%T "$p")" = 0:0 ]; then echo "D $p"; elif ${inLower}; then echo "C $p"; else echo "A $p"; fi; done`,
    );
    const hidden = /^(proc|sys|dev|etc\/hostname|etc\/hosts|etc\/resolv\.conf)(\/|$)/;
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => ({ kind: line[0] as 'A' | 'C' | 'D', path: line.slice(2) }))
      .filter((c) => !hidden.test(c.path));
  }

  /**
   * Copies between the guest's filesystem and the container's root (its overlay, mounted at
   * first start and kept until removal; mounted here if the container never ran). Paths travel
   * as arguments, never inside the script. Returns the size of the copy as a tar stream.
   */
  async copy(container: Container, image: Image, direction: 'in' | 'out', hostPath: string, containerPath: string): Promise<number> {
    const dir = `${ROOT}/containers/${container.id}`;
    const lower = lowerDirs(image);
    const script =
      `set -e; d=${dir}; mkdir -p $d/diff $d/work $d/merged; ` +
      `grep -q " $d/merged " /proc/mounts || mount -t overlay overlay -o lowerdir=${lower},upperdir=$d/diff,workdir=$d/work $d/merged; ` +
      `src="$1"; dst="$2"; [ -e "$src" ] || [ -L "$src" ] || { echo "missing" >&2; exit 2; }; ` +
      `cp -a "$src" "$dst"; tar -cf - -C "$(dirname "$src")" "$(basename "$src")" | wc -c`;
    // A path under a volume or bind mount is that mount's source (the guest's own view of the
    // container root does not have the container's mounts).
    const clean = `/${containerPath.replace(/^\/+/, '')}`;
    const mount = container.mounts
      .filter((m) => m.Type !== 'tmpfs' && (clean === m.Destination || clean.startsWith(`${m.Destination.replace(/\/$/, '')}/`)))
      .sort((a, b) => b.Destination.length - a.Destination.length)[0];
    const inContainer = mount ? `${mount.Source}${clean.slice(mount.Destination.replace(/\/$/, '').length)}` : `${dir}/merged${clean}`;
    if (mount && !mount.RW && direction === 'in') throw new Error(`mounted volume is marked read-only`);
    const [src, dst] = direction === 'out' ? [inContainer, hostPath] : [hostPath, inContainer];
    const r = await this.machine.agent.exec(['/bin/sh', '-c', script, 'sh', src, dst], { timeoutMs: 120_000 });
    const err = new TextDecoder().decode(r.stderr).trim();
    if (r.exitCode === 2 && err === 'missing') throw new Error('missing');
    if (r.exitCode !== 0) throw new Error(err.replace(new RegExp(`${dir}/merged`, 'g'), '') || `exit ${r.exitCode}`);
    return Number(new TextDecoder().decode(r.stdout).trim());
  }

  /** Memory, pids and CPU time from the container's cgroup (what `docker stats` reads). */
  async stats(container: Container): Promise<ContainerStats> {
    const cg = `${CGROUP_ROOT}/${container.id}`;
    // The guest-side end of each veth counts the other way round: its rx is the container's tx.
    const veths = Object.values(container.networks).flatMap((e) => (e.hostInterface ? [e.hostInterface] : []));
    const net = veths.map((v) => `cat /sys/class/net/${v}/statistics/tx_bytes /sys/class/net/${v}/statistics/rx_bytes 2>/dev/null || echo 0; echo 0`).join('; ');
    const out = await this.sh(`cat ${cg}/memory.current ${cg}/memory.max ${cg}/pids.current; grep usage_usec ${cg}/cpu.stat; grep MemTotal /proc/meminfo${net ? `; ${net}` : ''}`);
    const [memory, memoryMax, pids, usage, total, ...counters] = out.trim().split('\n');
    const memTotal = Number(/(\d+)/.exec(total ?? '')?.[1] ?? 0) * 1024;
    let netRx = 0;
    let netTx = 0;
    for (let k = 0; k + 1 < counters.length; k += 2) {
      netRx += Number(counters[k]) || 0;
      netTx += Number(counters[k + 1]) || 0;
    }
    return {
      memory: Number(memory),
      memoryLimit: memoryMax === 'max' ? memTotal : Math.min(Number(memoryMax), memTotal),
      pids: Number(pids),
      cpuUsec: Number(/(\d+)/.exec(usage ?? '')?.[1] ?? 0),
      netRx,
      netTx,
      at: performance.now(),
    };
  }

  /** Bytes the container's writable layer holds. */
  async writableSize(container: Container): Promise<number> {
    const out = await this.sh(`du -sk ${ROOT}/containers/${container.id}/diff 2>/dev/null | cut -f1`);
    return Number(out.trim() || 0) * 1024;
  }

  async directorySize(path: string): Promise<number> {
    const out = await this.sh(`du -sk '${path.replace(/'/g, "'\\''")}' 2>/dev/null | cut -f1`);
    return Number(out.trim() || 0) * 1024;
  }

  /** The guest as `docker info` describes the host. */
  async hostInfo(): Promise<{ kernel: string; memTotal: number; cpus: number; hostname: string }> {
    const out = await this.sh('uname -r; grep MemTotal /proc/meminfo; grep -c ^processor /proc/cpuinfo; uname -n');
    const [kernel, mem, cpus, hostname] = out.trim().split('\n');
    return { kernel: kernel ?? '', memTotal: Number(/(\d+)/.exec(mem ?? '')?.[1] ?? 0) * 1024, cpus: Number(cpus), hostname: hostname ?? '' };
  }

  /** Deletes unpacked layers no image uses any more. */
  async removeLayers(diffIds: string[]): Promise<void> {
    if (!diffIds.length) return;
    for (const d of diffIds) this.unpacked.delete(d);
    await this.sh(`rm -rf ${diffIds.map((d) => `${ROOT}/layers/${hex(d)}`).join(' ')}`);
  }

  /**
   * The container's upper dir as an OCI layer. The opaque directories come on stderr (they are
   * an xattr, which busybox tar does not keep), the tar on stdout: one round trip.
   */
  async exportChanges(container: Container): Promise<Uint8Array> {
    const dir = `${ROOT}/containers/${container.id}/diff`;
    const r = await this.machine.agent.exec(['/bin/sh', '-c', `mkdir -p ${dir} && cd ${dir} && /sbin/drydock-run --find-opaque . >&2 && tar -cf - .`], { timeoutMs: 300_000 });
    if (r.exitCode !== 0) throw new Error(`guest: exporting changes: exit ${r.exitCode}`);
    const opaque = new TextDecoder().decode(r.stderr).split('\n').filter(Boolean);
    const entries = overlayToOci(readTar(r.stdout).filter((e) => !runtimeMade(e)));
    for (const d of opaque) entries.push({ type: 'file', path: `${d}/${OPAQUE}`, data: new Uint8Array(0), mode: 0o600 });
    return createTar(entries);
  }

  async archiveHostPath(path: string): Promise<{ directory: boolean; tar: Uint8Array } | null> {
    const script = 'p="$1"; [ -e "$p" ] || exit 3; if [ -d "$p" ]; then tar -cf - -C "$p" .; else tar -cf - -C "$(dirname "$p")" "$(basename "$p")" && exit 4; fi';
    const r = await this.machine.agent.exec(['/bin/sh', '-c', script, 'sh', path], { timeoutMs: 300_000 });
    if (r.exitCode === 3) return null;
    if (r.exitCode !== 0 && r.exitCode !== 4) throw new Error(new TextDecoder().decode(r.stderr).trim() || `tar: exit ${r.exitCode}`);
    return { directory: r.exitCode === 0, tar: r.stdout };
  }

  async writeHostFile(path: string, data: Uint8Array, mode = 0o644): Promise<void> {
    // Through the 9p share: the engine channel is slow host→guest for anything large.
    const shared = await this.machine.writeSharedFile(`put-${randomId()}`, data);
    const r = await this.machine.agent.exec(['/bin/sh', '-c', 'mkdir -p "$(dirname "$2")" && mv "$1" "$2" && chmod "$3" "$2"', 'sh', shared, path, mode.toString(8)], { timeoutMs: 300_000 });
    if (r.exitCode !== 0) throw new Error(new TextDecoder().decode(r.stderr).trim() || `writing ${path}: exit ${r.exitCode}`);
  }

  /** Mounts the image's layers read-only for a moment and tars the paths asked for. */
  async archiveImagePaths(image: Image, paths: string[]): Promise<Uint8Array> {
    const r = await this.inImage(image, paths, 'for p in "$@"; do [ -e "$p" ] || [ -L "$p" ] || { echo "$p" >&2; exit 3; }; done; tar -cf - "$@"');
    if (r.exitCode === 3) throw new Error(`"/${new TextDecoder().decode(r.stderr).trim()}": not found`);
    if (r.exitCode !== 0) throw new Error(new TextDecoder().decode(r.stderr).trim() || `tar: exit ${r.exitCode}`);
    return r.stdout;
  }

  async createVolumeDir(mountpoint: string, seed?: { image: Image; path: string }): Promise<void> {
    await this.sh(`mkdir -p '${mountpoint}'`);
    if (!seed) return;
    // Only into an empty volume, and only a directory's contents, as Docker does.
    const script = 'if [ -d "./$1" ] && [ -z "$(ls -A "$2")" ]; then cp -a "./$1/." "$2/"; fi';
    const r = await this.inImage(seed.image, [seed.path.replace(/^\/+/, ''), mountpoint], script);
    if (r.exitCode !== 0) throw new Error(`guest: seeding a volume: ${new TextDecoder().decode(r.stderr).trim()}`);
  }

  async removeVolumeDir(mountpoint: string): Promise<void> {
    await this.sh(`rm -rf '${mountpoint.replace(/\/_data$/, '')}'`);
  }

  async hostPathExists(path: string, create: boolean): Promise<boolean> {
    const r = await this.machine.agent.exec(['/bin/sh', '-c', create ? '[ -e "$1" ] || mkdir -p "$1"' : '[ -e "$1" ]', 'sh', path]);
    return r.exitCode === 0;
  }

  createBridge(bridge: string, gateway: string, prefixLen: number): Promise<void> {
    let made = this.bridges.get(bridge);
    if (!made) {
      made = this.sh(`ip link show ${bridge} >/dev/null 2>&1 || { ip link add name ${bridge} type bridge && ip addr add ${gateway}/${prefixLen} dev ${bridge} && ip link set ${bridge} up; }`).then(() => {});
      made.catch(() => this.bridges.delete(bridge));
      this.bridges.set(bridge, made);
    }
    return made;
  }

  async removeBridge(bridge: string): Promise<void> {
    this.bridges.delete(bridge);
    await this.sh(`ip link del ${bridge} 2>/dev/null; true`);
  }

  async connectInterface(container: Container, iface: NetworkInterface): Promise<void> {
    const r = await this.machine.agent.exec(['/sbin/drydock-run', '--net-attach', `${ROOT}/containers/${container.id}/pid`, '--veth', vethSpec(iface, false)]);
    if (r.exitCode !== 0) throw new RuntimeError(new TextDecoder().decode(r.stderr).replace(RUNTIME_ERROR, '').trim(), r.exitCode);
  }

  async disconnectInterface(_container: Container, iface: NetworkInterface): Promise<void> {
    // Deleting one end of a veth pair deletes both.
    await this.sh(`ip link del ${iface.hostInterface} 2>/dev/null; true`);
  }

  async writeHosts(files: Array<{ container: Container; hosts: string }>): Promise<void> {
    if (!files.length) return;
    // In place (same inode): the file is bind-mounted into the container.
    const args = files.flatMap((f) => [`${ROOT}/containers/${f.container.id}/hosts`, f.hosts]);
    await this.machine.agent.exec(['/bin/sh', '-c', 'while [ $# -gt 1 ]; do [ -f "$1" ] && printf "%s" "$2" > "$1"; shift 2; done', 'sh', ...args]);
  }

  async hostRequest(port: number, request: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const r = await this.machine.agent.exec(['/sbin/drydock-run', '--connect', `127.0.0.1:${port}`], { stdin: request, timeoutMs });
    if (r.exitCode !== 0) throw new Error(new TextDecoder().decode(r.stderr).replace(RUNTIME_ERROR, '').trim() || `exit ${r.exitCode}`);
    return r.stdout;
  }

  async statImagePaths(image: Image, paths: string[]): Promise<Uint8Array> {
    const r = await this.inImage(image, paths, 'for p in "$@"; do shift; if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; fi; done; [ $# -eq 0 ] || tar -cf - --no-recursion "$@"');
    if (r.exitCode !== 0) throw new Error(new TextDecoder().decode(r.stderr).trim() || `tar: exit ${r.exitCode}`);
    return r.stdout.length ? r.stdout : createTar([]);
  }

  /** Runs a script (paths as its arguments) in the image's root, mounted read-only for it. */
  async exportFilesystem(container: Container, image: Image): Promise<Uint8Array> {
    await this.init();
    // The container's upper dir on top of its image, read-only: its whiteouts hide what it deleted.
    const diff = `${ROOT}/containers/${container.id}/diff`;
    const script =
      `m=$(mktemp -d ${ROOT}/tmp/ex.XXXXXX) || exit 1; l=${lowerDirs(image)}:${EMPTY}; [ -d ${diff} ] && l=${diff}:$l; ` +
      `mount -t overlay overlay -o lowerdir=$l $m || exit 1; (cd $m && tar -cf - .); r=$?; umount $m; rmdir $m; exit $r`;
    const r = await this.machine.agent.exec(['/bin/sh', '-c', script], { timeoutMs: 300_000 });
    if (r.exitCode !== 0) throw new Error(new TextDecoder().decode(r.stderr).trim() || `export: exit ${r.exitCode}`);
    return r.stdout;
  }

  private async inImage(image: Image, paths: string[], script: string) {
    await this.init();
    if (!image.layers.length) return { exitCode: 0, stdout: createTar([]), stderr: new Uint8Array(0) };
    const wrapper =
      `m=$(mktemp -d ${ROOT}/tmp/ro.XXXXXX) || exit 1; mount -t overlay overlay -o lowerdir=${lowerDirs(image)}:${EMPTY} $m || exit 1; ` +
      `(cd $m && ${script}); r=$?; umount $m; rmdir $m; exit $r`;
    return this.machine.agent.exec(['/bin/sh', '-c', wrapper, 'sh', ...paths], { timeoutMs: 300_000 });
  }

  /** Unmounts and deletes the container's files and cgroup. */
  async remove(container: Container): Promise<void> {
    const dir = `${ROOT}/containers/${container.id}`;
    await this.sh(`umount ${dir}/merged 2>/dev/null; rm -rf ${dir}; rmdir ${CGROUP_ROOT}/${container.id} 2>/dev/null; true`);
  }
}
