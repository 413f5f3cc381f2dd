// Variable interpolation as compose-go does it, in the Compose file and in .env values:
// `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}`, `${VAR:+alt}` / `${VAR+alt}`,
// `${VAR:?error}` / `${VAR?error}`, `$$` for a literal `$`. A default may itself hold `${…}`
// (its braces are matched); an unterminated or malformed `${` is an error naming the key path.
// Then the values of keys Compose types (scale, tty, ports' target…) are cast from strings.
import { ComposeError } from './errors';
import { pathMatches, type Json } from './yaml';

/** Looks a variable up: undefined when it is not set at all (set-but-empty is ''). */
export type Lookup = (name: string) => string | undefined;

/** A `${` that is not a valid substitution; `template` is the string it was found in. */
export class InvalidTemplateError extends ComposeError {
  constructor(public template: string | undefined) {
    super(`Invalid template: ${JSON.stringify(template ?? '')}`);
  }
}

export class MissingRequiredError extends ComposeError {
  constructor(variable: string, reason: string) {
    super(reason ? `required variable ${variable} is missing a value: ${reason}` : `required variable ${variable} is missing a value`);
  }
}

const NAME_START = /[_a-zA-Z]/;
const NAME_CHAR = /[_a-zA-Z0-9]/;

/** Where a `${…` match ends, as Compose's pattern finds it: the name's `}`, or — after an operator — the last `}` on the line. */
function bracedEnd(text: string, start: number): { nameEnd: number; end: number } | null {
  let k = start + 2;
  if (!NAME_START.test(text[k] ?? '')) return null;
  while (NAME_CHAR.test(text[k] ?? '')) k++;
  if (text[k] === '}') return { nameEnd: k, end: k + 1 };
  const op = text[k] === ':' ? k + 1 : k;
  if (!'-+?'.includes(text[op] ?? 'x') || op >= text.length) return null;
  const lineEnd = text.indexOf('\n', op);
  const close = text.lastIndexOf('}', lineEnd === -1 ? text.length : lineEnd);
  if (close <= op) return null;
  return { nameEnd: k, end: close + 1 };
}

/** The `}` that closes the first `{` (a character after each `{` is skipped, as compose-go does). */
function firstClosingBrace(s: string): number {
  let open = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '}') {
      open--;
      if (open === 0) return i;
    }
    if (s[i] === '{') {
      open++;
      i++;
    }
  }
  return -1;
}

/** One string interpolated; `warn` hears each unset variable used without a default. */
export function substitute(template: string, lookup: Lookup, warn: (name: string) => void = () => {}): string {
  try {
    let out = '';
    let i = 0;
    while (i < template.length) {
      const dollar = template.indexOf('$', i);
      if (dollar === -1) {
        out += template.slice(i);
        break;
      }
      out += template.slice(i, dollar);
      const next = template[dollar + 1] ?? '';
      if (next === '$') {
        out += '$';
        i = dollar + 2;
      } else if (NAME_START.test(next)) {
        let k = dollar + 1;
        while (NAME_CHAR.test(template[k] ?? '')) k++;
        const name = template.slice(dollar + 1, k);
        const value = lookup(name);
        if (value === undefined) warn(name);
        out += value ?? '';
        i = k;
      } else if (next === '{') {
        const match = bracedEnd(template, dollar);
        if (!match) throw new InvalidTemplateError(undefined);
        out += replaceBraced(template.slice(dollar, match.end), match.nameEnd - dollar, lookup, warn);
        i = match.end;
      } else {
        out += '$';
        i = dollar + 1;
      }
    }
    return out;
  } catch (error) {
    if (error instanceof InvalidTemplateError && error.template === undefined) {
      error.template = template;
      error.message = `Invalid template: ${JSON.stringify(template)}`;
    }
    throw error;
  }
}

