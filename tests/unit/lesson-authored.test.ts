// What the embed's lesson pane gets for an author's content (web/src/app/lessons/authored.ts):
// a course's lessons that load, each failure as a problem naming its URL (and line), starting
// files by the names the lesson gives them, and a lesson a course page sends by postMessage.
import { describe, expect, it } from 'vitest';
import { loadAuthored, sentLesson, SENT_LESSON } from '../../web/src/app/lessons/authored';
import type { FetchLike } from '../../web/src/app/lessons/lesson-source';

const fetchOf = (table: Record<string, string>): FetchLike => async (url) =>
  table[url] === undefined ? new Response('no', { status: 404, statusText: 'Not Found' }) : new Response(table[url], { headers: { 'content-type': 'text/plain' } });

const GOOD = `---
title: Good
files:
  /root/a.txt: a.txt
---
Intro.

## Step

\`\`\`check
file:
  path: /root/a.txt
\`\`\`
`;
const BAD = `---
title: Bad
---
Intro.

## Step

\`\`\`check
containr: web
\`\`\`
`;

describe('author content for the lesson pane', () => {
  it('is nothing to load without lesson-url or course-url (the built-in lessons)', async () => {
    expect(await loadAuthored(new URLSearchParams('lesson=3'), { fetch: fetchOf({}) })).toBeNull();
  });

  it("loads a course's lessons, keeps its title, files each starting file by name, and names what failed", async () => {
    const site = 'https://author.example/course/';
    const table = {
      [`${site}course.yaml`]: 'title: My course\nlessons:\n  - good/\n  - bad/lesson.md\n  - missing/\n',
      [`${site}good/lesson.md`]: GOOD,
      [`${site}good/files/a.txt`]: 'hello\n',
      [`${site}bad/lesson.md`]: BAD,
    };
    const authored = (await loadAuthored(new URLSearchParams(`course-url=${site}course.yaml`), { fetch: fetchOf(table) }))!;
    expect(authored.title).toBe('My course');
    expect(authored.lessons.map((l) => [l.slug, l.title])).toEqual([[`${site}good/lesson.md`, 'Good']]);
    expect(authored.files.get(`${site}good/lesson.md`)?.get('a.txt')).toBe('hello\n');
    expect(authored.problems).toHaveLength(2);
    expect(authored.problems[0]).toMatch(new RegExp(`^${site}bad/lesson.md: line 9.*containr`));
    expect(authored.problems[1]).toContain(`${site}missing/lesson.md: the server answered 404`);
  });

  it('takes a lesson sent by the page, and refuses one whose starting files the message lacks', () => {
    const sent = sentLesson(GOOD, { 'a.txt': 'hi' });
    expect(sent.lessons[0]!.slug).toBe(SENT_LESSON);
    expect(sent.files.get(SENT_LESSON)?.get('a.txt')).toBe('hi');
    expect(() => sentLesson(GOOD, {})).toThrow('the message does not carry: a.txt');
    expect(() => sentLesson(BAD, {})).toThrow(/line 9.*containr/);
  });
});
