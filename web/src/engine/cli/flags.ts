// Command-line flags the way the Docker CLI (cobra/pflag) reads them: `-it`, `-e K=V`,
// `-eK=V`, `--env K=V`, `--env=K=V`, `--` ends flags, and for commands like `run` the first
// positional argument ends them too (what follows belongs to the container's command).

export interface FlagSpec {
  long: string;
  short?: string;
  kind: 'bool' | 'string' | 'list' | 'int';
  description: string;
  default?: string;
  /** Other long names for the flag, hidden from help as the CLI hides them (`run --net`). */
  aliases?: string[];
}

export type FlagValues = Record<string, string | string[] | boolean | number | undefined>;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the CLI prints as it is and ends with this status (Docker's cli.StatusError). */
export class StatusError extends Error {
  override name = 'StatusError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function parseFlags(argv: string[], specs: FlagSpec[], options: { interspersed: boolean }) {
  const values: FlagValues = {};
  const args: string[] = [];
  const byLong = new Map(specs.flatMap((s) => [s.long, ...(s.aliases ?? [])].map((name) => [name, s] as const)));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const set = (spec: FlagSpec, raw: string | undefined, shown: string) => {
    if (spec.kind === 'bool') {
      if (raw === undefined || raw === 'true') values[spec.long] = true;
      else if (raw === 'false') values[spec.long] = false;
      else throw new UsageError(`invalid argument "${raw}" for "${shown}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
      return;
    }
    if (raw === undefined) throw new UsageError(`flag needs an argument: ${shown}`);
    if (spec.kind === 'int') {
      if (!/^-?\d+$/.test(raw)) throw new UsageError(`invalid argument "${raw}" for "${shown}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
      values[spec.long] = Number(raw);
    } else if (spec.kind === 'list') {
      values[spec.long] = [...((values[spec.long] as string[] | undefined) ?? []), raw];
    } else {
      values[spec.long] = raw;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      let raw = eq < 0 ? undefined : arg.slice(eq + 1);
      if (raw === undefined && spec.kind !== 'bool') raw = argv[++i];
      set(spec, raw, `--${name}`);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const spec = byShort.get(letter);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`);
        if (spec.kind === 'bool') {
          set(spec, undefined, `-${letter}`);
          continue;
        }
        let raw = arg.slice(j + 1);
        if (raw.startsWith('=')) raw = raw.slice(1);
        set(spec, raw || argv[++i], `'${letter}' in -${letter}`);
        break;
      }
      continue;
    }
    if (!options.interspersed) {
      args.push(...argv.slice(i));
      break;
    }
    args.push(arg);
  }
  return { values, args };
}
