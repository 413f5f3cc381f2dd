import { createServer, type Server } from 'node:http';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';

// A course page on another *site* (localhost, while the lab is at 127.0.0.1) embedding the lab,
// as real courses do. Chromium (150, headless) blocks a cross-site frame's storage by default:
// inside the iframe indexedDB.open fails ("The user denied permission to access the
// database") and localStorage and navigator.locks throw SecurityError. The flag makes that
// explicit (it is the third-party cookie phase-out); each test also sees the embed say that it
// found its storage blocked (data-why="blocked"), so a browser that let the frame keep storage
// would fail them rather than pass them vacuously.
// Real servers, not Playwright's router: Chromium's local network checks refuse a loopback
// iframe in a page whose address it does not know.
// Four 730 px frames, two to a row, all on screen (xterm does not draw a terminal off screen).
test.use({ viewport: { width: 1500, height: 1400 } });
test.use({ launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--test-third-party-cookie-phaseout'] } });

const LAB = 'http://127.0.0.1:4173';
const COURSE = 'http://localhost:4175';
/** The author's site, serving lessons with CORS. */
const AUTHOR = 'http://localhost:4176';

const LESSON = `---
title: My first author lesson
files:
  /root/start.txt: start.txt
---
Two steps, from the author's own site.

## Copy the starting file

\`\`\`sh run
cp /root/start.txt /root/note.txt
\`\`\`

\`\`\`check
file:
  path: /root/note.txt
  contains: from-the-author
\`\`\`

## Pull an image

\`\`\`sh run
docker pull hello-world
\`\`\`

\`\`\`check
image: hello-world
\`\`\`
`;
// Line 9 is a check of a kind Drydock does not have.
const BROKEN = `---
title: Broken
---
Intro.

## Do it

\`\`\`check
containr: web
\`\`\`
`;
const AUTHOR_FILES: Record<string, string> = {
  '/lesson-1/lesson.md': LESSON,
  '/lesson-1/files/start.txt': 'from-the-author\n',
  '/broken/lesson.md': BROKEN,
};

const frames = (srcs: string[]) => srcs.map((src, i) => `<iframe id="lab${i}" src="${LAB}/embed.html?${src}" style="width:730px;height:640px" title="Drydock lab ${i}"></iframe>`).join('\n');
const coursePage = (srcs: string[]) => `<!doctype html><html><body>
<h1>My Docker course</h1>
${frames(srcs)}
<script>
  window.events = [];
  addEventListener('message', (e) => { if (e.origin === '${LAB}') window.events.push({ from: [...document.querySelectorAll('iframe')].findIndex((f) => f.contentWindow === e.source), ...e.data }); });
  window.send = (i, m) => document.getElementById('lab' + i).contentWindow.postMessage(m, '${LAB}');
</script></body></html>`;

let course: Server;
let author: Server;
test.beforeAll(async () => {
  // The course page's iframes come from its query: /?src=…&src=…
  course = createServer((req, res) => {
    const srcs = new URL(req.url!, COURSE).searchParams.getAll('src');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(coursePage(srcs));
  });
  author = createServer((req, res) => {
    const body = AUTHOR_FILES[new URL(req.url!, AUTHOR).pathname];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => course.listen(4175, 'localhost', resolve));
  await new Promise<void>((resolve) => author.listen(4176, 'localhost', resolve));
});
test.afterAll(async () => {
  await new Promise<void>((resolve) => course.close(() => resolve()));
  await new Promise<void>((resolve) => author.close(() => resolve()));
});

type Event = { type: string; from: number; [k: string]: unknown };
const events = (page: Page) => page.evaluate(() => (window as unknown as { events: Event[] }).events);
const send = (page: Page, frame: number, message: unknown) => page.evaluate(([i, m]) => (window as unknown as { send: (i: number, m: unknown) => void }).send(i as number, m), [frame, message] as const);

type State = { containers: unknown[]; images: Array<{ tags: string[] }> };
let asked = 100;
/** Asks embed `frame` for its lab's state (drydock:state) and waits for the answer. */
async function stateOf(page: Page, frame: number): Promise<State> {
  const id = ++asked;
  await send(page, frame, { type: 'drydock:state', id });
  await expect.poll(async () => (await events(page)).some((e) => e.id === id)).toBe(true);
  return (await events(page)).find((e) => e.id === id)!.state as State;
}

async function openCourse(page: Page, srcs: string[]): Promise<FrameLocator[]> {
  // The lab's allow-list names no course page: an ephemeral lab needs none.
  await page.route(`${LAB}/embed.json`, (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ allowedOrigins: [] }) }));
  await page.goto(`${COURSE}/?${srcs.map((s) => `src=${encodeURIComponent(s)}`).join('&')}`);
  return srcs.map((_, i) => page.frameLocator(`#lab${i}`));
}
const ready = (lab: FrameLocator) => expect(lab.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 150_000 });

