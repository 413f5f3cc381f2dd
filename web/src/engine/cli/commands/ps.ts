import { humanDuration } from '../../formats/human';
import type { Command } from '../context';
import { formatTable } from '../table';
import { daemonError, quotedCommand } from '../output';
import { printListFormat } from './inspect';
import { formatPorts } from '../../formats/port-spec';

export { filterContainers, containerStatus } from '../../api-types/summary';
import { filterContainers, containerStatus } from '../../api-types/summary';
import type { DockerApi } from '../../daemon/docker-api';

/** The fields `docker ps --format` offers, and their table headers. */
const FIELD_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Names: 'NAMES', Labels: 'LABELS', Networks: 'NETWORKS', Mounts: 'MOUNTS',
};

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
      list = filterContainers(list, filters, await ancestorIds(daemon, filters));
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

/**
 * The image IDs that `ancestor=` filters given as IDs name (GET /images/{id}/json for each), for
 * filterContainers; other ancestors match by the name a container was made from.
 */
async function ancestorIds(daemon: DockerApi, filters: string[]): Promise<(name: string) => string | undefined> {
  const ids = new Map<string, string | undefined>();
  for (const f of filters) {
    const value = /^ancestor=(.*)$/.exec(f)?.[1];
    if (value === undefined || !/^(sha256:)?[a-f0-9]{3,64}$/.test(value) || ids.has(value)) continue;
    ids.set(value, (await daemon.imageInspect(value).catch(() => undefined))?.id);
  }
  return (name) => ids.get(name);
}
