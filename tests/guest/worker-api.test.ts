// The page's API to the lab (engine/api.ts), served by the same LabService the browser worker
// runs, over a real comlink MessageChannel, with the real guest behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import type { LabStatus, LabWorkerApi } from '../../web/src/engine/api';
import { LabService } from '../../web/src/worker/lab-service';
import { FsRegistrySource, loadGuestAssets } from '../../tools/node-host';

const statuses: LabStatus[] = [];
let consoleText = '';
let remote: Comlink.Remote<LabWorkerApi>;
let channel: MessageChannel;

beforeAll(async () => {
  channel = new MessageChannel();
  Comlink.expose(new LabService(() => loadGuestAssets(), () => new FsRegistrySource()), nodeEndpoint(channel.port1));
  remote = Comlink.wrap<LabWorkerApi>(nodeEndpoint(channel.port2));
  const decoder = new TextDecoder();
  await remote.boot(
    { guestBaseUrl: 'unused-in-node', registryBaseUrl: 'unused-in-node' },
    Comlink.proxy({
      console: (bytes: Uint8Array) => (consoleText += decoder.decode(bytes, { stream: true })),
      status: (status: LabStatus) => statuses.push(status),
      saved: () => {},
      api: () => {},
    }),
  );
});
afterAll(async () => {
  await remote?.shutdown();
  channel?.port1.close();
  channel?.port2.close();
});

describe('lab worker API over comlink (real guest)', () => {
  // Events travel on comlink's proxy channel, so they may land just after boot() resolves.
  it('reports the boot stages in order, ending ready', async () => {
    const stages = () => statuses.map((s) => s.stage).filter((s, i, all) => s !== all[i - 1]);
    await expect.poll(stages).toEqual(['downloading', 'starting', 'firmware', 'kernel', 'userland', 'ready']);
    expect(statuses.at(-1)!.atMs).toBeGreaterThan(0);
  });

  it('streams the console: the kernel banner and the prompt', async () => {
    expect(consoleText).toContain('Linux version 6.1');
    await expect.poll(() => consoleText).toContain('root@drydock:~# ');
  });

  it('runs commands for the page outside the learner shell', async () => {
    const r = await remote.exec(['sh', '-c', 'uname -m; echo oops >&2; exit 3']);
    expect(r).toMatchObject({ exitCode: 3, stdout: 'i686\n', stderr: 'oops\n', timedOut: false });
  });

  it('types into the console and resizes the terminal', async () => {
    await remote.resizeConsole(90, 33);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await remote.writeConsole('echo "size=$(stty size)"\n');
    await expect.poll(() => consoleText, { timeout: 10_000 }).toContain('size=33 90');
  });

  it('refuses a second boot of a running lab', async () => {
    await expect(remote.boot({ guestBaseUrl: 'x', registryBaseUrl: 'x' }, Comlink.proxy({ console() {}, status() {}, saved() {}, api() {} }))).rejects.toThrow('already running');
  });
});
