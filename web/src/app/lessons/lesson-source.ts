// Authors' own content, loaded from where they host it: a lesson (`lesson-url=`, its lesson.md
// or its folder), the lesson's starting files (named in its front matter, fetched from its
// files/ folder beside lesson.md, as a built-in lesson keeps them), a demo (`demo-url=`) and a
// course manifest (`course-url=`). Pure: the page passes its `fetch`, `npm run lesson -- check`
// a reader of local files, and the unit tests a fake. Everything fetched is size-limited,
// timed, and checked to be text of the expected kind, and every failure names the URL and
// what is wrong, since an author debugging a course page can see nothing else.
//
// A course manifest (course.yaml, or JSON, which YAML reads too):
//   title: Docker for data people
//   summary: optional, one line
//   lessons:                         # in order; URLs relative to the manifest
//     - lesson-1/                    # a folder: its lesson.md
//     - lesson-2/lesson.md
//     - url: https://other.example/intro.md
//       title: Shown in the picker before the lesson is loaded
import { parse as parseYaml } from 'yaml';
import { LessonFormatError, parseLesson, type Lesson } from './lesson-format';
import { DemoFormatError, parseDemo, type Demo } from '../demo-format';

export interface SourceLimits {
  lessonBytes: number;
  fileBytes: number;
  files: number;
  demoBytes: number;
  courseBytes: number;
  courseLessons: number;
  /** For one fetch, body included. */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: SourceLimits = {
  lessonBytes: 256 * 1024,
  fileBytes: 1024 * 1024,
  files: 50,
  demoBytes: 64 * 1024,
  courseBytes: 64 * 1024,
  courseLessons: 100,
  timeoutMs: 20_000,
};

/** Something that went wrong loading an author's content; the message starts with the URL. */
export class LessonSourceError extends Error {
  constructor(
    readonly url: string,
    problem: string,
    /** The line of the file that is wrong, for a format error. */
    readonly line?: number,
  ) {
    super(`${url}: ${problem}`);
  }
}

/** What a reader got: the bytes (at most one more than asked for) and the declared type. */
export interface Fetched {
  bytes: Uint8Array;
  contentType: string | null;
}

/**
 * Reads a URL, stopping after `maxBytes + 1` bytes (enough to tell it is too large). Throws a
 * LessonSourceError for a URL it cannot read.
 */
export type Reader = (url: URL, maxBytes: number) => Promise<Fetched>;

/** The part of the Fetch API the loader uses (the browser's and Node's `fetch` fit). */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; credentials: 'omit'; redirect: 'follow' },
) => Promise<{
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}>;

export interface SourceOptions {
  /** Reads http(s) URLs with this `fetch`. */
  fetch?: FetchLike;
  /** Or reads with this (the lesson checker's local files). */
  read?: Reader;
  /** What relative URLs are relative to (the page's address). */
  base?: string;
  limits?: Partial<SourceLimits>;
}

