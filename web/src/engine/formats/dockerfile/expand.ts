// Variable substitution in Dockerfile words, as BuildKit's shell lexer (frontend/dockerfile/shell)
// does it. The builder calls this with the ARG/ENV values in scope at each instruction; the
// parser uses the same lexer (with raw options) to find here-document words.
//
// Supported, like Docker: $VAR, ${VAR}, ${VAR:-w} ${VAR-w} ${VAR:+w} ${VAR+w} ${VAR:?w} ${VAR?w},
// ${VAR#p} ${VAR##p} ${VAR%p} ${VAR%%p} (shell patterns with * and ?), ${VAR/p/r} ${VAR//p/r};
// single quotes (literal), double quotes ($ still expands), and the escape character.
// The messages of thrown errors are BuildKit's, e.g. `failed to process "${A:?}": A: is not allowed to be unset`.
// One file past ~500 lines: one lexer (quotes, escapes, nesting) serves every form of
// substitution; the forms cannot be read apart from the lexer's state.

import type { Instruction } from './types';

/** The value of a variable, or undefined when it is not set (unset and empty differ for `:-` vs `-`). */
export type Lookup = (name: string) => string | undefined;

/** BuildKit's lexer switches; the defaults are what instructions get. */
export interface ExpandOptions {
  /** Keep quote characters in the output (BuildKit `RawQuotes`; used for step names). */
  rawQuotes?: boolean;
  /** Keep escape characters in the output (BuildKit `RawEscapes`). */
  rawEscapes?: boolean;
  /** Quotes are ordinary characters (BuildKit `SkipProcessQuotes`; used for heredoc bodies). */
  skipQuotes?: boolean;
  /** Leave references to unset variables as written (BuildKit `SkipUnsetEnv`). */
  keepUnset?: boolean;
}

/** A substitution that Docker rejects; `message` is BuildKit's wording. */
export class ExpansionError extends Error {
  override name = 'ExpansionError';
}

/**
 * Which instructions have their arguments expanded when the builder runs them (BuildKit's
 * `SupportsSingleWordExpansion` commands, plus EXPOSE and FROM, which convert.go expands itself).
 * - FROM: image and --platform, with the global (pre-FROM) ARGs only.
 * - ARG: the default values (not the names).
 * - EXPOSE: with `expandWords`, so one argument may become several ports.
 * - ENV/LABEL: names and values. ADD/COPY: sources and destination (plus flags, below).
 * - USER, VOLUME (each path), STOPSIGNAL, WORKDIR: their one word.
 * RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER and ONBUILD are not expanded (the shell
 * does that at run time; ONBUILD triggers are expanded when they run in the child build).
 */
