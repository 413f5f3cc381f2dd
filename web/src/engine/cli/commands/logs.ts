import type { LogEntry } from '../../models/container';
import type { Command } from '../context';
import { daemonError } from '../output';

export const logs: Command = {
  name: 'logs',
  usage: 'docker logs [OPTIONS] CONTAINER',
  description: 'Fetch the logs of a container',
  flags: [
    { long: 'follow', short: 'f', kind: 'bool', description: 'Follow log output' },
    { long: 'timestamps', short: 't', kind: 'bool', description: 'Show timestamps' },
    { long: 'tail', short: 'n', kind: 'string', description: 'Number of lines to show from the end of the logs', default: 'all' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    let container;
    try {
      container = await daemon.containerLogs(args[0]!);
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
    const stamp = (e: LogEntry) => (flags.timestamps ? `${new Date(e.time).toISOString().replace('Z', '000000Z')} ` : '');
    const show = (e: LogEntry) => {
      const text = stamp(e) ? new TextDecoder().decode(e.data).replace(/^(?=.)/gm, stamp(e)) : e.data;
      if (e.stream === 1) io.out(text);
      else io.err(text);
    };
    let entries = container.logs;
    const tail = flags.tail as string | undefined;
    if (tail !== undefined && tail !== 'all') {
      const n = Number(tail);
      // --tail counts lines: split what was logged into lines, keep the last n.
      const lines: LogEntry[] = [];
      for (const e of entries) {
        for (const line of new TextDecoder().decode(e.data).split(/(?<=\n)/)) if (line) lines.push({ ...e, data: new TextEncoder().encode(line) });
      }
      entries = n >= 0 ? lines.slice(Math.max(0, lines.length - n)) : lines;
    }
    entries.forEach(show);
    if (!flags.follow || container.state.status !== 'running') return 0;
    const follower = (e: LogEntry) => show(e);
    container.listeners.add(follower);
    // Following ends with the container (0), or with Ctrl-C: the real CLI dies of the SIGINT,
    // which the shell reports as 130.
    const signal = await new Promise<number>((resolve) => {
      container.exitWaiters.push(() => resolve(0));
      io.onSignal((n) => resolve(n));
      io.onClose(() => resolve(0));
    });
    container.listeners.delete(follower);
    return signal ? 128 + signal : 0;
  },
};
