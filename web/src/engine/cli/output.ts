// Shared pieces of the CLI's output: daemon errors, pull progress, names Docker prints.
import { ApiError } from '../daemon/endpoints';
import type { DockerApi } from '../daemon/docker-api';
import { familiarString, parseReference } from '../formats/reference';
import type { CliIO } from './context';

/** `Error response from daemon: …` — how the CLI reports a daemon error. */
export function daemonError(error: unknown): string {
  const message = error instanceof ApiError ? error.message : `${(error as Error).message}`;
  return `Error response from daemon: ${message}`;
}

/** Pulls like `docker pull`, writing Docker's progress lines to `write`. */
export async function pullImage(daemon: DockerApi, reference: string, write: (text: string) => void): Promise<void> {
  const ref = parseReference(reference);
  const seen = new Set<string>();
  const { digest, downloaded } = await daemon.imageCreate(reference, (p) => {
    // The registry knew the image: only now does Docker say it is pulling.
    if (p.status.startsWith('Pulling from ')) write(`${ref.tag}: ${p.status}\n`);
    if (p.status === 'Pull complete' || p.status === 'Already exists') {
      if (!seen.has(p.id)) write(`${p.id}: ${p.status} \n`);
      seen.add(p.id);
    }
  });
  write(`Digest: ${digest}\n`);
  const name = familiarString(ref);
  write(downloaded ? `Status: Downloaded newer image for ${name}\n` : `Status: Image is up to date for ${name}\n`);
}

/**
 * `"sh -c 'echo…"`: the command column of `docker ps`. As the daemon does, arguments that
 * contain a space are wrapped in single quotes; the CLI truncates to 20 characters.
 */
export function quotedCommand(words: string[], truncate: boolean): string {
  const command = words.map((w, i) => (i > 0 && w.includes(' ') ? `'${w}'` : w)).join(' ');
  return `"${truncate && command.length > 20 ? `${command.slice(0, 19)}…` : command}"`;
}

/**
 * Runs `action` for each argument in turn, printing what it returns; a failure is reported in
 * Docker's words and the rest still run (exit status 1 if any failed), as rm, stop, rmi and
 * wait do.
 */
export async function eachArgument(io: CliIO, args: string[], action: (arg: string) => Promise<string>): Promise<number> {
  let status = 0;
  for (const arg of args) {
    try {
      io.out(await action(arg));
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      status = 1;
    }
  }
  return status;
}

/** Asks a yes/no question on the client's terminal; true for "y" or "yes". */
export function confirm(io: CliIO, prompt: string): Promise<boolean> {
  io.out(prompt);
  return new Promise((resolve) => {
    let line = '';
    const answer = (text: string) => resolve(/^y(es)?$/i.test(text.trim()));
    io.onStdin((bytes) => {
      if (!bytes.length) return answer(line);
      line += new TextDecoder().decode(bytes);
      const nl = line.indexOf('\n');
      if (nl >= 0) answer(line.slice(0, nl));
    });
    io.onClose(() => answer(''));
    io.startStdin(false);
  });
}
