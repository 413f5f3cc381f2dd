import { describe, expect, it } from 'vitest';
import { findLesson } from '../../web/src/app/lessons/find-lesson';

const lessons = [
  { slug: '01-why-containers', number: 1 },
  { slug: '04-attached-detached-interactive', number: 4 },
  { slug: '07-volumes-and-bind-mounts', number: 7 },
  { slug: '10-capstone', number: 10 },
];

describe('a lesson link names its lesson', () => {
  it('by number, with or without leading zeros', () => {
    for (const name of ['7', '07', '007', ' 07 ']) expect(findLesson(lessons, name)?.number, name).toBe(7);
    expect(findLesson(lessons, '10')?.number).toBe(10);
    expect(findLesson(lessons, '04')?.number).toBe(4);
  });
  it('by folder slug, or the slug without its number, in any case', () => {
    expect(findLesson(lessons, '07-volumes-and-bind-mounts')?.number).toBe(7);
    expect(findLesson(lessons, 'volumes-and-bind-mounts')?.number).toBe(7);
    expect(findLesson(lessons, 'Volumes-And-Bind-Mounts')?.number).toBe(7);
  });
  it('names no lesson when none matches (the page then says so instead of opening lesson 1)', () => {
    for (const name of ['99', '0', '', 'volumes', '7a', '-7', '1.0']) expect(findLesson(lessons, name), name).toBeUndefined();
  });
});
