// Walks a lesson in the real guest as a learner would: each step's Run and Press buttons type
// into the learner's terminal (the machine's shell, or a container's shell in front of it), and
// the step's check, evaluated by the engine on the lab's real state, must fail before the step
// (else it teaches nothing) and pass after it; the lesson's reset must undo it. One walker is one
// booted guest; it walks lessons one after another. Used by `npm run lesson -- check`
// (tools/lesson-check.ts) for authors' lessons and by tests/guest/lessons-*.test.ts for the
// built-in ones, so both hold lessons to the same rules.
import type { GuestMachine } from '../web/src/engine/guest/guest-machine';
import type { Engine } from '../web/src/engine/engine';
import type { LessonCheck } from '../web/src/engine/api';
import { ShellDriver } from '../web/src/engine/console/shell-driver';
import type { Lesson } from '../web/src/app/lessons/lesson-format';
import { attachEngine, bootGuest } from './node-host';

/** A shell waiting for input: the machine's (root@drydock:~# ), a container's (/ # ), Python's (>>> ). */
const AT_PROMPT = /(?:[#$]|>>>) (?:\x1b\[[0-9;]*[A-Za-z])*$/;

export interface StepResult {
  lesson: Lesson;
  /** The step's index in lesson.steps, or -1 for the reset. */
  index: number;
  /** The step's title, or "reset" for the reset. */
  title: string;
  ok: boolean;
  /** Why it failed (with the end of the terminal's text where that helps). */
  problem?: string;
}

export interface WalkOptions {
  /** How long a step's check may take to pass after its commands (default 60 s). */
  checkTimeoutMs?: number;
  /** How long a command may take to come back to a prompt (default 180 s). */
  promptTimeoutMs?: number;
  /** Called as each step ends, for printing progress. */
  onStep?: (result: StepResult) => void;
}

export class LessonWalker {
  private constructor(
    private readonly guest: GuestMachine,
    private readonly engine: Engine,
    private readonly shell: ShellDriver,
  ) {}

  /** Boots a guest with a terminal the size of the page's and waits for its first prompt. */
  static async boot(): Promise<LessonWalker> {
    let guest!: GuestMachine;
    let engine!: Engine;
    const shell = new ShellDriver((t) => guest.writeConsole(t));
    await bootGuest({ onConsoleOutput: (b) => shell.feed(b) }, (machine) => {
      guest = machine;
      engine = attachEngine(machine);
    });
    const walker = new LessonWalker(guest, engine, shell);
    guest.resizeConsole(160, 40);
    guest.writeConsole('\n');
    await walker.settled('the first prompt');
    return walker;
  }

  /** What the terminal has shown so far (DRYDOCK_WALK_LOG keeps it for authors). */
  get transcript(): string {
    return this.shell.text;
  }

  private tail() {
    return `\n…${this.shell.text.slice(-1500)}`;
  }

  /** Resolves once the terminal has been quiet at a prompt for a moment, as a person would wait. */
  private async settled(message: string, after = 0, atPrompt = true, timeout = 180_000) {
    let seen = -1;
    let quietSince = Date.now();
    for (const deadline = Date.now() + timeout; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const text = this.shell.text;
      if (text.length !== seen) {
        seen = text.length;
        quietSince = Date.now();
      } else if (text.length > after && Date.now() - quietSince >= 700 && (!atPrompt || AT_PROMPT.test(text))) return;
    }
    throw new Error(`no prompt within ${timeout / 1000} s: ${message}${this.tail()}`);
  }

  private async check(check: LessonCheck): Promise<boolean> {
    return (await this.engine.check([check]))[0]!;
  }

  /** Whether the check passes within the time, asking again as the page does. */
  private async passesWithin(check: LessonCheck, timeout: number): Promise<boolean> {
    for (const deadline = Date.now() + timeout; ; await new Promise((r) => setTimeout(r, 500))) {
      if (await this.check(check)) return true;
      if (Date.now() >= deadline) return false;
    }
  }

  /**
   * Writes the starting files (guest path → content), walks the steps in order — stopping at the
   * first that fails, since later steps build on it — then runs the reset and, if every step
   * passed, checks that the first step checking lab objects fails again.
   */
  async walk(lesson: Lesson, files: Record<string, string>, options: WalkOptions = {}): Promise<StepResult[]> {
    const results: StepResult[] = [];
    const report = (index: number, title: string, problem?: string) => {
      const result: StepResult = { lesson, index, title, ok: problem === undefined, ...(problem === undefined ? {} : { problem }) };
      results.push(result);
      options.onStep?.(result);
      return result.ok;
    };
    for (const [path, content] of Object.entries(files)) {
      await this.guest.agent.exec(['/bin/sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1"', 'sh', path], { stdin: new TextEncoder().encode(content) });
    }
    for (const [index, step] of lesson.steps.entries()) {
      const problem = await this.walkStep(lesson, step, options);
      if (!report(index, step.title, problem)) break;
    }
    const reset = await this.guest.agent.exec(['/bin/sh', '-c', lesson.reset.join('\n')], { timeoutMs: 120_000 }).then(
      () => undefined,
      (error: Error) => `the reset did not run: ${error.message}`,
    );
    if (results.every((r) => r.ok)) {
      // Reset puts the lab back: the first step that checks lab objects fails again.
      const first = lesson.steps.find((s) => s.check && !s.check.apiCall);
      report(-1, 'reset', reset ?? (first && (await this.check(first.check!)) ? `after the reset, the check of "${first.title}" still passes: reset does not undo the lesson` : undefined));
    }
    return results;
  }

  /** Walks one step; resolves with what went wrong, or undefined if it passed. */
  private async walkStep(lesson: Lesson, step: Lesson['steps'][number], options: WalkOptions): Promise<string | undefined> {
    // A step's check must not pass before its commands ran (else it teaches nothing).
    if (step.check && step.actions.length && (await this.check(step.check))) return `${step.title}: passes before its commands`;
    try {
      for (const [i, action] of step.actions.entries()) {
        const before = this.shell.text.length;
        this.guest.writeConsole(action.input);
        // Something answers (the echo at least), then the shell in front is back at a prompt
        // — unless keys come next: those go to whatever runs (Ctrl-C to a `logs -f`, Enter
        // to an attached container), so the terminal only has to go quiet.
        await this.settled(`${lesson.slug}, "${step.title}": ${action.text}`, before, step.actions[i + 1]?.kind !== 'keys', options.promptTimeoutMs);
      }
    } catch (error) {
      return (error as Error).message;
    }
    const timeout = options.checkTimeoutMs ?? 60_000;
    if (step.check && !(await this.passesWithin(step.check, timeout))) return `${lesson.slug}, "${step.title}": the check did not pass within ${timeout / 1000} s after its commands${this.tail()}`;
    return undefined;
  }

  async destroy(): Promise<void> {
    await this.guest.destroy();
  }
}
