import type { Command } from '../context';
import { UsageError } from '../flags';
import { daemonError } from '../output';
import { hintOf } from '../../registry/not-built-in';
import { createRequest, createWithPull, runFlags } from './run';

export const create: Command = {
  name: 'create',
  usage: 'docker create [OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create a new container',
  flags: runFlags.filter((f) => f.long !== 'detach' && f.long !== 'rm'),
  stopAtFirstArg: true,
  minArgs: 1,
  async run(ctx) {
    try {
      ctx.io.out(`${await createWithPull(ctx, createRequest(ctx))}\n`);
      return 0;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      ctx.io.err(`${daemonError(error)}\n`);
      const hint = hintOf(error);
      if (hint) ctx.io.err(`${hint}\n`);
      return 1;
    }
  },
};
