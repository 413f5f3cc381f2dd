import { parseReference } from '../../formats/reference';
import type { Command } from '../context';
import { daemonError, pullImage } from '../output';
import { hintOf } from '../../registry/not-built-in';

export const pull: Command = {
  name: 'pull',
  usage: 'docker pull [OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  flags: [{ long: 'quiet', short: 'q', kind: 'bool', description: 'Suppress verbose output' }],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    const name = args[0]!;
    try {
      const ref = parseReference(name);
      if (!flags.quiet && !/:[^/]+$/.test(name) && !name.includes('@')) io.out('Using default tag: latest\n');
      await pullImage(daemon, name, (text) => !flags.quiet && io.out(text));
      io.out(`${ref.domain}/${ref.path}:${ref.tag}\n`);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      const hint = hintOf(error);
      if (hint) io.err(`${hint}\n`);
      return 1;
    }
  },
};
