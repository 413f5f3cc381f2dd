import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.locator('.xterm-rows');

async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

test('a learner publishes nginx on 8080 and sees its welcome page in the preview panel', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await typeLine(page, 'docker run -d --name web -p 8080:80 nginx && echo started-$((6 * 7))');
  await expect(rows(page)).toContainText('started-42', { timeout: 60_000 });

  await page.getByTestId('preview-toggle').click();
  // The published port shows up by itself; choosing it opens the preview.
  const published = page.getByTestId('preview-published');
  await expect(published).toContainText('8080 → web 80/tcp', { timeout: 15_000 });
  await published.click();
  const frame = page.frameLocator('[data-testid="preview-frame"]');
  await expect(frame.locator('h1')).toHaveText('Welcome to nginx!', { timeout: 60_000 });

  // A port where nothing listens says so.
  await page.getByTestId('preview-port').fill('9999');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(frame.locator('h1')).toHaveText('Nothing answers on port 9999 in the lab yet');
});
