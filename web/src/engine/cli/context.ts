// What a command gets: its arguments, a way to write to the client's terminal, the daemon's
// API (the only way commands touch state), and the client's signals.
import type { DockerApi } from '../daemon/docker-api';
import type { FlagSpec, FlagValues } from './flags';

export interface CliIO {
  out(text: string | Uint8Array): void;
  err(text: string | Uint8Array): void;
  /** Ctrl-C and other signals the client process received. */
  onSignal(listener: (signal: number) => void): void;
  /** The client went away (its process was killed). */
  onClose(listener: () => void): void;
  stdoutTty: boolean;
  stdinTty: boolean;
  /** The client's working directory in the guest (relative paths start there). */
  cwd: string;
  /** The client's terminal size (0×0 when it has none). */
  size: { rows: number; cols: number };
  /** Asks the client for its stdin (raw: switch its terminal to raw mode). */
  startStdin(raw: boolean): void;
  /** Bytes from the client's stdin; an empty array is end of input. */
  onStdin(listener: (bytes: Uint8Array) => void): void;
  onResize(listener: (rows: number, cols: number) => void): void;
  /**
   * The client's own files: a tar of a file or directory (its contents) on the machine the
   * client runs on, as the real CLI reads a build context; null if the path does not exist.
   */
  archiveLocal(path: string): Promise<{ directory: boolean; tar: Uint8Array } | null>;
  /** Writes a file on the client's machine (its config, `docker save -o`). */
  writeLocal(path: string, data: Uint8Array, mode?: number): Promise<void>;
  /**
   * The client's terminal is now connected to a container's process (`run -it`, `attach`,
   * `exec -it` on a terminal): lesson checks ask where the learner is. Returns the function
   * that says it left (detach, exit). Optional: clients without a terminal have no use for it.
   */
  enterContainer?(containerId: string): () => void;
}

export interface CommandContext {
  args: string[];
  flags: FlagValues;
  io: CliIO;
  daemon: DockerApi;
}

export interface Command {
  name: string;
  usage: string;
  description: string;
  flags: FlagSpec[];
  /** Flags end at the first argument (the rest is the container's command). */
  stopAtFirstArg?: boolean;
  minArgs?: number;
  maxArgs?: number;
  run(ctx: CommandContext): Promise<number>;
}