export const EXPANDED_INSTRUCTIONS: ReadonlySet<Instruction['kind']> = new Set<Instruction['kind']>([
  'ADD',
  'ARG',
  'COPY',
  'ENV',
  'EXPOSE',
  'FROM',
  'LABEL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/**
 * Flags whose values are expanded. RUN --mount values are expanded field by field when parsed.
 * COPY --from is *not* expanded: BuildKit rejects a `$` there ("variable expansion is not
 * supported for --from, define a new stage with FROM using ARG from global scope as a workaround").
 */
export const EXPANDED_FLAGS: Readonly<Partial<Record<Instruction['kind'], readonly string[]>>> = {
  ADD: ['chown', 'chmod', 'checksum'],
  COPY: ['chown', 'chmod'],
  FROM: ['platform'],
  RUN: ['mount'],
};

/** ProcessWord: expand one word; quotes and escapes are removed, spaces kept. */
export function expandWord(word: string, lookup: Lookup, escape = '\\', options: ExpandOptions = {}): string {
  return lex(word, lookup, escape, options).text;
}

/** ProcessWords: expand, then split into words on unquoted whitespace (EXPOSE does this). */
export function expandWords(word: string, lookup: Lookup, escape = '\\', options: ExpandOptions = {}): string[] {
  return lex(word, lookup, escape, options).words;
}

/**
 * The body of a COPY/ADD here-document whose delimiter was not quoted (`heredoc.expand`):
 * BuildKit always lexes it with `\` as escape and quotes left alone.
 */
export function expandHeredocBody(content: string, lookup: Lookup): string {
  return expandWord(content, lookup, '\\', { skipQuotes: true });
}

function lex(word: string, lookup: Lookup, escape: string, options: ExpandOptions): { text: string; words: string[] } {
  try {
    return new ShellWord(word, lookup, escape, options).processAll();
  } catch (err) {
    if (err instanceof LexError) throw new ExpansionError(`failed to process ${goQuote(word)}: ${err.message}`);
    throw err;
  }
}

/** A lexing failure before BuildKit wraps it with the word ("failed to process ..."). */
class LexError extends Error {}

const EOF = undefined;
type Char = string | undefined;

/** Collects the words of ProcessWords: unquoted whitespace splits, quoted text never does. */
class WordCollector {
  private buf = '';
  private inWord = false;
  private readonly words: string[] = [];

  addChar(ch: string): void {
    if (isGoSpace(ch)) {
      if (this.inWord && this.buf.length > 0) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else {
      this.addRawChar(ch);
    }
  }

  addRawChar(ch: string): void {
    this.buf += ch;
    this.inWord = true;
  }

  /** Text from a variable: split like unquoted input. */
  addString(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  /** Text from quotes: kept whole. */
  addRawString(text: string): void {
    this.buf += text;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.buf.length > 0) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

/** One pass over a word, character by character (code points), like BuildKit's shellWord. */
class ShellWord {
  private readonly chars: string[];
  private pos = 0;
  private rawEscapes: boolean;

  constructor(
    word: string,
    private readonly lookup: Lookup,
    private readonly escape: string,
    private readonly options: ExpandOptions,
  ) {
    this.chars = Array.from(word);
    this.rawEscapes = options.rawEscapes ?? false;
  }

  processAll(): { text: string; words: string[] } {
    return this.processUntil(EOF, this.rawEscapes);
  }

  private peek(): Char {
    return this.chars[this.pos];
  }

  private next(): Char {
    const ch = this.chars[this.pos];
    if (ch !== EOF) this.pos++;
    return ch;
  }

  /** Process up to `stop` (consumed) or the end; `${...}` bodies are processed recursively. */
  private processUntil(stop: Char, rawEscapes: boolean): { text: string; words: string[] } {
    const outer = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let text = '';
      const words = new WordCollector();
      for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
        if (stop !== EOF && ch === stop) {
          this.next();
          return { text, words: words.finish() };
        }
        if (ch === '$') {
          const value = this.processDollar();
          text += value;
          words.addString(value);
        } else if (ch === '<') {
          const value = this.processPossibleHeredoc();
          text += value;
          words.addRawString(value);
        } else if (!this.options.skipQuotes && (ch === "'" || ch === '"')) {
          const value = ch === "'" ? this.processSingleQuote() : this.processDoubleQuote();
          text += value;
          words.addRawString(value);
        } else {
          this.next();
          if (ch !== this.escape) {
            words.addChar(ch);
            text += ch;
            continue;
          }
          if (this.rawEscapes) {
            words.addRawChar(ch);
            text += ch;
          }
          const escaped = this.next();
          if (escaped === EOF) break; // a trailing escape is dropped
          words.addRawChar(escaped);
          text += escaped;
        }
      }
      if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
      return { text, words: words.finish() };
    } finally {
      this.rawEscapes = outer;
    }
  }

  /** '…': everything literal, no escapes (as in sh). */
  private processSingleQuote(): string {
    let out = this.options.rawQuotes ? "'" : '';
    this.next();
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return this.options.rawQuotes ? out + ch : out;
      out += ch;
    }
  }

  /** "…": literal except $ expansions; the escape only escapes " $ and itself. */
  private processDoubleQuote(): string {
    let out = this.options.rawQuotes ? '"' : '';
    this.next();
    for (;;) {
      const peeked = this.peek();
      if (peeked === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (peeked === '"') {
        this.next();
        return this.options.rawQuotes ? out + '"' : out;
      }
      if (peeked === '$') {
        out += this.processDollar();
        continue;
      }
      let ch = this.next() as string;
      if (ch === this.escape) {
        if (this.rawEscapes) out += ch;
        const after = this.peek();
        if (after === EOF) continue; // the unterminated quote is reported next round
        if (after === '"' || after === '$' || after === this.escape) ch = this.next() as string;
      }
      out += ch;
    }
  }

  /** `<<` (and the blanks after it) stays glued to the next word, so heredoc words survive splitting. */
  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let blanks = '';
    for (let ch = this.peek(); ch === ' ' || ch === '\t' || ch === '\r'; ch = this.peek()) {
      blanks += ch;
      this.next();
    }
    return '<<' + blanks;
  }

  private processDollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.lookup(name);
      if (value === undefined && this.options.keepUnset) return '$' + name;
      return value ?? '';
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');

    const name = this.processName();
    let modifier = this.next();
    if (modifier === '}') {
      const value = this.lookup(name);
      if (value === undefined && this.options.keepUnset) return `\${${name}}`;
      return value ?? '';
    }
    if (modifier === '/') return this.processReplace(name);

    let spelled = goRune(modifier);
    let nullIsUnset = false;
    if (modifier === ':') {
      nullIsUnset = true;
      modifier = this.next();
      spelled += goRune(modifier);
    } else if (modifier !== '+' && modifier !== '-' && modifier !== '?' && modifier !== '#' && modifier !== '%') {
      throw new LexError(`unsupported modifier (${spelled}) in substitution`);
    }
    const patternModifier = modifier === '#' || modifier === '%';
    if (nullIsUnset && patternModifier) throw new LexError(`unsupported modifier (${spelled}) in substitution`);

    const word = this.processBraced('}', patternModifier, "syntax error: missing '}'");
    const value = this.lookup(name);
    if (value === undefined && this.options.keepUnset) return `\${${name}${spelled}${word}}`;
    const unset = value === undefined || (nullIsUnset && value === '');

    switch (modifier) {
      case '-':
        return unset ? word : (value as string);
      case '+':
        return unset ? '' : word;
      case '?':
        if (value === undefined) throw new LexError(`${name}: ${word || 'is not allowed to be unset'}`);
        if (unset) throw new LexError(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      case '#':
      case '%': {
        // One # or % removes the shortest match, two the longest.
        const greedy = word.startsWith(modifier);
        const pattern = greedy ? word.slice(1) : word;
        return modifier === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
      }
      default:
        throw new LexError(`unsupported modifier (${spelled}) in substitution`);
    }
  }

  /** ${name/pattern/replacement} and ${name//pattern/replacement}. */
  private processReplace(name: string): string {
    const all = this.peek() === '/';
    if (all) this.next();
    const pattern = this.processBraced('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.processBraced('}', true, "syntax error: missing '}'");
    const value = this.lookup(name);
    if (value === undefined && this.options.keepUnset) return `\${${name}/${pattern}/${replacement}}`;
    const re = shellPatternToRegex(pattern, true, false);
    const subject = value ?? '';
    if (all) return goReplaceAll(re, subject, replacement);
    const match = new RegExp(re.source, re.flags.replace('g', '')).exec(subject);
    if (!match) return subject;
    return subject.slice(0, match.index) + replacement + subject.slice(match.index + match[0].length);
  }

  /** The text of a ${...} part; hitting the end of input gets BuildKit's "missing" message. */
  private processBraced(stop: string, rawEscapes: boolean, missing: string): string {
    try {
      return this.processUntil(stop, rawEscapes).text;
    } catch (err) {
      if (err instanceof LexError && this.peek() === EOF) throw new LexError(missing);
      throw err;
    }
  }

  /** A variable name: letters, digits and _; or all the digits of a positional; or one special char. */
  private processName(): string {
    let name = '';
    for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
      if (name === '' && isDigit(ch)) {
        for (let d = this.peek(); d !== EOF && isDigit(d); d = this.peek()) name += this.next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(ch)) return this.next() as string;
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }
}

const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

function isDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}

function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

/** Go's unicode.IsSpace (JavaScript's \s differs on U+0085 and U+FEFF). */
export function isGoSpace(ch: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

/** How Go prints a rune with %s: end of input is the replacement character. */
function goRune(ch: Char): string {
  return ch ?? '\ufffd';
}

/**
 * A shell wildcard pattern (`*`, `?`, `\` escapes; no bracket expressions) as a regular
 * expression, as BuildKit converts it. Non-greedy `*` finds the shortest match.
 */
function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '*') {
      out += greedy ? '.*' : '.*?';
    } else if (ch === '?') {
      out += '.';
    } else if (ch === '\\') {
      const after = chars[i + 1];
      // `\}` and `\/` only protect the ${} syntax; they are not part of the pattern.
      if (after === '}' || after === '/') continue;
      i++;
      if (after !== '*' && after !== '?' && after !== '\\') {
        throw new LexError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${goRune(after)}'`);
      }
      out += '\\' + after;
    } else if ('[]{}.+()|^$'.includes(ch)) {
      out += '\\' + ch;
    } else {
      out += ch;
    }
  }
  return new RegExp(out, 'gu');
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const match = new RegExp(shellPatternToRegex(pattern, greedy, true).source, 'u').exec(value);
  return match ? value.slice(match[0].length) : value;
}

