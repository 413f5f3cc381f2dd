// A quiet start: what the machine printed before the learner's first prompt is split into the
// boot log (the kernel's messages and busybox ash's banner, one click away on the page and in
// `dmesg` as always) and the welcome the learner sees (/etc/motd, then the prompt). Pure, so
// that a unit test holds it against a real boot transcript.

/** Where the shell's first prompt starts: its OSC 133 marks (images/guest/rootfs/etc/profile). */
export const PROMPT_MARK = '\x1b]133;';

/** The last line busybox ash prints before the login profile runs (its banner's second line). */
const SHELL_BANNER_END = "Enter 'help' for a list of built-in commands.";

export interface QuietStart {
  /** Everything the kernel and the shell's banner printed. */
  bootLog: string;
  /** What the learner sees before the prompt: the machine's welcome text. */
  welcome: string;
}

/** Splits the output before the first prompt (text that does not contain PROMPT_MARK). */
export function splitBootOutput(beforePrompt: string): QuietStart {
  const at = beforePrompt.lastIndexOf(SHELL_BANNER_END);
  // Without the banner (another shell, or a screen restored mid-session) nothing is hidden.
  if (at < 0) return { bootLog: '', welcome: beforePrompt };
  const end = at + SHELL_BANNER_END.length;
  return { bootLog: beforePrompt.slice(0, end) + '\r\n', welcome: beforePrompt.slice(end).replace(/^(\r?\n)+/, '') };
}

/**
 * Holds the console's output until the first prompt, then hands on the welcome and the rest;
 * `flush` gives up holding (a crash before any prompt must show everything).
 */
export class BootOutputFilter {
  private held = '';
  private holding = true;
  bootLog = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly write: (text: string | Uint8Array) => void) {}

  feed(bytes: Uint8Array): void {
    if (!this.holding) return this.write(bytes);
    this.held += this.decoder.decode(bytes, { stream: true });
    const mark = this.held.indexOf(PROMPT_MARK);
    if (mark < 0) return;
    const { bootLog, welcome } = splitBootOutput(this.held.slice(0, mark));
    this.bootLog += bootLog;
    this.write(welcome + this.held.slice(mark));
    this.held = '';
    this.holding = false;
  }

  /** Shows whatever is held and stops holding. */
  flush(): void {
    if (this.held) this.write(this.held);
    this.held = '';
    this.holding = false;
  }

  /** A new boot (restart or reset): hold its messages again. */
  restart(): void {
    this.flush();
    this.holding = true;
  }
}
