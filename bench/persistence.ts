// Persistence benchmark (issue 6): navigation -> prompt when the lab resumes from its snapshot
// in headless Chromium (fresh lab, and a lab running nginx), what saves write to IndexedDB, and
// push/pull of a 10 MB image (Node, real guest).
//   npx tsx bench/persistence.ts       (after `npx vite build`; bench/run.sh does both)
// Prints medians and writes bench/out/persistence.json. Record them in bench/RESULTS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { attachEngine, bootGuest } from '../tools/node-host';
import { repoRoot } from '../tools/guest-manifest';
import { serveStatic } from './static-server';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const stageLog: string[] = [];

async function readyAt(page: Page): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('drydock:ready').length > 0, null, { timeout: 120_000 });
  stageLog.push(await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name.replace('drydock:', '')}@${Math.round(m.startTime)}`).join(' ')));
  return page.evaluate(() => performance.getEntriesByName('drydock:ready')[0]!.startTime);
}

async function savedAfter(page: Page, since: number): Promise<{ written: number; stored: number }> {
  const state = page.getByTestId('save-state');
  for (let i = 0; i < 600; i++) {
    if (Number((await state.getAttribute('data-saved-at').catch(() => '0')) ?? 0) > since) {
      return { written: Number(await state.getAttribute('data-bytes-written')), stored: Number(await state.getAttribute('data-bytes-stored')) };
    }
    await page.waitForTimeout(100);
  }
  throw new Error('the lab was not saved');
}

async function typeLine(page: Page, line: string) {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 2 });
  await page.keyboard.press('Enter');
}

async function browser() {
  const server = await serveStatic(join(repoRoot, 'dist'));
  const chrome = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await chrome.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    const coldMs = await readyAt(page);
    const firstSave = await savedAfter(page, 0);
    const fresh: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.reload();
      fresh.push(await readyAt(page));
    }
    const before = Date.now();
    await typeLine(page, 'docker run -d --name web -p 8080:80 nginx');
    const busySave = await savedAfter(page, before + 500);
    const idle = Date.now();
    await typeLine(page, 'true');
    const idleSave = await savedAfter(page, idle);
    const busy: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.reload();
      busy.push(await readyAt(page));
    }
    await context.close();
    return { coldMs, firstSave, busySave, idleSave, fresh, busy };
  } finally {
    await chrome.close();
    await server.close();
  }
}

async function pushPull() {
  const guest = await bootGuest({}, (m) => attachEngine(m));
  const sh = async (script: string) => {
    const t = performance.now();
    const r = await guest.agent.exec(['sh', '-c', script], { timeoutMs: 300_000 });
    if (r.exitCode !== 0) throw new Error(`${script}: ${new TextDecoder().decode(r.stderr)}`);
    return performance.now() - t;
  };
  await sh('mkdir -p /root/big && cd /root/big && printf "FROM busybox\\nRUN head -c 10485760 /dev/urandom > /blob\\n" > Dockerfile && docker build -q -t alice/big:1 . && docker login -u alice -p benchpass 2>/dev/null');
  const push = await sh('docker push alice/big:1 >/dev/null');
  await sh('docker rmi alice/big:1 >/dev/null');
  const pull = await sh('docker pull alice/big:1 >/dev/null');
  await guest.destroy();
  return { pushMs: push, pullMs: pull };
}

const chrome = await browser();
const registry = await pushPull();
const summary = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  runs: RUNS,
  chromium: chrome,
  stages: stageLog,
  registry,
};
mkdirSync(join(repoRoot, 'bench', 'out'), { recursive: true });
writeFileSync(join(repoRoot, 'bench', 'out', 'persistence.json'), JSON.stringify(summary, null, 2));
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
console.log(`machine: ${summary.machine}`);
console.log(`| Chromium: navigation -> prompt, first visit (boot) | ${s(chrome.coldMs)} |`);
console.log(`| Chromium: navigation -> prompt, resumed from the snapshot (fresh lab) | ${s(median(chrome.fresh))} |`);
console.log(`| Chromium: navigation -> prompt, resumed (nginx pulled and running) | ${s(median(chrome.busy))} |`);
console.log(`| IndexedDB: first save (booted machine) written / stored | ${mb(chrome.firstSave.written)} / ${mb(chrome.firstSave.stored)} |`);
console.log(`| IndexedDB: save after docker run nginx, written / stored | ${mb(chrome.busySave.written)} / ${mb(chrome.busySave.stored)} |`);
console.log(`| IndexedDB: save after a command that changed nothing, written | ${mb(chrome.idleSave.written)} |`);
console.log(`| Node: docker push of a 10 MB image (one new layer) | ${s(registry.pushMs)} |`);
console.log(`| Node: docker pull of it back after rmi | ${s(registry.pullMs)} |`);
console.log(`(medians of ${RUNS} reloads; samples in bench/out/persistence.json)`);
