import { expect, test } from '@playwright/test';

const focusedIsTerminal = (page: import('@playwright/test').Page) => page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea') ?? false);

test('keyboard only: leave the terminal with Tab when chosen, reach a Run button, see where the focus is', async ({ page }) => {
  await page.goto('/?lesson=01-why-containers');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await page.locator('.xterm-helper-textarea').focus();
  // By default Tab belongs to the shell (completion): the focus stays.
  await page.keyboard.press('Tab');
  expect(await focusedIsTerminal(page)).toBe(true);

  await page.getByText('Settings').click();
  await page.getByTestId('tab-leaves').check();
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.press('Shift+Tab');
  expect(await focusedIsTerminal(page)).toBe(false);
  // Backwards from the terminal is the lesson: the current step's buttons, outlined.
  await expect(page.getByRole('button', { name: 'Done — next step' })).toBeFocused();
  expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByTestId('run-command').first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.xterm-rows')).toContainText(/uname -r\s*\d+\.\d+\.\d+\s*root@drydock/, { timeout: 30_000 }); // its output, then the prompt
});

test('themes: light on request, kept across a reload; the terminal speaks to screen readers on request', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/?lessons=0');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await expect.poll(background).toBe('rgb(15, 23, 32)'); // as the system: dark
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(background).toBe('rgb(246, 248, 250)'); // as the system: light
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByText('Settings').click();
  await page.getByTestId('theme-select').selectOption('light');
  await expect.poll(background).toBe('rgb(246, 248, 250)');
  await page.getByTestId('screen-reader').check();
  await page.reload();
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await expect.poll(background).toBe('rgb(246, 248, 250)');

  // Screen-reader mode: what the shell prints is also text in xterm's accessibility tree.
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('echo "spoken-$((40+2))"', { delay: 2 });
  await page.keyboard.press('Enter');
  await expect(page.locator('.xterm-accessibility-tree')).toContainText('spoken-42', { timeout: 30_000 });
});
