// Real apps' starts, in the real guest under Node: new python:3.11-slim containers importing
// http.server (first, second, third after the pull) beside the warm floor measured in the same
// guest (the same command in an already running container), for the large images on the layer
// disk and, as the same-run baseline, on the 9p share; then, on the disk, `node -e
// "require('http')"` in a new node:18 container and a Flask and an Express hello from
// `docker run -d -p` to the first HTTP answer. Prints medians; record them in bench/RESULTS.md.
// Then the same python starts in headless Chromium (the built site, dist/), with the disk and
// with the disk's manifest answered 404 (the 9p path), counting the bytes the server sent.
//   npx tsx bench/apps.ts          (after `npx vite build`; BENCH_RUNS=n repeats the cycles;
//                                   BENCH_ONLY=node or BENCH_ONLY=chromium runs one half)
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { chromium, type Page } from 'playwright-core';
import { attachEngine, bootGuest } from '../tools/node-host';
import { repoRoot } from '../tools/guest-manifest';
import { serveStatic } from './static-server';
import type { GuestMachine } from '../web/src/engine/guest/guest-machine';

const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const ONLY = process.env.BENCH_ONLY ?? '';
const inNode = ONLY !== 'chromium';
const inChromium = ONLY !== 'node';
const decoder = new TextDecoder();
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function sh(guest: GuestMachine, command: string, timeoutMs = 900_000): Promise<string> {
  const r = await guest.agent.exec(['sh', '-c', command], { timeoutMs, cwd: '/root' });
  if (r.exitCode !== 0) throw new Error(`${command}: exit ${r.exitCode}: ${decoder.decode(r.stderr)}`);
  return decoder.decode(r.stdout);
}
async function timed(guest: GuestMachine, command: string): Promise<number> {
  const started = performance.now();
  await sh(guest, command);
  return performance.now() - started;
}
/** From `docker run -d -p` to the first HTTP answer, polled from the lab machine every 100 ms. */
async function toFirstAnswer(guest: GuestMachine, run: string, port: number): Promise<number> {
  const started = performance.now();
  await sh(guest, run);
  await sh(guest, `until wget -q -O /dev/null http://127.0.0.1:${port}/ 2>/dev/null; do sleep 0.1; done`, 120_000);
  return performance.now() - started;
}

const IMPORT = 'docker run --rm python:3.11-slim python3 -c "import http.server"';

interface PythonRow {
  boot: number;
  runs: number[];
  floor: number;
  chunks: number;
  bytes: number;
}

async function pythonStarts(withoutLayerDisk: boolean): Promise<PythonRow> {
  const started = performance.now();
  const guest = await bootGuest({ withoutLayerDisk }, (machine) => attachEngine(machine));
  const boot = performance.now() - started;
  try {
    await sh(guest, 'docker pull -q python:3.11-slim');
    const runs = [await timed(guest, IMPORT), await timed(guest, IMPORT), await timed(guest, IMPORT)];
    // The floor: the same import in a running container, once the CPU's caches are warm.
    await sh(guest, 'docker run -d --name warm python:3.11-slim sleep infinity');
    const warm: number[] = [];
    for (let i = 0; i < 4; i++) warm.push(await timed(guest, 'docker exec warm python3 -c "import http.server"'));
    const disk = guest.layerDisk?.fetched ?? { chunks: 0, bytes: 0 };
    return { boot, runs, floor: median(warm.slice(1)), chunks: disk.chunks, bytes: disk.bytes };
  } finally {
    await guest.destroy();
  }
}

async function appStarts(): Promise<string[][]> {
  const guest = await bootGuest({}, (machine) => attachEngine(machine));
  try {
    await sh(guest, 'docker pull -q python:3.11-slim && docker pull -q node:18');
    const nodeRequire = await timed(guest, `docker run --rm node:18 node -e "require('http')"`);
    const nodeAgain = await timed(guest, `docker run --rm node:18 node -e "require('http')"`);
    await sh(guest, `mkdir -p flask express && cd flask && printf 'from flask import Flask\\napp = Flask(__name__)\\n@app.route("/")\\ndef hello():\\n    return "Hello, World!"\\nif __name__ == "__main__":\\n    app.run(host="0.0.0.0", port=5000)\\n' > app.py && printf 'FROM python:3.11-slim\\nWORKDIR /app\\nRUN pip install flask\\nCOPY app.py .\\nCMD ["python", "app.py"]\\n' > Dockerfile && docker build -q -t flaskhello .`);
    await sh(guest, `cd express && printf 'const express = require("express");\\nconst app = express();\\napp.get("/", (req, res) => res.send("Hello World!"));\\napp.listen(3000);\\n' > app.js && printf 'FROM node:18\\nWORKDIR /app\\nRUN npm install express\\nCOPY app.js .\\nCMD ["node", "app.js"]\\n' > Dockerfile && docker build -q -t expresshello .`);
    const flask = await toFirstAnswer(guest, 'docker run -d --name flask -p 5000:5000 flaskhello', 5000);
    const express = await toFirstAnswer(guest, 'docker run -d --name express -p 3000:3000 expresshello', 3000);
    return [
      [`new node:18 container, node -e "require('http')", first / second`, `${seconds(nodeRequire)} / ${seconds(nodeAgain)}`],
      ['Flask hello (app.run), docker run -d -p to the first HTTP answer', seconds(flask)],
      ['Express hello, docker run -d -p to the first HTTP answer', seconds(express)],
    ];
  } finally {
    await guest.destroy();
  }
}

