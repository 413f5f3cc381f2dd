// Reads the OSC 133 "semantic prompt" marks the guest's shell prompt carries
// (images/guest/rootfs/etc/profile): `ESC ] 133 ; A BEL` where a prompt starts and
// `ESC ] 133 ; D ; <status> BEL` when a command finished. Terminals ignore them; the lab runner
// and the page use them to know the shell is ready and what the last command returned.
// Marks may arrive split across chunks; everything else passes through byte for byte.

export type PromptMark = { kind: 'prompt'; offset: number } | { kind: 'done'; exitCode: number; offset: number };

export interface MarkedOutput {
  /** The output with the marks removed. */
  text: Uint8Array;
  /** Marks in order; `offset` is where in `text` each stood. */
  marks: PromptMark[];
}

const ESC = 0x1b;
const BEL = 0x07;
const OSC_PREFIX = [0x5d, 0x31, 0x33, 0x33, 0x3b]; // "]133;"
const MAX_MARK = 32;

export class PromptMarkParser {
  /** Bytes that may be the start of a mark, held until we know. */
  private held: number[] = [];

  push(chunk: Uint8Array): MarkedOutput {
    const out: number[] = [];
    const marks: PromptMark[] = [];
    for (const byte of chunk) {
      if (this.held.length === 0) {
        if (byte === ESC) this.held.push(byte);
        else out.push(byte);
        continue;
      }
      this.held.push(byte);
      const body = this.held.length - 1; // bytes after ESC
      if (body <= OSC_PREFIX.length) {
        if (byte !== OSC_PREFIX[body - 1]) this.release(out, byte);
        continue;
      }
      if (byte === BEL) {
        const mark = this.parse(out.length);
        if (mark) marks.push(mark);
        else out.push(...this.held);
        this.held = [];
      } else if (this.held.length > MAX_MARK) {
        this.release(out, -1);
      }
    }
    return { text: Uint8Array.from(out), marks };
  }

  /** Gives back held bytes that turned out not to be a mark (an ESC may start a new one). */
  private release(out: number[], last: number): void {
    const held = this.held;
    this.held = [];
    if (last === ESC) {
      out.push(...held.slice(0, -1));
      this.held = [ESC];
    } else {
      out.push(...held);
    }
  }

  private parse(offset: number): PromptMark | null {
    const body = String.fromCharCode(...this.held.slice(1 + OSC_PREFIX.length, -1));
    if (body === 'A') return { kind: 'prompt', offset };
    const done = /^D;(\d+)$/.exec(body);
    if (done) return { kind: 'done', exitCode: Number(done[1]), offset };
    return null;
  }
}
