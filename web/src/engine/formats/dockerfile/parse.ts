// The Dockerfile parser: text in, stages of typed instructions out, nothing expanded.
//
// It follows BuildKit's two passes so that errors and their order match `docker build`:
//  1. lines (frontend/dockerfile/parser): directives, comments, continuations, flags, each
//     instruction's argument syntax (JSON or not, key=value, words), here-documents;
//  2. instructions (frontend/dockerfile/instructions): argument counts, allowed flags, stages.
// A failure in pass 1 anywhere in the file is reported before any failure of pass 2.
// Messages are BuildKit's own wording; DockerfileParseError carries the instruction's first line.
// One file past ~500 lines: the two passes share the line reader's state and the order of
// their errors; split, each half would have to re-derive where the other stopped.

import { ExpansionError, expandWords, goQuote, isGoSpace } from './expand';
import { DockerfileParseError } from './types';
import type { CommandForm, Dockerfile, Heredoc, Instruction, InstructionFlags } from './types';

export function parseDockerfile(text: string): Dockerfile {
  // BuildKit refuses an empty file before parsing (dockerfile2llb); it has no location.
  if (text.length === 0) throw new DockerfileParseError('the Dockerfile cannot be empty', 1);
  const { nodes, directives, warnings } = readNodes(text);
  const { globalArgs, stages } = buildStages(nodes);
  return {
    globalArgs,
    stages,
    escape: directives.escape,
    ...(directives.syntax !== undefined ? { syntax: directives.syntax } : {}),
    warnings,
  };
}

/**
 * One ONBUILD trigger as stored in an image config (e.g. "RUN npm install"), parsed the way a
 * child build does when it starts FROM that image.
 */
export function parseOnbuildTrigger(expression: string): Instruction {
  const { nodes } = readNodes(expression);
  const [node, ...more] = nodes;
  if (!node || more.length > 0) throw new DockerfileParseError('onbuild trigger should be a single expression', 1);
  return atLine(node.startLine, () => toInstruction(node));
}

// ---------------------------------------------------------------------------------------------
// Pass 1: lines into nodes

/** An instruction as the line parser sees it: the command word, raw flags, and its arguments. */
interface Node {
  /** As written, e.g. "run". */
  command: string;
  /** The logical line: continuations joined, comment lines dropped. */
  original: string;
  /** `--name=value` words before the arguments, quotes removed. */
  flags: string[];
  /** Arguments, split per instruction (ENV/LABEL: key, value, separator triples). */
  args: string[];
  /** The arguments were a JSON array. */
  json: boolean;
  /** ONBUILD's trigger. */
  trigger?: Node;
  /** Here-document bodies, as read (not yet chomped). */
  heredocs: Heredoc[];
  startLine: number;
  endLine: number;
}

/** A pass-1 failure; the caller knows the line. */
class LineError extends Error {}

/** A pass-2 failure; the caller knows the line. */
class InstructionError extends Error {}

