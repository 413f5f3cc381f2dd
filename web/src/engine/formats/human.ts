// Durations and sizes the way the Docker CLI prints them (go-units conventions). Pure code.

/**
 * "Less than a second", "5 seconds", "About a minute", "3 hours", "2 weeks", "10 months", as
 * go-units' HumanDuration: seconds and minutes truncate, hours round.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

function scaledSize(bytes: number, base: number, units: string[], digits: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  return `${Number(value.toPrecision(digits))}${units[unit]}`;
}

/**
 * Decimal units with three significant digits: "4.26MB", "13.3kB", "0B" (`docker images`);
 * go-units' HumanSize, which `docker system df` uses, has four.
 */
export function humanSize(bytes: number, digits = 3): string {
  return scaledSize(bytes, 1000, ['B', 'kB', 'MB', 'GB', 'TB'], digits);
}

/** Binary units with four significant digits, as `docker stats` prints them: "2.148MiB". */
export function binarySize(bytes: number): string {
  return scaledSize(bytes, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB'], 4);
}

/** Go's time.ParseDuration, to nanoseconds ("1m30s", "500ms"). */
export function goDuration(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * units[m[2]!]!;
    at = re.lastIndex;
  }
  if (at !== text.length || !text) throw new Error(`time: invalid duration "${text}"`);
  return total;
}
