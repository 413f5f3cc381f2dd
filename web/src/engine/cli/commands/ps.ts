import { humanDuration } from '../../formats/human';
import type { Container } from '../../daemon/container-store';
import type { Command } from '../context';
import { formatTable } from '../table';
import { quotedCommand } from '../output';

export function containerStatus(c: Container, now = Date.now()): string {
  switch (c.state.status) {
    case 'running':
      return `Up ${humanDuration(now - c.state.startedAt)}`;
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
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    const last = flags.latest ? 1 : ((flags.last as number | undefined) ?? -1);
    let list = await daemon.containerList(!!flags.all || last > 0);
    if (last > 0) list = list.slice(0, last);
    const full = !!flags['no-trunc'];
    const now = Date.now();
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
      '',
      c.name,
    ]);
    io.out(formatTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows));
    return 0;
  },
};
