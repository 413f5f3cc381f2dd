// `docker network create|ls|inspect|rm|prune|connect|disconnect`.
import type { Network } from '../../models/network';
import type { Command } from '../context';
import { confirm, daemonError, eachArgument } from '../output';
import { formatTable } from '../table';
import { applyFormat, printInspected } from './inspect';

const labelsOf = (values: string[] | undefined) => Object.fromEntries((values ?? []).map((l) => [l.split('=')[0]!, l.split('=').slice(1).join('=')]));

/** A network as `docker network inspect` prints it. */
function shown(network: Network, containers: Record<string, unknown>) {
  const { bridge: _bridge, ...rest } = network;
  return { ...rest, Containers: containers };
}

export const networkCreate: Command = {
  name: 'network create',
  usage: 'docker network create [OPTIONS] NETWORK',
  description: 'Create a network',
  flags: [
    { long: 'driver', short: 'd', kind: 'string', description: 'Driver to manage the Network', default: 'bridge' },
    { long: 'subnet', kind: 'list', description: 'Subnet in CIDR format that represents a network segment' },
    { long: 'gateway', kind: 'list', description: 'IPv4 or IPv6 Gateway for the master subnet' },
    { long: 'internal', kind: 'bool', description: 'Restrict external access to the network' },
    { long: 'attachable', kind: 'bool', description: 'Enable manual container attachment' },
    { long: 'label', kind: 'list', description: 'Set metadata on a network' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    const subnets = (flags.subnet as string[] | undefined) ?? [];
    const gateways = (flags.gateway as string[] | undefined) ?? [];
    if (subnets.length > 1 || gateways.length > 1) {
      io.err('Error response from daemon: Drydock networks have one IPv4 subnet each\n');
      return 1;
    }
    try {
      const { Id } = await daemon.networkCreate({
        name: args[0]!,
        driver: (flags.driver as string | undefined) ?? 'bridge',
        ...(subnets[0] ? { subnet: subnets[0] } : {}),
        ...(gateways[0] ? { gateway: gateways[0] } : {}),
        internal: !!flags.internal,
        attachable: !!flags.attachable,
        labels: labelsOf(flags.label as string[] | undefined),
      });
      io.out(`${Id}\n`);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const networkLs: Command = {
  name: 'network ls',
  usage: 'docker network ls [OPTIONS]',
  description: 'List networks',
  flags: [
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display network IDs' },
    { long: 'no-trunc', kind: 'bool', description: 'Do not truncate the output' },
    { long: 'filter', short: 'f', kind: 'list', description: 'Provide filter values (e.g. "driver=bridge")' },
    { long: 'format', kind: 'string', description: 'Format output using a custom template' },
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    let list = (await daemon.networkList()).slice().sort((a, b) => a.Name.localeCompare(b.Name));
    for (const f of (flags.filter as string[] | undefined) ?? []) {
      const eq = f.indexOf('=');
      const [key, value] = [f.slice(0, eq < 0 ? f.length : eq), f.slice(eq + 1)];
      const builtin = (n: Network) => ['bridge', 'host', 'none'].includes(n.Name) && (n.Driver !== 'bridge' || n.bridge === 'docker0');
      if (key === 'name') list = list.filter((n) => n.Name.includes(value));
      else if (key === 'driver') list = list.filter((n) => n.Driver === value);
      else if (key === 'id') list = list.filter((n) => n.Id.startsWith(value));
      else if (key === 'type') list = list.filter((n) => (value === 'builtin') === builtin(n));
      else if (key === 'label') list = list.filter((n) => value.split('=')[0]! in n.Labels);
      else {
        io.err(`Error response from daemon: invalid filter '${key}'\n`);
        return 1;
      }
    }
    const id = (n: Network) => (flags['no-trunc'] ? n.Id : n.Id.slice(0, 12));
    if (flags.quiet) {
      io.out(list.map((n) => `${id(n)}\n`).join(''));
      return 0;
    }
    const format = (flags.format as string | undefined)?.replace(/\\t/g, '\t');
    if (format && !format.startsWith('table')) {
      io.out(list.map((n) => `${applyFormat(format, { ID: id(n), Name: n.Name, Driver: n.Driver, Scope: n.Scope, Internal: n.Internal, Labels: '', CreatedAt: n.Created })}\n`).join(''));
      return 0;
    }
    io.out(formatTable(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], list.map((n) => [id(n), n.Name, n.Driver, n.Scope])));
    return 0;
  },
};

export const networkInspect: Command = {
  name: 'network inspect',
  usage: 'docker network inspect [OPTIONS] NETWORK [NETWORK...]',
  description: 'Display detailed information on one or more networks',
  flags: [{ long: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' }],
  minArgs: 1,
  async run({ io, daemon, args, flags }) {
    const found: unknown[] = [];
    let status = 0;
    for (const name of args) {
      try {
        const { network, containers } = await daemon.networkInspect(name);
        found.push(shown(network, containers));
      } catch {
        io.err(`Error: No such network: ${name}\n`);
        status = 1;
      }
    }
    return printInspected(io, found, status, flags.format as string | undefined);
  },
};

export const networkRm: Command = {
  name: 'network rm',
  usage: 'docker network rm NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  flags: [{ long: 'force', short: 'f', kind: 'bool', description: 'Do not error if the network does not exist' }],
  minArgs: 1,
  async run({ io, daemon, args, flags }) {
    const present = [];
    // With --force a network that is not there is no error (GET /networks/{name} says).
    for (const a of args) if (!flags.force || (await daemon.networkInspect(a).then(() => true, () => false))) present.push(a);
    return eachArgument(io, present, async (name) => {
      await daemon.networkDelete(name);
      return `${name}\n`;
    });
  },
};

export const networkPrune: Command = {
  name: 'network prune',
  usage: 'docker network prune [OPTIONS]',
  description: 'Remove all unused networks',
  flags: [{ long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' }],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    if (!flags.force && !(await confirm(io, 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] '))) return 0;
    const { NetworksDeleted } = await daemon.networkPrune();
    if (NetworksDeleted.length) io.out(`Deleted Networks:\n${NetworksDeleted.map((n) => `${n}\n`).join('')}`);
    return 0;
  },
};

export const networkConnect: Command = {
  name: 'network connect',
  usage: 'docker network connect [OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  flags: [
    { long: 'alias', kind: 'list', description: 'Add network-scoped alias for the container' },
    { long: 'ip', kind: 'string', description: 'IPv4 address (e.g., "172.30.100.104")' },
  ],
  minArgs: 2,
  maxArgs: 2,
  async run({ io, daemon, args, flags }) {
    try {
      await daemon.networkConnect(args[0]!, args[1]!, {
        aliases: (flags.alias as string[] | undefined) ?? [],
        ...(flags.ip !== undefined ? { ip: flags.ip as string } : {}),
      });
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const networkDisconnect: Command = {
  name: 'network disconnect',
  usage: 'docker network disconnect [OPTIONS] NETWORK CONTAINER',
  description: 'Disconnect a container from a network',
  flags: [{ long: 'force', short: 'f', kind: 'bool', description: 'Force the container to disconnect from a network' }],
  minArgs: 2,
  maxArgs: 2,
  async run({ io, daemon, args, flags }) {
    try {
      await daemon.networkDisconnect(args[0]!, args[1]!, !!flags.force);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};
