// Commands that look into containers and the system: diff, stats, port, info, system df,
// container prune.
import { binarySize, humanSize } from '../../formats/human';
import { ENGINE_VERSION } from '../../daemon/endpoints';
import type { Command, CliIO } from '../context';
import { confirm, daemonError } from '../output';
import { formatTable } from '../table';

export const diff: Command = {
  name: 'diff',
  usage: 'docker diff CONTAINER',
  description: "Inspect changes to files or directories on a container's filesystem",
  flags: [],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args }) {
    try {
      for (const change of await daemon.containerChanges(args[0]!)) io.out(`${change.kind} /${change.path}\n`);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const stats: Command = {
  name: 'stats',
  usage: 'docker stats [OPTIONS] [CONTAINER...]',
  description: 'Display a live stream of container(s) resource usage statistics',
  flags: [
    { long: 'no-stream', kind: 'bool', description: 'Disable streaming stats and only pull the first result' },
    { long: 'all', short: 'a', kind: 'bool', description: 'Show all containers (default shows just running)' },
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
  ],
  async run({ io, daemon, args, flags }) {
    let status = 0;
    let stopped = false;
    const streaming = !flags['no-stream'];
    // Streaming runs until Ctrl-C (the real CLI dies of the SIGINT: 130) or the client goes.
    let stop: () => void = () => {};
    const interrupted = new Promise<void>((resolve) => (stop = resolve));
    if (streaming) {
      io.onSignal(() => ((stopped = true), stop()));
      io.onClose(() => ((stopped = true), stop()));
    }
    const targets = async () => {
      if (!args.length) return daemon.containerList(!!flags.all);
      const named = [];
      for (const a of args) {
        try {
          named.push(await daemon.containerInspect(a));
        } catch (error) {
          io.err(`${daemonError(error)}\n`);
          status = 1;
        }
      }
      return named;
    };
    let found = await targets();
    if (args.length && !found.length) return status;
    // CPU % is measured, as Docker does, from two samples of each cgroup's CPU time, taken
    // for all containers across one shared interval.
    const sample = (list: typeof found) => Promise.all(list.map((c) => daemon.containerStats(c.id)));
    let firsts = await sample(found);
    let interval = 500;
    while (!stopped) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, interval)), interrupted]);
      if (stopped) break;
      const seconds = await sample(found);
      const rows = found.map((c, i) => {
        const [first, second] = [firsts[i], seconds[i]];
        const id = flags['no-trunc'] ? c.id : c.id.slice(0, 12);
        if (!first || !second) return [id, c.name, '0.00%', '0B / 0B', '0.00%', '0B / 0B', '0B / 0B', '0'];
        const cpu = ((second.cpuUsec - first.cpuUsec) / 1000 / (second.at - first.at)) * 100;
        return [
          id,
          c.name,
          `${Math.max(0, cpu).toFixed(2)}%`,
          `${binarySize(second.memory)} / ${binarySize(second.memoryLimit)}`,
          `${((second.memory / second.memoryLimit) * 100).toFixed(2)}%`,
          `${humanSize(second.netRx)} / ${humanSize(second.netTx)}`,
          '0B / 0B', // no block devices in the guest
          String(second.pids),
        ];
      });
      const table = formatTable(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'], rows);
      if (!streaming) {
        io.out(table);
        return status;
      }
      // Each refresh redraws the screen, as the real CLI does on a terminal.
      io.out(`${io.stdoutTty ? '\x1b[2J\x1b[H' : ''}${table}`);
      interval = 1000;
      if (!args.length) {
        found = await targets();
        firsts = await sample(found);
      } else firsts = seconds;
    }
    return 130;
  },
};

export const port: Command = {
  name: 'port',
  usage: 'docker port CONTAINER [PRIVATE_PORT[/PROTO]]',
  description: 'List port mappings or a specific mapping for the container',
  flags: [],
  minArgs: 1,
  maxArgs: 2,
  async run({ io, daemon, args }) {
    let ports;
    try {
      ports = (await daemon.containerInspect(args[0]!)).ports;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
    const lines = (key: string, withKey: boolean) => (ports[key] ?? []).map((b) => `${withKey ? `${key} -> ` : ''}${b.HostIp}:${b.HostPort}\n`);
    if (args[1]) {
      const key = args[1].includes('/') ? args[1] : `${args[1]}/tcp`;
      const found = lines(key, false);
      if (!found.length) {
        io.err(`Error: No public port '${key}' published for ${args[0]}\n`);
        return 1;
      }
      io.out(found.join(''));
      return 0;
    }
    const keys = Object.keys(ports).sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]));
    io.out(keys.flatMap((k) => lines(k, true)).join(''));
    return 0;
  },
};

