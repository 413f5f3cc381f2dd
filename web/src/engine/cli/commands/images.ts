import { humanDuration, humanSize } from '../../formats/human';
import type { Command } from '../context';
import { formatTable } from '../table';
import { imageSize } from '../../models/image';
import { printListFormat } from './inspect';

const IMAGE_HEADERS: Record<string, string> = {
  Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', Digest: 'DIGEST',
};

export const images: Command = {
  name: 'images',
  usage: 'docker images [OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Show all images (default hides intermediate images)' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only show image IDs' },
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
    { long: 'filter', short: 'f', kind: 'list', description: 'Filter output based on conditions provided' },
    { long: 'format', kind: 'string', description: 'Format output using a custom template' },
    { long: 'digests', kind: 'bool', description: 'Show digests' },
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
        const digest = image.repoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>';
        rows.push([repo, tag.slice(colon + 1), id, created, humanSize(imageSize(image)), digest, image.config.created ?? '']);
      }
    }
    const format = flags.format as string | undefined;
    if (format && !flags.quiet) {
      const [Repository, Tag, ID, CreatedSince, Size, Digest, CreatedAt] = [0, 1, 2, 3, 4, 5, 6];
      printListFormat(io, format, rows, (r) => ({
        Repository: r[Repository], Tag: r[Tag], ID: r[ID], CreatedSince: r[CreatedSince], Size: r[Size], Digest: r[Digest],
        CreatedAt: r[CreatedAt] ? new Date(r[CreatedAt]!).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC') : '',
      }), IMAGE_HEADERS);
      return 0;
    }
    if (flags.quiet) io.out([...new Set(rows.map((r) => r[2]))].map((id) => `${id}\n`).join(''));
    else if (flags.digests) io.out(formatTable(['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'], rows.map((r) => [r[0]!, r[1]!, r[5]!, r[2]!, r[3]!, r[4]!])));
    else io.out(formatTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows.map((r) => r.slice(0, 5))));
    return 0;
  },
};

/** `--filter reference=busy*` or `reference=app:1.*`: a glob on the name, or on name:tag. */
function matchesReference(pattern: string, repo: string, tag: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(repo) || re.test(tag);
}