const kib = (n: number) => (n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** A reader over `fetch`: http(s) only, no cookies sent, a deadline for the answer and the body. */
export function fetchReader(fetch: FetchLike, timeoutMs = DEFAULT_LIMITS.timeoutMs): Reader {
  return async (url, maxBytes) => {
    const where = url.href;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LessonSourceError(where, `only http and https URLs can be loaded, not ${url.protocol}`);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const failed = (error: unknown): never => {
      if (error instanceof LessonSourceError) throw error;
      if (timedOut) throw new LessonSourceError(where, `no answer within ${timeoutMs / 1000} s`);
      // The browser says no more than "Failed to fetch" for a refused connection and for a
      // response it may not read, so both causes are named.
      throw new LessonSourceError(where, `could not be fetched (${(error as Error)?.message ?? error}): the server is unreachable, or it does not allow this page to read it (it must send Access-Control-Allow-Origin; see docs/authoring.md)`);
    };
    try {
      const response = await fetch(where, { signal: controller.signal, credentials: 'omit', redirect: 'follow' }).catch(failed);
      if (response.url && !/^https?:/.test(response.url)) throw new LessonSourceError(where, `redirected to ${response.url}, which is not http(s)`);
      if (!response.ok) throw new LessonSourceError(where, `the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) throw new LessonSourceError(where, `is ${kib(declared)}, more than the ${kib(maxBytes)} allowed`);
      const chunks: Uint8Array[] = [];
      let size = 0;
      if (response.body) {
        const reader = response.body.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read().catch(failed);
            if (done) break;
            chunks.push(value);
            size += value.byteLength;
            if (size > maxBytes) break;
          }
        } finally {
          void reader.cancel().catch(() => {});
        }
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.byteLength;
      }
      return { bytes: bytes.subarray(0, maxBytes + 1), contentType: response.headers.get('content-type') };
    } finally {
      clearTimeout(timer);
    }
  };
}

type Kind = 'lesson' | 'starting file' | 'demo' | 'course manifest';

/** Reads a URL as UTF-8 text of a kind, within its size limit. */
async function readText(read: Reader, url: URL, kind: Kind, maxBytes: number): Promise<string> {
  const { bytes, contentType } = await read(url, maxBytes);
  if (bytes.byteLength > maxBytes) throw new LessonSourceError(url.href, `is larger than the ${kib(maxBytes)} a ${kind} may be`);
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  // A 200 HTML page where a lesson should be is a host's "not found" or sign-in page. (A
  // starting file may well be HTML: an index.html to serve.)
  if (kind !== 'starting file' && type === 'text/html') throw new LessonSourceError(url.href, `is an HTML page (text/html), not a ${kind}: is the URL right?`);
  if (/^(image|audio|video|font)\//.test(type) || type === 'application/pdf' || type === 'application/zip') throw new LessonSourceError(url.href, `is ${type}, not a ${kind} (text)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new LessonSourceError(url.href, `is not UTF-8 text: a ${kind} must be`);
  }
  if (text.includes('\0')) throw new LessonSourceError(url.href, `is binary, not a ${kind} (text)`);
  return text.replace(/^\uFEFF/, '');
}

interface Resolved {
  read: Reader;
  limits: SourceLimits;
  base: string | undefined;
}

function resolve(options: SourceOptions): Resolved {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const read = options.read ?? (options.fetch ? fetchReader(options.fetch, limits.timeoutMs) : null);
  if (!read) throw new Error('lesson-source: pass fetch or read');
  return { read, limits, base: options.base };
}

function urlOf(spec: string, base: string | undefined): URL {
  try {
    return new URL(spec, base);
  } catch {
    throw new LessonSourceError(spec, base ? `is not a URL (relative to ${base})` : 'is not a URL');
  }
}

/** A lesson URL that names a folder ("…/lesson-1/") means its lesson.md. */
const lessonFileUrl = (url: URL) => (url.pathname.endsWith('/') ? new URL('lesson.md', url) : url);

export interface LoadedLesson {
  /** Where lesson.md was read from: the lesson's identity (its progress is kept by it). */
  url: string;
  /** Parsed; its slug is the URL. */
  lesson: Lesson;
  /** Starting files: guest path → content. */
  files: Record<string, string>;
}

/** Parses a lesson's text as its author wrote it, naming the URL and line of a format error. */
export function parseLessonAt(url: string, source: string): Lesson {
  try {
    return parseLesson(url, source);
  } catch (error) {
    if (!(error instanceof LessonFormatError)) throw error;
    // parseLesson's message already starts with the slug, which here is the URL.
    const problem = error.message.startsWith(`${url}, `) ? error.message.slice(url.length + 2) : error.message;
    throw new LessonSourceError(url, problem, error.line);
  }
}

/** Loads a lesson and its starting files. */
export async function loadLesson(spec: string, options: SourceOptions): Promise<LoadedLesson> {
  const { read, limits, base } = resolve(options);
  const url = lessonFileUrl(urlOf(spec, base));
  const lesson = parseLessonAt(url.href, await readText(read, url, 'lesson', limits.lessonBytes));
  const named = Object.entries(lesson.files);
  if (named.length > limits.files) throw new LessonSourceError(url.href, `names ${named.length} starting files, more than the ${limits.files} a lesson may have`);
  const folder = new URL('files/', url);
  const contents = await Promise.all(named.map(([, name]) => readText(read, new URL(name, folder), 'starting file', limits.fileBytes)));
  return { url: url.href, lesson, files: Object.fromEntries(named.map(([path], i) => [path, contents[i]!])) };
}

export interface LoadedDemo {
  url: string;
  demo: Demo;
}

export async function loadDemo(spec: string, options: SourceOptions): Promise<LoadedDemo> {
  const { read, limits, base } = resolve(options);
  const url = urlOf(spec, base);
  const text = await readText(read, url, 'demo', limits.demoBytes);
  try {
    return { url: url.href, demo: parseDemo(url.href, text) };
  } catch (error) {
    if (error instanceof DemoFormatError) throw new LessonSourceError(url.href, error.message.slice(url.href.length + 2));
    throw new LessonSourceError(url.href, `is not a demo: ${(error as Error).message.split('\n')[0]}`);
  }
}

export interface CourseLesson {
  /** Absolute: resolved against the manifest. A folder's URL is its lesson.md. */
  url: string;
  /** From the manifest, for the picker before the lesson is loaded; '' if it gives none. */
  title: string;
}

export interface Course {
  url: string;
  title: string;
  summary: string;
  lessons: CourseLesson[];
}

/** Reads a course manifest's text (its URL resolves the lessons' relative URLs). */
export function parseCourse(url: string, source: string, maxLessons = DEFAULT_LIMITS.courseLessons): Course {
  let data: unknown;
  try {
    data = parseYaml(source);
  } catch (error) {
    const e = error as { linePos?: { line: number }[]; message?: string };
    throw new LessonSourceError(url, `line ${e.linePos?.[0]?.line ?? 1}: ${String(e.message).split('\n')[0]}`, e.linePos?.[0]?.line);
  }
  const course = data as { title?: unknown; summary?: unknown; lessons?: unknown } | null;
  if (!course || typeof course !== 'object' || Array.isArray(course)) throw new LessonSourceError(url, 'a course manifest is a mapping: title, lessons (see docs/authoring.md)');
  if (typeof course.title !== 'string' || !course.title.trim()) throw new LessonSourceError(url, 'a course manifest needs a title');
  if (course.summary !== undefined && typeof course.summary !== 'string') throw new LessonSourceError(url, 'summary is one line of text');
  if (!Array.isArray(course.lessons) || !course.lessons.length) throw new LessonSourceError(url, 'a course manifest needs lessons: a list of lesson URLs');
  if (course.lessons.length > maxLessons) throw new LessonSourceError(url, `lists ${course.lessons.length} lessons, more than the ${maxLessons} a course may have`);
  const lessons = course.lessons.map((entry: unknown, i): CourseLesson => {
    const item = typeof entry === 'string' ? { url: entry } : (entry as { url?: unknown; title?: unknown } | null);
    if (!item || typeof item.url !== 'string' || !item.url || (item.title !== undefined && typeof item.title !== 'string')) {
      throw new LessonSourceError(url, `lessons, item ${i + 1}: a lesson is its URL, or url: and title:`);
    }
    const at = lessonFileUrl(urlOf(item.url, url));
    if (at.protocol !== 'http:' && at.protocol !== 'https:' && at.protocol !== new URL(url).protocol) throw new LessonSourceError(url, `lessons, item ${i + 1}: ${item.url} is not an http(s) URL`);
    return { url: at.href, title: (item.title as string | undefined) ?? '' };
  });
  return { url, title: course.title, summary: (course.summary as string | undefined) ?? '', lessons };
}

/** Loads a course manifest (not its lessons: the page loads each when it is picked). */
export async function loadCourse(spec: string, options: SourceOptions): Promise<Course> {
  const { read, limits, base } = resolve(options);
  const url = urlOf(spec, base);
  return parseCourse(url.href, await readText(read, url, 'course manifest', limits.courseBytes), limits.courseLessons);
}
