import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.locator('.xterm-rows');

async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

/** Waits until the page says the lab was saved after `since` (ms since the epoch). */
async function savedAfter(page: Page, since: number) {
  await expect.poll(async () => Number(await page.getByTestId('save-state').getAttribute('data-saved-at')), { timeout: 60_000 }).toBeGreaterThan(since);
}

test('an image and a volume file survive a reload; the reload resumes the saved machine', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await typeLine(page, "mkdir -p app && cd app && printf 'FROM busybox\\nCMD echo hello from kept\\n' > Dockerfile && docker build -q -t kept:1 . && cd ..");
  await typeLine(page, "docker volume create notes && docker run --rm -v notes:/d busybox sh -c 'echo volume-says-hi > /d/n' && echo step-done");
  await expect(rows(page)).toContainText('step-done', { timeout: 90_000 });
  const done = Date.now();
  await savedAfter(page, done);
  await expect(page.getByTestId('save-state')).toContainText(/^\s*Saved .* MB/);

  await page.reload();
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  // The second visit resumed the snapshot: it never booted a kernel.
  const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
  expect(marks).toContain('drydock:restoring');
  expect(marks).not.toContain('drydock:kernel');
  // The screen comes back too, with the commands typed before the reload.
  await expect(rows(page)).toContainText('step-done');
  await typeLine(page, 'clear; docker run --rm kept:1 && docker run --rm -v notes:/d busybox cat /d/n');
  await expect(rows(page)).toContainText('hello from kept', { timeout: 60_000 });
  await expect(rows(page)).toContainText('volume-says-hi');
});

test('a second tab does not take the lab unless asked, and the first tab then says where it went', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByTestId('other-tab')).toContainText('Drydock is open in another tab');
  await second.getByRole('button', { name: 'Use the lab here' }).click();
  await expect(page.getByTestId('other-tab')).toContainText('This lab moved to another tab');
  await expect(second.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
});
