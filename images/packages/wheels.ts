// Wheels from Debian's python3-* packages, and the PEP 503 "simple" index that lists them.
// Pure: the recipe (build-packages.ts) hands in the files a .deb put under dist-packages and
// its egg-info/dist-info metadata; this makes a wheel pip installs unmodified (PEP 427: the
// package's files, then <name>-<version>.dist-info with METADATA, WHEEL and RECORD).
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';

/** PEP 503's normalized name: `Charset_Normalizer` → `charset-normalizer`. */
export const canonicalName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The name as it is written in a wheel's file name and dist-info directory (PEP 427). */
export const wheelName = (name: string) => name.replace(/[-_.]+/g, '_');

/** The environment of the python image, for the markers of requirements (PEP 508). */
export const PYTHON_ENV: Record<string, string> = {
  python_version: '3.11',
  python_full_version: '3.11.2',
  sys_platform: 'linux',
  platform_system: 'Linux',
  os_name: 'posix',
  implementation_name: 'cpython',
  platform_python_implementation: 'CPython',
  platform_machine: 'i686',
};

const versionKey = (v: string) => v.split('.').map((p) => parseInt(p, 10) || 0);
function compareVersions(a: string, b: string): number {
  const x = versionKey(a);
  const y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * Whether a PEP 508 marker holds in `env` with no extra requested. Enough of the grammar for
 * what Debian's packages carry: comparisons joined by `and`/`or`, with parentheses.
 */
export function markerHolds(marker: string, env: Record<string, string> = PYTHON_ENV): boolean {
  const tokens = marker.match(/\(|\)|"[^"]*"|'[^']*'|[<>=!~]=|===|[<>]|\band\b|\bor\b|\bnot in\b|\bin\b|[A-Za-z_.]+/g) ?? [];
  let at = 0;
  const value = (t: string) => (/^["']/.test(t) ? t.slice(1, -1) : (env[t] ?? (t === 'extra' ? '' : t)));
  const versionLike = (t: string) => /python(_full)?_version/.test(t);
  const comparison = (): boolean => {
    if (tokens[at] === '(') {
      at++;
      const r = disjunction();
      at++; // ')'
      return r;
    }
    const leftToken = tokens[at++]!;
    const op = tokens[at++]!;
    const rightToken = tokens[at++]!;
    const left = value(leftToken);
    const right = value(rightToken);
    if (leftToken === 'extra' || rightToken === 'extra') return false; // no extra is asked for
    if (op === 'in') return right.includes(left);
    if (op === 'not in') return !right.includes(left);
    const c = versionLike(leftToken) || versionLike(rightToken) ? compareVersions(left, right) : left < right ? -1 : left > right ? 1 : 0;
    return { '==': c === 0, '===': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0, '~=': c >= 0 }[op] ?? false;
  };
  const conjunction = (): boolean => {
    let r = comparison();
    while (tokens[at] === 'and') {
      at++;
      r = comparison() && r;
    }
    return r;
  };
  const disjunction = (): boolean => {
    let r = conjunction();
    while (tokens[at] === 'or') {
      at++;
      r = conjunction() || r;
    }
    return r;
  };
  return disjunction();
}

/** A requirement of a distribution, as a `Requires-Dist` value: `Jinja2>=3.0; extra == "i18n"`. */
export interface Requirement {
  name: string;
  /** The whole `Requires-Dist` value. */
  spec: string;
  /** Whether pip installs it for a plain `pip install <dist>` on the python image. */
  needed: boolean;
}

/** A `Requires-Dist` value's distribution name. */
const requirementName = (spec: string) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec)?.[1] ?? spec.trim();

function requirement(spec: string): Requirement {
  const [, marker] = spec.split(';');
  return { name: requirementName(spec), spec: spec.trim(), needed: !marker || markerHolds(marker.trim()) };
}

/**
 * setuptools' requires.txt as `Requires-Dist` values: a `[extra]`, `[:marker]` or
 * `[extra:marker]` section header applies to the lines under it.
 */
export function requiresTxt(text: string): Requirement[] {
  const out: Requirement[] = [];
  let section: { extra: string; marker: string } = { extra: '', marker: '' };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[([^\]:]*)(?::(.*))?\]$/.exec(line);
    if (header) {
      section = { extra: header[1]!.trim(), marker: (header[2] ?? '').trim() };
      continue;
    }
    const [req, own] = line.split(';').map((s) => s.trim());
    const markers = [own, section.marker].filter(Boolean).map((m) => (/ or /.test(m!) ? `(${m})` : m));
    if (section.extra) markers.push(`extra == "${section.extra}"`);
    out.push(requirement(markers.length ? `${req}; ${markers.join(' and ')}` : req!));
  }
  return out;
}

/** The header fields of a METADATA/PKG-INFO file, and its body (the long description). */
function splitMetadata(text: string): { headers: string[]; body: string } {
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  // Continuation lines (starting with whitespace) belong to the header above them.
  const headers: string[] = [];
  for (const line of head.split('\n')) {
    if (/^\s/.test(line) && headers.length) headers[headers.length - 1] += `\n${line}`;
    else if (line) headers.push(line);
  }
  return { headers, body: end < 0 ? '' : text.slice(end + 2) };
}

