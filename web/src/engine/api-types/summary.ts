// The Engine API's list shapes (ContainerSummary's Status, the /containers/json filters): the
// rules Docker applies, shared by the API server and the CLI's `docker ps`.
import { humanDuration } from '../formats/human';
import type { Container } from '../models/container';
import { ApiError } from '../daemon/endpoints';
import { imageSize, type Image } from '../models/image';

/** `docker ps --filter`: the filters Drydock's containers can answer, with Docker's matching. */
export function filterContainers(list: Container[], filters: string[], imageIdOf: (name: string) => string | undefined): Container[] {
  const byKey = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    if (!['status', 'name', 'id', 'ancestor', 'exited', 'label', 'network', 'publish', 'expose'].includes(key)) throw new ApiError(400, `invalid filter '${key}'`);
    if (eq < 0) throw new ApiError(400, `bad format of filter (expected name=value)`);
    byKey.set(key, [...(byKey.get(key) ?? []), f.slice(eq + 1)]);
  }
  const statuses = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
  for (const status of byKey.get('status') ?? []) {
    if (!statuses.includes(status)) throw new ApiError(400, `invalid filter 'status=${status}'`);
  }
  // Values of one key are alternatives; different keys must all match.
  return list.filter((c) =>
    [...byKey].every(([key, values]) =>
      values.some((v) => {
        switch (key) {
          case 'status': return c.state.status === v;
          case 'name': return new RegExp(v).test(c.name);
          case 'id': return c.id.startsWith(v);
          case 'ancestor': return c.imageName === v || c.imageId === imageIdOf(v) || c.imageId.slice(7).startsWith(v);
          case 'exited': return c.state.status === 'exited' && String(c.state.exitCode) === v;
          case 'network': return Object.entries(c.networks).some(([name, e]) => name === v || e.NetworkID.startsWith(v));
          case 'publish': return Object.entries(c.ports).some(([key, list]) => !!list?.some((b) => `${b.HostPort}/${key.split('/')[1]}` === (v.includes('/') ? v : `${v}/tcp`)));
          case 'expose': return Object.keys(c.config.ExposedPorts ?? {}).includes(v.includes('/') ? v : `${v}/tcp`);
          case 'label': {
            const [k, val] = v.split('=');
            return k! in c.config.Labels && (val === undefined || c.config.Labels[k!] === val);
          }
          default: return false;
        }
      }),
    ),
  );
}

export function containerStatus(c: Container, now = Date.now()): string {
  switch (c.state.status) {
    case 'running': {
      const health = c.health ? ` (${c.health.Status === 'starting' ? 'health: starting' : c.health.Status})` : '';
      return `Up ${humanDuration(now - c.state.startedAt)}${health}`;
    }
    case 'paused':
      return `Up ${humanDuration(now - c.state.startedAt)} (Paused)`;
    case 'exited':
      return `Exited (${c.state.exitCode}) ${humanDuration(now - c.state.finishedAt)} ago`;
    case 'restarting':
      return `Restarting (${c.state.exitCode}) ${humanDuration(now - c.state.finishedAt)} ago`;
    default:
      return c.state.status === 'created' ? 'Created' : c.state.status[0]!.toUpperCase() + c.state.status.slice(1);
  }
}

/** GET /containers/json: one container (ContainerSummary). */
export function containerSummary(c: Container) {
  const ports: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> = [];
  for (const key of Object.keys({ ...c.config.ExposedPorts, ...c.ports })) {
    const [port, type] = key.split('/') as [string, string];
    const bound = c.ports[key];
    if (bound?.length) for (const b of bound) ports.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
    else ports.push({ PrivatePort: Number(port), Type: type });
  }
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.imageName,
    ImageID: c.imageId,
    Command: [...c.config.Entrypoint, ...c.config.Cmd].join(' '),
    Created: Math.floor(c.created / 1000),
    Ports: ports,
    Labels: c.config.Labels,
    State: c.state.status,
    Status: containerStatus(c),
    HostConfig: { NetworkMode: c.hostConfig.NetworkMode },
    NetworkSettings: {
      Networks: Object.fromEntries(Object.entries(c.networks).map(([name, { hostInterface: _h, interfaceName: _i, ...e }]) => [name, e])),
    },
    Mounts: c.mounts.filter((m) => m.Type !== 'tmpfs').map(({ TmpfsOptions: _, ...m }) => m),
  };
}

/** GET /images/json: one image (ImageSummary); Created in Unix seconds. */
export function imageSummary(i: Image) {
  const created = i.config.created ? Math.floor(Date.parse(i.config.created) / 1000) : 0;
  return {
    Id: i.id,
    ParentId: '',
    RepoTags: i.repoTags,
    RepoDigests: i.repoDigests,
    Created: Number.isNaN(created) ? 0 : created,
    Size: imageSize(i),
    SharedSize: -1,
    VirtualSize: imageSize(i),
    Labels: i.config.config.Labels ?? {},
    Containers: -1,
  };
}
