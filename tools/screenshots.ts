// Screenshots of each pane for docs/screenshots/ (reviewed by a person before they are
// committed): builds nothing; run after `npx vite build`.  npx tsx tools/screenshots.ts
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { repoRoot } from './guest-manifest';
import { serveStatic } from '../bench/static-server';

const out = join(repoRoot, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const server = await serveStatic(join(repoRoot, 'dist'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });

async function type(page: Page, line: string, wait: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(`${line}; echo ${wait}-$((1+1))`, { delay: 2 });
  await page.keyboard.press('Enter');
  await page.locator('.xterm-rows', { hasText: `${wait}-2` }).waitFor({ timeout: 120_000 });
}

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  await page.goto(`${server.url}?lesson=03-images-and-containers`);
  await page.locator('[data-stage="ready"]').waitFor({ timeout: 120_000 });
  await page.getByTestId('run-command').first().click();
  await page.locator('[data-testid="lesson-step"][data-done="true"]').first().waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(out, 'lesson-and-terminal.png') });

  await type(page, "mkdir -p shot && cd shot && printf 'FROM busybox\\nRUN echo hi > /hi\\n' > Dockerfile && docker build -q -t shot:1 . && cd .. && docker run -d --name web -p 8080:80 -v site:/usr/share/nginx/html nginx && docker network create backend >/dev/null", 'ready');
  for (const [panel, file] of [['objects-toggle', 'objects.png'], ['api-toggle', 'api-log.png'], ['images-toggle', 'images.png'], ['editor-toggle', 'editor.png'], ['preview-toggle', 'preview.png']] as const) {
    await page.getByTestId(panel).click();
    if (panel === 'editor-toggle') {
      await page.getByTestId('editor-path').fill('~/shot/Dockerfile');
      await page.getByTestId('editor-path').press('Enter');
      await page.getByTestId('editor-message').filter({ hasText: 'Opened' }).waitFor({ timeout: 30_000 });
    }
    if (panel === 'preview-toggle') {
      await page.getByTestId('preview-published').first().click();
      await page.frameLocator('[data-testid="preview-frame"]').locator('h1').waitFor({ timeout: 60_000 });
    }
    await page.waitForTimeout(2500);
    await page.screenshot({ path: join(out, file) });
  }
  // The light theme, chosen in Settings.
  await page.getByTestId('editor-toggle').click();
  await page.getByText('Settings').click();
  await page.getByTestId('theme-select').selectOption('light');
  await page.screenshot({ path: join(out, 'light-theme-settings.png') });
  await page.getByTestId('theme-select').selectOption('dark');
  await page.getByText('Settings').click();
  // Wide: the lesson and the Objects panel beside a terminal of at least 80 columns.
  await page.getByTestId('objects-toggle').click();
  await type(page, 'clear; docker ps -a', 'wide');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(out, 'wide-terminal.png') });
  // The quiet start, with the boot log opened.
  const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  await fresh.goto(`${server.url}?lesson=99`);
  await fresh.locator('[data-stage="ready"]').waitFor({ timeout: 120_000 });
  await fresh.screenshot({ path: join(out, 'unknown-lesson.png') });
  await fresh.getByTestId('boot-log-toggle').click();
  await fresh.screenshot({ path: join(out, 'quiet-start-boot-log.png') });
  // Lesson 4's detach step, done only once the learner is out of the container.
  await fresh.goto(`${server.url}?lesson=04&step=6`);
  await fresh.locator('[data-stage="ready"]').waitFor({ timeout: 120_000 });
  const step = fresh.getByTestId('lesson-step').nth(5);
  await step.getByTestId('run-command').first().click();
  await fresh.locator('.xterm-rows', { hasText: '/ #' }).waitFor({ timeout: 60_000 });
  await step.getByRole('button', { name: /^Press/ }).click();
  await fresh.locator('[data-testid="lesson-step"][data-done="true"]').nth(5).waitFor({ timeout: 30_000 });
  await fresh.screenshot({ path: join(out, 'lesson-4-detached.png') });
  await fresh.close();
  // A phone (touch): one pane at a time, the key row under the terminal.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
  await phone.goto(`${server.url}?lesson=3`);
  await phone.locator('[data-stage="ready"]').waitFor({ timeout: 120_000 });
  await phone.screenshot({ path: join(out, 'phone.png') });
  await phone.getByTestId('tab-terminal').click();
  await type(phone, 'docker ps', 'phone');
  await phone.screenshot({ path: join(out, 'phone-terminal.png') });
  await phone.getByTestId('menu-toggle').click();
  await phone.screenshot({ path: join(out, 'phone-menu.png') });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
}