function readNodes(text: string): { nodes: Node[]; directives: Directives; warnings: Dockerfile['warnings'] } {
  const reader = new LineReader(text);
  const directives = new Directives();
  const nodes: Node[] = [];
  const warnings: Dockerfile['warnings'] = [];

  for (let raw = reader.next(); raw !== undefined; raw = reader.next()) {
    if (reader.line === 1) raw = raw.replace(/^\uFEFF/, '');
    const startLine = reader.line;
    let [line, complete] = directives.trimContinuation(processLine(directives, raw, true, startLine));
    if (complete && line === '') continue; // blank line or comment

    let emptyContinuation = false;
    while (!complete) {
      const next = reader.next();
      if (next === undefined) break;
      const processed = processLine(directives, next, false, reader.line);
      if (isComment(next)) continue;
      if (trimLeftGoSpace(processed) === '') {
        emptyContinuation = true;
        continue;
      }
      const [piece, done] = directives.trimContinuation(processed);
      line += piece;
      complete = done;
    }
    if (emptyContinuation) warnings.push({ line: reader.line, message: `Empty continuation line found in: ${line}` });

    const node = atLine(startLine, () => newNode(line, directives));
    if (canContainHeredoc(node) && line.includes('<<')) {
      const heredocs = atLine(startLine, () => heredocsFromLine(line));
      for (const heredoc of heredocs) node.heredocs.push(readHeredocBody(reader, heredoc, startLine));
    }
    node.startLine = startLine;
    node.endLine = reader.line;
    nodes.push(node);
  }

  if (nodes.length === 0) throw new DockerfileParseError('file with no instructions', Math.max(reader.line, 1));
  if (reader.tooLong) {
    throw new DockerfileParseError(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`, Math.max(reader.line, 1));
  }
  return { nodes, directives, warnings };
}

/** bufio.Scanner's limit, which BuildKit inherits. */
const MAX_LINE_BYTES = 65535;

/** Physical lines with their line endings (heredoc bodies keep them byte for byte). */
class LineReader {
  /** 1-based number of the line last returned. */
  line = 0;
  /** Reading stopped at a line longer than BuildKit's scanner accepts. */
  tooLong = false;
  private pos = 0;

  constructor(private readonly text: string) {}

  next(): string | undefined {
    if (this.tooLong || this.pos >= this.text.length) return undefined;
    const newline = this.text.indexOf('\n', this.pos);
    const end = newline < 0 ? this.text.length : newline + 1;
    const raw = this.text.slice(this.pos, end);
    if (utf8Length(raw.endsWith('\n') ? raw.slice(0, -1) : raw) > MAX_LINE_BYTES) {
      this.tooLong = true;
      return undefined;
    }
    this.pos = end;
    this.line++;
    return raw;
  }
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Parser directives (`# syntax=`, `# escape=`, `# check=`) and the escape character they set. */
class Directives {
  escape = '\\';
  syntax?: string;
  private continuation = continuationPattern('\\');
  private done = false;
  private readonly seen = new Set<string>();

  /**
   * Directives are only recognised while every line so far was one: the first other line, even
   * a blank line or an ordinary comment, ends them.
   */
  consider(line: string, lineNumber: number): void {
    if (this.done) return;
    const match = line.startsWith('#') ? DIRECTIVE.exec(trimLeftGoSpace(line.slice(1))) : null;
    const key = match?.[1]?.toLowerCase();
    if (!match || !key || !VALID_DIRECTIVES.has(key)) {
      this.done = true;
      return;
    }
    if (this.seen.has(key)) throw new DockerfileParseError(`only one ${key} parser directive can be used`, lineNumber);
    this.seen.add(key);
    const value = match[2] as string;
    if (key === 'escape') this.setEscape(value, lineNumber);
    if (key === 'syntax') this.syntax = value;
  }

  /** Strip a line-continuation escape; false means the instruction goes on. */
  trimContinuation(line: string): [string, boolean] {
    if (!this.continuation.test(line)) return [line, true];
    return [line.replace(this.continuation, '$1'), false];
  }

  private setEscape(value: string, lineNumber: number): void {
    if (value !== '`' && value !== '\\') {
      throw new DockerfileParseError(`invalid escape token '${value}' does not match \` or \\`, lineNumber);
    }
    this.escape = value;
    this.continuation = continuationPattern(value);
  }
}

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;
const VALID_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

/**
 * An escape at the end of a line (trailing blanks allowed) continues it, unless the escape is
 * itself escaped; a line of just the escape continues too. The match is replaced by what came
 * before the escape, so `a \` + `  b` joins to `a   b`, as BuildKit shows it.
 */
function continuationPattern(escape: string): RegExp {
  const e = escape === '\\' ? '\\\\' : escape;
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

/** Drop the line ending, leading blanks of an instruction's first line, and comments. */
function processLine(directives: Directives, raw: string, first: boolean, lineNumber: number): string {
  let line = raw.replace(/[\r\n]+$/, '');
  if (first) line = trimLeftGoSpace(line);
  directives.consider(line, lineNumber);
  return isComment(line) ? '' : line;
}

function isComment(line: string): boolean {
  return trimLeftGoSpace(line).startsWith('#');
}

function readHeredocBody(reader: LineReader, heredoc: Heredoc, startLine: number): Heredoc {
  let content = '';
  for (let raw = reader.next(); raw !== undefined; raw = reader.next()) {
    let candidate = raw.replace(/[\r\n]+$/, '');
    if (heredoc.chomp) candidate = candidate.replace(/^\t+/, '');
    if (candidate === heredoc.name) return { ...heredoc, content };
    content += raw;
  }
  throw new DockerfileParseError('unterminated heredoc', startLine);
}

/** Split a logical line into command, flags and arguments, and parse the arguments. */
function newNode(line: string, directives: Directives): Node {
  const { command, flags, rest } = splitCommand(line, directives.escape);
  const parsed = parseArguments(command.toLowerCase(), rest, directives);
  return { command, original: line, flags, ...parsed, heredocs: [], startLine: 0, endLine: 0 };
}

type Arguments = { args: string[]; json: boolean; trigger?: Node };

/** Each instruction's argument syntax (BuildKit's dispatch table of line parsers). */
function parseArguments(command: string, rest: string, directives: Directives): Arguments {
  const plain = (args: string[]): Arguments => ({ args, json: false });
  switch (command) {
    case 'add':
    case 'copy':
    case 'volume':
      return parseJsonOrList(rest);
    case 'cmd':
    case 'entrypoint':
    case 'run':
    case 'shell':
      return parseJsonOrString(rest);
    case 'env':
      return plain(parseNameValues(rest, 'ENV', directives.escape));
    case 'label':
      return plain(parseNameValues(rest, 'LABEL', directives.escape));
    case 'arg':
      return plain(parseWords(rest, directives.escape));
    case 'expose':
    case 'from':
      return plain(splitWhitespace(rest));
    case 'maintainer':
    case 'stopsignal':
    case 'user':
    case 'workdir':
      return plain(rest === '' ? [] : [rest]);
    case 'healthcheck':
      return parseHealthcheckArguments(rest);
    case 'onbuild': {
      if (rest === '') return plain([]);
      const trigger = newNode(rest, directives);
      return { args: [trigger.command, ...trigger.args], json: false, trigger };
    }
    default:
      return plain([]); // unknown instructions are reported in pass 2
  }
}

/** BuildKit's whitespace for splitting (no newline: lines are already joined). */
const BLANKS = /[\t\v\f\r ]+/;

function splitWhitespace(rest: string): string[] {
  return rest === '' ? [] : rest.split(BLANKS);
}

function splitCommand(line: string, escape: string): { command: string; flags: string[]; rest: string } {
  const trimmed = trimGoSpace(line);
  const blank = BLANKS.exec(trimmed);
  if (!blank) return { command: trimmed, flags: [], rest: '' };
  const { rest, flags } = extractFlags(trimmed.slice(blank.index + blank[0].length), escape);
  return { command: trimmed.slice(0, blank.index), flags, rest: trimGoSpace(rest) };
}

/**
 * Leading `--words` are flags, up to the first other word or a lone `--`. Quotes inside a flag
 * are removed and the escape character escapes the next one.
 */
function extractFlags(line: string, escape: string): { rest: string; flags: string[] } {
  const flags: string[] = [];
  let phase: 'blank' | 'word' | 'quote' = 'blank';
  let word = '';
  let quote = '';
  let quoted = false; // `--x=""` is still a flag
  for (let pos = 0; pos <= line.length; pos++) {
    let ch = line[pos] ?? '';
    if (phase === 'blank') {
      if (pos === line.length) break;
      if (isGoSpace(ch)) continue;
      if (ch !== '-' || line[pos + 1] !== '-') return { rest: line.slice(pos), flags };
      phase = 'word';
    }
    if (pos === line.length) {
      if (word !== '--' && (quoted || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === 'word') {
      if (isGoSpace(ch)) {
        if (word === '--') return { rest: line.slice(pos), flags };
        if (quoted || word.length > 0) flags.push(word);
        phase = 'blank';
        word = '';
        quoted = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        quoted = true;
        phase = 'quote';
        continue;
      }
    } else if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === escape) {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue; // a trailing escape is dropped
      }
      ch = line[++pos] as string;
    }
    word += ch;
  }
  return { rest: '', flags };
}

/**
 * Words separated by blanks, quotes kept (they are removed when the builder expands the word);
 * an escape keeps itself and the next character, so `a\ b` stays one word.
 */
function parseWords(rest: string, escape: string): string[] {
  const chars = Array.from(rest);
  const words: string[] = [];
  let phase: 'blank' | 'word' | 'quote' = 'blank';
  let word = '';
  let quote = '';
  let quoted = false;
  for (let i = 0; i <= chars.length; i++) {
    let ch = chars[i] ?? '';
    if (phase === 'blank') {
      if (i === chars.length) break;
      if (isGoSpace(ch)) continue;
      phase = 'word';
    }
    if (i === chars.length) {
      if (quoted || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isGoSpace(ch)) {
        if (quoted || word.length > 0) words.push(word);
        phase = 'blank';
        word = '';
        quoted = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        quoted = true;
        phase = 'quote';
      } else if (ch === escape) {
        if (i + 1 === chars.length) continue; // a trailing escape is dropped
        word += ch;
        ch = chars[++i] as string;
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    else if (ch === escape && quote !== "'") {
      if (i + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      ch = chars[++i] as string;
    }
    word += ch;
  }
  return words;
}

/**
 * ENV and LABEL: `key=value ...` (quotes kept), or the legacy `key the rest of the line` when the
 * first word has no `=`. Returned as key, value, separator triples, separator "" for legacy.
 */
function parseNameValues(rest: string, instruction: string, escape: string): string[] {
  const words = parseWords(rest, escape);
  const first = words[0];
  if (first === undefined) return [];
  if (!first.includes('=')) {
    const blank = BLANKS.exec(rest);
    if (!blank) throw new LineError(`${instruction} must have two arguments`);
    return [rest.slice(0, blank.index), rest.slice(blank.index + blank[0].length), ''];
  }
  return words.flatMap((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) throw new LineError(`Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`);
    return [word.slice(0, eq), word.slice(eq + 1), '='];
  });
}

const NOT_STRINGS = 'when using JSON array syntax, arrays must be comprised of strings only';

/** A JSON array of strings, or undefined when the text is not a JSON array at all. */
function parseJsonArray(rest: string): string[] | undefined {
  const text = trimLeftGoSpace(rest);
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // not JSON: Docker falls back to the shell form
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((item): item is string => typeof item === 'string')) throw new LineError(NOT_STRINGS);
  return value;
}

/** RUN/CMD/ENTRYPOINT/SHELL: exec form, or the whole rest of the line as one shell string. */
function parseJsonOrString(rest: string): Arguments {
  if (rest === '') return { args: [], json: false };
  const array = parseJsonArray(rest);
  return array ? { args: array, json: true } : { args: [rest], json: false };
}

/** COPY/ADD/VOLUME: a JSON array, or blank-separated words (quotes are not special there). */
function parseJsonOrList(rest: string): Arguments {
  const array = parseJsonArray(rest);
  return array ? { args: array, json: true } : { args: splitWhitespace(rest), json: false };
}

/** HEALTHCHECK: a type word (CMD, NONE, …) then a RUN-style command. */
function parseHealthcheckArguments(rest: string): Arguments {
  let sep = 0;
  while (sep < rest.length && !isGoSpace(rest[sep] as string)) sep++;
  if (sep === 0) return { args: [], json: false };
  let next = sep;
  while (next < rest.length && isGoSpace(rest[next] as string)) next++;
  const command = parseJsonOrString(rest.slice(next));
  return { args: [rest.slice(0, sep), ...command.args], json: command.json };
}

function canContainHeredoc(node: Node): boolean {
  const target = node.command.toLowerCase() === 'onbuild' && node.trigger ? node.trigger : node;
  return ['add', 'copy', 'run'].includes(target.command.toLowerCase()) && !target.json;
}

/** The here-documents a line opens, in order (`RUN <<A <<B`, `COPY <<EOF /x`, `RUN cat <<EOF | sh`). */
function heredocsFromLine(line: string): Heredoc[] {
  let words: string[];
  try {
    words = expandWords(line, unset, '\\', { rawQuotes: true, rawEscapes: true, keepUnset: true });
  } catch (err) {
    if (err instanceof ExpansionError) return []; // BuildKit ignores a line it cannot lex
    throw err;
  }
  const heredocs: Heredoc[] = [];
  for (const word of words) {
    const heredoc = parseHeredocWord(word);
    if (heredoc) heredocs.push(heredoc);
  }
  return heredocs;
}

const unset = (): undefined => undefined;
const HEREDOC_WORD = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

/**
 * `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<E'O'F`, `3<<EOF` (the fd is accepted and ignored). Quoting any
 * part of the delimiter turns expansion off, as in sh.
 */
function parseHeredocWord(word: string): Heredoc | undefined {
  const match = HEREDOC_WORD.exec(word);
  const rest = match?.[3];
  if (!match || !rest) return undefined;
  try {
    const names = expandWords(rest, unset, '\\', { keepUnset: true });
    if (names.length !== 1) return undefined;
    const raw = expandWords(rest, unset, '\\', { keepUnset: true, rawQuotes: true });
    if (raw.length !== 1) throw new LineError(`internal lexing of heredoc produced inconsistent results: ${rest}`);
    const name = names[0] as string;
    const expand = countQuotes(name) === countQuotes(raw[0] as string);
    return { name, content: '', chomp: match[2] === '-', expand };
  } catch (err) {
    if (err instanceof ExpansionError) throw new LineError(err.message);
    throw err;
  }
}

/** For COPY/ADD sources: a word that does not parse as a heredoc is a path. */
function heredocWordOrUndefined(word: string): Heredoc | undefined {
  try {
    return parseHeredocWord(word);
  } catch {
    return undefined;
  }
}

function countQuotes(text: string): number {
  return (text.match(/['"]/g) ?? []).length;
}

/** `<<-` strips leading tabs from every line. */
function chomped(heredoc: Heredoc): Heredoc {
  return heredoc.chomp ? { ...heredoc, content: heredoc.content.replace(/^\t+/gm, '') } : heredoc;
}

// ---------------------------------------------------------------------------------------------
// Pass 2: nodes into instructions and stages

function buildStages(nodes: Node[]): Pick<Dockerfile, 'globalArgs' | 'stages'> {
  const globalArgs: Dockerfile['globalArgs'] = [];
  const stages: Dockerfile['stages'] = [];
  for (const node of nodes) {
    const instruction = atLine(node.startLine, () => toInstruction(node));
    if (stages.length === 0 && instruction.kind === 'ARG') {
      globalArgs.push(instruction);
    } else if (instruction.kind === 'FROM') {
      stages.push({ from: instruction, instructions: [] });
    } else {
      const stage = stages[stages.length - 1];
      if (!stage) throw new DockerfileParseError('no build stage in current context', node.startLine);
      stage.instructions.push(instruction);
    }
  }
  // BuildKit reports this right after parsing (dockerfile2llb), without a location.
  if (stages.length === 0) throw new DockerfileParseError('dockerfile contains no stages to build', 1);
  return { globalArgs, stages };
}

/** Run a pass, turning its located-by-caller failures into DockerfileParseError at `line`. */
function atLine<T>(line: number, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof LineError || err instanceof InstructionError) throw new DockerfileParseError(err.message, line);
    throw err;
  }
}

/** Instruction names in a fixed order, so suggestions do not depend on iteration order. */
const INSTRUCTIONS = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK',
  'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
];

type FlagKind = 'bool' | 'string' | 'strings';
type FlagSpec = Readonly<Record<string, FlagKind>>;

/** The flags BuildKit defines per instruction; any other is "unknown flag". */
const FLAGS = {
  ADD: { chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string', unpack: 'bool', exclude: 'strings' },
  COPY: { chown: 'string', from: 'string', chmod: 'string', link: 'bool', exclude: 'strings', parents: 'bool' },
  FROM: { platform: 'string' },
  RUN: { mount: 'strings', network: 'string', security: 'string', device: 'strings' },
  HEALTHCHECK: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
  NONE: {},
} satisfies Record<string, FlagSpec>;

type Common = { range: { startLine: number; endLine: number }; original: string; flags: InstructionFlags; flagLists?: Record<string, string[]> };

function toInstruction(node: Node): Instruction {
  const common: Common = {
    range: { startLine: node.startLine, endLine: node.endLine },
    original: trimGoSpace(node.original),
    flags: {},
  };
  // Flags are checked where BuildKit checks them, so the first error reported is the same.
  const withFlags = (spec: FlagSpec): Common => Object.assign(common, parseFlags(node.flags, spec));
  const args = node.args;
  const name = node.command.toLowerCase();

  switch (name) {
    case 'from': {
      const stage = stageName(args);
      return { ...withFlags(FLAGS.FROM), kind: 'FROM', image: args[0] as string, ...(stage ? { stage } : {}) };
    }
    case 'run': {
      const run = withFlags(FLAGS.RUN);
      checkRunFlags(run.flags);
      return { ...run, kind: 'RUN', command: commandForm(args, node.json, node.heredocs.map(chomped)) };
    }
    case 'cmd':
      return { ...withFlags(FLAGS.NONE), kind: 'CMD', command: commandForm(args, node.json, []) };
    case 'entrypoint':
      return { ...withFlags(FLAGS.NONE), kind: 'ENTRYPOINT', command: commandForm(args, node.json, []) };
    case 'copy':
    case 'add': {
      const kind = name === 'copy' ? 'COPY' : 'ADD';
      if (args.length < 2) {
        throw new InstructionError(`${kind} requires at least two arguments, but only one was provided. Destination could not be determined`);
      }
      return { ...withFlags(FLAGS[kind]), kind, ...sourcesAndDest(kind, args, node.heredocs) };
    }
    case 'workdir':
      exactlyOne('WORKDIR', args);
      return { ...withFlags(FLAGS.NONE), kind: 'WORKDIR', path: args[0] as string };
    case 'env':
      withFlags(FLAGS.NONE);
      return { ...common, kind: 'ENV', pairs: keyValuePairs('ENV', args) };
    case 'label':
      withFlags(FLAGS.NONE);
      return { ...common, kind: 'LABEL', pairs: keyValuePairs('LABEL', args) };
    case 'arg':
      // BuildKit never checks ARG's flags: any are ignored.
      return { ...common, kind: 'ARG', args: argDefinitions(args) };
    case 'expose':
      atLeastOne('EXPOSE', args);
      // BuildKit sorts the (unexpanded) ports.
      return { ...withFlags(FLAGS.NONE), kind: 'EXPOSE', ports: [...args].sort() };
    case 'user':
      exactlyOne('USER', args);
      return { ...withFlags(FLAGS.NONE), kind: 'USER', user: args[0] as string };
    case 'volume':
      atLeastOne('VOLUME', args);
      withFlags(FLAGS.NONE);
      return { ...common, kind: 'VOLUME', paths: volumePaths(args) };
    case 'shell':
      withFlags(FLAGS.NONE);
      atLeastOne('SHELL', args);
      if (!node.json) throw new InstructionError('SHELL requires the arguments to be in JSON form');
      return { ...common, kind: 'SHELL', shell: args };
    case 'stopsignal':
      // BuildKit never checks STOPSIGNAL's flags either.
      exactlyOne('STOPSIGNAL', args);
      return { ...common, kind: 'STOPSIGNAL', signal: args[0] as string };
    case 'maintainer':
      exactlyOne('MAINTAINER', args);
      return { ...withFlags(FLAGS.NONE), kind: 'MAINTAINER', name: args[0] as string };
    case 'healthcheck':
      return healthcheck(node, common, withFlags);
    case 'onbuild':
      return onbuild(node, withFlags);
    default:
      throw new InstructionError(withSuggestion(`unknown instruction: ${node.command}`, node.command, INSTRUCTIONS, false));
  }
}

function atLeastOne(instruction: string, args: string[]): void {
  if (args.length === 0) throw new InstructionError(`${instruction} requires at least one argument`);
}

function exactlyOne(instruction: string, args: string[]): void {
  if (args.length !== 1) throw new InstructionError(`${instruction} requires exactly one argument`);
}

function commandForm(args: string[], json: boolean, heredocs: Heredoc[]): CommandForm {
  return json ? { form: 'exec', argv: args } : { form: 'shell', text: args.join(' '), heredocs };
}

/** `FROM image` or `FROM image AS name`; the name is lowercased, as stage names are case-insensitive. */
function stageName(args: string[]): string | undefined {
  if (args.length === 3 && (args[1] as string).toLowerCase() === 'as') {
    const name = (args[2] as string).toLowerCase();
    if (!/^[a-z][a-z0-9\-_.]*$/.test(name)) {
      throw new InstructionError(`invalid name for build stage: ${goQuote(args[2] as string)}, name can't start with a number or contain symbols`);
    }
    return name;
  }
  if (args.length !== 1) throw new InstructionError('FROM requires either one or three arguments');
  return undefined;
}

function checkRunFlags(flags: InstructionFlags): void {
  const network = flags.network ?? 'default';
  if (!['default', 'none', 'host'].includes(network)) throw new InstructionError(`invalid network mode ${goQuote(network)}`);
  const security = flags.security ?? 'sandbox';
  if (!['sandbox', 'insecure'].includes(security)) throw new InstructionError(`security ${goQuote(security)} is not valid`);
}

/** COPY/ADD arguments: the last is the destination; `<<NAME` sources become inline files. */
function sourcesAndDest(kind: 'COPY' | 'ADD', args: string[], bodies: Heredoc[]): { sources: string[]; dest: string; heredocs: Heredoc[] } {
  const dest = args[args.length - 1] as string;
  if (heredocWordOrUndefined(dest)) throw new InstructionError(`${kind} cannot accept a heredoc as a destination`);
  const byName = new Map(bodies.map((body) => [body.name, body.content]));
  const sources: string[] = [];
  const heredocs: Heredoc[] = [];
  for (const source of args.slice(0, -1)) {
    const heredoc = heredocWordOrUndefined(source);
    if (heredoc) heredocs.push(chomped({ ...heredoc, content: byName.get(heredoc.name) ?? '' }));
    else sources.push(source);
  }
  return { sources, dest, heredocs };
}

function keyValuePairs(instruction: 'ENV' | 'LABEL', args: string[]): Array<[string, string]> {
  atLeastOne(instruction, args);
  if (args.length % 3 !== 0) throw new InstructionError(`Bad input to ${instruction}, too many arguments`);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < args.length; i += 3) {
    const key = args[i] as string;
    if (key === '') throw new InstructionError(`${instruction} names can not be blank`);
    pairs.push([key, args[i + 1] as string]);
  }
  return pairs;
}

function argDefinitions(args: string[]): Array<{ name: string; default?: string }> {
  atLeastOne('ARG', args);
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq < 0) return { name: arg };
    if (eq === 0) throw new InstructionError('ARG names can not be blank');
    return { name: arg.slice(0, eq), default: arg.slice(eq + 1) };
  });
}

function volumePaths(args: string[]): string[] {
  return args.map((arg) => {
    const path = trimGoSpace(arg);
    if (path === '') throw new InstructionError('VOLUME specified can not be an empty string');
    return path;
  });
}

function healthcheck(node: Node, common: Common, withFlags: (spec: FlagSpec) => Common): Instruction {
  const [type = '', ...rest] = node.args;
  if (node.args.length === 0) throw new InstructionError('HEALTHCHECK requires at least one argument');
  if (type.toUpperCase() === 'NONE') {
    // BuildKit does not look at flags for NONE.
    if (rest.length > 0) throw new InstructionError('HEALTHCHECK NONE takes no arguments');
    return { ...common, kind: 'HEALTHCHECK', check: null };
  }
  const { flags } = withFlags(FLAGS.HEALTHCHECK);
  if (type.toUpperCase() !== 'CMD') throw new InstructionError(`Unknown type ${goQuote(type.toUpperCase())} in HEALTHCHECK (try CMD)`);
  if (rest.length === 0) throw new InstructionError('Missing command after HEALTHCHECK CMD');

  const check: Extract<Instruction, { kind: 'HEALTHCHECK' }>['check'] & object = { command: commandForm(rest, node.json, []) };
  const durations = [
    ['interval', 'interval'],
    ['timeout', 'timeout'],
    ['start-period', 'startPeriod'],
    ['start-interval', 'startInterval'],
  ] as const;
  for (const [flag, field] of durations) {
    const value = flags[flag];
    if (value === undefined || value === '') continue;
    checkInterval(flag, value);
    check[field] = value;
  }
  const retries = flags.retries;
  if (retries !== undefined && retries !== '') check.retries = parseRetries(retries);
  return { ...common, kind: 'HEALTHCHECK', check };
}

/** A HEALTHCHECK duration must be a Go duration and, unless 0, at least 1ms. */
function checkInterval(flag: string, value: string): void {
  const nanoseconds = parseGoDuration(value);
  if (nanoseconds !== 0 && nanoseconds < 1e6) throw new InstructionError(`Interval ${goQuote(flag)} cannot be less than 1ms`);
}

function parseRetries(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new InstructionError(`strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`);
  const retries = Number(value);
  if (retries < -(2 ** 31) || retries > 2 ** 31 - 1) throw new InstructionError(`strconv.ParseInt: parsing ${goQuote(value)}: value out of range`);
  if (retries < 0) throw new InstructionError(`--retries cannot be negative (${retries})`);
  return retries;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5
  'μs': 1e3, // U+03BC
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.ParseDuration ("1h30m", "2.5s", "-1ms"), in nanoseconds, with Go's messages. */
function parseGoDuration(text: string): number {
  const invalid = () => new InstructionError(`time: invalid duration ${goQuote(text)}`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest) as RegExpExecArray;
    const [whole = '', fraction = ''] = [number[1], number[2]];
    if (whole === '' && fraction === '') throw invalid();
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') throw new InstructionError(`time: missing unit in duration ${goQuote(text)}`);
    const scale = DURATION_UNITS[unit];
    if (scale === undefined) throw new InstructionError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`);
    rest = rest.slice(unit.length);
    total += Number(whole || '0') * scale + (fraction ? (Number(fraction) * scale) / 10 ** fraction.length : 0);
  }
  if (total > 2 ** 63 - 1) throw invalid();
  return sign * total;
}

function onbuild(node: Node, withFlags: (spec: FlagSpec) => Common): Instruction {
  const trigger = node.trigger;
  if (!trigger) throw new InstructionError('ONBUILD requires at least one argument');
  const common = withFlags(FLAGS.NONE);
  const triggerName = trimGoSpace(trigger.command).toUpperCase();
  if (triggerName === 'ONBUILD') throw new InstructionError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (triggerName === 'MAINTAINER' || triggerName === 'FROM') throw new InstructionError(`${triggerName} isn't allowed as an ONBUILD trigger`);

  // The trigger's own text, as the child build will see it (and as the image config stores it).
  const text = node.original.replace(/^[\t\n\f\r ]*ONBUILD[\t\n\f\r ]*/i, '');
  const expression = text + node.heredocs.map((heredoc) => `\n${heredoc.content}${heredoc.name}`).join('');
  // Docker only checks the trigger when a child build runs it; here it is parsed now.
  const parsed = toInstruction({ ...trigger, original: text, heredocs: node.heredocs, startLine: node.startLine, endLine: node.endLine });
  return { ...common, kind: 'ONBUILD', trigger: parsed, expression };
}

/** BFlags.Parse: `--name=value` / `--bool`, checked against the instruction's flags. */
function parseFlags(words: string[], spec: FlagSpec): Pick<Common, 'flags' | 'flagLists'> {
  const flags: InstructionFlags = {};
  const lists: Record<string, string[]> = {};
  for (const word of words) {
    if (word === '--') break;
    if (!word.startsWith('--')) throw new InstructionError(`arg should start with -- : ${word}`);
    const eq = word.indexOf('=');
    const flagName = eq < 0 ? word : word.slice(0, eq);
    const value = eq < 0 ? '' : word.slice(eq + 1);
    const name = flagName.slice(2);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!kind) throw new InstructionError(withSuggestion(`unknown flag: ${flagName}`, name, Object.keys(spec).sort(), true));
    if (Object.hasOwn(flags, name) && kind !== 'strings') throw new InstructionError(`duplicate flag specified: ${flagName}`);
    if (kind === 'bool') {
      if (eq >= 0 && value === '') throw new InstructionError(`missing a value on flag: ${flagName}`);
      const lower = value.toLowerCase();
      if (lower !== '' && lower !== 'true' && lower !== 'false') {
        throw new InstructionError(`expecting boolean value for flag ${flagName}, not: ${value}`);
      }
      flags[name] = lower === 'false' ? 'false' : 'true';
      continue;
    }
    if (eq < 0) throw new InstructionError(`missing a value on flag: ${flagName}`);
    flags[name] = value;
    if (kind === 'strings') (lists[name] ??= []).push(value);
  }
  return Object.keys(lists).length > 0 ? { flags, flagLists: lists } : { flags };
}

/**
 * BuildKit's suggest package: the nearest option within edit distance 2 is offered, matching the
 * case of what was typed when that is all lower or all upper case.
 */
function withSuggestion(message: string, typed: string, options: readonly string[], caseSensitive: boolean): string {
  const value = caseSensitive ? typed : typed.toLowerCase();
  let best = '';
  let bestDistance = 3;
  for (const option of options) {
    const candidate = caseSensitive ? option : option.toLowerCase();
    if (candidate === value) return message;
    const distance = levenshtein(value, candidate);
    if (distance < bestDistance) {
      best = caseSensitive ? candidate : matchCase(candidate, typed);
      bestDistance = distance;
    }
  }
  return best ? `${message} (did you mean ${best}?)` : message;
}

function matchCase(option: string, typed: string): string {
  if (typed === typed.toLowerCase()) return option.toLowerCase();
  if (typed === typed.toUpperCase()) return option.toUpperCase();
  return option;
}

function levenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitution = (previous[j - 1] as number) + (s[i - 1] === t[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[t.length] as number;
}

function trimLeftGoSpace(text: string): string {
  let start = 0;
  while (start < text.length && isGoSpace(text[start] as string)) start++;
  return text.slice(start);
}

function trimGoSpace(text: string): string {
  let end = text.length;
  while (end > 0 && isGoSpace(text[end - 1] as string)) end--;
  return trimLeftGoSpace(text.slice(0, end));
}
