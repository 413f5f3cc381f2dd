// Types commands into the learner's shell and tells when each one finished and with which
// exit status, from the prompt's OSC 133 marks. The lab runner, tests and benchmarks use it;
// so can anything in the page that "types for" the learner.
import { PromptMarkParser } from './prompt-marks';

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
  private waiter: { from: number; resolve: (r: TypedCommandResult) => void } | null = null;
  private promptWaiters: Array<() => void> = [];

  constructor(private readonly type: (text: string) => void) {}

  /** Feed it everything the console prints. */
  feed(bytes: Uint8Array): void {
    const { text, marks } = this.parser.push(bytes);
    let consumed = 0;
    for (const mark of marks) {
      this.transcript += this.decoder.decode(text.subarray(consumed, mark.offset), { stream: true });
      consumed = mark.offset;
      if (mark.kind === 'done' && this.waiter) {
        const { from, resolve } = this.waiter;
        this.waiter = null;
        resolve({ output: this.transcript.slice(from), exitCode: mark.exitCode });
      } else if (mark.kind === 'prompt') {
        this.prompts++;
        this.promptAt = this.transcript.length;
        this.promptWaiters.splice(0).forEach((wake) => wake());
      }
    }
    this.transcript += this.decoder.decode(text.subarray(consumed), { stream: true });
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
      this.waiter = { from: this.transcript.length, resolve };
    });
    this.prompts = 0;
    this.type(`${command}\n`);
    const result = await echoed;
    // Drop the echoed command line: the output starts after its line break.
    const lineEnd = result.output.indexOf('\n');
    return { ...result, output: lineEnd >= 0 ? result.output.slice(lineEnd + 1) : '' };
  }
}
