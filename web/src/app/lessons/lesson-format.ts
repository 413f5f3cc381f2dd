// Lessons are data: web/src/lessons/NN-slug/lesson.md (front matter, an introduction, and one
// `## ` section per step) plus optional starting files in files/. Within a step, a ```sh run
// block is a command the learner can run with one click, a ```check block (YAML) is the
// condition on the lab's real state that completes the step, and a quote starting with
// "Hint:" is a hint, shown on request. See the README's author guide.
import { parse as parseYaml } from 'yaml';
import type { LessonCheck } from '../../engine/api';
import { parseMarkdown, type Block } from './markdown';

export interface LessonStep {
  /** Stable within the lesson: its position and title ("2-run-hello-world"). */
  id: string;
  title: string;
  blocks: Block[];
  commands: string[];
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

const CHECK_KEYS = new Set(['image', 'noImage', 'imageAdds', 'container', 'noContainer', 'count', 'volume', 'noVolume', 'network', 'file', 'volumeFile']);

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
    const commands: string[] = [];
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
      if (b.kind === 'code' && /\brun\b/.test(b.info)) commands.push(b.text.trim());
      blocks.push(b);
    }
    return { id: `${index + 1}-${slugify(title)}`, title, blocks, commands, hints, check };
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
