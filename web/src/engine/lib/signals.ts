// Signal names as Docker reads them (STOPSIGNAL, `docker kill -s`): "SIGQUIT", "QUIT" or "3".
const SIGNAL_NUMBERS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15, WINCH: 28 };

export const SIGKILL = 9;
export const SIGTERM = 15;

/** "SIGQUIT", "QUIT" or "3" as a signal number. */
export function signalNumber(name: string | undefined): number | undefined {
  if (!name) return undefined;
  const bare = name.toUpperCase().replace(/^SIG/, '');
  return /^\d+$/.test(bare) ? Number(bare) : SIGNAL_NUMBERS[bare];
}
