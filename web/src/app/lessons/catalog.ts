// The lessons, bundled as data from web/src/lessons/NN-slug/ (lesson.md and files/).
import { parseLesson, type Lesson } from './lesson-format';

const sources = import.meta.glob('../../lessons/*/lesson.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const starting = import.meta.glob('../../lessons/*/files/**', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const slugOf = (path: string) => /lessons\/([^/]+)\//.exec(path)![1]!;

export const lessons: Lesson[] = Object.entries(sources)
  .map(([path, source]) => parseLesson(slugOf(path), source))
  .sort((a, b) => a.number - b.number);

export { findLesson } from './find-lesson';

/** A lesson's starting file (its files/ folder), by the name its front matter gives. */
export function lessonFile(slug: string, name: string): string | undefined {
  return starting[`../../lessons/${slug}/files/${name}`];
}
