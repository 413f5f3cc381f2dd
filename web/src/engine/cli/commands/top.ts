import type { Command } from '../context';
import { daemonError } from '../output';
import { formatTable } from '../table';

export const top: Command = {
  name: 'top',
  usage: 'docker top CONTAINER [ps OPTIONS]',
  description: 'Display the running processes of a container',
  flags: [],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args }) {
    try {
      const ps = (await daemon.containerTop(args[0]!)).trim().split('\n');
      // Docker's default columns come from `ps -ef`; the guest's busybox ps has no CPU-time or
      // start-time columns, so Drydock shows the ones it really has rather than invent them.
      const rows = ps.slice(1).map((line) => {
        const [user = '', pid = '', ppid = '', tty = '', ...cmd] = line.trim().split(/\s+/);
        return [user, pid, ppid, tty, cmd.join(' ')];
      });
      io.out(formatTable(['UID', 'PID', 'PPID', 'TTY', 'CMD'], rows));
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};
