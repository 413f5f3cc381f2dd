// Every lesson, walked in the real guest as a learner would: each step's commands run in order
// and then the step's check, evaluated by the engine on the lab's real state, must pass. A
// lesson whose text no longer matches what Docker (Drydock) does fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import type { Engine } from '../../web/src/engine/engine';
import { parseLesson } from '../../web/src/app/lessons/lesson-format';
import { attachEngine, bootGuest } from '../../tools/node-host';

const dir = join(import.meta.dirname, '../../web/src/lessons');
const lessons = readdirSync(dir)
  .filter((f) => /^\d\d-/.test(f))
  .map((f) => parseLesson(f, readFileSync(join(dir, f, 'lesson.md'), 'utf8')));

let guest: GuestMachine;
let engine: Engine;
beforeAll(async () => {
  guest = await bootGuest({}, (machine) => (engine = attachEngine(machine)));
});
afterAll(async () => {
  await guest?.destroy();
});

describe('lessons walked in the real guest', () => {
  it.each(lessons.map((l) => [l.slug, l] as const))('%s: every check passes after its step', async (_slug, lesson) => {
    for (const step of lesson.steps) {
      // A step's check must not pass before its commands ran (else it teaches nothing).
      if (step.check && step.commands.length) expect(await engine.check([step.check]), `${step.title}: passes before its commands`).toEqual([false]);
      for (const command of step.commands) await guest.agent.exec(['/bin/sh', '-c', command], { timeoutMs: 120_000, cwd: '/root' });
      if (step.check) await expect.poll(() => engine.check([step.check!]), { timeout: 10_000, message: step.title }).toEqual([true]);
    }
    // Reset puts the lab back: the first step's check fails again.
    await guest.agent.exec(['/bin/sh', '-c', lesson.reset.join('\n')], { timeoutMs: 120_000 });
    const first = lesson.steps.find((s) => s.check)!;
    expect(await engine.check([first.check!])).toEqual([false]);
  });
});
