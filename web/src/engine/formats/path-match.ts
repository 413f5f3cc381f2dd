// Path patterns as Docker matches them (pure code): Go's filepath.Match per path segment
// (`*`, `?`, `[a-z]`, `[^a]`, `\` escapes) plus `**` for any number of directories, as used by
// COPY/ADD sources and by .dockerignore (moby/patternmatcher).

/** Cleans a path the way Go's path.Clean does, without a leading "/" or "./". */
export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function segmentRegex(segment: string): string {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < segment.length) re += escapeRegex(segment[++i]!);
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) throw new Error('syntax error in pattern');
      let body = segment.slice(i + 1, end);
      if (body.startsWith('^') || body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\(.)/g, '\\$1')}]`;
      i = end;
    } else re += escapeRegex(c);
  }
  return re;
}

const escapeRegex = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A compiled pattern; `**` as a whole segment matches zero or more directories. */
export function compilePattern(pattern: string): RegExp {
  const segments = cleanPath(pattern).split('/');
  let re = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') re += last ? '.*' : '(?:[^/]+/)*';
    else re += segmentRegex(segment) + (last ? '' : '/');
  });
  return new RegExp(`^${re}$`);
}

/** Whether a pattern has glob characters (else it names one path). */
export const hasGlob = (pattern: string) => /[*?[\\]/.test(pattern);

/**
 * .dockerignore: patterns one per line, `#` comments, `!` exceptions; the last pattern that
 * matches a path (or one of its parent directories) decides.
 */
export class IgnoreMatcher {
  private readonly rules: Array<{ re: RegExp; exclude: boolean }> = [];

  constructor(text: string) {
    for (const raw of text.split('\n')) {
      let line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const exclude = !line.startsWith('!');
      if (!exclude) line = line.slice(1).trim();
      const clean = cleanPath(line);
      if (!clean) continue;
      this.rules.push({ re: compilePattern(clean), exclude });
    }
  }

  ignores(path: string): boolean {
    const clean = cleanPath(path);
    const parents: string[] = [];
    const parts = clean.split('/');
    for (let i = 1; i <= parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let ignored = false;
    for (const rule of this.rules) {
      if (parents.some((p) => rule.re.test(p))) ignored = rule.exclude;
    }
    return ignored;
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }
}
