// An author's own lessons for the lesson pane: fetched from their site (embed.html?lesson-url=
// or ?course-url=, through lesson-source.ts) or sent by the course page (drydock:lesson). A
// lesson is known by its URL (its progress is kept by it); what cannot be loaded is a problem
// for the pane to show the author, with the URL and line.
import { loadCourse, loadLesson, LessonSourceError, parseLessonAt, type LoadedLesson, type SourceOptions } from './lesson-source';
import type { Lesson } from './lesson-format';

export interface Authored {
  title: string;
  lessons: Lesson[];
  /** Starting files by lesson (slug) and name, as the lesson's front matter names them. */
  files: Map<string, Map<string, string>>;
  problems: string[];
}

/** Where a lesson sent over postMessage is filed (it has no URL). */
export const SENT_LESSON = 'drydock:lesson';

const byName = (loaded: LoadedLesson) => new Map(Object.entries(loaded.lesson.files).map(([path, name]) => [name, loaded.files[path] ?? '']));

const problem = (error: unknown) => (error instanceof LessonSourceError ? error.message : `could not be loaded: ${(error as Error).message}`);

/** What the page's address asks for, or null for the built-in lessons. */
export async function loadAuthored(params: URLSearchParams, options: SourceOptions): Promise<Authored | null> {
  const lessonUrl = params.get('lesson-url');
  const courseUrl = params.get('course-url');
  if (lessonUrl === null && courseUrl === null) return null;
  const result: Authored = { title: '', lessons: [], files: new Map(), problems: [] };
  let urls: string[] = lessonUrl !== null ? [lessonUrl] : [];
  if (courseUrl !== null) {
    try {
      const course = await loadCourse(courseUrl, options);
      result.title = course.title;
      urls = [...urls, ...course.lessons.map((l) => l.url)];
    } catch (error) {
      result.problems.push(problem(error));
    }
  }
  const loaded = await Promise.allSettled(urls.map((url) => loadLesson(url, options)));
  for (const outcome of loaded) {
    if (outcome.status === 'rejected') result.problems.push(problem(outcome.reason));
    else if (!result.files.has(outcome.value.url)) {
      result.lessons.push(outcome.value.lesson);
      result.files.set(outcome.value.url, byName(outcome.value));
    }
  }
  return result;
}

/** A lesson the course page sent: parsed (a format error names its line), with its files by name. */
export function sentLesson(text: string, files: Record<string, string>): Authored {
  const lesson = parseLessonAt(SENT_LESSON, text);
  const missing = Object.values(lesson.files).filter((name) => files[name] === undefined);
  if (missing.length) throw new LessonSourceError(SENT_LESSON, `the lesson names starting files the message does not carry: ${missing.join(', ')}`);
  return { title: '', lessons: [lesson], files: new Map([[lesson.slug, new Map(Object.entries(files))]]), problems: [] };
}
