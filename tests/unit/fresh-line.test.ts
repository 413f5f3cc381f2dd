import { describe, expect, it } from 'vitest';
import { freshLineWriter } from '../../web/src/app/fresh-line';

/** A terminal model with a cursor column, parsing asynchronously as xterm does. */
function fakeTerminal() {
  let screen = '';
  let column = 0;
  const term = {
    buffer: { active: { get cursorX() { return column; } } },
    write(data: string | Uint8Array, done?: () => void) {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      queueMicrotask(() => {
        for (const c of text.replace(/\x1b\][^\x07]*\x07?/g, '')) {
          if (c === '\r') column = 0;
          else if (c !== '\n') column++;
        }
        screen += text;
        done?.();
      });
    },
  };
  return { term: term as never, screen: () => screen.replace(/\x1b\]133;[AD][^\x07]*\x07/g, '') };
}
const settle = () => new Promise((r) => setTimeout(r, 10));
const prompt = '\x1b]133;D;130\x07\x1b]133;A\x07root@drydock:~# ';

describe('the prompt starts on a fresh line', () => {
  it('after ^C left the cursor mid-line', async () => {
    const { term, screen } = fakeTerminal();
    const write = freshLineWriter(term);
    write('some log line\r\n^C');
    write(prompt);
    await settle();
    expect(screen()).toBe('some log line\r\n^C\r\nroot@drydock:~# ');
  });

  it('after a detach from a container prompt, in the same chunk', async () => {
    const { term, screen } = fakeTerminal();
    freshLineWriter(term)(new TextEncoder().encode('/ # ' + prompt));
    await settle();
    expect(screen()).toBe('/ # \r\nroot@drydock:~# ');
  });

  it('adds nothing when the cursor is already at the start of a line, and keeps the order of writes', async () => {
    const { term, screen } = fakeTerminal();
    const write = freshLineWriter(term);
    write('done\r\n');
    write(prompt);
    write('ls\r\n');
    write('a b\r\n' + prompt);
    await settle();
    expect(screen()).toBe('done\r\nroot@drydock:~# ls\r\na b\r\nroot@drydock:~# ');
  });
});
