import { humanDuration } from '../../formats/human';
import type { Container } from '../../daemon/container-store';
import type { Command } from '../context';
import { formatTable } from '../table';
import { daemonError, quotedCommand } from '../output';
import { printListFormat } from './inspect';
import { ApiError } from '../../daemon/daemon';
import { formatPorts } from '../../formats/port-spec';

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

/** The fields `docker ps --format` offers, and their table headers. */
const FIELD_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Names: 'NAMES', Labels: 'LABELS', Networks: 'NETWORKS', Mounts: 'MOUNTS',
};

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

export const ps: Command = {
  name: 'ps',
  usage: 'docker ps [OPTIONS]',
  description: 'List containers',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Show all containers (default shows just running)' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display container IDs' },
    { long: 'latest', short: 'l', kind: 'bool', description: 'Show the latest created container (includes all states)' },
    { long: 'last', short: 'n', kind: 'int', description: 'Show n last created containers (includes all states)' },
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
    { long: 'filter', short: 'f', kind: 'list', description: 'Filter output based on conditions provided' },
    { long: 'format', kind: 'string', description: 'Format output using a custom template' },
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    const last = flags.latest ? 1 : ((flags.last as number | undefined) ?? -1);
    const filters = (flags.filter as string[] | undefined) ?? [];
    // A status filter looks at every container, as in Docker.
    let list = await daemon.containerList(!!flags.all || last > 0 || filters.some((f) => f.startsWith('status=')));
    try {
      list = filterContainers(list, filters, (name) => daemon.images.find(name)?.id);
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
    if (last > 0) list = list.slice(0, last);
    const full = !!flags['no-trunc'];
    const now = Date.now();
    const format = flags.format as string | undefined;
    if (format && !flags.quiet) {
      printListFormat(io, format, list, (c) => ({
        ID: full ? c.id : c.id.slice(0, 12),
        Image: c.imageName,
        Command: quotedCommand([...c.config.Entrypoint, ...c.config.Cmd], !full),
        CreatedAt: new Date(c.created).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC'),
        RunningFor: `${humanDuration(now - c.created)} ago`,
        Ports: formatPorts(c.ports),
        State: c.state.status,
        Status: containerStatus(c, now),
        Names: c.name,
        Labels: Object.entries(c.config.Labels).map(([k, v]) => `${k}=${v}`).join(','),
        Networks: Object.keys(c.networks).join(','),
        Mounts: '',
      }), FIELD_HEADERS);
      return 0;
    }
    if (flags.quiet) {
      io.out(list.map((c) => `${full ? c.id : c.id.slice(0, 12)}\n`).join(''));
      return 0;
    }
    const rows = list.map((c) => [
      full ? c.id : c.id.slice(0, 12),
      c.imageName,
      quotedCommand([...c.config.Entrypoint, ...c.config.Cmd], !full),
      `${humanDuration(now - c.created)} ago`,
      containerStatus(c, now),
      formatPorts(c.ports),
      c.name,
    ]);
    io.out(formatTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows));
    return 0;
  },
};
