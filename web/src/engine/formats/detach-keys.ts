// The detach sequence (Ctrl-P Ctrl-Q by default): typed while attached to a container with a
// terminal, it leaves the container running and returns the learner to their shell.

export class DetachKeys {
  private matched = 0;

  constructor(private readonly keys: number[] = [0x10, 0x11]) {}

  /**
   * Passes bytes through; returns the bytes to forward and whether the sequence completed.
   * A partial match is held back until the next byte shows whether it was the sequence.
   */
  feed(bytes: Uint8Array): { forward: Uint8Array; detach: boolean } {
    const out: number[] = [];
    for (const b of bytes) {
      if (b === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Uint8Array.from(out), detach: true };
        continue;
      }
      out.push(...this.keys.slice(0, this.matched));
      this.matched = b === this.keys[0] ? 1 : 0;
      if (!this.matched) out.push(b);
    }
    return { forward: Uint8Array.from(out), detach: false };
  }
}

/**
 * `--detach-keys`: a comma-separated list of `ctrl-<c>` (c one of a-z @ [ \ ] ^ _) or single
 * characters, as Docker reads it ("ctrl-a,q", "ctrl-\\"). Throws Docker's message otherwise.
 */
export function parseDetachKeys(spec: string): number[] {
  const keys: number[] = [];
  for (const part of spec.split(',')) {
    const ctrl = /^ctrl-(.)$/i.exec(part);
    if (ctrl) {
      const c = ctrl[1]!.toLowerCase();
      if (c >= 'a' && c <= 'z') keys.push(c.charCodeAt(0) - 0x60);
      else if ('@[\\]^_'.includes(c)) keys.push(c.charCodeAt(0) - 0x40);
      else throw new Error(`Invalid detach keys (${spec}) provided`);
    } else if (part.length === 1) keys.push(part.charCodeAt(0));
    else throw new Error(`Invalid detach keys (${spec}) provided`);
  }
  return keys;
}
