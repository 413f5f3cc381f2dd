import { describe, expect, it } from 'vitest';
import { PromptMarkParser } from '../../web/src/engine/console/prompt-marks';
import { ShellDriver } from '../../web/src/engine/console/shell-driver';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const PROMPT = (code: number) => `\x1b]133;D;${code}\x07\x1b]133;A\x07root@drydock:~# `;

describe('PromptMarkParser', () => {
  it('strips the marks and reports them with their positions', () => {
    const { text, marks } = new PromptMarkParser().push(enc(`i686\r\n${PROMPT(0)}`));
    expect(dec(text)).toBe('i686\r\nroot@drydock:~# ');
    expect(marks).toEqual([
      { kind: 'done', exitCode: 0, offset: 6 },
      { kind: 'prompt', offset: 6 },
    ]);
  });

  it('finds marks split across chunks at any byte', () => {
    const all = enc(`out\r\n${PROMPT(127)}`);
    for (let cut = 1; cut < all.length; cut++) {
      const parser = new PromptMarkParser();
      const a = parser.push(all.subarray(0, cut));
      const b = parser.push(all.subarray(cut));
      expect(dec(a.text) + dec(b.text)).toBe('out\r\nroot@drydock:~# ');
      expect([...a.marks, ...b.marks].map((m) => m.kind)).toEqual(['done', 'prompt']);
      expect([...a.marks, ...b.marks][0]).toMatchObject({ exitCode: 127 });
    }
  });

  it('passes other escape sequences through untouched', () => {
    const other = '\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]1337;x\x07 \x1b\x1b[1m';
    expect(dec(new PromptMarkParser().push(enc(other)).text)).toBe(other);
  });
});

describe('ShellDriver', () => {
  it('types a command and returns its output and exit status from the prompt marks', async () => {
    const typed: string[] = [];
    const driver = new ShellDriver((t) => typed.push(t));
    driver.feed(enc(`welcome\r\n${PROMPT(0)}`));
    const result = driver.run('false');
    await Promise.resolve();
    await Promise.resolve();
    expect(typed).toEqual(['false\n']);
    driver.feed(enc(`false\r\n${PROMPT(1)}`));
    expect(await result).toEqual({ output: '', exitCode: 1 });
    const second = driver.run('uname -m');
    await Promise.resolve();
    driver.feed(enc(`uname -m\r\ni686\r\n${PROMPT(0)}`));
    expect(await second).toEqual({ output: 'i686\r\n', exitCode: 0 });
  });
});
