import { expect, test, type Page } from '@playwright/test';

const rows = (page: Page) => page.locator('.xterm-rows');

async function waitForLab(page: Page) {
  await expect(page.getByTestId('lab-state')).toHaveAttribute('data-stage', 'ready', { timeout: 90_000 });
}

/** Types a line into the terminal the way a learner does: focus, keys, Enter. */
async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

test('a learner opens the page and runs a command in a real i686 shell', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('boot-progress')).toBeVisible();
  await waitForLab(page);
  await expect(rows(page)).toContainText('root@drydock:~#');
  await typeLine(page, 'uname -m');
  // `i686` alone on a line: the command's output, not its echo.
  await expect(rows(page).locator('div', { hasText: /^i686\s*$/ })).toHaveCount(1);
});

test('Ctrl-C interrupts a running command and the shell reports 130', async ({ page }) => {
  await page.goto('/');
  await waitForLab(page);
  // The command says when it runs (a ^C typed before the shell has forked it reaches the shell
  // instead, as on any machine); "running" alone on a line is its output, not the echo.
  await typeLine(page, `sh -c 'echo run""ning; exec sleep 600'`);
  await expect(rows(page).locator('div', { hasText: /^running\s*$/ })).toHaveCount(1, { timeout: 60_000 });
  await page.keyboard.press('Control+C');
  await typeLine(page, 'echo "status=$?"');
  await expect(rows(page)).toContainText('status=130');
});

test('the guest tty follows the terminal size', async ({ page }) => {
  await page.setViewportSize({ width: 1000, height: 700 });
  await page.goto('/');
  await waitForLab(page);
  const size = async () => {
    const el = page.getByTestId('terminal');
    return `${await el.getAttribute('data-rows')} ${await el.getAttribute('data-cols')}`;
  };
  const before = await size();
  await typeLine(page, 'echo "size=$(stty size)"');
  await expect(rows(page)).toContainText(`size=${before}`);
  await page.setViewportSize({ width: 700, height: 500 });
  await expect.poll(size).not.toBe(before);
  const after = await size();
  await typeLine(page, 'clear; echo "size=$(stty size)"');
  await expect(rows(page)).toContainText(`size=${after}`);
});

test('a guest that dies is reported, and Restart brings a fresh machine that keeps the images', async ({ page }) => {
  await page.goto('/');
  await waitForLab(page);
  await typeLine(page, 'docker pull busybox');
  await expect(rows(page)).toContainText('Status: Downloaded newer image for busybox:latest', { timeout: 30_000 });
  await typeLine(page, 'echo c > /proc/sysrq-trigger');
  const banner = page.getByTestId('crash-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Kernel panic');
  // The page is still alive and answering while the guest is dead.
  const restart = banner.getByRole('button', { name: 'Restart the lab' });
  await expect(restart).toBeFocused();
  await restart.click();
  await waitForLab(page);
  await typeLine(page, 'echo "answer=$((6*7))"');
  await expect(rows(page)).toContainText('answer=42');
  // The engine outlived the guest: the image pulled before the crash is still there, and runs.
  await typeLine(page, 'clear; docker images -q busybox | grep -c . && docker run --rm busybox echo "ran $((1+1))"');
  await expect(rows(page).locator('div', { hasText: /^1\s*$/ })).toHaveCount(1, { timeout: 30_000 });
  await expect(rows(page)).toContainText('ran 2', { timeout: 30_000 });
  await expect(rows(page)).not.toContainText('Unable to find image');
});

test('docker run hello-world in the page: the image is pulled and a real container runs', async ({ page }) => {
  await page.goto('/');
  await waitForLab(page);
  await typeLine(page, 'docker run hello-world');
  await expect(rows(page)).toContainText('Pull complete', { timeout: 60_000 });
  await expect(rows(page)).toContainText('Hello from Drydock!');
  await typeLine(page, 'docker ps -a --no-trunc | grep -c hello-world');
  await expect(rows(page).locator('div', { hasText: /^1\s*$/ })).toHaveCount(1);
});

test('docker run -it busybox sh: a shell inside the container, and exit returns', async ({ page }) => {
  await page.goto('/');
  await waitForLab(page);
  await typeLine(page, 'docker run -it busybox sh');
  await expect(rows(page)).toContainText('/ # ', { timeout: 60_000 });
  await typeLine(page, 'echo "pid=$$ procs=$(ps -o pid | wc -l)"');
  // PID 1 inside; only this shell and the pipeline are there (ps header included).
  await expect(rows(page)).toContainText(/pid=1 procs=[3-5]/);
  await typeLine(page, 'exit 7');
  // Back at the host prompt (keys typed before it returns would go to the exiting client).
  await expect(rows(page)).toContainText(/exit 7\s*root@drydock:~#/);
  await typeLine(page, 'echo "back with $?"');
  await expect(rows(page)).toContainText('back with 7');
});

test('a learner writes a Dockerfile in the terminal, builds it, runs it, and rebuilds from cache', async ({ page }) => {
  await page.goto('/');
  await waitForLab(page);
  await typeLine(page, 'mkdir myapp && cd myapp && echo "echo hi from myapp" > app.sh');
  await typeLine(page, "printf 'FROM busybox\\nCOPY app.sh /\\nRUN echo building\\nCMD [\"sh\", \"/app.sh\"]\\n' > Dockerfile");
  await typeLine(page, 'docker build -t myapp .');
  await expect(rows(page)).toContainText('naming to docker.io/library/myapp:latest done', { timeout: 60_000 });
  await expect(rows(page)).toContainText(/\[3\/3\] RUN echo building/);
  await typeLine(page, 'clear; docker run --rm myapp');
  await expect(rows(page)).toContainText('hi from myapp', { timeout: 30_000 });
  await typeLine(page, 'clear; docker build -t myapp . 2>&1 | grep -c CACHED');
  // FROM, COPY and RUN all come from the cache.
  await expect(rows(page).locator('div', { hasText: /^3\s*$/ })).toHaveCount(1, { timeout: 30_000 });
});

test('python:3-slim runs in the page, its layer disk fetched in chunks as Python reads it', async ({ page }) => {
  await page.goto('/');
  await waitForLab(page);
  const chunks: string[] = [];
  const files: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/registry/disk/chunks/')) chunks.push(request.url());
    if (request.url().includes('/registry/lazy/files/')) files.push(request.url());
  });
  await typeLine(page, 'docker run --rm python:3-slim python3 -c "print(6 * 7, \'from Python\')"');
  await expect(rows(page)).toContainText('42 from Python', { timeout: 120_000 });
  // Only the chunks Python read came over the wire, not the whole disk (4,000+), and no file
  // came over 9p: the layers are the disk's.
  expect(chunks.length).toBeGreaterThan(5);
  expect(chunks.length).toBeLessThan(600);
  expect(files).toEqual([]);
});
