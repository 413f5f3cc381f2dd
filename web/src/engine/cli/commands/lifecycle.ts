// Commands that act on containers by name or ID, one after another, printing each name as
// Docker does and reporting each failure without stopping the rest.
import { signalNumber } from '../../lib/signals';
import type { DockerApi } from '../../daemon/docker-api';
import type { Command, CommandContext } from '../context';
import { daemonError, eachArgument } from '../output';
import { startAttached } from './run';

/** Acts on each named container, printing the name back as Docker does. */
function eachContainer(ctx: CommandContext, action: (daemon: DockerApi, name: string) => Promise<void>): Promise<number> {
  return eachArgument(ctx.io, ctx.args, async (name) => {
    await action(ctx.daemon, name);
    return `${name}\n`;
  });
}

export const rm: Command = {
  name: 'rm',
  usage: 'docker rm [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Remove one or more containers',
  flags: [
    { long: 'force', short: 'f', kind: 'bool', description: 'Force the removal of a running container (uses SIGKILL)' },
    { long: 'volumes', short: 'v', kind: 'bool', description: 'Remove anonymous volumes associated with the container' },
  ],
  minArgs: 1,
  run: (ctx) => eachContainer(ctx, (d, name) => d.containerDelete(name, !!ctx.flags.force, !!ctx.flags.volumes)),
};

export const stop: Command = {
  name: 'stop',
  usage: 'docker stop [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Stop one or more running containers',
  flags: [{ long: 'time', short: 't', kind: 'int', description: 'Seconds to wait before killing the container' }],
  minArgs: 1,
  run: (ctx) => eachContainer(ctx, (d, name) => d.containerStop(name, (ctx.flags.time as number | undefined) ?? 10)),
};

export const start: Command = {
  name: 'start',
  usage: 'docker start [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Start one or more stopped containers',
  flags: [
    { long: 'attach', short: 'a', kind: 'bool', description: "Attach STDOUT/STDERR and forward signals" },
    { long: 'interactive', short: 'i', kind: 'bool', description: "Attach container's STDIN" },
    { long: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching a container' },
  ],
  minArgs: 1,
  async run(ctx) {
    if (!ctx.flags.attach && !ctx.flags.interactive) return eachContainer(ctx, (d, name) => d.containerStart(name));
    if (ctx.args.length > 1) {
      ctx.io.err('you cannot start and attach multiple containers at once\n');
      return 1;
    }
    // Attached, as `docker run` without -d: output streams here, and the exit status is its.
    let container;
    try {
      container = await ctx.daemon.containerInspect(ctx.args[0]!);
    } catch (error) {
      ctx.io.err(`${daemonError(error)}\n`);
      return 1;
    }
    if (container.state.status === 'running') {
      ctx.io.err(`${daemonError(new Error(`container ${container.name} is already running`))}\n`);
      return 1;
    }
    return startAttached(ctx, container.id, { interactive: !!ctx.flags.interactive && container.config.OpenStdin, tty: container.config.Tty, detachKeys: ctx.flags['detach-keys'] as string | undefined });
  },
};


export const kill: Command = {
  name: 'kill',
  usage: 'docker kill [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Kill one or more running containers',
  flags: [{ long: 'signal', short: 's', kind: 'string', description: 'Signal to send to the container' }],
  minArgs: 1,
  async run(ctx) {
    const signal = signalNumber((ctx.flags.signal as string | undefined) ?? 'KILL');
    if (!signal) {
      ctx.io.err(`${daemonError(new Error(`Invalid signal: ${ctx.flags.signal}`))}\n`);
      return 1;
    }
    return eachContainer(ctx, (d, c) => d.containerKill(c, signal));
  },
};

export const restart: Command = {
  name: 'restart',
  usage: 'docker restart [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Restart one or more containers',
  flags: [{ long: 'time', short: 't', kind: 'int', description: 'Seconds to wait before killing the container' }],
  minArgs: 1,
  run: (ctx) =>
    eachContainer(ctx, async (d, name) => {
      await d.containerStop(name, (ctx.flags.time as number | undefined) ?? 10);
      await d.containerStart(name);
    }),
};

export const pause: Command = {
  name: 'pause',
  usage: 'docker pause CONTAINER [CONTAINER...]',
  description: 'Pause all processes within one or more containers',
  flags: [],
  minArgs: 1,
  run: (ctx) => eachContainer(ctx, (d, name) => d.containerPause(name, true)),
};

export const unpause: Command = {
  name: 'unpause',
  usage: 'docker unpause CONTAINER [CONTAINER...]',
  description: 'Unpause all processes within one or more containers',
  flags: [],
  minArgs: 1,
  run: (ctx) => eachContainer(ctx, (d, name) => d.containerPause(name, false)),
};

export const rename: Command = {
  name: 'rename',
  usage: 'docker rename CONTAINER NEW_NAME',
  description: 'Rename a container',
  flags: [],
  minArgs: 2,
  maxArgs: 2,
  async run({ io, daemon, args }) {
    try {
      await daemon.containerRename(args[0]!, args[1]!);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const wait: Command = {
  name: 'wait',
  usage: 'docker wait CONTAINER [CONTAINER...]',
  description: 'Block until one or more containers stop, then print their exit codes',
  flags: [],
  minArgs: 1,
  run: ({ io, daemon, args }) => eachArgument(io, args, async (name) => `${(await daemon.containerWait(name, 'not-running')).StatusCode}\n`),
};
