// The authoring page: an author types a lesson; format errors show with their line as they
// type, and the embedded lab renders the lesson and checks it on real state.
import { expect, test } from '@playwright/test';

test('an author writes a lesson beside a working lab: errors with their line, then the lesson live and checked', async ({ page }) => {
  await page.goto('/author.html');
  const lab = page.frameLocator('[data-testid="author-lab"]');
  await expect(lab.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  const source = page.getByTestId('author-source');
  await source.fill(['---', 'title: Say hello', '---', 'Hello.', '', '## Pull it', '', '```sh run', 'docker pull hello-world', '```', '', '```check', 'imag: hello-world', '```', ''].join('\n'));
  await expect(page.getByTestId('author-error')).toContainText('Line 13');
  await expect(page.getByTestId('author-error')).toContainText('unknown check imag');
  await source.fill(['---', 'title: Say hello', '---', 'Hello.', '', '## Pull it', '', '```sh run', 'docker pull hello-world', '```', '', '```check', 'image: hello-world', '```', ''].join('\n'));
  await expect(page.getByTestId('author-ok')).toContainText('“Say hello”: 1 step, 1 with a check');
  await expect(lab.getByRole('heading', { level: 2, name: /Say hello/ })).toBeVisible({ timeout: 15_000 });
  await lab.getByTestId('run-command').first().click();
  await expect(lab.getByTestId('lesson-step').first()).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  // An edit re-renders the lesson in the lab.
  await source.fill(['---', 'title: Say hello again', '---', 'Hello.', '', '## Look', '', 'Nothing to check.', ''].join('\n'));
  await expect(lab.getByRole('heading', { level: 2, name: /Say hello again/ })).toBeVisible({ timeout: 15_000 });
});
