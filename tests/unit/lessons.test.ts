// Lessons are data: every lesson in web/src/lessons parses, each step has its commands and
// (where it says so) a check of known kinds; lesson Markdown cannot carry HTML or script links.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysInput, parseLesson, LessonFormatError } from '../../web/src/app/lessons/lesson-format';
import { parseInline, parseMarkdown } from '../../web/src/app/lessons/markdown';

const dir = join(import.meta.dirname, '../../web/src/lessons');
const folders = readdirSync(dir).filter((f) => /^\d\d-/.test(f));

describe('lessons', () => {
  it.each(folders)('%s parses: a title, steps, runnable commands and checks', (folder) => {
    const lesson = parseLesson(folder, readFileSync(join(dir, folder, 'lesson.md'), 'utf8'));
    expect(lesson.title.length).toBeGreaterThan(3);
    expect(lesson.steps.length).toBeGreaterThan(2);
    expect(lesson.steps.some((s) => s.check)).toBe(true);
    for (const step of lesson.steps) expect(step.actions.length + step.blocks.length, step.title).toBeGreaterThan(0);
    expect(new Set(lesson.steps.map((s) => s.id)).size).toBe(lesson.steps.length);
  });

  it('refuses a check it does not know, and a lesson without front matter', () => {
    expect(() => parseLesson('99-x', '---\ntitle: X\n---\n## One\n```check\nimagee: x\n```\n')).toThrow(/unknown check imagee/);
    expect(() => parseLesson('99-x', '## One\n')).toThrow(LessonFormatError);
  });

  it('turns a keys block into what the terminal gets, and refuses keys it cannot press', () => {
    expect(keysInput('Ctrl-P Ctrl-Q')).toBe('\x10\x11');
    expect(keysInput('Ctrl-C')).toBe('\x03');
    expect(keysInput('Enter')).toBe('\r');
    const lesson = parseLesson('99-x', '---\ntitle: X\n---\n## One\n```sh run\ndocker run -it busybox sh\n```\n```keys\nCtrl-P Ctrl-Q\n```\n');
    expect(lesson.steps[0]!.actions).toEqual([
      { kind: 'run', text: 'docker run -it busybox sh', input: 'docker run -it busybox sh\r' },
      { kind: 'keys', text: 'Ctrl-P Ctrl-Q', input: '\x10\x11' },
    ]);
    expect(() => parseLesson('99-x', '---\ntitle: X\n---\n## One\n```keys\nAlt-F4\n```\n')).toThrow(/keys are written like/);
  });

  it('continues a list item over the lines that follow it, until a blank line or the next item', () => {
    expect(parseMarkdown('- **one**: a long item\n  that wraps;\n- two\nlazily continued\n\nAfter.')).toEqual([
      { kind: 'list', ordered: false, items: [[{ kind: 'strong', text: 'one' }, { kind: 'text', text: ': a long item that wraps;' }], [{ kind: 'text', text: 'two lazily continued' }]] },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'After.' }] },
    ]);
    expect(parseMarkdown('1. a\n\n2. b')).toHaveLength(2); // a blank line ends a list
  });

  it('keeps HTML as text and drops script links', () => {
    const blocks = parseMarkdown('<script>alert(1)</script> and <img src=x onerror=alert(1)>');
    expect(blocks).toEqual([{ kind: 'paragraph', inlines: [{ kind: 'text', text: '<script>alert(1)</script> and <img src=x onerror=alert(1)>' }] }]);
    expect(parseInline('[click](javascript:alert(1))').some((i) => i.kind === 'link')).toBe(false);
    expect(parseInline('[x](data:text/html,hi)')).toEqual([{ kind: 'text', text: 'x' }]);
    expect(parseInline('[docs](https://docs.docker.com/)')).toEqual([{ kind: 'link', text: 'docs', href: 'https://docs.docker.com/' }]);
  });
});
