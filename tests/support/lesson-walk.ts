// Walks the built-in lessons in the real guest as a learner would (tools/lesson-walker.ts, which
// `npm run lesson -- check` uses for authors' lessons): each check must fail before its step and
// pass after it, and `reset` must undo the lesson. A lesson whose text no longer matches what
// Docker (Drydock) does fails here.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLesson, type Lesson } from '../../web/src/app/lessons/lesson-format';
import { LessonWalker } from '../../tools/lesson-walker';

const dir = join(import.meta.dirname, '../../web/src/lessons');

export function lessonsNumbered(from: number, to: number): Lesson[] {
  return readdirSync(dir)
    .filter((f) => /^\d\d-/.test(f))
    .map((f) => parseLesson(f, readFileSync(join(dir, f, 'lesson.md'), 'utf8')))
    .filter((l) => l.number >= from && l.number <= to);
}

export function walkLessons(lessons: Lesson[]) {
  let walker: LessonWalker;

  beforeAll(async () => {
    walker = await LessonWalker.boot();
  });
  afterAll(async () => {
    // For lesson authors: DRYDOCK_WALK_LOG=file keeps what the terminal showed.
    if (process.env.DRYDOCK_WALK_LOG && walker) writeFileSync(process.env.DRYDOCK_WALK_LOG, walker.transcript);
    await walker?.destroy();
  });

  describe('lessons walked in the real guest', () => {
    it.each(lessons.map((l) => [l.slug, l] as const))(
      '%s: every check passes after its step',
      async (_slug, lesson) => {
        const files = Object.fromEntries(Object.entries(lesson.files).map(([path, name]) => [path, readFileSync(join(dir, lesson.slug, 'files', name), 'utf8')]));
        const results = await walker.walk(lesson, files);
        expect(results.filter((r) => !r.ok).map((r) => r.problem)).toEqual([]);
        expect(results.at(-1)?.title).toBe('reset');
      },
      900_000,
    );
  });
}
