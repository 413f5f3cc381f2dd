import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.locator('.xterm-rows');

async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 2 });
  await page.keyboard.press('Enter');
}

/** Opens a port in the preview until its page shows `text` in its h3 (Flask's first start reads its modules lazily). */
async function previewShows(page: Page, port: string, text: string) {
  await page.getByTestId('preview-port').fill(port);
  const frame = page.frameLocator('[data-testid="preview-frame"]');
  await expect(async () => {
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(frame.locator('h3')).toHaveText(text, { timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  return frame;
}

// A slow spec (~6 min: pip's build on the emulated CPU), left out of npm test for CI's time
// (playwright.config.ts); run it with `DRYDOCK_SLOW=1 bash scripts/e2e.sh flask-get-started`.
// It passed on 2026-12-04 (5.8 min in the full suite).
//
// Docker's get-started tutorial in the page, as a learner types it: the Flask app built with
// `pip install -r requirements.txt` from the lab's offline index and run with -p 4000:80 (its
// part 2), then with redis beside it in a compose file (its part on services), the visit
// counter seen in the preview.
test('a learner builds the get-started Flask app with pip, sees Hello World! in the preview, then runs it with redis in compose and sees its visits', async ({ page }) => {
  test.setTimeout(480_000);
  const chunks: string[] = [];
  const files: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/registry/disk/chunks/')) chunks.push(request.url());
    if (request.url().includes('/registry/lazy/files/')) files.push(request.url());
  });
  await page.goto('/');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await typeLine(page, 'mkdir -p friendlyhello && cd friendlyhello');
  // The same project the guest integration test builds (tests/guest/packages.test.ts).
  const dir = join(process.cwd(), 'tests/guest/fixtures/flask-get-started');
  for (const name of ['Dockerfile', 'app.py', 'requirements.txt']) {
    await typeLine(page, `cat > ${name} <<'EOF'\n${readFileSync(join(dir, name), 'utf8').trimEnd()}\nEOF`);
  }
  // The markers are computed, so that the typed command line itself does not match them.
  await typeLine(page, 'docker build -t friendlyhello . && docker run -d --name hello -p 4000:80 friendlyhello && echo built-$((6 * 7))');
  await expect(rows(page)).toContainText('built-42', { timeout: 360_000 });
  await page.getByTestId('preview-toggle').click();
  const frame = await previewShows(page, '4000', 'Hello World!');
  await expect(frame.locator('body')).toContainText('cannot connect to Redis, counter disabled');
  // Python's files came from the layer disk, only the chunks it read (not the whole disk, 4,273),
  // and none over 9p.
  expect(chunks.length).toBeGreaterThan(5);
  expect(chunks.length).toBeLessThan(2000);
  expect(files).toEqual([]);

  const compose = ['services:', '  web:', '    build: .', '    ports:', '      - "4000:80"', '  redis:', '    image: redis'].join('\n');
  await typeLine(page, `docker rm -f hello && cat > compose.yaml <<'EOF'\n${compose}\nEOF`);
  await typeLine(page, 'docker compose up -d && echo compose-up-$((6 * 7))');
  await expect(rows(page)).toContainText('compose-up-42', { timeout: 240_000 });
  const counted = await previewShows(page, '4000', 'Hello World!');
  const visits = async () => Number(/Visits:\s*(\d+)/.exec((await counted.locator('body').textContent()) ?? '')?.[1]);
  // Until redis listens, the page says the counter is disabled: open it again until it counts.
  await expect(async () => {
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(counted.locator('body')).toContainText(/Visits:\s*\d+/, { timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  const first = await visits();
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect.poll(visits).toBe(first + 1);
});
