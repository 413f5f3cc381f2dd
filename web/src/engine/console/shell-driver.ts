// Types commands into the learner's shell and tells when each one finished and with which
// exit status, from the prompt's OSC 133 marks. The lab runner, tests and benchmarks use it;
// so can anything in the page that "types for" the learner.
import { PromptMarkParser } from './prompt-marks';

const DSR = '\x1b[6n';

export interface TypedCommandResult {
  /** What the terminal showed from the end of the command line to the next prompt. */
  output: string;
  exitCode: number;
}

export class ShellDriver {
  private readonly parser = new PromptMarkParser();
  private readonly decoder = new TextDecoder();
  private transcript = '';
  private prompts = 0;
  /** Where in `text` the latest prompt starts. */
  promptAt = 0;
  private waiter: { from: number; command: string; resolve: (r: TypedCommandResult) => void } | null = null;
  private promptWaiters: Array<() => void> = [];

  constructor(private readonly type: (text: string) => void) {}

  /** Feed it everything the console prints. */
  feed(bytes: Uint8Array): void {
    const { text, marks } = this.parser.push(bytes);
    let consumed = 0;
    for (const mark of marks) {
      this.append(text.subarray(consumed, mark.offset));
      consumed = mark.offset;
      // A prompt redrawn while the command line is still being echoed (a resize, say) carries
      // marks too: only a 'done' after the whole echoed line ends the command.
      if (mark.kind === 'done' && this.waiter && echoEnd(this.transcript.slice(this.waiter.from), this.waiter.command) >= 0) {
        const { from, resolve } = this.waiter;
        this.waiter = null;
        resolve({ output: this.transcript.slice(from), exitCode: mark.exitCode });
      } else if (mark.kind === 'prompt') {
        this.prompts++;
        this.promptAt = this.transcript.length;
        this.promptWaiters.splice(0).forEach((wake) => wake());
      }
    }
    this.append(text.subarray(consumed));
  }

  /**
   * Adds output to the transcript, answering what a terminal answers: busybox's line editor
   * asks where the cursor is (ESC [ 6 n) before each prompt and waits for the reply.
   */
  private append(bytes: Uint8Array): void {
    const from = Math.max(0, this.transcript.length - 3);
    this.transcript += this.decoder.decode(bytes, { stream: true });
    let query = this.transcript.indexOf(DSR, from);
    while (query >= 0) {
      this.transcript = this.transcript.slice(0, query) + this.transcript.slice(query + DSR.length);
      const column = query - Math.max(this.transcript.lastIndexOf('\n', query - 1), this.transcript.lastIndexOf('\r', query - 1));
      this.type(`\x1b[1;${column}R`);
      query = this.transcript.indexOf(DSR, query);
    }
  }

  /** Everything the console printed, marks removed. */
  get text(): string {
    return this.transcript;
  }

  /** Resolves at the next prompt (at once if one was already shown and nothing runs). */
  waitForPrompt(): Promise<void> {
    if (this.prompts > 0 && !this.waiter) return Promise.resolve();
    return new Promise((resolve) => this.promptWaiters.push(resolve));
  }

  /** Types `command` and Enter; resolves when the shell is back at its prompt. */
  async run(command: string): Promise<TypedCommandResult> {
    await this.waitForPrompt();
    const echoed = new Promise<TypedCommandResult>((resolve) => {
      this.waiter = { from: this.transcript.length, command, resolve };
    });
    this.prompts = 0;
    this.type(`${command}\n`);
    const result = await echoed;
    return { ...result, output: afterEcho(result.output, command) };
  }
}

/**
 * Drops the shell's echo of a typed command from what followed it. The line editor may wrap,
 * redraw or prefix continuation prompts, so the echo is found as the command's characters in
 * order (anything else in between skipped); the output starts on the next line.
 */
function afterEcho(transcript: string, command: string): string {
  const end = echoEnd(transcript, command);
  return end >= 0 ? transcript.slice(end) : transcript;
}

/** Where the output after the echoed command starts, or -1 if the echo is not complete. */
function echoEnd(transcript: string, command: string): number {
  let at = 0;
  for (const ch of command) {
    if (ch === '\n') continue;
    const found = transcript.indexOf(ch, at);
    if (found < 0) return -1;
    at = found + 1;
  }
  const lineEnd = transcript.indexOf('\n', at);
  return lineEnd >= 0 ? lineEnd + 1 : -1;
}
