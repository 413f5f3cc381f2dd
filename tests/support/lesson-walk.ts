// Walks lessons in the real guest as a learner would: each step's Run and Press buttons type
// into the learner's terminal (the machine's shell, or a container's shell in front of it), and
// then the step's check, evaluated by the engine on the lab's real state, must pass. A lesson
// whose text no longer matches what Docker (Drydock) does fails here.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import type { Engine } from '../../web/src/engine/engine';
import { ShellDriver } from '../../web/src/engine/console/shell-driver';
import { parseLesson, type Lesson } from '../../web/src/app/lessons/lesson-format';
import { attachEngine, bootGuest } from '../../tools/node-host';

const dir = join(import.meta.dirname, '../../web/src/lessons');

export function lessonsNumbered(from: number, to: number): Lesson[] {
  return readdirSync(dir)
    .filter((f) => /^\d\d-/.test(f))
    .map((f) => parseLesson(f, readFileSync(join(dir, f, 'lesson.md'), 'utf8')))
    .filter((l) => l.number >= from && l.number <= to);
}

/** A shell waiting for input: the machine's (root@drydock:~# ), a container's (/ # ), Python's (>>> ). */
const AT_PROMPT = /(?:[#$]|>>>) (?:\x1b\[[0-9;]*[A-Za-z])*$/;

export function walkLessons(lessons: Lesson[]) {
  let guest: GuestMachine;
  let engine: Engine;
  const shell = new ShellDriver((t) => guest.writeConsole(t));

  /** Resolves once the terminal has been quiet at a prompt for a moment, as a person would wait. */
  async function settled(message: string, after = 0, atPrompt = true, timeout = 180_000) {
    let seen = -1;
    let quietSince = Date.now();
    for (const deadline = Date.now() + timeout; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const text = shell.text;
      if (text.length !== seen) {
        seen = text.length;
        quietSince = Date.now();
      } else if (text.length > after && Date.now() - quietSince >= 700 && (!atPrompt || AT_PROMPT.test(text))) return;
    }
    throw new Error(`no prompt within ${timeout / 1000} s: ${message}\n…${shell.text.slice(-1500)}`);
  }

  beforeAll(async () => {
    await bootGuest({ onConsoleOutput: (b) => shell.feed(b) }, (machine) => {
      guest = machine;
      engine = attachEngine(machine);
    });
    guest.resizeConsole(160, 40);
    guest.writeConsole('\n');
    await settled('the first prompt');
  });
  afterAll(async () => {
    // For lesson authors: DRYDOCK_WALK_LOG=file keeps what the terminal showed.
    if (process.env.DRYDOCK_WALK_LOG) writeFileSync(process.env.DRYDOCK_WALK_LOG, shell.text);
    await guest?.destroy();
  });

  describe('lessons walked in the real guest', () => {
    it.each(lessons.map((l) => [l.slug, l] as const))(
      '%s: every check passes after its step',
      async (_slug, lesson) => {
        for (const [path, name] of Object.entries(lesson.files)) {
          const content = readFileSync(join(dir, lesson.slug, 'files', name), 'utf8');
          await guest.agent.exec(['/bin/sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1"', 'sh', path], { stdin: new TextEncoder().encode(content) });
        }
        for (const step of lesson.steps) {
          // A step's check must not pass before its commands ran (else it teaches nothing).
          if (step.check && step.actions.length) expect(await engine.check([step.check]), `${step.title}: passes before its commands`).toEqual([false]);
          for (const [i, action] of step.actions.entries()) {
            const before = shell.text.length;
            guest.writeConsole(action.input);
            // Something answers (the echo at least), then the shell in front is back at a prompt
            // — unless keys come next: those go to whatever runs (Ctrl-C to a `logs -f`, Enter
            // to an attached container), so the terminal only has to go quiet.
            await settled(`${lesson.slug}, "${step.title}": ${action.text}`, before, step.actions[i + 1]?.kind !== 'keys');
          }
          if (step.check) {
            await expect
              .poll(() => engine.check([step.check!]), { timeout: 60_000, message: `${lesson.slug}, "${step.title}"\n…${shell.text.slice(-1500)}` })
              .toEqual([true]);
          }
        }
        // Reset puts the lab back: the first step that checks lab objects fails again.
        await guest.agent.exec(['/bin/sh', '-c', lesson.reset.join('\n')], { timeoutMs: 120_000 });
        const first = lesson.steps.find((s) => s.check && !s.check.apiCall);
        if (first) expect(await engine.check([first.check!]), `${lesson.slug}: reset`).toEqual([false]);
      },
      900_000,
    );
  });
}
