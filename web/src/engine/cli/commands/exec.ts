import { ApiError } from '../../daemon/endpoints';
import type { Command } from '../context';
import { daemonError } from '../output';

export const exec: Command = {
  name: 'exec',
  usage: 'docker exec [OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  flags: [
    { long: 'detach', short: 'd', kind: 'bool', description: 'Detached mode: run command in the background' },
    { long: 'interactive', short: 'i', kind: 'bool', description: 'Keep STDIN open even if not attached' },
    { long: 'tty', short: 't', kind: 'bool', description: 'Allocate a pseudo-TTY' },
    { long: 'env', short: 'e', kind: 'list', description: 'Set environment variables' },
    { long: 'workdir', short: 'w', kind: 'string', description: 'Working directory inside the container' },
    { long: 'user', short: 'u', kind: 'string', description: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { long: 'privileged', kind: 'bool', description: 'Give extended privileges to the command' },
  ],
  stopAtFirstArg: true,
  minArgs: 2,
  async run({ io, daemon, args, flags }) {
    if (flags.tty && flags.interactive && !flags.detach && !io.stdinTty) {
      io.err('the input device is not a TTY\n');
      return 1;
    }
    const interactive = !!flags.interactive && !flags.detach;
    let session;
    try {
      session = await daemon.containerExec(
        args[0]!,
        {
          cmd: args.slice(1),
          env: (flags.env as string[] | undefined) ?? [],
          ...(flags.workdir !== undefined ? { workdir: flags.workdir as string } : {}),
          ...(flags.user !== undefined ? { user: flags.user as string } : {}),
          tty: !!flags.tty,
          stdin: interactive,
          privileged: !!flags.privileged,
        },
        (stream, data) => {
          if (!flags.detach) (stream === 1 ? io.out : io.err)(data);
        },
      );
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
    if (flags.detach) {
      session.exited.catch(() => {});
      return 0;
    }
    if (interactive) {
      io.onStdin((bytes) => session.write(bytes));
      io.startStdin(!!flags.tty && io.stdinTty);
    }
    if (flags.tty) {
      if (io.size.rows > 0) session.resize(io.size.rows, io.size.cols);
      io.onResize((rows, cols) => session.resize(rows, cols));
    } else {
      io.onSignal((signal) => session.kill(signal));
    }
    const left = interactive && flags.tty && io.stdinTty ? io.enterContainer?.(session.containerId) : undefined;
    try {
      return await session.exited;
    } catch (error) {
      io.err(`${error instanceof ApiError ? error.message : daemonError(error)}\n`);
      const message = (error as Error).message;
      return message.includes('executable file not found') ? 127 : 126;
    } finally {
      left?.();
    }
  },
};