export const containerPrune: Command = {
  name: 'prune',
  usage: 'docker container prune [OPTIONS]',
  description: 'Remove all stopped containers',
  flags: [{ long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' }],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    if (!flags.force) {
      if (!(await confirm(io, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] '))) return 0;
    }
    const { ContainersDeleted, SpaceReclaimed } = await daemon.containerPrune();
    if (ContainersDeleted.length) io.out(`Deleted Containers:\n${ContainersDeleted.map((id) => `${id}\n`).join('')}\n`);
    io.out(`Total reclaimed space: ${humanSize(SpaceReclaimed)}\n`);
    return 0;
  },
};

export const systemDf: Command = {
  name: 'df',
  usage: 'docker system df [OPTIONS]',
  description: 'Show docker disk usage',
  flags: [],
  maxArgs: 0,
  async run({ io, daemon }) {
    const df = await daemon.systemDf();
    const images = df.images;
    const containers = df.containers.map((c) => c.container);
    // Docker's formulas (cli/command/formatter/disk_usage.go), percentages truncated.
    const size = (bytes: number) => humanSize(bytes, 4);
    const pct = (part: number, whole: number) => (whole > 0 ? `${size(part)} (${Math.trunc((part * 100) / whole)}%)` : size(part));
    const isActive = (status: string) => status === 'running' || status === 'paused' || status === 'restarting';
    // Images: the size is every layer once; an image some container uses keeps only its own
    // (unshared) layers, so the rest counts as reclaimable.
    const layerSize = new Map(images.flatMap((i) => i.layers.map((l) => [l.diffId, l.size] as const)));
    const layerRefs = new Map<string, number>();
    for (const i of images) for (const d of new Set(i.layers.map((l) => l.diffId))) layerRefs.set(d, (layerRefs.get(d) ?? 0) + 1);
    const imageTotal = [...layerSize.values()].reduce((a, b) => a + b, 0);
    const usedImages = images.filter((i) => containers.some((c) => c.imageId === i.id));
    const usedUnique = usedImages.reduce((n, i) => n + i.layers.filter((l) => (layerRefs.get(l.diffId) ?? 0) < 2).reduce((a, l) => a + l.size, 0), 0);
    // Containers: the writable layers of those not running, paused or restarting.
    let writable = 0;
    let stoppedWritable = 0;
    for (const { container: c, sizeRw: bytes } of df.containers) {
      writable += bytes;
      if (!isActive(c.state.status)) stoppedWritable += bytes;
    }
    // Volumes: those no container (in any state) mounts.
    let volumeTotal = 0;
    let volumeFree = 0;
    let volumesUsed = 0;
    for (const { size, refCount } of df.volumes) {
      const bytes = Math.max(size, 0);
      const used = refCount > 0;
      volumeTotal += bytes;
      if (used) volumesUsed++;
      else volumeFree += bytes;
    }
    // Build cache: every cached step's layer once; none is in use between builds.
    const cached = df.buildCache;
    const cacheSize = [...new Map(cached.map((s) => [s.layer.diffId, s.layer.size])).values()].reduce((a, b) => a + b, 0);
    io.out(
      formatTable(
        ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
        [
          ['Images', String(images.length), String(usedImages.length), size(imageTotal), pct(imageTotal - usedUnique, imageTotal)],
          ['Containers', String(containers.length), String(containers.filter((c) => isActive(c.state.status)).length), size(writable), pct(stoppedWritable, writable)],
          ['Local Volumes', String(df.volumes.length), String(volumesUsed), size(volumeTotal), pct(volumeFree, volumeTotal)],
          ['Build Cache', String(cached.length), '0', size(cacheSize), size(cacheSize)],
        ],
      ),
    );
    return 0;
  },
};

export const info: Command = {
  name: 'info',
  usage: 'docker info [OPTIONS]',
  description: 'Display system-wide information',
  flags: [],
  maxArgs: 0,
  async run({ io, daemon }) {
    const { host, containers, images } = await daemon.info();
    io.out(
      [
        'Client:',
        ' Version:    27.0.0-drydock',
        ' Context:    default',
        '',
        'Server:',
        ` Containers: ${containers.total}`,
        `  Running: ${containers.running}`,
        `  Paused: ${containers.paused}`,
        `  Stopped: ${containers.stopped}`,
        ` Images: ${images}`,
        ` Server Version: ${ENGINE_VERSION}`,
        ' Storage Driver: overlay2',
        ' Logging Driver: json-file',
        ' Cgroup Driver: cgroupfs',
        ' Cgroup Version: 2',
        ' Runtimes: drydock-run',
        ` Kernel Version: ${host.kernel}`,
        ' Operating System: Drydock guest (busybox), in v86',
        ' OSType: linux',
        ' Architecture: i686',
        ` CPUs: ${host.cpus}`,
        ` Total Memory: ${binarySize(host.memTotal)}`,
        ' Name: drydock',
        ' Docker Root Dir: /var/lib/drydock',
        '',
      ].join('\n'),
    );
    return 0;
  },
};
