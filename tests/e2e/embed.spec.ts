import { createServer, type Server } from 'node:http';
import { expect, test, type Page } from '@playwright/test';

// A course page on another origin (served by Playwright's router) embedding the lab.
// Another port is another origin. A real server, not Playwright's router: Chromium's local
// network checks refuse a loopback iframe in a page whose address it does not know.
const COURSE = 'http://127.0.0.1:4174';
let course: Server;
test.beforeAll(async () => {
  course = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(coursePage('http://127.0.0.1:4173/embed.html?lesson=03-images-and-containers'));
  });
  await new Promise<void>((resolve) => course.listen(4174, '127.0.0.1', resolve));
});
test.afterAll(() => new Promise<void>((resolve) => course.close(() => resolve())));
const coursePage = (src: string) => `<!doctype html><html><body>
<h1>My Docker course</h1>
<iframe id="lab" src="${src}" style="width:1000px;height:640px" title="Drydock lab"></iframe>
<script>
  window.events = [];
  addEventListener('message', (e) => { if (e.origin === 'http://127.0.0.1:4173') window.events.push(e.data); });
  window.send = (m) => document.getElementById('lab').contentWindow.postMessage(m, 'http://127.0.0.1:4173');
</script></body></html>`;

async function openCourse(page: Page, allowed: string[]) {
  await page.route('http://127.0.0.1:4173/embed.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ allowedOrigins: allowed }) }));
  await page.goto(`${COURSE}/course/lesson`);
  const lab = page.frameLocator('#lab');
  await expect(lab.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  return lab;
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: Array<{ type: string; [k: string]: unknown }> }).events);

test('a course page on another origin embeds a lesson and drives it with postMessage', async ({ page }) => {
  const lab = await openCourse(page, [COURSE]);
  await expect(lab.getByTestId('lesson-panel')).toContainText('Images and containers');
  await expect.poll(async () => (await events(page)).some((e) => e.type === 'drydock:ready')).toBe(true);
  await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ type: 'drydock:run', command: 'docker pull hello-world' }));
  // The step's check turns green from real state, and the course page hears of it.
  await expect.poll(async () => (await events(page)).find((e) => e.type === 'drydock:step-done'), { timeout: 60_000 }).toMatchObject({ lesson: '03-images-and-containers', step: '1-pull-an-image' });
  expect((await events(page)).some((e) => e.type === 'drydock:api' && (e.call as { path: string }).path.startsWith('/images/create'))).toBe(true);
  await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ type: 'drydock:state', id: 7 }));
  await expect.poll(async () => (await events(page)).find((e) => e.type === 'drydock:state')).toMatchObject({ id: 7, state: { images: [{ tags: ['hello-world:latest'] }] } });
});

test('an embedded lab ignores pages that are not on its allow-list', async ({ page }) => {
  const lab = await openCourse(page, []);
  await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ type: 'drydock:run', command: 'echo should-not-run' }));
  await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ type: 'drydock:state', id: 1 }));
  await page.waitForTimeout(3000);
  expect(await events(page)).toEqual([]);
  await expect(lab.locator('.xterm-rows')).not.toContainText('should-not-run');
});

test('a scripted demo types itself, and can be paused', async ({ page }) => {
  await page.goto('/embed.html?demo=first-container');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await expect(page.locator('.xterm-rows')).toContainText('Hello from Drydock!', { timeout: 60_000 });
  await page.getByTestId('demo-toggle').click(); // pause: the step under way finishes, then it stops
  await expect(page.getByTestId('demo-controls')).toHaveAttribute('data-status', 'paused', { timeout: 60_000 });
  await expect(page.getByTestId('demo-toggle')).toHaveText('Resume ▶');
  const at = await page.getByTestId('demo-progress').textContent();
  await page.waitForTimeout(3000);
  await expect(page.getByTestId('demo-progress')).toHaveText(at!);
  await page.getByTestId('demo-toggle').click(); // resume
  await expect(page.getByTestId('demo-progress')).toHaveText('10 / 10', { timeout: 120_000 });
});

test("a demo runs in a lab of its own: its `docker rm -f web` leaves the learner's saved container named web", async ({ page }) => {
  const rows = page.locator('.xterm-rows');
  await page.goto('/?lessons=0');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('docker run -d --name web busybox sleep 600', { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(rows).toContainText(/[0-9a-f]{64}/, { timeout: 60_000 });
  await expect(page.getByTestId('save-state')).toContainText(/^\s*Saved/, { timeout: 60_000 });
  await page.goto('/embed.html?demo=first-container');
  await expect(page.getByTestId('ephemeral-note')).toHaveAttribute('data-why', 'demo');
  await expect(page.getByTestId('demo-progress')).toHaveText('10 / 10', { timeout: 180_000 });
  await expect(rows).toContainText('docker rm -f web');
  await page.goto('/?lessons=0');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type("docker ps --format 'kept={{.Names}}'", { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(rows).toContainText('kept=web', { timeout: 30_000 });
});
