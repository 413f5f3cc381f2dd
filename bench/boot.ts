// Boot benchmark: time to the first shell prompt, in Node (V86 created -> prompt) and in
// headless Chromium (navigation -> prompt, cold cache), plus bytes downloaded before it.
//   npm run bench            (builds the site first)
// Prints medians and writes bench/out/boot.json. Record them in bench/RESULTS.md by hand,
// with the machine they came from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { GuestMachine } from '../web/src/engine/guest/guest-machine';
import { loadGuestAssets, withTimeout } from '../tools/node-host';
import { repoRoot } from '../tools/guest-manifest';
import { serveStatic } from './static-server';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function nodeBoot(): Promise<{ helloMs: number; promptMs: number }> {
  const assets = await loadGuestAssets();
  const started = performance.now();
  let helloMs = 0;
  const machine = new GuestMachine(assets);
  void machine.agent.ready.then(() => (helloMs = performance.now() - started));
  await withTimeout(machine.ready, 60_000, 'no prompt within 60 s');
  const promptMs = performance.now() - started;
  await machine.destroy();
  return { helloMs, promptMs };
}

async function browserBoot(): Promise<Array<{ promptMs: number; bytes: number }>> {
  const server = await serveStatic(join(repoRoot, 'dist'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const results = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext(); // a fresh context: an empty HTTP cache
      const page = await context.newPage();
      server.reset();
      await page.goto(server.url + (process.env.BENCH_QUERY ?? ''));
      await page.waitForFunction(() => performance.getEntriesByName('drydock:ready').length > 0, null, { timeout: 60_000 });
      const promptMs = await page.evaluate(() => performance.getEntriesByName('drydock:ready')[0]!.startTime);
      const stages = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name.replace('drydock:', ''), Math.round(m.startTime)])),
      );
      results.push({ promptMs, bytes: server.bytesSent(), stages });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

const only = process.env.BENCH_ONLY;
const node = [];
for (let i = 0; i < (only === 'chromium' ? 0 : RUNS); i++) node.push(await nodeBoot());
const browser = await browserBoot();
const summary = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  runs: RUNS,
  node: { helloMedianMs: median(node.map((r) => r.helloMs)), promptMedianMs: median(node.map((r) => r.promptMs)), samples: node },
  chromium: {
    promptMedianMs: median(browser.map((r) => r.promptMs)),
    bytesMedian: median(browser.map((r) => r.bytes)),
    samples: browser,
  },
};
mkdirSync(join(repoRoot, 'bench', 'out'), { recursive: true });
writeFileSync(join(repoRoot, 'bench', 'out', 'boot.json'), JSON.stringify(summary, null, 2));
console.log(`machine: ${summary.machine}`);
console.log(`| Node: V86 created -> agent hello | ${(summary.node.helloMedianMs / 1000).toFixed(2)} s |`);
console.log(`| Node: V86 created -> first prompt | ${(summary.node.promptMedianMs / 1000).toFixed(2)} s |`);
console.log(`| Chromium: navigation -> first prompt (cold cache) | ${(summary.chromium.promptMedianMs / 1000).toFixed(2)} s |`);
console.log(`| Chromium: bytes downloaded before the prompt | ${(summary.chromium.bytesMedian / 1e6).toFixed(2)} MB |`);
console.log(`(medians of ${RUNS} runs; samples in bench/out/boot.json)`);
