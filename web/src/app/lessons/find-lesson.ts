// Which lesson a link names (`?lesson=`): links are written by people, so "7", "07", "007",
// the folder's slug ("07-volumes-and-bind-mounts") and the slug without its number
// ("volumes-and-bind-mounts") all name lesson 7. Pure, so that a unit test holds it.

export interface LessonName {
  slug: string;
  number: number;
}

export function findLesson<T extends LessonName>(lessons: readonly T[], wanted: string): T | undefined {
  const name = wanted.trim().toLowerCase();
  if (!name) return undefined;
  if (/^\d+$/.test(name)) return lessons.find((l) => l.number === Number(name));
  return lessons.find((l) => l.slug === name) ?? lessons.find((l) => l.slug.replace(/^\d+-/, '') === name);
}
