// The page's handle on the lab: starts the worker, relays console bytes and status, watches
// that the worker itself stays alive, and restarts everything on request. It speaks to the
// guest only through the engine's typed API (engine/api.ts).
import * as Comlink from 'comlink';
import labWorkerUrl from '../worker/lab-worker.ts?worker&url';
import type { LabStatus, LabWorkerApi, PreviewRequest, PreviewResponse, PublishedPort } from '../engine/api';

export interface LabConnectionEvents {
  console(bytes: Uint8Array): void;
  status(status: LabStatus): void;
}

const SCHEDULING = new URLSearchParams(location.search).get('v86yield') === 'worker' ? '' : '#use-scheduling-api';
const WORKER_PING_EVERY_MS = 2000;
const WORKER_PING_TIMEOUT_MS = 8000;

export class LabConnection {
  private worker: Worker | null = null;
  private api: Comlink.Remote<LabWorkerApi> | null = null;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private size: { cols: number; rows: number } | null = null;
  private stage: LabStatus['stage'] = 'idle';
  private generation = 0;

  constructor(private readonly events: LabConnectionEvents) {}

  start(): void {
    const generation = ++this.generation;
    // v86 reads its own location for "use-scheduling-api": then it yields between slices of
    // emulation with scheduler.postTask instead of a round trip through a nested worker.
    const worker = new Worker(`${labWorkerUrl}${SCHEDULING}`, { type: 'module', name: 'drydock-lab' });
    this.worker = worker;
    const api = Comlink.wrap<LabWorkerApi>(worker);
    this.api = api;
    const current = () => generation === this.generation;
    worker.addEventListener('error', (event) => {
      if (current()) this.fail(`the lab worker failed: ${event.message || 'unknown error'}`);
    });
    const guestBaseUrl = new URL('guest/', document.baseURI).href;
    const registryBaseUrl = new URL('registry/', document.baseURI).href;
    const events = Comlink.proxy({
      console: (bytes: Uint8Array) => {
        if (current()) this.events.console(bytes);
      },
      status: (status: LabStatus) => {
        if (!current()) return;
        // The worker is up and answering: from now on, silence means it is stuck.
        if (this.stage === 'idle') this.startWatchdog(api, current);
        this.stage = status.stage;
        this.events.status(status);
        if (status.stage === 'ready' && this.size) void api.resizeConsole(this.size.cols, this.size.rows);
      },
    });
    api.boot({ guestBaseUrl, registryBaseUrl }, events).catch((error: Error) => {
      if (current() && this.stage !== 'crashed') this.fail(error.message);
    });
  }

  /**
   * After a guest crash, with the worker still answering: a fresh guest in the same worker, so
   * the engine keeps the learner's images, containers and volumes. Otherwise (or if that
   * fails) the whole worker is thrown away and a new one boots.
   */
  restart(): void {
    const api = this.api;
    if (api && this.stage === 'crashed') {
      const generation = this.generation;
      this.stage = 'starting';
      api.restartGuest().catch(() => {
        if (generation === this.generation) this.restartWorker();
      });
      return;
    }
    this.restartWorker();
  }

  private restartWorker(): void {
    this.stop();
    this.start();
  }

  stop(): void {
    this.generation++;
    clearInterval(this.watchdog);
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    this.stage = 'idle';
  }

  writeConsole(data: string | Uint8Array): void {
    void this.api?.writeConsole(data);
  }

  resizeConsole(cols: number, rows: number): void {
    this.size = { cols, rows };
    if (this.stage === 'ready') void this.api?.resizeConsole(cols, rows);
  }

  /** An HTTP request to a port of the guest (the preview panel's way in). */
  async httpRequest(port: number, request: PreviewRequest): Promise<PreviewResponse> {
    if (!this.api || this.stage !== 'ready') throw new Error('the lab machine is not running');
    return this.api.httpRequest(port, request);
  }

  async publishedPorts(): Promise<PublishedPort[]> {
    if (!this.api || this.stage !== 'ready') return [];
    return this.api.publishedPorts();
  }

  get remote(): Comlink.Remote<LabWorkerApi> | null {
    return this.api;
  }

  private startWatchdog(api: Comlink.Remote<LabWorkerApi>, current: () => boolean): void {
    clearInterval(this.watchdog);
    let waiting = false;
    this.watchdog = setInterval(() => {
      if (waiting || !current()) return;
      waiting = true;
      const timer = setTimeout(() => {
        if (current()) this.fail(`the lab stopped responding (no answer in ${WORKER_PING_TIMEOUT_MS / 1000} s)`);
      }, WORKER_PING_TIMEOUT_MS);
      api.ping().then(() => {
        clearTimeout(timer);
        waiting = false;
      }, () => {});
    }, WORKER_PING_EVERY_MS);
  }

  private fail(reason: string): void {
    if (this.stage === 'crashed') return; // keep the first reason
    clearInterval(this.watchdog);
    this.stage = 'crashed';
    this.events.status({ stage: 'crashed', atMs: 0, reason });
    // A worker that stopped answering cannot be trusted to stop by itself.
    this.worker?.terminate();
  }
}
