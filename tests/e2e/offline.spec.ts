import { expect, test } from '@playwright/test';

// The built site keeps itself for offline use: after one visit, the lab opens and runs
// containers with the network gone (the server unreachable), from the service worker's cache.
test('after a first visit, the lab opens and runs a container offline', async ({ page, context }) => {
  await page.goto('/?lessons=0');
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  // The offline worker has installed (its cache filled) once it controls the page.
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 60_000 }).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('docker run --rm busybox echo "offline-$((6*7))"', { delay: 2 });
  await page.keyboard.press('Enter');
  await expect(page.locator('.xterm-rows')).toContainText('offline-42', { timeout: 60_000 });
  // A page that was never opened is not there offline: the cache holds what the app needs.
  expect(await page.evaluate(() => fetch('does-not-exist.txt').then((r) => r.status, () => 'failed'))).toBe('failed');
});
