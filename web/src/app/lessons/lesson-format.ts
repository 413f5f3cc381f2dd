// Lessons are data: web/src/lessons/NN-slug/lesson.md (front matter, an introduction, and one
// `## ` section per step) plus optional starting files in files/. Within a step, a ```sh run
// block is a command the learner can run with one click (typed into the terminal, whichever
// shell is in front: the machine's or a container's), a ```keys block names keys to press
// ("Ctrl-P Ctrl-Q"), a ```check block (YAML) is the
// condition on the lab's real state that completes the step, and a quote starting with
// "Hint:" is a hint, shown on request. See the README's author guide.
import { parse as parseYaml } from 'yaml';
import type { LessonCheck } from '../../engine/api';
import { parseMarkdown, type Block } from './markdown';

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

export class LessonFormatError extends Error {}

const CHECK_KEYS = new Set(['image', 'noImage', 'imageAdds', 'imageConfig', 'imageCompare', 'container', 'noContainer', 'count', 'volume', 'noVolume', 'network', 'file', 'volumeFile', 'logs', 'apiCall', 'pushed']);

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

export function parseLesson(slug: string, source: string): Lesson {
  const front = /^---\n([\s\S]*?)\n---\n?/.exec(source.replace(/\r\n/g, '\n'));
  if (!front) throw new LessonFormatError(`${slug}: lesson.md must start with front matter (--- title: … ---)`);
  const meta = (parseYaml(front[1]!) ?? {}) as { title?: string; summary?: string; reset?: string[]; files?: Record<string, string> };
  if (!meta.title) throw new LessonFormatError(`${slug}: the front matter needs a title`);
  const body = source.replace(/\r\n/g, '\n').slice(front[0].length);
  const sections = body.split(/^## /m);
  const intro = parseMarkdown(sections[0]!);
  const steps = sections.slice(1).map((section, index): LessonStep => {
    const newline = section.indexOf('\n');
    const title = (newline < 0 ? section : section.slice(0, newline)).trim();
    const all = parseMarkdown(newline < 0 ? '' : section.slice(newline + 1));
    const blocks: Block[] = [];
    const hints: Block[] = [];
    const actions: LessonAction[] = [];
    let check: LessonCheck | null = null;
    for (const b of all) {
      if (b.kind === 'code' && b.info === 'check') {
        const parsed = parseYaml(b.text) as LessonCheck;
        const unknown = Object.keys(parsed ?? {}).filter((k) => !CHECK_KEYS.has(k));
        if (unknown.length) throw new LessonFormatError(`${slug}, step "${title}": unknown check ${unknown.join(', ')}`);
        check = parsed;
        continue;
      }
      if (b.kind === 'quote' && b.inlines[0]?.kind !== 'code' && /^(\*\*)?Hint:?/i.test(b.inlines.map((i) => i.text).join('').trim())) {
        hints.push(b);
        continue;
      }
      try {
        const action = actionOf(b);
        if (action) actions.push(action);
      } catch (error) {
        throw new LessonFormatError(`${slug}, step "${title}": ${(error as Error).message}`);
      }
      blocks.push(b);
    }
    return { id: `${index + 1}-${slugify(title)}`, title, blocks, actions, hints, check };
  });
  if (!steps.length) throw new LessonFormatError(`${slug}: a lesson needs at least one step (## heading)`);
  return {
    slug,
    number: Number(/^(\d+)/.exec(slug)?.[1] ?? 0),
    title: meta.title,
    summary: meta.summary ?? '',
    intro,
    steps,
    reset: meta.reset ?? [],
    files: meta.files ?? {},
  };
}
