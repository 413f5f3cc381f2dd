import type { Command } from '../context';
import { daemonError } from '../output';
import { formatTable } from '../table';
import { printListFormat } from './inspect';

export const search: Command = {
  name: 'search',
  usage: 'docker search [OPTIONS] TERM',
  description: 'Search Docker Hub for images',
  flags: [
    { long: 'filter', short: 'f', kind: 'list', description: 'Filter output based on conditions provided' },
    { long: 'format', kind: 'string', description: 'Pretty-print search using a Go template' },
    { long: 'limit', kind: 'int', description: 'Max number of search results' },
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    const limit = (flags.limit as number | undefined) ?? 25;
    if (limit < 1 || limit > 100) {
      io.err('Error response from daemon: limit 0 is outside the range of [1, 100]\n'.replace('limit 0', `limit ${limit}`));
      return 1;
    }
    let results;
    try {
      results = await daemon.imageSearch(args[0]!);
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
    for (const f of (flags.filter as string[] | undefined) ?? []) {
      const [key, value] = [f.split('=')[0], f.split('=').slice(1).join('=')];
      if (key === 'is-official') results = results.filter((r) => r.is_official === (value === 'true'));
      else if (key === 'stars') results = results.filter((r) => r.star_count >= Number(value));
      else {
        io.err(`Error response from daemon: invalid filter '${key}'\n`);
        return 1;
      }
    }
    results = results.slice(0, limit);
    const trunc = (d: string) => (!flags['no-trunc'] && d.length > 45 ? `${d.slice(0, 44)}…` : d);
    const format = flags.format as string | undefined;
    if (format) {
      printListFormat(io, format, results, (r) => ({ Name: r.name, Description: trunc(r.description), StarCount: String(r.star_count), IsOfficial: r.is_official ? '[OK]' : '' }), {
        Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL',
      });
      return 0;
    }
    io.out(formatTable(['NAME', 'DESCRIPTION', 'STARS', 'OFFICIAL'], results.map((r) => [r.name, trunc(r.description), String(r.star_count), r.is_official ? '[OK]' : ''])));
    return 0;
  },
};
