import { humanDuration, humanSize } from '../../formats/human';
import type { Command } from '../context';
import { formatTable } from '../table';

export const images: Command = {
  name: 'images',
  usage: 'docker images [OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Show all images (default hides intermediate images)' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only show image IDs' },
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
    { long: 'filter', short: 'f', kind: 'list', description: 'Filter output based on conditions provided' },
  ],
  maxArgs: 1,
  async run({ io, daemon, flags, args }) {
    let dangling: boolean | undefined;
    const references: string[] = [];
    for (const f of (flags.filter as string[] | undefined) ?? []) {
      const [key, value = ''] = [f.slice(0, f.indexOf('=') < 0 ? f.length : f.indexOf('=')), f.slice(f.indexOf('=') + 1)];
      if (key === 'dangling') {
        if (value !== 'true' && value !== 'false') {
          io.err(`Error response from daemon: invalid filter 'dangling=${value}'\n`);
          return 1;
        }
        dangling = value === 'true';
      } else if (key === 'reference') references.push(value);
      else {
        io.err(`Error response from daemon: invalid filter '${key}'\n`);
        return 1;
      }
    }
    // Every image here is a top-level one (no intermediate images are kept), so -a adds none.
    const list = (await daemon.imageList()).filter((i) => dangling === undefined || (i.repoTags.length === 0) === dangling);
    const rows: string[][] = [];
    const now = Date.now();
    for (const image of list.sort((a, b) => Date.parse(b.config.created ?? '') - Date.parse(a.config.created ?? ''))) {
      const id = flags['no-trunc'] ? image.id : image.id.slice(7, 19);
      const created = image.config.created ? `${humanDuration(now - Date.parse(image.config.created))} ago` : 'N/A';
      const tags = image.repoTags.length ? image.repoTags : ['<none>:<none>'];
      for (const tag of tags) {
        const colon = tag.lastIndexOf(':');
        const repo = tag.slice(0, colon);
        if (args[0] && repo !== args[0] && tag !== args[0]) continue;
        if (references.length && !references.some((r) => matchesReference(r, repo, tag))) continue;
        rows.push([repo, tag.slice(colon + 1), id, created, humanSize(daemon.images.size(image))]);
      }
    }
    if (flags.quiet) io.out([...new Set(rows.map((r) => r[2]))].map((id) => `${id}\n`).join(''));
    else io.out(formatTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows));
    return 0;
  },
};

/** `--filter reference=busy*` or `reference=app:1.*`: a glob on the name, or on name:tag. */
function matchesReference(pattern: string, repo: string, tag: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(repo) || re.test(tag);
}
