import type { Command } from '../context';
import { daemonError } from '../output';
import { forwardStdin } from './run';
import { parseDetachKeys } from '../../formats/detach-keys';

export const attach: Command = {
  name: 'attach',
  usage: 'docker attach [OPTIONS] CONTAINER',
  description: "Attach local standard input, output, and error streams to a running container",
  flags: [
    { long: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching a container' },
    { long: 'no-stdin', kind: 'bool', description: 'Do not attach STDIN' },
    { long: 'sig-proxy', kind: 'bool', description: 'Proxy all received signals to the process', default: 'true' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    const name = args[0]!;
    try {
      if (flags['detach-keys']) parseDetachKeys(flags['detach-keys'] as string);
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
    let container;
    try {
      container = await daemon.containerInspect(name);
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
    if (container.state.status !== 'running' && container.state.status !== 'paused') {
      io.err('You cannot attach to a stopped container, start it first\n');
      return 1;
    }
    if (container.state.status === 'paused') {
      io.err('You cannot attach to a paused container, unpause it first\n');
      return 1;
    }
    const tty = container.config.Tty;
    if (tty && !flags['no-stdin'] && container.config.OpenStdin && !io.stdinTty) {
      io.err('the input device is not a TTY\n');
      return 1;
    }
    const exited = daemon.containerWait(container.id);
    const detach = await daemon.containerAttach(container.id, (entry) => (entry.stream === 1 ? io.out(entry.data) : io.err(entry.data)));
    let detached!: () => void;
    const byKeys = new Promise<{ StatusCode: number }>((resolve) => (detached = () => resolve({ StatusCode: 0 })));
    if (container.config.OpenStdin && !flags['no-stdin']) {
      forwardStdin(io, (bytes) => daemon.containerStdin(container.id, bytes), tty, detached, flags['detach-keys'] as string | undefined);
      io.startStdin(tty && io.stdinTty);
    }
    const left = tty && io.stdinTty && container.config.OpenStdin && !flags['no-stdin'] ? io.enterContainer?.(container.id) : undefined;
    if (tty && io.size.rows > 0) await daemon.containerResize(container.id, io.size.rows, io.size.cols).catch(() => {});
    if (tty) io.onResize((rows, cols) => void daemon.containerResize(container.id, rows, cols).catch(() => {}));
    else if (flags['sig-proxy'] !== false) io.onSignal((signal) => void daemon.containerKill(container.id, signal).catch(() => {}));
    const { StatusCode } = await Promise.race([exited, byKeys]);
    detach();
    left?.();
    return StatusCode;
  },
};
