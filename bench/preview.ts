// The preview in headless Chromium: one HTTP request from inside the preview frame (page →
// service worker → BroadcastChannel → page → lab worker → guest → nginx on -p 8080:80 and
// back), timed with fetch() in the frame. Needs `vite build` first (bench/run.sh does it).
//   npx tsx bench/preview.ts
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from '../tools/guest-manifest';
import { serveStatic } from './static-server';

const server = await serveStatic(join(repoRoot, 'dist'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(server.url);
await page.waitForFunction(() => performance.getEntriesByName('drydock:ready').length > 0, null, { timeout: 90_000 });
await page.locator('.xterm-helper-textarea').focus();
await page.keyboard.type('docker run -d -p 8080:80 nginx && until wget -qO- localhost:8080 >/dev/null 2>&1; do sleep 0.2; done; echo nginx-up\n', { delay: 2 });
await page.locator('.xterm-rows').getByText('nginx-up', { exact: true }).waitFor({ timeout: 60_000 });
await page.getByTestId('preview-toggle').click();
await page.getByTestId('preview-port').fill('8080');
await page.getByRole('button', { name: 'Open', exact: true }).click();
const frame = page.frameLocator('[data-testid="preview-frame"]');
await frame.locator('h1').waitFor({ timeout: 60_000 });
const times: number[] = await frame.locator('body').evaluate(async () => {
  const out: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    const r = await fetch(location.href, { cache: 'no-store' });
    await r.text();
    out.push(performance.now() - started);
  }
  return out;
});
await browser.close();
await server.close();
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; headless Chromium`);
console.log(`| HTTP GET / from the preview frame to nginx on -p 8080:80 (service worker → page → lab worker → guest), median of 15 | ${median.toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}) |`);
process.exit(0);
