import { humanSize } from '../../formats/human';
import type { Command } from '../context';
import { daemonError } from '../output';

/** `web:/etc/nginx` → container and path; a local path has no container part. */
function split(arg: string): { container?: string; path: string } {
  const colon = arg.indexOf(':');
  // A path that starts with / or . is local even with a colon in it, as in Docker.
  if (colon <= 0 || arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) || '/' };
}

export const cp: Command = {
  name: 'cp',
  usage: 'docker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description: 'Copy files/folders between a container and the local filesystem',
  flags: [{ long: 'archive', short: 'a', kind: 'bool', description: 'Archive mode (copy all uid/gid information)' }],
  minArgs: 2,
  maxArgs: 2,
  async run({ io, daemon, args }) {
    const [from, to] = [split(args[0]!), split(args[1]!)];
    if (from.container && to.container) {
      io.err('copying between containers is not supported\n');
      return 1;
    }
    if (!from.container && !to.container) {
      io.err('must specify at least one container source\n');
      return 1;
    }
    const local = (p: string) => (p.startsWith('/') ? p : `${io.cwd.replace(/\/$/, '')}/${p}`);
    try {
      const size = from.container
        ? await daemon.containerCopy(from.container, 'out', local(to.path), from.path)
        : await daemon.containerCopy(to.container!, 'in', local(from.path), to.path);
      io.err(`Successfully copied ${humanSize(size)} to ${from.container ? local(to.path) : `${to.container}:${to.path}`}\n`);
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};
