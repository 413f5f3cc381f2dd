// `npm run lesson -- check` on authors' lessons (tests/guest/fixtures/author-lessons/), in one
// real guest: a correct two-step lesson passes (its starting file reaches the machine, each check
// fails before its step and passes after, the reset undoes it); a lesson whose check can never
// pass fails, naming the step; the course manifest listing both walks them in order.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLessons } from '../../tools/lesson-check';
import { LessonWalker } from '../../tools/lesson-walker';

const fixtures = join(import.meta.dirname, 'fixtures', 'author-lessons');

describe('npm run lesson -- check', () => {
  let walker: LessonWalker;
  beforeAll(async () => {
    walker = await LessonWalker.boot();
  });
  afterAll(async () => {
    await walker?.destroy();
  });

  // The never-passing check is given 10 s rather than the default minute: how long it waits is
  // not what is tested, only that it is reported.
  const check = async (target: string) => {
    const lines: string[] = [];
    const report = await checkLessons(target, { walker, out: (line) => lines.push(line), checkTimeoutMs: 10_000 });
    return { ...report, lines };
  };

  it('passes a correct lesson, given as its folder, and fails one whose check can never pass', async () => {
    const good = await check(join(fixtures, 'two-steps'));
    expect(good.lines.filter((l) => /^ {2}(ok|FAIL)/.test(l))).toEqual(['  ok   1. Make a volume', '  ok   2. Print the starting file from a container', '  ok   reset undoes the lesson']);
    expect(good.lines.at(-1)).toBe('3 passed, 0 failed');
    expect(good.exitCode).toBe(0);

    const bad = await check(join(fixtures, 'never-passes', 'lesson.md'));
    expect(bad.exitCode).toBe(1);
    expect(bad.lines.at(-1)).toBe('0 passed, 1 failed');
    expect(bad.failures).toHaveLength(1);
    expect(bad.failures[0]).toMatch(/never-passes\/lesson\.md, step 1 "Run hello-world": .*the check did not pass within 10 s after its commands/);
  }, 600_000);

  it('walks a course manifest lesson by lesson, in its order', async () => {
    const course = await check(join(fixtures, 'course.yaml'));
    expect(course.lines.filter((l) => /^(course|lesson) /.test(l)).map((l) => l.replace(/^(\w+) .*: /, '$1: '))).toEqual(['course: An author\'s course', 'lesson: An author\'s two steps', 'lesson: A check that can never pass']);
    expect(course.lines.at(-1)).toBe('3 passed, 1 failed');
    expect(course.exitCode).toBe(1);
  }, 600_000);
});
