// System, volume and network endpoints: /_ping, /version, /info, /events, /auth, /system/df,
// /volumes…, /networks… — each a thin translation between the Engine API's JSON and a Daemon
// method (which validates and logs).
import { ApiError } from '../../daemon/endpoints';
import type { EventMessage } from '../../daemon/system/events';
import type { Network } from '../../models/network';
import type { Volume } from '../../models/volume';
import { ENGINE_VERSION, boolParam, empty, filtersParam, json, jsonLine, readObject, type Reply } from '../reply';
import type { Route } from '../router';
import { containerSummary, imageSummary } from '../../api-types/summary';

const ping = (withBody: boolean): Reply => ({
  kind: 'bytes',
  status: 200,
  body: withBody ? 'OK' : '',
  contentType: 'text/plain; charset=utf-8',
  // Builder-Version 1: the classic builder's JSON stream is what /build answers.
  headers: { 'Builder-Version': '1', 'Cache-Control': 'no-cache, no-store, must-revalidate', 'Docker-Experimental': 'false', Pragma: 'no-cache' },
});

export const volumeJson = ({ anonymous: _a, ...v }: Volume) => v;
export const networkJson = ({ bridge: _b, ...n }: Network, containers: Record<string, unknown> = {}) => ({ ...n, Containers: containers });

/** Whether an event passes `filters` (type, event, container, image), as dockerd's events filter. */
function eventMatches(e: EventMessage, filters: Array<[string, string]>): boolean {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of filters) byKey.set(k, [...(byKey.get(k) ?? []), v]);
  return [...byKey].every(([key, values]) =>
    values.some((v) => {
      switch (key) {
        case 'type': return e.Type === v;
        case 'event': return e.Action === v;
        case 'container': return e.Type === 'container' && (e.Actor.ID.startsWith(v) || e.Actor.Attributes.name === v);
        case 'image': return e.Actor.Attributes.image === v || (e.Type === 'image' && e.Actor.ID === v);
        default: return false;
      }
    }),
  );
}

/** A `since`/`until` value: Unix seconds (with a fraction) or an RFC 3339 date. */
function timeParam(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ApiError(400, `invalid value for time: ${value}`);
  return ms;
}

