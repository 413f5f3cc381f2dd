import { familiarString, parseReference } from '../../formats/reference';
import type { Command } from '../context';
import { storedLogin } from '../client-config';
import { ApiError } from '../../daemon/endpoints';

export const push: Command = {
  name: 'push',
  usage: 'docker push [OPTIONS] NAME[:TAG]',
  description: 'Upload an image to a registry',
  flags: [
    { long: 'all-tags', short: 'a', kind: 'bool', description: 'Push all tags of an image to the repository' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Suppress verbose output' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    const name = args[0]!;
    let ref;
    try {
      ref = parseReference(name);
    } catch (error) {
      io.err(`invalid reference format: ${(error as Error).message.replace(/^invalid reference format:?\s*/, '')}\n`.replace(/: \n$/, '\n'));
      return 1;
    }
    const tagged = /:[^/]+$/.test(name);
    if (flags['all-tags'] && tagged) {
      io.err(`tag can't be used with --all-tags/-a\n`);
      return 1;
    }
    const repo = familiarString(ref).replace(/:[^:/]+$/, '');
    let tags = [ref.tag];
    if (flags['all-tags']) {
      tags = (await daemon.imageList()).flatMap((i) => i.repoTags).filter((t) => t.startsWith(`${repo}:`)).map((t) => t.slice(repo.length + 1));
      if (!tags.length) {
        io.err(`An image does not exist locally with the tag: ${repo}\n`);
        return 1;
      }
    } else if (!tagged && !flags.quiet) io.out('Using default tag: latest\n');
    const login = await storedLogin(io);
    for (const tag of tags) {
      if (!flags.quiet) io.out(`The push refers to repository [${ref.domain}/${ref.path}]\n`);
      try {
        const result = await daemon.imagePush(`${repo}:${tag}`, login?.token, (p) => {
          if (flags.quiet || p.status === 'Pushing') return;
          io.out(`${p.id}: ${p.status}\n`);
        });
        if (flags.quiet) io.out(`${ref.domain}/${ref.path}:${tag}\n`);
        else io.out(`${result.tag}: digest: ${result.digest} size: ${result.size}\n`);
      } catch (error) {
        // The registry's refusal comes as Docker prints it, without "Error response from daemon".
        io.err(`${error instanceof ApiError ? error.message : `error: ${(error as Error).message}`}\n`);
        return 1;
      }
    }
    return 0;
  },
};
