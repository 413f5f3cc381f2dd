// Checks an author's lesson (or course) in the real guest, for authors' CI:
//   npm run lesson -- check PATH_OR_URL
// PATH_OR_URL is a lesson.md, a lesson's folder, or a course manifest (course.yaml/.json, or a
// folder holding one), on disk or on the web. It loads them as embed.html does
// (web/src/app/lessons/lesson-source.ts: the same limits and format errors) and walks each
// lesson as tests/guest/lessons-*.test.ts walk the built-in ones (tools/lesson-walker.ts): every
// check fails before its step and passes after it, and the reset undoes the lesson. One line per
// step, then "N passed, N failed"; the exit status is 1 if anything failed, naming the step.
import { existsSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fetchReader, loadCourse, loadLesson, LessonSourceError, type LoadedLesson, type Reader } from '../web/src/app/lessons/lesson-source';
import { LessonWalker, type StepResult } from './lesson-walker';

/** Reads local files (file: URLs) within the same size limits as fetched ones. */
const fileReader: Reader = async (url, maxBytes) => {
  const path = fileURLToPath(url);
  const file = await open(path).catch((error: NodeJS.ErrnoException) => {
    throw new LessonSourceError(shown(url.href), error.code === 'ENOENT' ? 'no such file' : error.message);
  });
  try {
    if ((await file.stat()).isDirectory()) throw new LessonSourceError(shown(url.href), 'is a folder, not a file');
    const buffer = new Uint8Array(maxBytes + 1);
    let size = 0;
    for (let n = -1; n !== 0 && size < buffer.length; size += n) n = (await file.read(buffer, size, buffer.length - size)).bytesRead;
    return { bytes: buffer.subarray(0, size), contentType: null };
  } finally {
    await file.close();
  }
};

/** Local files by the file: reader, the web by fetch (http(s) only). */
const readAny = (web: Reader): Reader => (url, maxBytes) => (url.protocol === 'file:' ? fileReader(url, maxBytes) : web(url, maxBytes));

/** A file: URL as a path relative to here, as an author typed it. */
function shown(url: string): string {
  return url.startsWith('file:') ? relative(process.cwd(), fileURLToPath(url)) || '.' : url;
}

/** What the target is: a lesson or a course manifest, and its URL. */
function targetOf(target: string): { kind: 'lesson' | 'course'; url: string } {
  if (/^https?:\/\//i.test(target)) {
    const path = new URL(target).pathname;
    return { kind: /\.(ya?ml|json)$/i.test(path) ? 'course' : 'lesson', url: target };
  }
  if (!existsSync(target)) throw new LessonSourceError(target, 'no such file or folder');
  if (statSync(target).isDirectory()) {
    if (existsSync(join(target, 'lesson.md'))) return { kind: 'lesson', url: pathToFileURL(join(target, 'lesson.md')).href };
    const manifest = ['course.yaml', 'course.yml', 'course.json'].find((name) => existsSync(join(target, name)));
    if (manifest) return { kind: 'course', url: pathToFileURL(join(target, manifest)).href };
    throw new LessonSourceError(target, 'holds neither a lesson.md nor a course.yaml');
  }
  if (/\.md$/i.test(target)) return { kind: 'lesson', url: pathToFileURL(target).href };
  if (/\.(ya?ml|json)$/i.test(target)) return { kind: 'course', url: pathToFileURL(target).href };
  throw new LessonSourceError(target, 'is neither a lesson (.md) nor a course manifest (.yaml, .yml, .json)');
}

export interface CheckOptions {
  /** A booted walker to use (the guest test shares one); else one is booted and destroyed. */
  walker?: LessonWalker;
  /** Where the report goes, line by line. */
  out?: (line: string) => void;
  checkTimeoutMs?: number;
  /** Keeps what the terminal showed (for an author to read after a failure). */
  logFile?: string;
}

export interface CheckReport {
  passed: number;
  failed: number;
  /** "lesson, step 2 "Title": problem" for each failure, in order. */
  failures: string[];
  exitCode: number;
}

