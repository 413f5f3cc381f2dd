import type { Command } from '../context';
import { daemonError } from '../output';

export const commit: Command = {
  name: 'commit',
  usage: 'docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  description: "Create a new image from a container's changes",
  flags: [
    { long: 'author', short: 'a', kind: 'string', description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { long: 'change', short: 'c', kind: 'list', description: 'Apply Dockerfile instruction to the created image' },
    { long: 'message', short: 'm', kind: 'string', description: 'Commit message' },
    { long: 'pause', short: 'p', kind: 'bool', description: 'Pause container during commit (default true)' },
  ],
  minArgs: 1,
  maxArgs: 2,
  async run({ io, daemon, args, flags }) {
    try {
      const id = await daemon.containerCommit(args[0]!, {
        ...(args[1] ? { reference: args[1] } : {}),
        ...(flags.message ? { comment: flags.message as string } : {}),
        ...(flags.author ? { author: flags.author as string } : {}),
        pause: flags.pause !== false,
        changes: (flags.change as string[] | undefined) ?? [],
      });
      io.out(`${id}\n`);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};
