// Container and exec endpoints: the Engine API's JSON turned into Daemon calls and back. Logs
// and attach speak the stream formats a Docker client expects: raw bytes for a container with
// a TTY, else stdcopy's multiplexed frames (8-byte headers); attach and exec start hijack the
// connection (101 UPGRADED) and read stdin from it.
import { ApiError } from '../../daemon/endpoints';
import { signalNumber } from '../../lib/signals';
import { type CreateRequest } from '../../models/container';
import type { Container, LogEntry, PortBinding } from '../../models/container';
import type { HealthConfig } from '../../models/container';
import { containerJson } from '../../api-types/inspect-json';
import { containerSummary, filterContainers } from '../../api-types/summary';
import { boolParam, empty, filtersParam, intParam, json, jsonLine, muxFrame, readObject, type HijackIO, str, strings, type Reply } from '../reply';
import type { Route, RouteContext } from '../router';
import { archiveRoutes } from './archive';
import { MULTIPLEXED, RAW, container, detachKeys, wantsUpgrade } from './hijack';
import { execRoutes } from './exec';

/** A HostConfig.Mounts entry as the `--mount` spec the daemon parses. */
function mountSpec(m: Record<string, unknown>): string {
  const parts = [`type=${str(m.Type) ?? 'volume'}`];
  if (str(m.Source)) parts.push(`source=${m.Source}`);
  parts.push(`target=${str(m.Target) ?? ''}`);
  if (m.ReadOnly) parts.push('readonly');
  const tmpfs = m.TmpfsOptions as { SizeBytes?: number; Mode?: number } | undefined;
  if (tmpfs?.SizeBytes) parts.push(`tmpfs-size=${tmpfs.SizeBytes}`);
  if (tmpfs?.Mode) parts.push(`tmpfs-mode=${tmpfs.Mode.toString(8)}`);
  return parts.join(',');
}