/** Loads what the target names: one lesson, or each lesson of a course (in order). */
async function load(target: string, out: (line: string) => void): Promise<{ lessons: LoadedLesson[]; failures: string[] }> {
  const read = readAny(fetchReader(fetch));
  const failures: string[] = [];
  const lessons: LoadedLesson[] = [];
  const failed = (error: unknown) => {
    if (!(error instanceof LessonSourceError)) throw error;
    const message = error.url.startsWith('file:') ? `${shown(error.url)}${error.message.slice(error.url.length)}` : error.message;
    out(`FAIL ${message}`);
    failures.push(message);
  };
  try {
    const { kind, url } = targetOf(target);
    let urls = [url];
    if (kind === 'course') {
      const course = await loadCourse(url, { read });
      out(`course ${shown(url)}: ${course.title}`);
      urls = course.lessons.map((l) => l.url);
    }
    for (const lessonUrl of urls) await loadLesson(lessonUrl, { read }).then((l) => lessons.push(l), failed);
  } catch (error) {
    failed(error);
  }
  return { lessons, failures };
}

export async function checkLessons(target: string, options: CheckOptions = {}): Promise<CheckReport> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { lessons, failures } = await load(target, out);
  let passed = 0;
  let failed = failures.length;
  if (lessons.length) {
    const walker = options.walker ?? (await LessonWalker.boot());
    try {
      for (const { url, lesson, files } of lessons) {
        out(`lesson ${shown(url)}: ${lesson.title}`);
        const onStep = (r: StepResult) => {
          const name = r.index < 0 ? 'reset undoes the lesson' : `${r.index + 1}. ${r.title}`;
          if (r.ok) {
            passed++;
            out(`  ok   ${name}`);
            return;
          }
          failed++;
          const [first, ...rest] = (r.problem ?? '').split('\n');
          out(`  FAIL ${name}: ${first}`);
          for (const line of rest) out(`       | ${line}`);
          failures.push(`${shown(url)}, ${r.index < 0 ? 'the reset' : `step ${r.index + 1} "${r.title}"`}: ${first}`);
        };
        const results = await walker.walk(lesson, files, { onStep, ...(options.checkTimeoutMs ? { checkTimeoutMs: options.checkTimeoutMs } : {}) });
        const walked = results.filter((r) => r.index >= 0).length;
        for (const [i, step] of lesson.steps.entries()) if (i >= walked) out(`  --   ${i + 1}. ${step.title} (not run: an earlier step failed)`);
      }
    } finally {
      if (options.logFile) writeFileSync(options.logFile, walker.transcript);
      if (!options.walker) await walker.destroy();
    }
  }
  out(`${passed} passed, ${failed} failed`);
  return { passed, failed, failures, exitCode: failed ? 1 : 0 };
}

const USAGE = `usage: npm run lesson -- check [--check-timeout SECONDS] [--log FILE] PATH_OR_URL
  PATH_OR_URL: a lesson.md, a lesson's folder, or a course manifest (course.yaml, course.json, or a folder with one)
  --check-timeout  how long a step's check may take to pass after its commands (default 60)
  --log FILE       keep what the terminal showed
Exits 1 if any step failed, naming it; 2 for a usage error.\n`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv[0] !== 'check') {
    process.stderr.write(USAGE);
    return 2;
  }
  const options: CheckOptions = {};
  const targets: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--check-timeout') options.checkTimeoutMs = Number(argv[++i]) * 1000;
    else if (arg === '--log') options.logFile = argv[++i];
    else targets.push(arg);
  }
  if (targets.length !== 1 || (options.checkTimeoutMs !== undefined && !(options.checkTimeoutMs > 0)) || (options.logFile !== undefined && !options.logFile)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const report = await checkLessons(targets[0]!, options);
  for (const failure of report.failures) process.stderr.write(`lesson check failed: ${failure}\n`);
  return report.exitCode;
}

// Run as a command (not when the guest test imports checkLessons).
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`lesson: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
