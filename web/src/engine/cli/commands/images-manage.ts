// Commands on images by name: rmi, tag, history.
import { humanDuration, humanSize } from '../../formats/human';
import type { Command } from '../context';
import { confirm, daemonError, eachArgument } from '../output';
import { formatTable } from '../table';
import { printListFormat } from './inspect';

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
    { long: 'format', kind: 'string', description: 'Format output using a custom template' },
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
    const format = flags.format as string | undefined;
    if (format && !flags.quiet) {
      printListFormat(io, format, rows, (r) => ({ ID: r[0], CreatedSince: r[1], CreatedBy: r[2], Size: r[3], Comment: r[4] }), {
        ID: 'IMAGE', CreatedSince: 'CREATED', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT',
      });
    } else if (flags.quiet) io.out(rows.map((r) => `${r[0]}\n`).join(''));
    else io.out(formatTable(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], rows));
    return 0;
  },
};

export const builderPrune: Command = {
  name: 'builder prune',
  usage: 'docker builder prune',
  description: 'Remove build cache',
  flags: [
    { long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
    { long: 'all', short: 'a', kind: 'bool', description: 'Remove all unused build cache, not just dangling ones' },
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    if (!flags.force && !(await confirm(io, 'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] '))) return 0;
    const { SpaceReclaimed } = await daemon.buildPrune();
    io.out(`Total:\t${humanSize(SpaceReclaimed)}\n`);
    return 0;
  },
};

export const imagePrune: Command = {
  name: 'image prune',
  usage: 'docker image prune [OPTIONS]',
  description: 'Remove unused images',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Remove all unused images, not just dangling ones' },
    { long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    // The confirmation prompt needs the learner's answer; -f skips it, as in Docker.
    if (!flags.force) {
      const warning = flags.all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.';
      if (!(await confirm(io, `${warning}\nAre you sure you want to continue? [y/N] `))) return 0;
    }
    try {
      const result = await daemon.imagePrune(!!flags.all);
      if (result.ImagesDeleted.length) {
        io.out(`Deleted Images:\n${result.ImagesDeleted.map((e) => (e.Untagged ? `untagged: ${e.Untagged}\n` : `deleted: ${e.Deleted}\n`)).join('')}\n`);
      }
      io.out(`Total reclaimed space: ${humanSize(result.SpaceReclaimed)}\n`);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const systemPrune: Command = {
  name: 'system prune',
  usage: 'docker system prune [OPTIONS]',
  description: 'Remove unused data',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', description: 'Remove all unused images not just dangling ones' },
    { long: 'force', short: 'f', kind: 'bool', description: 'Do not prompt for confirmation' },
    { long: 'volumes', kind: 'bool', description: 'Prune anonymous volumes' },
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    const what = [
      'all stopped containers',
      ...(flags.volumes ? ['all anonymous volumes not used by at least one container'] : []),
      flags.all ? 'all images without at least one container associated to them' : 'all dangling images',
      flags.all ? 'all build cache' : 'unused build cache',
    ];
    if (!flags.force && !(await confirm(io, `WARNING! This will remove:\n${what.map((w) => `  - ${w}\n`).join('')}\nAre you sure you want to continue? [y/N] `))) return 0;
    const containers = await daemon.containerPrune();
    if (containers.ContainersDeleted.length) io.out(`Deleted Containers:\n${containers.ContainersDeleted.map((id) => `${id}\n`).join('')}\n`);
    if (flags.volumes) {
      const volumes = await daemon.volumePrune(false);
      if (volumes.VolumesDeleted.length) io.out(`Deleted Volumes:\n${volumes.VolumesDeleted.map((v) => `${v}\n`).join('')}\n`);
    }
    const images = await daemon.imagePrune(!!flags.all);
    if (images.ImagesDeleted.length) io.out(`Deleted Images:\n${images.ImagesDeleted.map((e) => (e.Untagged ? `untagged: ${e.Untagged}\n` : `deleted: ${e.Deleted}\n`)).join('')}\n`);
    const cache = await daemon.buildPrune();
    io.out(`Total reclaimed space: ${humanSize(containers.SpaceReclaimed + images.SpaceReclaimed + cache.SpaceReclaimed)}\n`);
    return 0;
  },
};
