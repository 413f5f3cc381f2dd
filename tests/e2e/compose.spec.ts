import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.locator('.xterm-rows');

async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 2 });
  await page.keyboard.press('Enter');
}

test('a learner brings up a web app and redis with compose and sees the visit counter in the preview', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await typeLine(page, 'mkdir -p visits && cd visits');
  // The same project the guest integration test runs, typed in as a learner would write it.
  const dir = join(process.cwd(), 'tests/guest/fixtures/compose-visits');
  for (const name of ['compose.yaml', 'Dockerfile', 'app.py']) {
    await typeLine(page, `cat > ${name} <<'EOF'\n${readFileSync(join(dir, name), 'utf8').trimEnd()}\nEOF`);
  }
  // The marker is computed, so that the typed command line itself does not match it.
  await typeLine(page, 'docker compose up -d && echo compose-up-$((6 * 7))');
  await expect(rows(page)).toContainText('compose-up-42', { timeout: 180_000 });

  await page.getByTestId('preview-toggle').click();
  await page.getByTestId('preview-port').fill('8000');
  const frame = page.frameLocator('[data-testid="preview-frame"]');
  // Python's first start reads its modules through the lazy image: retry until it answers.
  await expect(async () => {
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(frame.locator('body')).toContainText(/This page has been seen \d+ times/, { timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  const first = Number(/seen (\d+) times/.exec((await frame.locator('body').textContent()) ?? '')?.[1]);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(frame.locator('body')).toContainText(`seen ${first + 1} times`);
});
