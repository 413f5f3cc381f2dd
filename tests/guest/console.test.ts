// The learner's console: typing into the real shell, exit statuses, Ctrl-C, terminal size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { ShellDriver } from '../../web/src/engine/console/shell-driver';
import { bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
let shell: ShellDriver;

beforeAll(async () => {
  shell = new ShellDriver((t) => guest.writeConsole(t));
  await bootGuest({ onConsoleOutput: (b) => shell.feed(b) }, (machine) => (guest = machine));
});
afterAll(async () => {
  await guest?.destroy();
});

describe('learner console (real guest)', () => {
  it('greets the learner and shows a root prompt in /root', async () => {
    expect(shell.text).toContain('Welcome to Drydock');
    await expect.poll(() => shell.text.slice(shell.promptAt)).toBe('root@drydock:~# ');
  });

  it('runs typed commands and reports their exit status', async () => {
    expect(await shell.run('uname -m')).toEqual({ output: 'i686\r\n', exitCode: 0 });
    expect((await shell.run('false')).exitCode).toBe(1);
    expect((await shell.run('nonexistent-cmd')).exitCode).toBe(127);
  });

  it('interrupts the foreground job on Ctrl-C', async () => {
    const running = shell.run('sleep 600');
    // Wait until the job really is in the foreground before pressing Ctrl-C.
    await expect.poll(async () => (await guest.agent.exec(['sh', '-c', 'ps -o comm | grep -qx sleep'])).exitCode, { timeout: 20_000 }).toBe(0);
    guest.writeConsole('\x03');
    expect((await running).exitCode).toBe(130);
  });

  it('tells the shell the terminal size, and follows a resize', async () => {
    guest.resizeConsole(100, 30);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await shell.run('stty size')).output.trim()).toBe('30 100');
    guest.resizeConsole(132, 43);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await shell.run('stty size')).output.trim()).toBe('43 132');
  });

  it('takes a long paste (a here-document of 20 KB) without losing a character', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${'abcdefghij'.repeat(6)}`);
    const body = `${lines.join('\n')}\n`;
    expect((await shell.run(`cat > /tmp/paste <<'EOF'\n${body}EOF`)).exitCode).toBe(0);
    const sum = createHash('sha256').update(body).digest('hex');
    expect((await shell.run('sha256sum /tmp/paste')).output).toContain(sum);
  });

  it('gives a fresh shell after `exit`', async () => {
    await shell.run('exit');
    expect((await shell.run('echo back')).output).toBe('back\r\n');
  });
});
