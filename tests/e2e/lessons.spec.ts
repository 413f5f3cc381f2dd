import { expect, test, type Page } from '@playwright/test';

/** Walks a lesson as a new learner: for each step, click its Run buttons and wait for it to turn green. */
async function walk(page: Page, lesson: string) {
  await page.goto(`/?lesson=${lesson}`);
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  const steps = page.getByTestId('lesson-step');
  const count = await steps.count();
  expect(count).toBeGreaterThan(3);
  for (let i = 0; i < count; i++) {
    const step = steps.nth(i);
    const runs = step.getByTestId('run-command');
    for (let k = 0; k < (await runs.count()); k++) {
      await runs.nth(k).click();
      // The terminal shows the command's prompt again before the next one is typed.
      await page.waitForTimeout(300);
      await expect(page.locator('.xterm-rows')).toContainText('root@drydock', { timeout: 60_000 });
    }
    const next = step.getByRole('button', { name: 'Done — next step' });
    if (await next.isVisible()) await next.click();
    await expect(step, `step ${i + 1}`).toHaveAttribute('data-done', 'true', { timeout: 90_000 });
  }
  await expect(page.getByTestId('lesson-finished')).toBeVisible();
  await expect(page.getByTestId('lesson-progress')).toHaveText(`${count} of ${count} steps done`);
}

test('a new learner walks lesson 3 (images and containers), each check turning green from real state', async ({ page }) => {
  await walk(page, '03-images-and-containers');
  // The picker marks the lesson done, and the next one is a click away.
  await expect(page.getByTestId('lesson-select').locator('option:checked')).toHaveText('3. Images and containers ✓');
  await page.getByTestId('next-lesson').click();
  await expect(page.getByRole('heading', { level: 2, name: '4. Attached, detached and interactive' })).toBeVisible();
});

test('a new learner walks lesson 7 (volumes and bind mounts); progress survives a reload', async ({ page }) => {
  await walk(page, '07-volumes-and-bind-mounts');
  await expect(page.getByTestId('save-state')).toContainText(/^\s*Saved/);
  await page.reload();
  await expect(page.getByTestId('lesson-progress')).toHaveText(/^(\d+) of \1 steps done$/);
});
