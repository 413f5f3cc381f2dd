// Signal names as Docker reads them (STOPSIGNAL, `docker kill -s`): "SIGQUIT", "QUIT" or "3".
// Linux's numbering on x86, as Docker's signal.SignalMap has it.
const SIGNAL_NUMBERS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15,
  STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

export const SIGKILL = 9;
export const SIGTERM = 15;

/** "SIGQUIT", "QUIT" or "3" as a signal number. */
export function signalNumber(name: string | undefined): number | undefined {
  if (!name) return undefined;
  const bare = name.toUpperCase().replace(/^SIG/, '');
  if (/^\d+$/.test(bare)) return Number(bare) >= 1 && Number(bare) <= 64 ? Number(bare) : undefined;
  return SIGNAL_NUMBERS[bare];
}