export const systemRoutes: Route[] = [
  { method: 'GET', path: '/_ping', handler: () => ping(true) },
  { method: 'HEAD', path: '/_ping', handler: () => ping(false) },
  {
    method: 'GET',
    path: '/version',
    handler: async ({ daemon }) => {
      const v = await daemon.version();
      return json(200, {
        Platform: { Name: 'Drydock Engine' },
        // The CLI prints the engine's details from here (`docker version`'s Server section).
        Components: [{ Name: 'Engine', Version: v.Version, Details: { ApiVersion: v.ApiVersion, Arch: v.Arch, BuildTime: '', Experimental: 'false', GitCommit: 'drydock', GoVersion: 'n/a (TypeScript)', KernelVersion: v.KernelVersion, MinAPIVersion: v.MinAPIVersion, Os: v.Os } }],
        Version: v.Version,
        ApiVersion: v.ApiVersion,
        MinAPIVersion: v.MinAPIVersion,
        GitCommit: 'drydock',
        GoVersion: 'n/a (TypeScript)',
        Os: v.Os,
        Arch: v.Arch,
        KernelVersion: v.KernelVersion,
        BuildTime: '',
      });
    },
  },
  {
    method: 'GET',
    path: '/info',
    handler: async ({ daemon }) => {
      const { host, containers, images } = await daemon.info();
      return json(200, {
        ID: 'drydock',
        Containers: containers.total,
        ContainersRunning: containers.running,
        ContainersPaused: containers.paused,
        ContainersStopped: containers.stopped,
        Images: images,
        Driver: 'overlay2',
        DriverStatus: [['Backing Filesystem', 'tmpfs']],
        Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file'] },
        MemoryLimit: true,
        SwapLimit: false,
        CpuCfsPeriod: true,
        CpuCfsQuota: true,
        PidsLimit: true,
        IPv4Forwarding: false,
        Debug: false,
        NFd: 0,
        NGoroutines: 0,
        SystemTime: new Date().toISOString(),
        LoggingDriver: 'json-file',
        CgroupDriver: 'cgroupfs',
        CgroupVersion: '2',
        NEventsListener: 0,
        KernelVersion: host.kernel,
        OperatingSystem: 'Drydock guest (busybox), in v86',
        OSVersion: '',
        OSType: 'linux',
        Architecture: 'i686',
        IndexServerAddress: 'https://index.docker.io/v1/',
        RegistryConfig: { IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } }, InsecureRegistryCIDRs: [] },
        NCPU: host.cpus,
        MemTotal: host.memTotal,
        DockerRootDir: '/var/lib/drydock',
        Name: host.hostname,
        Labels: [],
        ExperimentalBuild: false,
        ServerVersion: ENGINE_VERSION,
        Runtimes: { 'drydock-run': { path: 'drydock-run' } },
        DefaultRuntime: 'drydock-run',
        Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
        LiveRestoreEnabled: false,
        Isolation: '',
        InitBinary: '',
        SecurityOptions: ['name=cgroupns'],
        Warnings: null,
      });
    },
  },
  {
    method: 'GET',
    path: '/events',
    handler: ({ daemon, req, conn }) => {
      const filters = filtersParam(req);
      const since = timeParam(req.query.get('since'));
      const until = timeParam(req.query.get('until'));
      return {
        kind: 'stream',
        status: 200,
        contentType: 'application/json',
        stream: (sink) =>
          new Promise<void>((resolve) => {
            const inRange = (e: EventMessage) => (since === undefined || e.timeNano / 1e6 >= since) && (until === undefined || e.timeNano / 1e6 <= until);
            if (since !== undefined) for (const e of daemon.events.recent) if (inRange(e) && eventMatches(e, filters)) sink.write(jsonLine(e));
            if (until !== undefined && until <= Date.now()) return resolve();
            const stop = daemon.events.subscribe((e) => {
              if (eventMatches(e, filters)) sink.write(jsonLine(e));
            });
            const timer = until === undefined ? undefined : setTimeout(finish, until - Date.now());
            const forget = conn.onClose(finish);
            function finish() {
              stop();
              forget();
              clearTimeout(timer);
              resolve();
            }
          }),
      };
    },
  },
  {
    method: 'POST',
    path: '/auth',
    handler: async ({ daemon, req }) => {
      const body = readObject(req);
      const result = await daemon.auth(String(body.username ?? ''), String(body.password ?? ''));
      return json(200, result);
    },
  },
  {
    method: 'GET',
    path: '/system/df',
    handler: async ({ daemon }) => {
      const df = await daemon.systemDf();
      const layers = new Map(df.images.flatMap((i) => i.layers.map((l) => [l.diffId, l.size] as const)));
      return json(200, {
        LayersSize: [...layers.values()].reduce((a, b) => a + b, 0),
        Images: df.images.map((i) => ({ ...imageSummary(i), Containers: df.containers.filter(({ container: c }) => c.imageId === i.id).length })),
        Containers: df.containers.map(({ container, sizeRw }) => ({ ...containerSummary(container), SizeRw: sizeRw, SizeRootFs: 0 })),
        Volumes: df.volumes.map(({ volume, size, refCount }) => ({ ...volumeJson(volume), UsageData: { Size: size, RefCount: refCount } })),
        BuildCache: df.buildCache.map((s) => ({ ID: s.layer.diffId.slice(7, 32), Type: 'regular', Description: '', InUse: false, Shared: false, Size: s.layer.size, CreatedAt: '', LastUsedAt: null, UsageCount: 1 })),
      });
    },
  },

  // ---- volumes
  {
    method: 'GET',
    path: '/volumes',
    handler: async ({ daemon, req }) => {
      const filters = filtersParam(req);
      const list = (await daemon.volumeList()).filter((v) =>
        filters.every(([k, val]) => (k === 'name' ? v.Name.includes(val) : k === 'dangling' ? true : k === 'label' ? val.split('=')[0]! in v.Labels : true)),
      );
      return json(200, { Volumes: list.map(volumeJson), Warnings: null });
    },
  },
  {
    method: 'POST',
    path: '/volumes/create',
    handler: async ({ daemon, req }) => {
      const body = readObject(req, true);
      if (body.Driver && body.Driver !== 'local') throw new ApiError(404, `plugin "${String(body.Driver)}" not found`);
      const name = typeof body.Name === 'string' && body.Name ? body.Name : undefined;
      return json(201, volumeJson(await daemon.volumeCreate(name, (body.Labels as Record<string, string> | undefined) ?? {})));
    },
  },
  { method: 'GET', path: '/volumes/{name}', handler: async ({ daemon, params }) => json(200, volumeJson(await daemon.volumeInspect(params.name!))) },
  {
    method: 'DELETE',
    path: '/volumes/{name}',
    handler: async ({ daemon, params, req }) => {
      await daemon.volumeDelete(params.name!, boolParam(req, 'force'));
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/volumes/prune',
    handler: async ({ daemon, req }) => json(200, await daemon.volumePrune(filtersParam(req).some(([k, v]) => k === 'all' && ['true', '1'].includes(v)))),
  },

  // ---- networks
  { method: 'GET', path: '/networks', handler: async ({ daemon, req }) => {
    const filters = filtersParam(req);
    const list = (await daemon.networkList()).filter((n) =>
      filters.every(([k, v]) => (k === 'name' ? n.Name.includes(v) : k === 'id' ? n.Id.startsWith(v) : k === 'driver' ? n.Driver === v : true)),
    );
    return json(200, list.map((n) => networkJson(n)));
  } },
  {
    method: 'GET',
    path: '/networks/{id}',
    handler: async ({ daemon, params }) => {
      const { network, containers } = await daemon.networkInspect(params.id!);
      return json(200, networkJson(network, containers));
    },
  },
  {
    method: 'POST',
    path: '/networks/create',
    handler: async ({ daemon, req }) => {
      const body = readObject(req);
      if (typeof body.Name !== 'string' || !body.Name) throw new ApiError(400, 'invalid network name ""');
      const ipam = (body.IPAM as { Config?: Array<{ Subnet?: string; Gateway?: string }> } | undefined)?.Config?.[0];
      const result = await daemon.networkCreate({
        name: body.Name,
        ...(typeof body.Driver === 'string' && body.Driver ? { driver: body.Driver } : {}),
        ...(ipam?.Subnet ? { subnet: ipam.Subnet } : {}),
        ...(ipam?.Gateway ? { gateway: ipam.Gateway } : {}),
        internal: !!body.Internal,
        attachable: !!body.Attachable,
        labels: (body.Labels as Record<string, string> | undefined) ?? {},
      });
      return json(201, result);
    },
  },
  {
    method: 'DELETE',
    path: '/networks/{id}',
    handler: async ({ daemon, params }) => {
      await daemon.networkDelete(params.id!);
      return empty();
    },
  },
  {
    method: 'POST',
    path: '/networks/{id}/connect',
    handler: async ({ daemon, params, req }) => {
      const body = readObject(req);
      const endpoint = body.EndpointConfig as { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string } } | undefined;
      await daemon.networkConnect(params.id!, String(body.Container ?? ''), {
        ...(endpoint?.Aliases ? { aliases: endpoint.Aliases } : {}),
        ...(endpoint?.IPAMConfig?.IPv4Address ? { ip: endpoint.IPAMConfig.IPv4Address } : {}),
      });
      return empty(200);
    },
  },
  {
    method: 'POST',
    path: '/networks/{id}/disconnect',
    handler: async ({ daemon, params, req }) => {
      const body = readObject(req);
      await daemon.networkDisconnect(params.id!, String(body.Container ?? ''), !!body.Force);
      return empty(200);
    },
  },
  { method: 'POST', path: '/networks/prune', handler: async ({ daemon }) => json(200, await daemon.networkPrune()) },
];
