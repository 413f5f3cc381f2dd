// docker save / load (image archives) and docker export / import (a container's filesystem).
import type { CliIO, Command } from '../context';
import { daemonError } from '../output';
import { localPath, readLocalFile, readStdin } from '../local-files';

/**
 * Makes an archive and sends it where -o says: a file on the client's machine, or stdout when
 * that is not a terminal (as Docker refuses to write binary to one).
 */
async function writeArchive(io: CliIO, output: string | undefined, make: () => Promise<Uint8Array>): Promise<number> {
  if (!output && io.stdoutTty) {
    io.err('cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
    return 1;
  }
  try {
    const data = await make();
    if (output) await io.writeLocal(localPath(io, output), data);
    else io.out(data);
    return 0;
  } catch (error) {
    io.err(`${daemonError(error)}\n`);
    return 1;
  }
}

/** What -i (or stdin) holds; an error message (Docker's) when it cannot be read. */
async function readArchive(io: CliIO, input: string | undefined, what: string): Promise<Uint8Array | string> {
  if (!input || input === '-') {
    if (io.stdinTty) return `requested ${what} from stdin, but stdin is empty`;
    return readStdin(io);
  }
  const data = await readLocalFile(io, input);
  if (data === null) return `open ${input}: no such file or directory`;
  if (data === 'directory') return `read ${input}: is a directory`;
  return data;
}

export const save: Command = {
  name: 'save',
  usage: 'docker save [OPTIONS] IMAGE [IMAGE...]',
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  flags: [{ long: 'output', short: 'o', kind: 'string', description: 'Write to a file, instead of STDOUT' }],
  minArgs: 1,
  run: ({ io, daemon, args, flags }) => writeArchive(io, flags.output as string | undefined, () => daemon.imageSave(args)),
};

export const load: Command = {
  name: 'load',
  usage: 'docker load [OPTIONS]',
  description: 'Load an image from a tar archive or STDIN',
  flags: [
    { long: 'input', short: 'i', kind: 'string', description: 'Read from tar archive file, instead of STDIN' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Suppress the load output' },
  ],
  maxArgs: 0,
  async run({ io, daemon, flags }) {
    const archive = await readArchive(io, flags.input as string | undefined, 'load');
    if (typeof archive === 'string') {
      io.err(`${archive}\n`);
      return 1;
    }
    try {
      const loaded = await daemon.imageLoad(archive);
      io.out(loaded.map((l) => `${l}\n`).join(''));
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const exportCommand: Command = {
  name: 'export',
  usage: 'docker export [OPTIONS] CONTAINER',
  description: "Export a container's filesystem as a tar archive",
  flags: [{ long: 'output', short: 'o', kind: 'string', description: 'Write to a file, instead of STDOUT' }],
  minArgs: 1,
  maxArgs: 1,
  run: ({ io, daemon, args, flags }) => writeArchive(io, flags.output as string | undefined, () => daemon.containerExport(args[0]!)),
};

export const importCommand: Command = {
  name: 'import',
  usage: 'docker import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  flags: [
    { long: 'change', short: 'c', kind: 'list', description: 'Apply Dockerfile instruction to the created image' },
    { long: 'message', short: 'm', kind: 'string', description: 'Set commit message for imported image' },
  ],
  minArgs: 1,
  maxArgs: 2,
  async run({ io, daemon, args, flags }) {
    const source = args[0]!;
    if (/^https?:\/\//.test(source)) {
      const host = new URL(source).host;
      io.err(`Error response from daemon: Get "${source}": dial tcp: lookup ${host}: no such host\n`);
      return 1;
    }
    const tar = await readArchive(io, source, 'import');
    if (typeof tar === 'string') {
      io.err(`${tar}\n`);
      return 1;
    }
    try {
      const image = await daemon.imageImport(tar, args[1], { message: flags.message as string | undefined, changes: flags.change as string[] | undefined });
      io.out(`${image.id}\n`);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};