function replaceBraced(match: string, nameEnd: number, lookup: Lookup, warn: (name: string) => void): string {
  const close = firstClosingBrace(match);
  const rest = close > -1 ? match.slice(close + 1) : '';
  const substring = close > -1 ? match.slice(0, close + 1) : match;
  const name = substring.slice(2, nameEnd);
  const spec = substring.slice(nameEnd, -1);
  if (!spec) {
    const value = lookup(name);
    if (value === undefined) warn(name);
    return value ?? '';
  }
  const colon = spec.startsWith(':');
  const op = spec[colon ? 1 : 0]!;
  const arg = spec.slice(colon ? 2 : 1);
  const value = lookup(name);
  const missing = value === undefined || (colon && value === '');
  let result: string;
  if (op === '-') result = missing ? substitute(arg, lookup, warn) : value!;
  else if (op === '+') result = missing ? (value ?? '') : substitute(arg, lookup, warn);
  else {
    if (missing) throw new MissingRequiredError(name, substitute(arg, lookup, warn));
    result = value!;
  }
  return result + substitute(rest, lookup, warn);
}

type Cast = (value: string, warn: (message: string) => void) => Json;

const goInt = (value: string): number => {
  if (!/^[+-]?\d+$/.test(value)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) && Math.abs(n) > 2 ** 63 - 1) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(value)}: value out of range`);
  return n;
};
const goFloat = (value: string): number => {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(value)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
};
/** YAML 1.1 booleans are still read, with Compose's warning. */
const goBool: Cast = (value, warn) => {
  const v = value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (['y', 'yes', 'on'].includes(v) || ['n', 'no', 'off'].includes(v)) {
    const truth = ['y', 'yes', 'on'].includes(v);
    warn(`${JSON.stringify(value)} for boolean is not supported by YAML 1.2, please use \`${truth}\``);
    return truth;
  }
  throw new Error(`invalid boolean: ${value}`);
};

/** The typed keys whose string values are cast after interpolation (`*` any key, `[]` any item). */
const CASTS: Array<[string, Cast]> = [
  ...['scale', 'deploy.replicas', 'healthcheck.retries', 'ports.[].target'].map((p) => [`services.*.${p}`, (v: string) => goInt(v)] as [string, Cast]),
  ...['init', 'privileged', 'read_only', 'stdin_open', 'tty', 'healthcheck.disable', 'depends_on.*.required', 'depends_on.*.restart', 'volumes.[].read_only'].map((p) => [`services.*.${p}`, goBool] as [string, Cast]),
  ['services.*.cpus', (v) => goFloat(v)],
  ...['networks.*.external', 'networks.*.internal', 'networks.*.attachable', 'volumes.*.external'].map((p) => [p, goBool] as [string, Cast]),
];


/** The whole file interpolated; errors name the key path as compose-go does (`[]` for a list item). */
export function interpolateTree(value: Json, lookup: Lookup, warn: (name: string) => void, warnMessage: (message: string) => void, path: string[] = []): Json {
  if (typeof value === 'string') {
    let text: string;
    try {
      text = substitute(value, lookup, warn);
    } catch (error) {
      if (error instanceof InvalidTemplateError) throw new ComposeError(`invalid interpolation format for ${path.join('.')}.\nYou may need to escape any $ with another $.\n${error.template}`);
      if (error instanceof ComposeError) throw new ComposeError(`error while interpolating ${path.join('.')}: ${error.message}`);
      throw error;
    }
    const cast = CASTS.find(([pattern]) => pathMatches(path, pattern));
    if (!cast) return text;
    try {
      return cast[1](text, warnMessage);
    } catch (error) {
      throw new ComposeError(`error while interpolating ${path.join('.')}: failed to cast to expected type: ${(error as Error).message}`);
    }
  }
  if (Array.isArray(value)) return value.map((v) => interpolateTree(v, lookup, warn, warnMessage, [...path, '[]']));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, lookup, warn, warnMessage, [...path, k])]));
  return value;
}
