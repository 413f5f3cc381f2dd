// A prompt always starts on a fresh line. The shell's prompt begins with an OSC 133 "A" mark
// (images/guest/rootfs/etc/profile); as terminals with shell integration do, the terminal
// moves to a new line first when the cursor is not at its start — after `^C` ends
// `docker logs -f`, a detach from a container's `/ # `, or an error that did not end its line.
import type { Terminal } from '@xterm/xterm';

const PROMPT_START = new TextEncoder().encode('\x1b]133;A');

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** A write function for `term` that keeps order and puts each prompt at column 0. */
export function freshLineWriter(term: Pick<Terminal, 'write' | 'buffer'>): (data: Uint8Array | string) => void {
  const queue: Uint8Array[] = [];
  let busy = false;
  const encoder = new TextEncoder();
  // Writes the chunk up to its next prompt mark; once xterm has parsed that (the callback),
  // the cursor's column is known, and the rest follows after a newline if needed.
  const pump = (chunk: Uint8Array, from: number): void => {
    const at = indexOf(chunk, PROMPT_START, from);
    if (at < 0) {
      term.write(chunk.subarray(from), next);
      return;
    }
    term.write(chunk.subarray(from, at), () => {
      if (term.buffer.active.cursorX !== 0) term.write('\r\n');
      term.write(chunk.subarray(at, at + PROMPT_START.length));
      pump(chunk, at + PROMPT_START.length);
    });
  };
  const next = (): void => {
    const chunk = queue.shift();
    if (!chunk) {
      busy = false;
      return;
    }
    pump(chunk, 0);
  };
  return (data) => {
    // A mark split across two chunks is rare (the guest writes the prompt in one write) and
    // costs nothing but the fresh line; the marks are never lost.
    queue.push(typeof data === 'string' ? encoder.encode(data) : data);
    if (!busy) {
      busy = true;
      next();
    }
  };
}
