// What a build reports while it runs, shaped like BuildKit's solve status: vertices (steps)
// that start, print status lines and command output, and end done, cached or failed. The CLI
// renders them (cli/build-progress.ts) as `docker build --progress=plain` prints them.
import type { SourceRange } from '../formats/dockerfile/types';

export type BuildEvent =
  | { kind: 'vertex'; id: number; name: string }
  | { kind: 'status'; id: number; text: string }
  | { kind: 'output'; id: number; seconds: number; line: string }
  | { kind: 'cached'; id: number }
  | { kind: 'done'; id: number; seconds: number }
  | { kind: 'error'; id: number; message: string };

/** A failed build: the message BuildKit gives, and the step (with its last output) if one failed. */
export class BuildError extends Error {
  override name = 'BuildError';
  constructor(
    message: string,
    readonly step?: { name: string; tail: string[]; range?: SourceRange },
  ) {
    super(message);
  }
}
