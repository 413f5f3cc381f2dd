import { describe, expect, it } from 'vitest';
import { BootOutputFilter, splitBootOutput } from '../../web/src/app/boot-log';

// What the guest's serial console printed from power-on to the first prompt (a real transcript).
const boot =
  'Linux version 6.1.192 (drydock@drydock) #1 2026-01-01\r\nNotice: NX (Execute Disable) protection missing in CPU!\r\n' +
  'L1TF: Kernel not compiled for PAE. No mitigation for L1TF\r\nBridge firewalling registered\r\n\r\n\r\n' +
  "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n\r\n" +
  'Welcome to Drydock: a real i686 Linux machine, running in your browser.\r\nEverything here is real.\r\n\r\n';
const prompt = '\x1b]133;D;0\x07\x1b]133;A\x07root@drydock:~# ';

describe('a quiet start', () => {
  it('keeps the kernel messages and the shell banner in the boot log, and shows the welcome', () => {
    const { bootLog, welcome } = splitBootOutput(boot);
    expect(bootLog).toContain('NX (Execute Disable)');
    expect(bootLog).toContain('BusyBox v1.35.0');
    expect(welcome.startsWith('Welcome to Drydock')).toBe(true);
    expect(welcome).not.toContain('L1TF');
    expect(welcome).not.toContain('BusyBox');
  });

  it('shows everything when there is no shell banner (nothing to hide)', () => {
    expect(splitBootOutput('restored screen\r\n')).toEqual({ bootLog: '', welcome: 'restored screen\r\n' });
  });

  it('holds output until the first prompt, in whatever pieces it arrives, then passes everything on', () => {
    const shown: string[] = [];
    const filter = new BootOutputFilter((t) => shown.push(typeof t === 'string' ? t : new TextDecoder().decode(t)));
    const bytes = new TextEncoder().encode(boot + prompt + 'ls\r\n');
    for (let i = 0; i < bytes.length; i += 7) filter.feed(bytes.subarray(i, i + 7));
    const screen = shown.join('');
    expect(screen.startsWith('Welcome to Drydock')).toBe(true);
    expect(screen.endsWith(prompt + 'ls\r\n')).toBe(true);
    expect(filter.bootLog).toContain('Kernel not compiled for PAE');
  });

  it('shows what it held when asked to (a crash before any prompt is not hidden)', () => {
    const shown: string[] = [];
    const filter = new BootOutputFilter((t) => shown.push(String(t)));
    filter.feed(new TextEncoder().encode('Kernel panic - not syncing: VFS\r\n'));
    expect(shown).toEqual([]);
    filter.flush();
    expect(shown.join('')).toContain('Kernel panic');
  });
});
