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
  ],
  maxArgs: 1,
  async run({ io, daemon, flags, args }) {
    const list = await daemon.imageList();
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
        rows.push([repo, tag.slice(colon + 1), id, created, humanSize(daemon.images.size(image))]);
      }
    }
    if (flags.quiet) io.out([...new Set(rows.map((r) => r[2]))].map((id) => `${id}\n`).join(''));
    else io.out(formatTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows));
    return 0;
  },
};
