import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.locator('.xterm-rows');

async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 2 });
  await page.keyboard.press('Enter');
}

test('a learner writes a Dockerfile in the editor, saves it into the machine, and builds it', async ({ page }) => {
  await page.goto('/?lessons=0');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await typeLine(page, 'mkdir -p ~/web && echo "<p>from the terminal</p>" > ~/web/index.html && echo made-web');
  await expect(rows(page)).toContainText('made-webroot@drydock');

  await page.getByTestId('editor-toggle').click();
  await page.getByTestId('editor-path').fill('~/web/Dockerfile');
  await page.getByTestId('editor-path').press('Enter');
  await expect(page.getByTestId('editor-message')).toHaveText('/root/web/Dockerfile is new: Save creates it.');
  // The directory's files, as the machine has them.
  await expect(page.getByRole('button', { name: 'index.html' })).toBeVisible();

  const editor = page.locator('.cm-content');
  await editor.click();
  // CodeMirror indents and closes brackets as one types: type line by line, from the line start.
  for (const line of ['FROM busybox', 'COPY index.html /www/', 'CMD ["cat", "/www/index.html"]']) {
    await page.keyboard.press('Home');
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await expect(page.getByTestId('editor-save')).toHaveText('Save •');
  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('editor-message')).toHaveText('Saved /root/web/Dockerfile in the lab machine.');
  await expect(page.getByTestId('editor-save')).toHaveText('Save');

  await typeLine(page, 'docker build -q -t from-editor ~/web && docker run --rm from-editor');
  await expect(rows(page)).toContainText('<p>from the terminal</p>root@drydock', { timeout: 60_000 });

  // A file changed in the terminal opens as it is now.
  await page.getByRole('button', { name: 'index.html' }).click();
  await expect(page.locator('.cm-content')).toHaveText('<p>from the terminal</p>');
});