test('a cross-site embed with its storage blocked boots an ephemeral lab, under the CSP, that the course page drives', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
  const [lab] = await openCourse(page, ['lesson=03-images-and-containers']);
  await ready(lab!);
  await expect(lab!.getByTestId('other-tab')).toHaveCount(0);
  await expect(lab!.getByTestId('ephemeral-note')).toHaveAttribute('data-why', 'blocked');
  await expect(lab!.getByTestId('ephemeral-note')).toContainText('not kept');
  await expect(lab!.getByTestId('keep-work')).toBeVisible(); // Chromium has the Storage Access API
  await expect.poll(async () => (await events(page)).some((e) => e.type === 'drydock:ready')).toBe(true);
  await send(page, 0, { type: 'drydock:run', command: 'docker pull hello-world' });
  await expect.poll(async () => (await events(page)).find((e) => e.type === 'drydock:step-done'), { timeout: 90_000 }).toMatchObject({ lesson: '03-images-and-containers', step: '1-pull-an-image' });
  await expect(lab!.getByTestId('lesson-step').first()).toHaveAttribute('data-done', 'true');
  await send(page, 0, { type: 'drydock:state', id: 5 });
  await expect.poll(async () => (await events(page)).find((e) => e.type === 'drydock:state')).toMatchObject({ id: 5, state: { images: [{ tags: ['hello-world:latest'] }] } });
  expect(violations).toEqual([]);
});

test('embeds on one page each run a lab of their own (a lesson, a demo), unless they name one to share', async ({ page }) => {
  test.setTimeout(420_000);
  const [lesson, demo, shared, sharing] = await openCourse(page, ['lesson=03-images-and-containers', 'demo=first-container', 'lesson=03-images-and-containers&lab=course', 'lab=course']);
  await ready(lesson!);
  await ready(demo!);
  await ready(shared!);
  await ready(sharing!);
  await expect(demo!.getByTestId('ephemeral-note')).toHaveAttribute('data-why', 'demo');
  await expect(sharing!.getByTestId('ephemeral-note')).toHaveAttribute('data-why', 'blocked');
  // The demo runs `docker run hello-world` in its own lab.
  await expect.poll(async () => (await stateOf(page, 1)).containers.length, { timeout: 120_000 }).toBeGreaterThan(0);
  // The lesson's lab is not the demo's: the demo's container is not in it.
  await send(page, 0, { type: 'drydock:run', command: 'docker ps -a --format "[{{.Names}}]"; echo listed-$((6*7))' });
  await expect(lesson!.locator('.xterm-rows')).toContainText('listed-42', { timeout: 60_000 });
  // The two embeds naming "course" show one machine: a command typed in the second shows in
  // the first, and what it pulled is in the first's lab.
  await send(page, 3, { type: 'drydock:run', command: 'docker pull hello-world; echo shared-$((6*7))' });
  await expect(shared!.locator('.xterm-rows')).toContainText('shared-42', { timeout: 60_000 });
  await expect(sharing!.locator('.xterm-rows')).toContainText('shared-42');
  await expect(shared!.getByTestId('lesson-step').first()).toHaveAttribute('data-done', 'true');
  expect((await stateOf(page, 0)).containers).toEqual([]);
  expect((await stateOf(page, 0)).images).toEqual([]);
  expect((await stateOf(page, 2)).images.map((i) => i.tags)).toEqual([['hello-world:latest']]);
});

test("an author's lesson from their own site: the learner completes it and the course page hears lesson-done", async ({ page }) => {
  const url = `${AUTHOR}/lesson-1/`;
  const [lab] = await openCourse(page, [`lesson-url=${encodeURIComponent(url)}`]);
  await expect(lab!.getByTestId('lesson-panel')).toContainText('My first author lesson');
  await ready(lab!);
  await lab!.getByTestId('lesson-step').nth(0).getByTestId('run-command').click();
  await expect(lab!.getByTestId('lesson-step').nth(0)).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  await lab!.getByTestId('lesson-step').nth(1).getByTestId('run-command').click();
  await expect(lab!.getByTestId('lesson-finished')).toBeVisible({ timeout: 90_000 });
  const lessonUrl = `${AUTHOR}/lesson-1/lesson.md`;
  await expect.poll(async () => (await events(page)).find((e) => e.type === 'drydock:lesson-done')).toMatchObject({ lesson: lessonUrl });
  expect((await events(page)).filter((e) => e.type === 'drydock:step-done').map((e) => e.step)).toEqual(['1-copy-the-starting-file', '2-pull-an-image']);
});

test('a malformed author lesson shows the author its URL, line and fault; a lesson sent by postMessage renders', async ({ page }) => {
  const [lab] = await openCourse(page, [`lesson-url=${encodeURIComponent(`${AUTHOR}/broken/lesson.md`)}`]);
  const error = lab!.getByTestId('lesson-error');
  await expect(error).toContainText(`${AUTHOR}/broken/lesson.md`);
  await expect(error).toContainText('line 9');
  await expect(error).toContainText('containr');
  // The page hands over a lesson instead (as an LMS that serves it from anywhere would).
  await expect.poll(async () => {
    await send(page, 0, { type: 'drydock:lesson', id: 3, text: LESSON, files: { 'start.txt': 'from-the-author\n' } });
    return (await events(page)).find((e) => e.type === 'drydock:lesson');
  }).toMatchObject({ id: 3, title: 'My first author lesson' });
  await expect(lab!.getByTestId('lesson-panel')).toContainText('Copy the starting file');
  await expect(lab!.getByTestId('lesson-step')).toHaveCount(2);
});
