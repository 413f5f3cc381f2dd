// `docker volume create|ls|inspect|rm|prune`.
import type { Command } from '../context';
import { confirm, daemonError, eachArgument } from '../output';
import { formatTable } from '../table';
import { applyFormat, printInspected } from './inspect';

const shown = (v: { Name: string; Driver: string; Mountpoint: string; CreatedAt: string; Labels: Record<string, string>; Scope: string; Options: unknown }) => ({
  CreatedAt: v.CreatedAt,
  Driver: v.Driver,
  Labels: Object.keys(v.Labels).length ? v.Labels : null,
  Mountpoint: v.Mountpoint,
  Name: v.Name,
  Options: v.Options,
  Scope: v.Scope,
});

export const volumeCreate: Command = {
  name: 'volume create',
  usage: 'docker volume create [OPTIONS] [VOLUME]',
  description: 'Create a volume',
  flags: [
    { long: 'driver', short: 'd', kind: 'string', description: 'Specify volume driver name', default: 'local' },
    { long: 'label', kind: 'list', description: 'Set metadata for a volume' },
    { long: 'name', kind: 'string', description: 'Specify volume name' },
  ],
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    if (flags.driver !== undefined && flags.driver !== 'local') {
      io.err(`Error response from daemon: create ${args[0] ?? ''}: plugin "${flags.driver}" not found\n`);
      return 1;
    }
    const labels = Object.fromEntries(((flags.label as string[] | undefined) ?? []).map((l) => [l.split('=')[0]!, l.split('=').slice(1).join('=')]));
    try {
      const volume = await daemon.volumeCreate(args[0] ?? (flags.name as string | undefined), labels);
      io.out(`${volume.Name}\n`);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const volumeLs: Command = {
  name: 'volume ls',
  usage: 'docker volume ls [OPTIONS]',
  description: 'List volumes',
  flags: [
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display volume names' },
    { long: 'filter', short: 'f', kind: 'list', description: 'Provide filter values (e.g. "dangling=true")' },
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    let list = (await daemon.volumeList()).sort((a, b) => a.Name.localeCompare(b.Name));
    const containers = await daemon.containerList(true);
    for (const f of (flags.filter as string[] | undefined) ?? []) {
      const [key, value = ''] = [f.split('=')[0], f.split('=').slice(1).join('=')];
      if (key === 'dangling') list = list.filter((v) => !containers.some((c) => c.mounts.some((m) => m.Name === v.Name)) === (value === 'true' || value === '1'));
      else if (key === 'name') list = list.filter((v) => v.Name.includes(value));
      else {
        io.err(`Error response from daemon: invalid filter '${key}'\n`);
        return 1;
      }
    }
    if (flags.quiet) io.out(list.map((v) => `${v.Name}\n`).join(''));
    else io.out(formatTable(['DRIVER', 'VOLUME NAME'], list.map((v) => [v.Driver, v.Name])));
    return 0;
  },
};

export const volumeInspect: Command = {
  name: 'volume inspect',
  usage: 'docker volume inspect [OPTIONS] VOLUME [VOLUME...]',
  description: 'Display detailed information on one or more volumes',
  flags: [{ long: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' }],
  minArgs: 1,
  async run({ io, daemon, args, flags }) {
    const found: unknown[] = [];
    let status = 0;
    for (const name of args) {
      try {
        found.push(shown(await daemon.volumeInspect(name)));
      } catch (error) {
        io.err(`${daemonError(error)}\n`);
        status = 1;
      }
    }
    return printInspected(io, found, status, flags.format as string | undefined);
  },
};

export const volumeRm: Command = {
  name: 'volume rm',
  usage: 'docker volume rm [OPTIONS] VOLUME [VOLUME...]',
  description: 'Remove one or more volumes',
  flags: [{ long: 'force', short: 'f', kind: 'bool', description: 'Force the removal of one or more volumes' }],
  minArgs: 1,
  async run({ io, daemon, args, flags }) {
    return eachArgument(io, args, async (name) => {
      await daemon.volumeDelete(name, !!flags.force);
      return `${name}\n`;
    });
  },
};

export const volumePrune: Command = {
  name: 'volume prune',
  usage: 'docker volume prune [OPTIONS]',
  description: 'Remove unused local volumes',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Remove all unused volumes, not just anonymous ones' },
    { long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    if (!flags.force && !(await confirm(io, `WARNING! This will remove ${flags.all ? 'all local volumes not used by at least one container' : 'anonymous local volumes not used by at least one container'}.\nAre you sure you want to continue? [y/N] `))) return 0;
    const { VolumesDeleted } = await daemon.volumePrune(!!flags.all);
    if (VolumesDeleted.length) io.out(`Deleted Volumes:\n${VolumesDeleted.map((v) => `${v}\n`).join('')}\n`);
    io.out('Total reclaimed space: 0B\n');
    return 0;
  },
};
