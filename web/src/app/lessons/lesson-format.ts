// Lessons are data: web/src/lessons/NN-slug/lesson.md (front matter, an introduction, and one
// `## ` section per step) plus optional starting files in files/. Within a step, a ```sh run
// block is a command the learner can run with one click (typed into the terminal, whichever
// shell is in front: the machine's or a container's), a ```keys block names keys to press
// ("Ctrl-P Ctrl-Q"), a ```check block (YAML) is the
// condition on the lab's real state that completes the step, and a quote starting with
// "Hint:" is a hint, shown on request. Authors' guide: docs/authoring.md.
import { parse as parseYaml } from 'yaml';
import type { LessonCheck } from '../../engine/api';
import { parseMarkdownLines, type Block, type Inline } from './markdown';

/** What a Run (or Press) button sends to the terminal. */
export interface LessonAction {
  kind: 'run' | 'keys';
  /** The command, or the keys as written ("Ctrl-P Ctrl-Q"). */
  text: string;
  /** The bytes the terminal gets. */
  input: string;
}

export interface LessonStep {
  /** Stable within the lesson: its position and title ("2-run-hello-world"). */
  id: string;
  title: string;
  blocks: Block[];
  /** Commands (and keys) in the order the step gives them. */
  actions: LessonAction[];
  hints: Block[];
  check: LessonCheck | null;
}

export interface Lesson {
  slug: string;
  number: number;
  title: string;
  summary: string;
  intro: Block[];
  steps: LessonStep[];
  /** Shell commands that put the lab back to this lesson's start (run on "reset lesson"). */
  reset: string[];
  /** Starting files: guest path → file in the lesson's files/ folder. */
  files: Record<string, string>;
}

/** A lesson that cannot be used, with the line of lesson.md that is wrong (1-based) where one is. */
export class LessonFormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

// What each check kind takes, so a lesson (an author's too) holds only checks the engine knows,
// in the shapes it reads: a string, a number, a boolean, a list of strings, or fields of those
// ("!" marks a required field). `satisfies` keeps this in step with LessonCheck.
type Value = 'string' | 'number' | 'boolean' | 'strings';
type Shape = Value | Record<string, Value | `${Value}!`>;
const CHECK_SHAPES = {
  image: 'string',
  noImage: 'string',
  imageAdds: { image: 'string!', path: 'string!' },
  imageConfig: { image: 'string!', exposes: 'string', env: 'string', cmd: 'strings', entrypoint: 'strings', workdir: 'string' },
  imageCompare: { image: 'string!', smallerThan: 'string', sharesLayersWith: 'string' },
  container: { name: 'string', image: 'string', status: 'string', exitCode: 'number', publishes: 'number', volume: 'string', bind: 'string', readOnly: 'boolean', network: 'string' },
  noContainer: { name: 'string', image: 'string' },
  count: 'number',
  volume: 'string',
  noVolume: 'string',
  network: 'string',
  file: { path: 'string!', contains: 'string' },
  volumeFile: { volume: 'string!', path: 'string!', contains: 'string' },
  pushed: 'string',
  logs: { container: 'string!', contains: 'string!' },
  apiCall: { method: 'string', path: 'string!', status: 'number', client: 'string' },
  terminal: { inside: 'string', machine: 'boolean' },
} as const satisfies Record<keyof LessonCheck, Shape>;

const isValue = (value: unknown, type: Value) =>
  type === 'strings' ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === type && (type !== 'string' || value !== '');