/** One command typed at the page's prompt, timed by the guest's own `time`. */
let typed = 0;
async function timedInPage(page: Page, command: string): Promise<number> {
  // The end mark is typed split in two, so that only the output (not the echoed line) matches.
  const mark = `end-of-${++typed}`;
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(`clear; time ${command}; echo "end-of-""${typed}"`, { delay: 2 });
  await page.keyboard.press('Enter');
  const rows = page.locator('.xterm-rows');
  for (let i = 0; i < 3000; i++) {
    const text = await rows.innerText();
    const at = text.search(new RegExp(`^${mark}\\b`, 'm'));
    if (at >= 0) {
      const reals = [...text.slice(0, at).matchAll(/real\s+(\d+)m\s*([\d.]+)s/g)];
      const real = reals.at(-1);
      if (!real) throw new Error(`${command}: no time in the page's output`);
      return (Number(real[1]) * 60 + Number(real[2])) * 1000;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`${command} did not finish in the page`);
}

interface PageRow {
  runs: number[];
  requests: number;
  bytes: number;
}

async function pythonInChromium(withoutLayerDisk: boolean): Promise<PageRow> {
  const server = await serveStatic(join(repoRoot, 'dist'));
  const chrome = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    // No service worker: its install would fetch the whole site beside the measurement.
    const context = await chrome.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    if (withoutLayerDisk) await page.route('**/registry/disk/layers.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(server.url);
    await page.waitForFunction(() => performance.getEntriesByName('drydock:ready').length > 0, null, { timeout: 120_000 });
    await timedInPage(page, 'docker pull -q python:3.11-slim');
    server.reset();
    let requests = 0;
    page.on('request', (r) => (r.url().includes('/registry/disk/chunks/') || r.url().includes('/registry/lazy/files/')) && requests++);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await timedInPage(page, IMPORT));
    return { runs, requests, bytes: server.bytesSent() };
  } finally {
    await chrome.close();
    await server.close();
  }
}

const nineP: PythonRow[] = [];
const disk: PythonRow[] = [];
for (let i = 0; i < RUNS && inNode; i++) {
  nineP.push(await pythonStarts(true));
  disk.push(await pythonStarts(false));
}
const apps = inNode ? await appStarts() : [];
const pageDisk: PageRow[] = [];
const page9p: PageRow[] = [];
for (let i = 0; i < RUNS && inChromium; i++) {
  page9p.push(await pythonInChromium(true));
  pageDisk.push(await pythonInChromium(false));
}
const m = (rows: PythonRow[], pick: (r: PythonRow) => number) => median(rows.map(pick));
const pair = (pick: (r: PythonRow) => number) => {
  const a = m(disk, pick);
  const b = m(nineP, pick);
  return `${seconds(a)} | ${seconds(b)} | ${(a / b).toFixed(2)}`;
};
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; guest 128 MiB; medians of ${RUNS}`);
console.log('| figure | layer disk | 9p (baseline) | disk / 9p |');
if (inNode) {
  console.log(`| boot to the first prompt | ${pair((r) => r.boot)} |`);
  for (const [k, name] of ['first', 'second', 'third'].entries()) {
    console.log(`| ${name} new container after the pull, python3 -c "import http.server" | ${pair((r) => r.runs[k]!)} |`);
  }
  console.log(`| the warm floor: the same in a running container | ${pair((r) => r.floor)} |`);
  for (const [k, name] of ['first', 'second'].entries()) {
    const ratio = (rows: PythonRow[]) => `${((m(rows, (r) => r.runs[k]!) / m(rows, (r) => r.floor)) * 100).toFixed(0)} %`;
    console.log(`| ${name} new container as a share of the floor | ${ratio(disk)} | ${ratio(nineP)} | |`);
  }
  console.log(`| disk chunks read, compressed bytes | ${m(disk, (r) => r.chunks)} chunks, ${(m(disk, (r) => r.bytes) / 2 ** 20).toFixed(1)} MiB | | |`);
}
for (const [what, value] of apps) console.log(`| ${what} | ${value} | | |`);
const mp = (rows: PageRow[], pick: (r: PageRow) => number) => median(rows.map(pick));
if (inChromium) {
  for (const [k, name] of ['first', 'second', 'third'].entries()) {
    const a = mp(pageDisk, (r) => r.runs[k]!);
    const b = mp(page9p, (r) => r.runs[k]!);
    console.log(`| Chromium: ${name} new container, python3 -c "import http.server" | ${seconds(a)} | ${seconds(b)} | ${(a / b).toFixed(2)} |`);
  }
  console.log(`| Chromium: requests for layer contents (chunks / files) and bytes sent, the three runs | ${mp(pageDisk, (r) => r.requests)}, ${(mp(pageDisk, (r) => r.bytes) / 2 ** 20).toFixed(1)} MiB | ${mp(page9p, (r) => r.requests)}, ${(mp(page9p, (r) => r.bytes) / 2 ** 20).toFixed(1)} MiB | |`);
}
process.exit(0);
