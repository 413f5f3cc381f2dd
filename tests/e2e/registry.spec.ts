import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.locator('.xterm-rows');

async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

async function run(page: Page, line: string, marker: string) {
  await typeLine(page, `clear; ${line}; echo ${marker}-$?`);
  // The output ("marker-0"), not the typed line ("marker-$?") that the terminal echoes first.
  await expect(rows(page)).toContainText(new RegExp(`${marker}-\\d`), { timeout: 90_000 });
}

test('log in, push, rmi, pull back and run; the pushed image survives a reload', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await typeLine(page, 'docker login');
  await expect(rows(page)).toContainText('Username:');
  await typeLine(page, 'alice');
  await expect(rows(page)).toContainText('Password:');
  await typeLine(page, 'correct-horse');
  await expect(rows(page)).toContainText('Login Succeeded');
  await expect(rows(page)).not.toContainText('correct-horse'); // not echoed

  await run(page, `mkdir -p web && cd web && printf 'FROM busybox\\nRUN echo pushed-and-pulled > /m\\nCMD cat /m\\n' > Dockerfile && docker build -q -t alice/web:1.0 . && cd .. && docker push alice/web:1.0`, 'pushed');
  await expect(rows(page)).toContainText('The push refers to repository [docker.io/alice/web]');
  await expect(rows(page)).toContainText(': Pushed');
  await expect(rows(page)).toContainText(/1\.0: digest: sha256:[0-9a-f]{64} size: \d+/);
  await expect(rows(page)).toContainText('pushed-0');

  await run(page, 'docker rmi alice/web:1.0 >/dev/null && docker pull alice/web:1.0 && docker run --rm alice/web:1.0', 'pulled');
  await expect(rows(page)).toContainText('Status: Downloaded newer image for alice/web:1.0');
  await expect(rows(page)).toContainText('pushed-and-pulled');

  // The page says when the lab is saved; a reload before that would ask first.
  await expect(page.getByTestId('save-state')).toContainText(/^\s*Saved/);
  await page.reload();
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await run(page, 'docker rmi alice/web:1.0 >/dev/null && docker search alice && docker run --rm alice/web:1.0', 'again');
  await expect(rows(page)).toContainText('alice/web');
  await expect(rows(page)).toContainText('pushed-and-pulled');
});

test('an image downloads as an archive skopeo reads, and uploads back into the lab', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await run(page, `mkdir -p kit && cd kit && printf 'FROM busybox\\nRUN echo from-the-archive > /m\\nCMD cat /m\\n' > Dockerfile && docker build -q -t kit:1 . && cd ..`, 'built');
  await page.getByTestId('images-toggle').click();
  const item = page.getByTestId('images-panel').locator('li', { hasText: 'kit:1' });
  const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('image-download').click()]);
  expect(download.suggestedFilename()).toBe('kit_1.tar');
  const path = join(mkdtempSync(join(tmpdir(), 'drydock-download-')), 'kit_1.tar');
  await download.saveAs(path);
  const info = JSON.parse(execFileSync('/usr/bin/skopeo', ['inspect', `docker-archive:${path}`], { encoding: 'utf8' }));
  expect(info.Architecture).toBe('386');
  expect(info.Layers.length).toBeGreaterThanOrEqual(2);

  await run(page, 'docker rmi kit:1', 'removed');
  await page.getByTestId('image-upload').setInputFiles(path);
  await expect(page.getByTestId('images-message')).toContainText('Loaded image: kit:1');
  await run(page, 'docker run --rm kit:1', 'ran');
  await expect(rows(page)).toContainText('from-the-archive');
});
