// .env files (the project's, `--env-file`, and services' `env_file`) as compose-go's dotenv
// reads them: `KEY=value` or `KEY: value`, `export KEY=…`, comments (`#` starts one in an
// unquoted value only after a space), single quotes literal (only `\'` escapes), double quotes
// with the shell's escapes (\n \t \\ \" \$ …) and interpolation, values spanning lines inside
// quotes, a bare `KEY` taking the variable from the environment. A quote never closed is an
// error with its line.
import { ComposeError } from './errors';
import { substitute, type Lookup } from './interpolate';

const SPACE = new Set(['\t', '\v', '\f', '\r', ' ', '\u0085', '\u00a0']);
const isUnicodeSpace = (c: string) => /\s/u.test(c);

/** The backslash escapes a double-quoted value honours; `\$` stays a literal `$`. */
function expandEscapes(text: string): string {
  return text.replace(/\\(?:[abcfnrtv$"\\]|0[0-7]{0,3})/g, (m) => {
    if (m === '\\$') return '$$';
    const simple: Record<string, string> = { a: '\x07', b: '\b', c: '\\c', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };
    const c = m[1]!;
    if (c === '0') {
      // `\0NNN` is an octal byte; Go refuses a short one and the text stays as written.
      const digits = m.slice(2);
      const code = parseInt(digits, 8);
      return digits.length === 3 && code <= 0xff ? String.fromCharCode(code) : m;
    }
    return simple[c] ?? m;
  });
}

/**
 * The variables a .env text sets, in order. `lookup` answers bare `KEY` lines and `${VAR}` in
 * values (then the file's own earlier keys); `warn` hears unset variables. Errors are
 * "line N: …", as compose-go words them (the caller says which file).
 */
export function parseDotEnv(text: string, lookup: Lookup = () => undefined, warn: (name: string) => void = () => {}): Record<string, string> {
  const out: Record<string, string> = {};
  let src = text.replace(/^\uFEFF/, '');
  let line = 1;
  const resolve: Lookup = (name) => lookup(name) ?? (Object.hasOwn(out, name) ? out[name] : undefined);
  const expand = (value: string) => substitute(value, resolve, warn);

  for (;;) {
    // The next statement: skip blank space and comment lines, counting lines.
    for (;;) {
      let i = 0;
      while (i < src.length && isUnicodeSpace(src[i]!)) {
        if (src[i] === '\n') line++;
        i++;
      }
      src = src.slice(i);
      if (!src.startsWith('#')) break;
      const nl = src.indexOf('\n');
      src = nl === -1 ? '' : src.slice(nl);
    }
    if (!src) break;

    if (/^export\s+/.test(src)) src = src.slice('export'.length).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
    let key = '';
    let offset = -1;
    let inherited = false;
    for (let i = 0; i < src.length; i++) {
      const c = src[i]!;
      if (SPACE.has(c)) continue;
      if (c === '=' || c === ':' || c === '\n') {
        key = src.slice(0, i);
        offset = i + 1;
        inherited = c === '\n';
        break;
      }
      if (/[_.\-[\]\p{L}\p{N}]/u.test(c)) continue;
      throw new ComposeError(`line ${line}: unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(src.split('\n')[0])}`);
    }
    // A last line with no `=` and no newline: compose-go reads all of it as the value of an
    // empty key (a quirk kept so that the same files load the same way).
    if (offset === -1) offset = 0;
    if (inherited && !key.includes(' ')) line++;
    key = key.replace(/\s+$/u, '');
    if (key.includes(' ')) throw new ComposeError(`line ${line}: key cannot contain a space`);
    src = src.slice(offset).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');

    if (inherited) {
      const value = lookup(key);
      if (value !== undefined) out[key] = value;
      continue;
    }

    const quote = src[0];
    if (quote !== '"' && quote !== "'") {
      const nl = src.indexOf('\n');
      let value = nl === -1 ? src : src.slice(0, nl);
      src = nl === -1 ? '' : src.slice(nl + 1);
      line++;
      const comment = value.indexOf(' #');
      if (comment !== -1) value = value.slice(0, comment);
      out[key] = expand(value.replace(/\s+$/u, ''));
      continue;
    }

    let chars = '';
    let escaped = false;
    let closed = -1;
    for (let i = 1; i < src.length; i++) {
      const c = src[i]!;
      if (c === '\n') line++;
      if (c !== quote) {
        if (!escaped && c === '\\') {
          escaped = true;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += '\\';
        }
        chars += c;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += c;
        continue;
      }
      closed = i;
      break;
    }
    if (closed === -1) {
      const nl = src.indexOf('\n');
      throw new ComposeError(`line ${line}: unterminated quoted value ${nl === -1 ? src : src.slice(0, nl)}`);
    }
    out[key] = quote === '"' ? expand(expandEscapes(chars)) : chars;
    src = src.slice(closed + 1);
  }
  return out;
}
