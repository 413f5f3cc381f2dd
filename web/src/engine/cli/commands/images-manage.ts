// Commands on images by name: rmi, tag, history.
import { humanDuration, humanSize } from '../../formats/human';
import type { Command } from '../context';
import { daemonError, eachArgument } from '../output';
import { formatTable } from '../table';

export const rmi: Command = {
  name: 'rmi',
  usage: 'docker rmi [OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  flags: [{ long: 'force', short: 'f', kind: 'bool', description: 'Force removal of the image' }],
  minArgs: 1,
  run: ({ io, daemon, args, flags }) =>
    eachArgument(io, args, async (name) =>
      (await daemon.imageDelete(name, !!flags.force)).map((e) => (e.Untagged ? `Untagged: ${e.Untagged}\n` : `Deleted: ${e.Deleted}\n`)).join(''),
    ),
};

export const tag: Command = {
  name: 'tag',
  usage: 'docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  minArgs: 2,
  maxArgs: 2,
  async run({ io, daemon, args }) {
    try {
      await daemon.imageTag(args[0]!, args[1]!);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const history: Command = {
  name: 'history',
  usage: 'docker history [OPTIONS] IMAGE',
  description: 'Show the history of an image',
  flags: [
    { long: 'no-trunc', kind: 'bool', description: "Don't truncate output" },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Only show image IDs' },
    { long: 'human', short: 'H', kind: 'bool', description: 'Print sizes and dates in human readable format' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    let image;
    try {
      image = await daemon.imageHistory(args[0]!);
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
    const full = !!flags['no-trunc'];
    const now = Date.now();
    // Newest step first; only the top step carries the image's ID, as with pulled images.
    let layer = image.layers.length - 1;
    const rows = [...(image.config.history ?? [])].reverse().map((h, i) => {
      const size = h.empty_layer ? 0 : (image.layers[layer--]?.size ?? 0);
      const createdBy = h.created_by ?? '';
      return [
        i === 0 ? (full ? image.id : image.id.slice(7, 19)) : '<missing>',
        h.created ? `${humanDuration(now - Date.parse(h.created))} ago` : 'N/A',
        full || createdBy.length <= 45 ? createdBy : `${createdBy.slice(0, 44)}…`,
        humanSize(size),
        h.comment ?? '',
      ];
    });
    if (flags.quiet) io.out(rows.map((r) => `${r[0]}\n`).join(''));
    else io.out(formatTable(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], rows));
    return 0;
  },
};