/** What is wrong with a check's YAML, as [the key or field to point at, the problem], or null. */
export function checkProblem(check: unknown): [string, string] | null {
  if (!check || typeof check !== 'object' || Array.isArray(check)) return ['', 'a check is a mapping of check kinds (image: nginx, container: {…}, …)'];
  const keys = Object.keys(check);
  const unknown = keys.filter((k) => !(k in CHECK_SHAPES));
  if (unknown.length) return [unknown[0]!, `unknown check ${unknown.join(', ')} (the kinds are ${Object.keys(CHECK_SHAPES).join(', ')})`];
  if (!keys.length) return ['', 'a check needs at least one kind'];
  if ('count' in check && !('container' in check)) return ['count', 'count goes with container (how many containers match it)'];
  for (const [key, value] of Object.entries(check)) {
    const shape: Shape = CHECK_SHAPES[key as keyof typeof CHECK_SHAPES];
    const words = { string: 'a text', number: 'a number', boolean: 'true or false', strings: 'a list of texts' };
    if (typeof shape === 'string') {
      if (!isValue(value, shape)) return [key, `${key} takes ${words[shape]}`];
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return [key, `${key} takes fields: ${Object.keys(shape).join(', ')}`];
    for (const [field, given] of Object.entries(value)) {
      const type = (shape as Record<string, string>)[field]?.replace('!', '') as Value | undefined;
      if (!type) return [field, `${key} has no field ${field} (it has ${Object.keys(shape).join(', ')})`];
      if (!isValue(given, type)) return [field, `${key}.${field} takes ${words[type]}`];
    }
    const missing = Object.entries(shape).filter(([field, type]) => type.endsWith('!') && !(field in value));
    if (missing.length) return [key, `${key} needs ${missing.map(([f]) => f).join(' and ')}`];
  }
  return null;
}

/** "Ctrl-P Ctrl-Q" → "\x10\x11"; also Enter, Tab and Esc. */
export function keysInput(keys: string): string | null {
  let out = '';
  for (const key of keys.trim().split(/\s+/)) {
    const ctrl = /^Ctrl-([A-Z@[\\\]^_])$/i.exec(key);
    if (ctrl) out += String.fromCharCode(ctrl[1]!.toUpperCase().charCodeAt(0) & 0x1f);
    else if (key === 'Enter') out += '\r';
    else if (key === 'Tab') out += '\t';
    else if (key === 'Esc') out += '\x1b';
    else return null;
  }
  return out || null;
}

/**
 * The action a code block gives its step — a ```sh run block types its command and Enter, a
 * ```keys block presses its keys — or null for a block that is only shown. Throws on keys it
 * cannot press. (Markdown.svelte puts the button on the same blocks.)
 */
export function actionOf(block: Block): LessonAction | null {
  if (block.kind !== 'code') return null;
  const text = block.text.trim();
  if (/\brun\b/.test(block.info)) return { kind: 'run', text, input: `${text}\r` };
  if (block.info.trim() !== 'keys') return null;
  const input = keysInput(text);
  if (input === null) throw new LessonFormatError(`keys are written like "Ctrl-P Ctrl-Q", not "${text}"`);
  return { kind: 'keys', text, input };
}

const slugify = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

// Lesson text stays data: the Markdown renderer shows HTML as text and drops other links, and a
// lesson says so to its author instead of showing tags or losing a link without a word.
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>|<!--/;

function inlinesOf(block: Block): Inline[] {
  if (block.kind === 'code') return [];
  return block.kind === 'list' ? block.items.flat() : block.inlines;
}

/** What in a block is not allowed in a lesson's Markdown, with the text to point at. */
function markdownProblem(block: Block, refusedLinks: string[]): [string, string] | null {
  if (refusedLinks.length) return [refusedLinks[0]!, `links must be http(s) URLs, not "${refusedLinks[0]}"`];
  for (const inline of inlinesOf(block)) {
    if (inline.kind === 'code') continue;
    if (inline.kind === 'link' && !/^https?:\/\//.test(inline.href)) return [inline.href, `links must be http(s) URLs, not "${inline.href}"`];
    const html = HTML_TAG.exec(inline.text);
    if (html) return [html[0], `HTML is not allowed in a lesson ("${html[0]}"): write Markdown, or put it in \`code\``];
  }
  return null;
}

/** A YAML error's line (1-based, within the YAML) and its message without the excerpt. */
function yamlError(error: unknown): [number, string] {
  const e = error as { linePos?: { line: number }[]; message?: string };
  return [e.linePos?.[0]?.line ?? 1, String(e.message ?? error).split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')];
}

export function parseLesson(slug: string, source: string): Lesson {
  const text = source.replace(/\r\n/g, '\n');
  const lines = text.split('\n');
  /** The first line from `from` (0-based) holding `needle`, 1-based; `from` itself if none does. */
  const lineOf = (needle: string, from: number) => {
    const found = lines.findIndex((l, i) => i >= from && l.includes(needle));
    return (found < 0 ? from : found) + 1;
  };
  const fail = (line: number, message: string, step?: string) =>
    new LessonFormatError(`${slug}, line ${line}${step === undefined ? '' : ` (step "${step}")`}: ${message}`, line);
  const front = /^---\n([\s\S]*?)\n---\n?/.exec(text);
  if (!front) throw fail(1, 'lesson.md must start with front matter (--- title: … ---)');
  let meta: { title?: unknown; summary?: unknown; reset?: unknown; files?: unknown };
  try {
    meta = (parseYaml(front[1]!) ?? {}) as typeof meta;
  } catch (error) {
    const [line, message] = yamlError(error);
    throw fail(line + 1, `front matter: ${message}`);
  }
  /** The line of a front matter key (1-based). */
  const keyLine = (key: string) => 1 + Math.max(0, front[1]!.split('\n').findIndex((l) => new RegExp(`^${key}\\s*:`).test(l))) + 1;
  if (typeof meta !== 'object' || Array.isArray(meta)) throw fail(2, 'the front matter is a mapping (title: …, summary: …)');
  if (typeof meta.title !== 'string' || !meta.title.trim()) throw fail(meta.title === undefined ? 1 : keyLine('title'), 'the front matter needs a title');
  if (meta.summary !== undefined && typeof meta.summary !== 'string') throw fail(keyLine('summary'), 'summary is one line of text');
  // (YAML reads a line `- true` as a boolean: any scalar is a shell line.)
  if (meta.reset !== undefined && !(Array.isArray(meta.reset) && meta.reset.every((r) => ['string', 'number', 'boolean'].includes(typeof r)))) throw fail(keyLine('reset'), 'reset is a list of shell lines');
  if (meta.files !== undefined) {
    const files = meta.files as Record<string, unknown>;
    if (!files || typeof files !== 'object' || Array.isArray(files)) throw fail(keyLine('files'), 'files maps a path on the machine to a file in files/ (/root/app/index.html: index.html)');
    for (const [path, name] of Object.entries(files)) {
      const line = lineOf(path, 1);
      if (!path.startsWith('/')) throw fail(line, `files: "${path}" is not an absolute path on the machine`);
      // Names stay inside the lesson's files/ folder, on disk and on the web alike.
      if (typeof name !== 'string' || !name || name.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(name) || name.split('/').includes('..')) {
        throw fail(line, `files: ${path} names ${JSON.stringify(name)}: a file's name is a path inside the lesson's files/ folder (no "..", no URL)`);
      }
    }
  }
  const bodyStart = front[0].split('\n').length - 1;
  const body = text.slice(front[0].length);
  const sections = body.split(/^## /m);
  /** Each section's first line (0-based, in the whole file). */
  const sectionLines = sections.reduce<number[]>((at, section, i) => [...at, i ? at[i - 1]! + sections[i - 1]!.split('\n').length - 1 : bodyStart], []);
  const blocksAt = (markdown: string, offset: number, step?: string): Block[] =>
    parseMarkdownLines(markdown).map(({ block, line, refusedLinks }) => {
      const problem = markdownProblem(block, refusedLinks);
      if (problem) throw fail(lineOf(problem[0], offset + line), problem[1], step);
      return block;
    });
  const intro = blocksAt(sections[0]!, bodyStart);
  const steps = sections.slice(1).map((section, index): LessonStep => {
    const newline = section.indexOf('\n');
    const title = (newline < 0 ? section : section.slice(0, newline)).trim();
    const heading = sectionLines[index + 1]!;
    const all = parseMarkdownLines(newline < 0 ? '' : section.slice(newline + 1));
    const blocks: Block[] = [];
    const hints: Block[] = [];
    const actions: LessonAction[] = [];
    let check: LessonCheck | null = null;
    for (const { block: b, line: at, refusedLinks } of all) {
      const line = heading + 1 + at; // the block's first line, 0-based in the file
      if (b.kind === 'code' && b.info === 'check') {
        let parsed: unknown;
        try {
          parsed = parseYaml(b.text);
        } catch (error) {
          const [yamlLine, message] = yamlError(error);
          throw fail(line + 1 + yamlLine, `check: ${message}`, title);
        }
        const problem = checkProblem(parsed);
        if (problem) throw fail(problem[0] ? lineOf(problem[0], line + 1) : line + 1, problem[1], title);
        check = parsed as LessonCheck;
        continue;
      }
      const problem = markdownProblem(b, refusedLinks);
      if (problem) throw fail(lineOf(problem[0], line), problem[1], title);
      if (b.kind === 'quote' && b.inlines[0]?.kind !== 'code' && /^(\*\*)?Hint:?/i.test(b.inlines.map((i) => i.text).join('').trim())) {
        hints.push(b);
        continue;
      }
      try {
        const action = actionOf(b);
        if (action) actions.push(action);
      } catch (error) {
        throw fail(line + 2, (error as Error).message, title);
      }
      blocks.push(b);
    }
    return { id: `${index + 1}-${slugify(title)}`, title, blocks, actions, hints, check };
  });
  if (!steps.length) throw fail(bodyStart + 1, 'a lesson needs at least one step (## heading)');
  return {
    slug,
    number: Number(/^(\d+)/.exec(slug)?.[1] ?? 0),
    title: meta.title,
    summary: (meta.summary as string | undefined) ?? '',
    intro,
    steps,
    reset: ((meta.reset as unknown[] | undefined) ?? []).map(String),
    files: (meta.files as Record<string, string> | undefined) ?? {},
  };
}
