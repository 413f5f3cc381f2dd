// The learner's page as a new learner meets it: lesson links, a check that waits for what the
// learner must really do, a terminal that stays wide, a quiet start, and a phone layout.
import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.locator('.xterm-rows');
const ready = (page: Page) => expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

test('lesson links name a lesson by its number (leading zeros too) or slug; an unknown one says so', async ({ page }) => {
  await page.goto('/?lesson=07');
  await expect(page.getByRole('heading', { level: 2, name: '7. Volumes and bind mounts' })).toBeVisible();
  await page.goto('/embed.html?lesson=04');
  await expect(page.getByRole('heading', { level: 2, name: '4. Attached, detached and interactive' })).toBeVisible();
  await page.goto('/?lesson=99');
  const unknown = page.getByTestId('lesson-unknown');
  await expect(unknown).toContainText('There is no lesson “99” here');
  await expect(unknown.getByRole('button', { name: '7. Volumes and bind mounts' })).toBeVisible();
  // The picker names no lesson rather than seeming to have opened the first one.
  await expect(page.getByTestId('lesson-select').locator('option:checked')).toHaveText('Choose a lesson');
  await unknown.getByRole('button', { name: '3. Images and containers' }).click();
  await expect(page.getByRole('heading', { level: 2, name: '3. Images and containers' })).toBeVisible();
  await expect(page.getByTestId('lesson-select').locator('option:checked')).toHaveText(/^3\. Images and containers/);
  await page.getByTestId('lesson-select').selectOption({ label: '5. Writing a Dockerfile' });
  await expect(page.getByRole('heading', { level: 2, name: '5. Writing a Dockerfile' })).toBeVisible();
});

test('the machine starts quietly: the welcome and a prompt, the kernel messages one click away', async ({ page }) => {
  await page.goto('/?lessons=0');
  await ready(page);
  await expect(rows(page)).toContainText('Welcome to Drydock');
  await expect(rows(page)).toContainText('root@drydock:~#');
  await expect(rows(page)).not.toContainText('Linux version');
  await expect(rows(page)).not.toContainText('L1TF');
  await page.getByTestId('boot-log-toggle').click();
  await expect(page.getByTestId('boot-log')).toContainText('Linux version');
  // After ^C the prompt starts a line of its own, as after Docker's client in a real terminal.
  await page.getByTestId('boot-log').getByRole('button', { name: 'Close' }).click();
  await typeLine(page, 'docker run -d --name tick busybox sh -c "while true; do echo tick; sleep 1; done"');
  await typeLine(page, 'docker logs -f tick');
  await expect(rows(page)).toContainText('tick');
  await page.keyboard.press('Control+C');
  await expect(rows(page).locator('div', { hasText: /^\s*root@drydock:~#\s*$/ }).last()).toBeVisible();
  await expect(rows(page).locator('div', { hasText: /\^Croot@drydock/ })).toHaveCount(0);
});

test("lesson 4's detach step waits while the learner is attached and turns green after Ctrl-P Ctrl-Q", async ({ page }) => {
  await page.goto('/?lesson=04&step=6');
  await ready(page);
  const step = page.getByTestId('lesson-step').nth(5);
  await expect(step).toContainText('Step out, leave it running');
  await step.getByTestId('run-command').first().click(); // docker run -it --name l4-bg busybox sh
  await expect(rows(page)).toContainText('/ #', { timeout: 60_000 });
  // The container runs and the learner is inside it: the step must not be done yet (its
  // check is evaluated every 3 s and after each API call).
  await page.waitForTimeout(4000);
  await expect(step).toHaveAttribute('data-done', 'false');
  await step.getByRole('button', { name: /^Press in the terminal: Ctrl-P Ctrl-Q/ }).click();
  await expect(step).toHaveAttribute('data-done', 'true', { timeout: 30_000 });
  await typeLine(page, 'docker rm -f l4-bg');
});

test('at 1440×900 with the lesson and the Objects panel open, the terminal keeps 80 columns', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/?lesson=3');
  await ready(page);
  await page.getByTestId('objects-toggle').click();
  await expect(page.getByTestId('lesson-panel')).toBeVisible();
  await page.waitForTimeout(500);
  // (busybox has no tput: stty tells the same size)
  await typeLine(page, 'echo "cols=$(stty size | cut -d" " -f2)"');
  await expect(rows(page)).toContainText(/cols=\d+/);
  const cols = Number(/cols=(\d+)/.exec((await rows(page).textContent()) ?? '')![1]);
  expect(cols).toBeGreaterThanOrEqual(80);
  await typeLine(page, 'docker system df');
  await expect(rows(page)).toContainText('RECLAIMABLE');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('a tab bar switches panes, and the key row sends Ctrl-C to a running command', async ({ page }) => {
    await page.goto('/?lesson=3');
    await ready(page);
    const tabs = page.getByTestId('pane-tabs');
    await expect(page.getByTestId('lesson-panel')).toBeVisible();
    await expect(page.getByTestId('terminal')).toBeHidden();
    await tabs.getByRole('button', { name: 'Objects' }).click();
    await expect(page.getByTestId('lesson-panel')).toBeHidden();
    await tabs.getByRole('button', { name: 'Terminal' }).click();
    await expect(page.getByTestId('terminal')).toBeVisible();
    await expect(page.getByTestId('key-row')).toBeVisible();
    await typeLine(page, 'sleep 600');
    await page.waitForTimeout(500);
    await page.getByTestId('key-row').getByRole('button', { name: 'Ctrl-C', exact: true }).click();
    await typeLine(page, 'echo "status=$?"');
    await expect(rows(page)).toContainText('status=130');
    // The header's controls wait behind the menu.
    await expect(page.getByTestId('reset-lab')).toBeHidden();
    await page.getByTestId('menu-toggle').click();
    await expect(page.getByTestId('reset-lab')).toBeVisible();
  });
});
