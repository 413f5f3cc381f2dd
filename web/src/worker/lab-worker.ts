// The lab worker: hosts the guest (v86) off the page's main thread and serves the typed API of
// engine/api.ts over comlink. It is the browser's host adapter; the engine code is shared
// with Node (tools/node-host.ts).
import * as Comlink from 'comlink';
import wasmUrl from 'v86/build/v86.wasm?url';
import type { BootOptions, ExecRequestOptions, ExecResponse, LabEvents, LabStatus, LabWorkerApi } from '../engine/api';
import { GuestMachine } from '../engine/guest/guest-machine';
import { fetchGuestAssets } from './fetch-assets';

const decoder = new TextDecoder();

class LabWorker implements LabWorkerApi {
  private machine: GuestMachine | null = null;

  async boot(options: BootOptions, events: LabEvents): Promise<void> {
    if (this.machine) throw new Error('the lab is already running');
    const started = performance.now();
    const status = (s: Omit<LabStatus, 'atMs'>) => events.status({ ...s, atMs: performance.now() - started });
    status({ stage: 'downloading', progress: { loaded: 0, total: 0, file: '' } });
    const assets = await fetchGuestAssets(options.guestBaseUrl, wasmUrl, (progress) => status({ stage: 'downloading', progress }));
    status({ stage: 'starting' });
    this.machine = new GuestMachine(assets, {
      ...(options.memoryMiB ? { memoryMiB: options.memoryMiB } : {}),
      onConsoleOutput: (bytes) => events.console(bytes),
      onStage: (stage) => status({ stage }),
      onCrash: (reason) => status({ stage: 'crashed', reason }),
    });
    await this.machine.ready;
  }

  writeConsole(data: Uint8Array | string): void {
    this.machine?.writeConsole(data);
  }

  resizeConsole(cols: number, rows: number): void {
    this.machine?.resizeConsole(cols, rows);
  }

  async exec(argv: string[], options: ExecRequestOptions = {}): Promise<ExecResponse> {
    if (!this.machine) throw new Error('the lab is not running');
    const result = await this.machine.agent.exec(argv, options);
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      stdout: decoder.decode(result.stdout),
      stderr: decoder.decode(result.stderr),
      timedOut: result.timedOut,
    };
  }

  async ping(): Promise<number> {
    return performance.now();
  }

  async shutdown(): Promise<void> {
    await this.machine?.destroy();
    this.machine = null;
  }
}

Comlink.expose(new LabWorker());