export function metadataField(text: string, field: string): string | undefined {
  const h = splitMetadata(text).headers.find((l) => l.toLowerCase().startsWith(`${field.toLowerCase()}:`));
  return h?.slice(field.length + 1).trim();
}

/** Its `Requires-Dist` fields as requirements. */
export function metadataRequires(text: string): Requirement[] {
  return splitMetadata(text).headers.filter((l) => /^Requires-Dist:/i.test(l)).map((l) => requirement(l.slice('Requires-Dist:'.length)));
}

/**
 * METADATA for the wheel: the package's own PKG-INFO/METADATA with its requirements replaced by
 * `requires` (and one `Provides-Extra` per extra they name), at Metadata-Version 2.1.
 */
export function wheelMetadata(original: string, requires: Requirement[]): string {
  const { headers, body } = splitMetadata(original.replace(/\r\n/g, '\n'));
  const kept = headers.filter((l) => !/^(Requires-Dist|Provides-Extra|Metadata-Version):/i.test(l));
  const extras = [...new Set(requires.flatMap((r) => [...r.spec.matchAll(/extra == "([^"]+)"/g)].map((m) => m[1]!)))];
  const lines = ['Metadata-Version: 2.1', ...kept, ...extras.map((e) => `Provides-Extra: ${e}`), ...requires.map((r) => `Requires-Dist: ${r.spec}`)];
  return `${lines.join('\n')}\n\n${body}`;
}

export interface WheelInput {
  name: string;
  version: string;
  /** Files under dist-packages (path → bytes), minus any metadata directory. */
  files: Map<string, Uint8Array>;
  metadata: string;
  /** entry_points.txt and top_level.txt, when the package has them. */
  extra: Map<string, Uint8Array>;
  /** The wheel's generator and build note (WHEEL's Generator field). */
  generator: string;
}

/** RECORD's hash form: `sha256=<urlsafe base64, no padding>`. */
const recordHash = (data: Uint8Array) => `sha256=${createHash('sha256').update(data).digest('base64url')}`;

/** A shared object: a compiled extension (CPython's EXTENSION_SUFFIXES on i386: `.cpython-311-i386-linux-gnu.so`) or a library it loads (`libpq.so.5`). */
export const isExtension = (path: string) => /\.so(\.\d+)*$/.test(path);

/** `py3-none-any`, or CPython 3.11 on 32-bit x86 Linux when the package has compiled code. */
export const wheelTag = (files: Iterable<string>) => ([...files].some(isExtension) ? 'cp311-cp311-linux_i686' : 'py3-none-any');

/** The fixed time of every member (zip times are local and start in 1980). */
const ZIP_TIME = new Date(Date.UTC(2026, 0, 1));

/** Builds the wheel: its file name and bytes. Same input, same bytes. */
export function buildWheel(input: WheelInput): { filename: string; data: Uint8Array } {
  const tag = wheelTag(input.files.keys());
  const distInfo = `${wheelName(input.name)}-${input.version}.dist-info`;
  const members = new Map<string, Uint8Array>([...input.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const text = (s: string) => new TextEncoder().encode(s);
  members.set(`${distInfo}/METADATA`, text(input.metadata));
  members.set(`${distInfo}/WHEEL`, text(`Wheel-Version: 1.0\nGenerator: ${input.generator}\nRoot-Is-Purelib: ${tag === 'py3-none-any'}\nTag: ${tag}\n\n`));
  for (const [name, data] of [...input.extra].sort()) members.set(`${distInfo}/${name}`, data);
  const record = [...members].map(([path, data]) => `${path},${recordHash(data)},${data.length}`);
  members.set(`${distInfo}/RECORD`, text(`${[...record, `${distInfo}/RECORD,,`].join('\n')}\n`));
  const zip = zipSync(Object.fromEntries([...members].map(([path, data]) => [path, [data, { mtime: ZIP_TIME, level: 9 }]])));
  return { filename: `${wheelName(input.name)}-${input.version}-${tag}.whl`, data: zip };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** PEP 503's project page: one link per file, with its sha256 as the URL's fragment. */
export function projectPage(name: string, files: Array<{ filename: string; sha256: string; requiresPython?: string }>): string {
  const links = files.map(
    (f) => `    <a href="../../packages/${escapeHtml(f.filename)}#sha256=${f.sha256}"${f.requiresPython ? ` data-requires-python="${escapeHtml(f.requiresPython)}"` : ''}>${escapeHtml(f.filename)}</a><br/>`,
  );
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n    <title>Links for ${escapeHtml(name)}</title>\n  </head>\n  <body>\n    <h1>Links for ${escapeHtml(name)}</h1>\n${links.join('\n')}\n  </body>\n</html>\n`;
}

/** PEP 503's root page: every project, by its normalized name. */
export function rootPage(names: string[]): string {
  const links = [...names].sort().map((n) => `    <a href="${escapeHtml(n)}/">${escapeHtml(n)}</a><br/>`);
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n    <title>Simple index</title>\n  </head>\n  <body>\n${links.join('\n')}\n  </body>\n</html>\n`;
}