/** Shortest/longest suffix: reverse pattern and value so it becomes a prefix search. */
function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));
}

function reverse(text: string): string {
  return Array.from(text).reverse().join('');
}

/** Reverse a pattern but keep each `\x` escape pair in order (a\*c -> c\*a). */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const tokens: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\' && i + 1 < chars.length) {
      tokens.push('\\' + chars[i + 1]);
      i++;
    } else {
      tokens.push(chars[i] as string);
    }
  }
  return tokens.reverse().join('');
}

/**
 * Go's Regexp.ReplaceAllString: an empty match right after a match is skipped, and the
 * replacement is a Go template ($0 is the match, $$ a dollar, other $names are empty here
 * because shell patterns have no groups).
 */
function goReplaceAll(re: RegExp, subject: string, template: string): string {
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= subject.length) {
    re.lastIndex = searchPos;
    const match = re.exec(subject);
    if (!match) break;
    const start = match.index;
    const end = start + match[0].length;
    out += subject.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += expandGoTemplate(template, match[0]);
    lastEnd = end;
    const width = (subject.codePointAt(searchPos) ?? 0) > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + subject.slice(lastEnd);
}

function expandGoTemplate(template: string, whole: string): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (all, token: string, braced?: string, bare?: string) => {
    if (token === '$') return '$';
    const name = braced ?? bare ?? '';
    return name === '0' ? whole : '';
  });
}

/** Go's %q / strconv.Quote, which BuildKit uses in several messages. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    const named = GO_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code === 0x20 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (code <= 0xffff) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += '\\U' + code.toString(16).padStart(8, '0');
  }
  return out + '"';
}

const GO_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};
