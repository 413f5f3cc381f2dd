import { describe, expect, it } from 'vitest';
import { humanDuration, humanSize } from '../../web/src/engine/formats/human';
import { parseReference, familiarString } from '../../web/src/engine/formats/reference';
import { parseFlags, UsageError } from '../../web/src/engine/cli/flags';
import { formatTable } from '../../web/src/engine/cli/table';
import { quotedCommand } from '../../web/src/engine/cli/output';

describe('human-readable values as the Docker CLI prints them', () => {
  it('durations truncate seconds and minutes and round hours (go-units)', () => {
    expect(humanDuration(600)).toBe('Less than a second');
    expect(humanDuration(1_500)).toBe('1 second');
    expect(humanDuration(59_900)).toBe('59 seconds');
    expect(humanDuration(90_000)).toBe('About a minute');
    expect(humanDuration(45 * 60_000)).toBe('45 minutes');
    expect(humanDuration(90 * 60_000)).toBe('2 hours');
    expect(humanDuration(3 * 24 * 3_600_000)).toBe('3 days');
    expect(humanDuration(300 * 24 * 3_600_000)).toBe('10 months');
  });

  it('sizes use decimal units with three significant digits', () => {
    expect(humanSize(0)).toBe('0B');
    expect(humanSize(14_800)).toBe('14.8kB');
    expect(humanSize(2_210_000)).toBe('2.21MB');
  });
});

describe('image references', () => {
  it('normalises as Docker does', () => {
    expect(parseReference('busybox')).toEqual({ domain: 'docker.io', path: 'library/busybox', tag: 'latest' });
    expect(familiarString(parseReference('alice/app:1.0'))).toBe('alice/app:1.0');
    expect(parseReference('localhost:5000/app').domain).toBe('localhost:5000');
    expect(() => parseReference('Busybox')).toThrow('must be lowercase');
    expect(() => parseReference('bad tag!')).toThrow('invalid reference format');
  });
});

describe('flags, as pflag reads them', () => {
  const specs = [
    { long: 'detach', short: 'd', kind: 'bool' as const, description: '' },
    { long: 'interactive', short: 'i', kind: 'bool' as const, description: '' },
    { long: 'tty', short: 't', kind: 'bool' as const, description: '' },
    { long: 'env', short: 'e', kind: 'list' as const, description: '' },
    { long: 'name', kind: 'string' as const, description: '' },
  ];
  it('combines short flags, takes values in every spelling, and stops at the image', () => {
    const { values, args } = parseFlags(['-it', '-eA=1', '-e', 'B=2', '--env=C=3', '--name', 'web', 'busybox', 'ls', '-la'], specs, { interspersed: false });
    expect(values).toEqual({ interactive: true, tty: true, env: ['A=1', 'B=2', 'C=3'], name: 'web' });
    expect(args).toEqual(['busybox', 'ls', '-la']);
  });
  it("reports unknown flags and missing values in Docker's words", () => {
    expect(() => parseFlags(['--bogus'], specs, { interspersed: false })).toThrow(new UsageError('unknown flag: --bogus'));
    expect(() => parseFlags(['-x'], specs, { interspersed: false })).toThrow("unknown shorthand flag: 'x' in -x");
    expect(() => parseFlags(['--name'], specs, { interspersed: false })).toThrow('flag needs an argument: --name');
  });
});

describe('table output', () => {
  it('pads columns to their widest cell, three spaces apart, no trailing spaces', () => {
    expect(formatTable(['A', 'LONG HEADER'], [['xyz', '1']])).toBe('A     LONG HEADER\nxyz   1\n');
  });
  it('quotes and truncates the command column as docker ps does', () => {
    expect(quotedCommand(['sh', '-c', 'echo ready; exec sleep 300'], true)).toBe(`"sh -c 'echo ready; …"`);
    expect(quotedCommand(['nginx', '-g', 'daemon off;'], false)).toBe(`"nginx -g 'daemon off;'"`);
  });
});