/** POST /containers/create's CreateContainerConfig as the daemon's CreateRequest. */
export function createRequestFromApi(body: Record<string, unknown>, name: string | undefined): CreateRequest {
  if (typeof body.Image !== 'string' || !body.Image) throw new ApiError(400, 'Config cannot be empty in order to create a container');
  const host = (body.HostConfig ?? {}) as Record<string, unknown>;
  const restart = (host.RestartPolicy ?? {}) as { Name?: string; MaximumRetryCount?: number };
  const entrypoint = strings(body.Entrypoint);
  const endpoints = ((body.NetworkingConfig as { EndpointsConfig?: Record<string, { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string } }> } | undefined)?.EndpointsConfig) ?? {};
  const endpoint = Object.values(endpoints)[0];
  const policies = ['no', 'always', 'unless-stopped', 'on-failure', ''];
  if (restart.Name !== undefined && !policies.includes(restart.Name)) throw new ApiError(400, `invalid restart policy: unknown policy '${restart.Name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  const healthcheck = body.Healthcheck as HealthConfig | undefined;
  return {
    image: body.Image,
    ...(name !== undefined ? { name } : {}),
    ...(strings(body.Cmd)?.length ? { cmd: strings(body.Cmd)! } : {}),
    // [""] resets the image's entrypoint, as the CLI sends `--entrypoint ""`.
    ...(entrypoint ? { entrypoint: entrypoint.length === 0 || (entrypoint.length === 1 && entrypoint[0] === '') ? null : entrypoint } : {}),
    env: strings(body.Env) ?? [],
    ...(str(body.WorkingDir) ? { workingDir: str(body.WorkingDir)! } : {}),
    ...(str(body.StopSignal) ? { stopSignal: str(body.StopSignal)! } : {}),
    ...(str(body.User) ? { user: str(body.User)! } : {}),
    ...(str(body.Hostname) ? { hostname: str(body.Hostname)! } : {}),
    tty: !!body.Tty,
    openStdin: !!body.OpenStdin,
    labels: (body.Labels as Record<string, string> | undefined) ?? {},
    hostConfig: {
      AutoRemove: !!host.AutoRemove,
      Memory: Number(host.Memory ?? 0) || 0,
      PidsLimit: Number(host.PidsLimit ?? 0) || 0,
      NanoCpus: Number(host.NanoCpus ?? 0) || 0,
      NetworkMode: str(host.NetworkMode) || 'default',
      RestartPolicy: { Name: (restart.Name || 'no') as 'no', MaximumRetryCount: Number(restart.MaximumRetryCount ?? 0) || 0 },
      Binds: strings(host.Binds) ?? [],
      Tmpfs: (host.Tmpfs as Record<string, string> | undefined) ?? {},
      VolumesFrom: strings(host.VolumesFrom) ?? [],
      PortBindings: (host.PortBindings as Record<string, PortBinding[]> | undefined) ?? {},
      PublishAllPorts: !!host.PublishAllPorts,
      ExtraHosts: strings(host.ExtraHosts) ?? [],
      ...(strings(host.Links)?.length ? { Links: strings(host.Links)! } : {}),
      CapAdd: strings(host.CapAdd) ?? [],
      CapDrop: strings(host.CapDrop) ?? [],
      Privileged: !!host.Privileged,
    },
    mounts: Array.isArray(host.Mounts) ? (host.Mounts as Array<Record<string, unknown>>).map(mountSpec) : [],
    exposedPorts: Object.keys((body.ExposedPorts as Record<string, unknown> | undefined) ?? {}),
    ...(endpoint && (endpoint.Aliases?.length || endpoint.IPAMConfig?.IPv4Address)
      ? { networking: { aliases: endpoint.Aliases ?? [], ...(endpoint.IPAMConfig?.IPv4Address ? { ip: endpoint.IPAMConfig.IPv4Address } : {}) } }
      : {}),
    ...(healthcheck?.Test ? { healthcheck } : {}),
  };
}

/** The log entries `docker logs` asked for: streams, since/until, the last `tail` lines. */
function selectLogs(c: Container, ctx: RouteContext): LogEntry[] {
  const { req } = ctx;
  const streams = new Set<number>([...(boolParam(req, 'stdout') ? [1] : []), ...(boolParam(req, 'stderr') ? [2] : [])]);
  const since = Number(req.query.get('since') || 0) * 1000;
  const until = Number(req.query.get('until') || 0) * 1000;
  let entries = c.logs.filter((e) => streams.has(e.stream) && e.time >= since && (!until || e.time <= until));
  const tail = req.query.get('tail');
  if (tail && tail !== 'all' && Number.isInteger(Number(tail)) && Number(tail) >= 0) {
    // Counted in lines, as dockerd's tail does.
    const lines: LogEntry[] = [];
    for (const e of entries) for (const line of new TextDecoder().decode(e.data).split(/(?<=\n)/)) if (line) lines.push({ ...e, data: new TextEncoder().encode(line) });
    entries = lines.slice(Math.max(0, lines.length - Number(tail)));
  }
  return entries;
}

/** An entry as the stream carries it: with a timestamp per line if asked, framed unless TTY. */
function logBytes(e: LogEntry, tty: boolean, timestamps: boolean): Uint8Array {
  let data = e.data;
  if (timestamps) {
    const stamp = `${new Date(e.time).toISOString().replace('Z', '000000Z')} `;
    data = new TextEncoder().encode(new TextDecoder().decode(e.data).replace(/^(?=.)/gm, stamp));
  }
  return tty ? data : muxFrame(e.stream, data);
}

/** Resolves when the container stops (or at once if it is not running). */
function stopped(c: Container): Promise<void> {
  if (!['running', 'paused', 'restarting'].includes(c.state.status)) return Promise.resolve();
  return new Promise((resolve) => c.exitWaiters.push(() => resolve()));
}

async function attach(ctx: RouteContext): Promise<Reply> {
  const { daemon, req } = ctx;
  const c = container(ctx);
  const tty = c.config.Tty;
  const streams = new Set<number>([...(boolParam(req, 'stdout') ? [1] : []), ...(boolParam(req, 'stderr') ? [2] : [])]);
  const withStdin = boolParam(req, 'stdin');
  const keys = detachKeys(req.query.get('detachKeys') ?? undefined);
  if (c.state.status === 'exited' || c.state.status === 'dead') throw new ApiError(409, 'You cannot attach to a stopped container, start it first');
  let pending: LogEntry[] = [];
  let write: ((e: LogEntry) => void) | undefined;
  // Listening starts now (before the head is written), so no output between them is lost.
  const detach = await daemon.containerAttach(c.id, (e) => (write ? write(e) : pending.push(e)));
  return {
    kind: 'hijack',
    upgrade: wantsUpgrade(ctx),
    contentType: tty ? RAW : MULTIPLEXED,
    hijack: async (io: HijackIO) => {
      if (boolParam(req, 'logs')) for (const e of c.logs) if (streams.has(e.stream)) io.write(logBytes(e, tty, false));
      write = (e) => streams.has(e.stream) && io.write(logBytes(e, tty, false));
      pending.forEach(write);
      pending = [];
      let detached!: () => void;
      const ended = new Promise<void>((resolve) => (detached = resolve));
      if (withStdin) {
        // `docker run -i` attaches, then starts: Docker's client copies stdin (and closes it, for
        // piped input) as soon as the attach is up, so what comes before the start waits for it.
        const held: Uint8Array[] = [];
        let holding = c.state.status === 'created';
        const stdin = (bytes: Uint8Array) => (holding ? held.push(bytes) : daemon.containerStdin(c.id, bytes));
        if (holding) {
          const forget = daemon.events.subscribe((e) => {
            if (e.Type !== 'container' || e.Actor.ID !== c.id || !['start', 'die', 'destroy'].includes(e.Action)) return;
            forget();
            holding = false;
            if (e.Action === 'start') held.splice(0).forEach((bytes) => daemon.containerStdin(c.id, bytes));
          });
          io.onClose(forget);
        }
        io.onInput((bytes) => {
          const { forward, detach: stop } = keys.feed(bytes);
          if (forward.length) stdin(forward);
          if (stop) detached();
        });
        io.onInputEnd(() => stdin(new Uint8Array()));
      }
      io.onClose(detached);
      await Promise.race([ended, waitForStop(c)]);
      detach();
    },
  };
}

/**
 * Resolves when a container that is (or will be) started stops: attach comes before start in
 * `docker run`, so a created container's stream stays open across its start.
 */
function waitForStop(c: Container): Promise<void> {
  return new Promise((resolve) => c.exitWaiters.push(() => resolve()));
}

async function statsReply(ctx: RouteContext): Promise<Reply> {
  const { daemon, req, conn } = ctx;
  const c = container(ctx);
  const sample = async () => {
    const s = await daemon.containerStats(c.id);
    const read = new Date().toISOString();
    return {
      read,
      preread: '0001-01-01T00:00:00Z',
      name: `/${c.name}`,
      id: c.id,
      pids_stats: { current: s?.pids ?? 0 },
      cpu_stats: { cpu_usage: { total_usage: (s?.cpuUsec ?? 0) * 1000, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: Math.round(performance.now() * 1e6), online_cpus: 1, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
      precpu_stats: { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
      memory_stats: s ? { usage: s.memory, limit: s.memoryLimit, stats: {} } : {},
      networks: s ? { eth0: { rx_bytes: s.netRx, tx_bytes: s.netTx, rx_packets: 0, tx_packets: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0 } } : undefined,
      blkio_stats: { io_service_bytes_recursive: null },
    };
  };
  const streaming = req.query.get('stream') === null || boolParam(req, 'stream');
  if (!streaming || boolParam(req, 'one-shot')) return json(200, await sample());
  return {
    kind: 'stream',
    status: 200,
    contentType: 'application/json',
    stream: async (sink) => {
      // One sample a second while the client reads and the container runs, as dockerd sends.
      while (!conn.closed) {
        sink.write(jsonLine(await sample()));
        if (!['running', 'paused'].includes(c.state.status)) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 1000);
          const forget = conn.onClose(done);
          function done() {
            clearTimeout(timer);
            forget();
            resolve();
          }
        });
      }
    },
  };
}

export const containerRoutes: Route[] = [
  {
    method: 'GET',
    path: '/containers/json',
    handler: async ({ daemon, req }) => {
      const filters = filtersParam(req).map(([k, v]) => `${k}=${v}`);
      const limit = intParam(req, 'limit', -1);
      let list = await daemon.containerList(boolParam(req, 'all') || limit > 0 || filters.some((f) => f.startsWith('status=')));
      list = filterContainers(list, filters, (name) => daemon.images.find(name)?.id);
      if (limit > 0) list = list.slice(0, limit);
      return json(200, list.map(containerSummary));
    },
  },
  {
    method: 'POST',
    path: '/containers/create',
    handler: async ({ daemon, req }) => {
      const name = req.query.get('name') ?? undefined;
      const request = createRequestFromApi(readObject(req), name || undefined);
      return json(201, await daemon.containerCreate(request));
    },
  },
  { method: 'GET', path: '/containers/{id}/json', handler: async (ctx) => json(200, containerJson(await ctx.daemon.containerInspect(ctx.params.id!))) },
  {
    method: 'POST',
    path: '/containers/{id}/start',
    handler: async ({ daemon, params }) => {
      const c = daemon.containers.find(params.id!);
      // dockerd answers 304 Not Modified for a container that already runs.
      if (c?.state.status === 'running') return empty(304);
      await daemon.containerStart(params.id!);
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/containers/{id}/stop',
    handler: async ({ daemon, params, req }) => {
      const c = daemon.containers.find(params.id!);
      if (c && !['running', 'paused', 'restarting'].includes(c.state.status)) return empty(304);
      await daemon.containerStop(params.id!, intParam(req, 't', 10));
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/containers/{id}/restart',
    handler: async ({ daemon, params, req }) => {
      await daemon.containerStop(params.id!, intParam(req, 't', 10));
      await daemon.containerStart(params.id!);
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/containers/{id}/kill',
    handler: async ({ daemon, params, req }) => {
      const name = req.query.get('signal') || 'SIGKILL';
      const signal = signalNumber(name);
      if (signal === undefined || signal <= 0 || signal > 64) throw new ApiError(400, `Invalid signal: ${name}`);
      await daemon.containerKill(params.id!, signal);
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/containers/{id}/wait',
    handler: async ({ daemon, params, req }) => {
      const condition = req.query.get('condition') || 'not-running';
      if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new ApiError(400, `invalid condition: "${condition}"`);
      const c = daemon.containers.find(params.id!);
      if (!c) throw new ApiError(404, `No such container: ${params.id}`);
      // The wait starts now, before the head goes out: the client starts the container only
      // once it has the head (Docker's client reads it before it sends start, so dockerd writes
      // the head at once and the body when the wait ends).
      let result: Promise<{ StatusCode: number; Error?: { Message: string } }>;
      if (condition !== 'removed') result = daemon.containerWait(c.id, condition === 'next-exit' ? 'next-exit' : 'not-running');
      else {
        // `docker run --rm` waits for the removal: the exit (next, if it has not run yet), then
        // the container gone from the records (at once for --rm, else when someone removes it).
        let stop = () => {};
        const gone = new Promise<void>((resolve) => {
          stop = daemon.events.subscribe((e) => e.Type === 'container' && e.Action === 'destroy' && e.Actor.ID === c.id && resolve());
        });
        result = daemon.containerWait(c.id, 'next-exit').then(async (exit) => {
          if (daemon.containers.find(c.id) === c) await gone;
          stop();
          return exit;
        });
      }
      result.catch(() => {}); // awaited by the stream; a failure ends it
      return {
        kind: 'stream',
        status: 200,
        contentType: 'application/json',
        logged: true,
        stream: async (sink) => {
          const exit = await result;
          sink.write(jsonLine({ StatusCode: exit.StatusCode, Error: exit.Error ?? null }));
        },
      };
    },
  },
  { method: 'POST', path: '/containers/{id}/pause', handler: async ({ daemon, params }) => (await daemon.containerPause(params.id!, true), empty()) },
  { method: 'POST', path: '/containers/{id}/unpause', handler: async ({ daemon, params }) => (await daemon.containerPause(params.id!, false), empty()) },
  {
    method: 'POST',
    path: '/containers/{id}/rename',
    handler: async ({ daemon, params, req }) => {
      await daemon.containerRename(params.id!, req.query.get('name') ?? '');
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/containers/{id}/resize',
    handler: async ({ daemon, params, req }) => {
      await daemon.containerResize(params.id!, intParam(req, 'h', 0), intParam(req, 'w', 0));
      return empty(200);
    },
  },
  {
    method: 'DELETE',
    path: '/containers/{id}',
    handler: async ({ daemon, params, req }) => {
      await daemon.containerDelete(params.id!, boolParam(req, 'force'), boolParam(req, 'v'));
      return empty();
    },
  },
  {
    method: 'GET',
    path: '/containers/{id}/logs',
    handler: async (ctx) => {
      const { daemon, params, req, conn } = ctx;
      if (!boolParam(req, 'stdout') && !boolParam(req, 'stderr')) throw new ApiError(400, 'Bad parameters: you must choose at least one stream');
      const c = await daemon.containerLogs(params.id!);
      const tty = c.config.Tty;
      const timestamps = boolParam(req, 'timestamps');
      const follow = boolParam(req, 'follow');
      const streams = new Set<number>([...(boolParam(req, 'stdout') ? [1] : []), ...(boolParam(req, 'stderr') ? [2] : [])]);
      return {
        kind: 'stream',
        status: 200,
        contentType: tty ? RAW : MULTIPLEXED,
        stream: async (sink) => {
          for (const e of selectLogs(c, ctx)) sink.write(logBytes(e, tty, timestamps));
          if (!follow || !['running', 'paused', 'restarting'].includes(c.state.status)) return;
          const listener = (e: LogEntry) => streams.has(e.stream) && sink.write(logBytes(e, tty, timestamps));
          c.listeners.add(listener);
          let forget = () => {};
          await Promise.race([stopped(c), new Promise<void>((resolve) => (forget = conn.onClose(resolve)))]);
          forget();
          c.listeners.delete(listener);
        },
      };
    },
  },
  { method: 'POST', path: '/containers/{id}/attach', handler: attach },
  { method: 'GET', path: '/containers/{id}/stats', handler: statsReply },
  {
    method: 'GET',
    path: '/containers/{id}/top',
    handler: async ({ daemon, params }) => {
      const text = await daemon.containerTop(params.id!);
      const [header = '', ...rows] = text.split('\n').filter((l) => l.trim());
      const titles = header.trim().split(/\s+/);
      // The last column (the command) keeps its spaces.
      const split = (line: string) => {
        const cells = line.trim().split(/\s+/);
        return [...cells.slice(0, titles.length - 1), cells.slice(titles.length - 1).join(' ')];
      };
      return json(200, { Titles: titles, Processes: rows.map(split) });
    },
  },
  {
    method: 'GET',
    path: '/containers/{id}/changes',
    handler: async ({ daemon, params }) => {
      const kinds = { C: 0, A: 1, D: 2 } as const;
      return json(200, (await daemon.containerChanges(params.id!)).map((c) => ({ Path: c.path, Kind: kinds[c.kind] })));
    },
  },
  {
    method: 'GET',
    path: '/containers/{id}/export',
    handler: async ({ daemon, params }) => ({ kind: 'bytes', status: 200, contentType: 'application/x-tar', body: await daemon.containerExport(params.id!) }),
  },
  { method: 'POST', path: '/containers/prune', handler: async ({ daemon }) => json(200, await daemon.containerPrune()) },
  ...archiveRoutes,
  ...execRoutes,

];
