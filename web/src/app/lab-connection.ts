// The page's handle on the lab: starts the worker, relays console bytes and status, watches
// that the worker itself stays alive, and restarts everything on request. It speaks to the
// guest only through the engine's typed API (engine/api.ts).
import * as Comlink from 'comlink';
import labWorkerUrl from '../worker/lab-worker.ts?worker&url';
import type { ApiCall, ExecRequestOptions, ExecResponse, ImageSummary, LabState, LabStatus, LabWorkerApi, LessonCheck, PreviewRequest, PreviewResponse, PublishedPort, SaveInfo } from '../engine/api';

export interface LabConnectionEvents {
  console(bytes: Uint8Array): void;
  status(status: LabStatus): void;
  saved(info: SaveInfo): void;
  /** The engine served a docker API call. */
  api(call: ApiCall): void;
  /** The lab is another tab's: 'elsewhere' when this one found it taken, 'taken' when it lost it. */
  otherTab(state: 'elsewhere' | 'taken' | null): void;
  /** Whether this page's lab is the learner's saved one, or an ephemeral one and why. */
  keeping?(keeping: LabKeeping): void;
}

/**
 * The learner's saved lab, or an ephemeral lab in memory (nothing kept, nothing of the
 * learner's in it): for a demo ('demo'), where the browser blocks this frame's storage
 * ('blocked': a cross-site embed in Safari, Firefox's strict mode, a private window), or where
 * the saved lab is open in another tab or embed ('elsewhere').
 */
export type LabKeeping = { kind: 'saved' } | { kind: 'ephemeral'; why: 'demo' | 'blocked' | 'elsewhere' };

export interface LabConnectionOptions {
  /** An embed: instead of waiting for a lab it cannot have, it runs an ephemeral one. */
  embed?: boolean;
  /** Always ephemeral (a demo, which must never touch the learner's saved lab). */
  ephemeral?: boolean;
  /**
   * embed.html?lab=NAME: embeds on one page naming the same lab share one machine (the first
   * one's: the others show its terminal and drive it), instead of each running its own.
   */
  share?: string;
}

type SharingWindow = Window & { drydockLabs?: Record<string, LabConnection> };

/** One tab owns the saved lab at a time: the holder of this lock (Web Locks API). */
const LAB_LOCK = 'drydock-lab';

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

  private owner = '';
  private releaseLock: (() => void) | null = null;

  /** This page's lab is ephemeral: booted without persistence, holding no lock. */
  ephemeral = false;
  private settle: () => void = () => {};
  /** Settles once it is known whether the lab is the saved one or an ephemeral one. */
  readonly decided = new Promise<void>((resolve) => (this.settle = resolve));

  /** What this page shows, and the embeds sharing this lab (join()). */
  private readonly events: LabConnectionEvents;
  private readonly mirrors = new Set<LabConnectionEvents>();
  private lastStatus: LabStatus | null = null;
  private lastKeeping: LabKeeping | null = null;
  /** Set in an embed that shows another embed's lab (?lab=NAME). */
  private host: LabConnection | null = null;
  private leave: (() => void) | null = null;

  constructor(
    private readonly own: LabConnectionEvents,
    private readonly options: LabConnectionOptions = {},
  ) {
    const each = (call: (events: LabConnectionEvents) => void) => {
      call(own);
      for (const mirror of this.mirrors) call(mirror);
    };
    this.events = {
      console: (bytes) => each((e) => e.console(bytes)),
      status: (status) => {
        this.lastStatus = status;
        each((e) => e.status(status));
      },
      saved: (info) => each((e) => e.saved(info)),
      api: (call) => each((e) => e.api(call)),
      otherTab: (state) => each((e) => e.otherTab(state)),
      keeping: (keeping) => {
        this.lastKeeping = keeping;
        each((e) => e.keeping?.(keeping));
      },
    };
  }

  /** Another embed on this page shows this lab too: it hears what this page hears. */
  join(events: LabConnectionEvents): () => void {
    if (this.host) return this.host.join(events);
    this.mirrors.add(events);
    if (this.lastKeeping) events.keeping?.(this.lastKeeping);
    if (this.lastStatus) events.status(this.lastStatus);
    return () => this.mirrors.delete(events);
  }

  /**
   * Starts the lab if no other tab has it; `takeOver` takes it from the tab that has it (that
   * tab stops and says so). Without Web Locks (an old browser) the lab starts unguarded. An
   * embed never waits: it runs an ephemeral lab where it cannot have the saved one.
   */
  async open(takeOver = false): Promise<void> {
    if (this.options.ephemeral) return this.startEphemeral('demo');
    if (this.options.share && !takeOver && !this.host) {
      // Claimed at once, so that a later embed finds this one while it looks for an earlier one.
      const labs = ((window as SharingWindow).drydockLabs ??= {});
      labs[this.options.share] = this;
      const host = await sharedLab(this.options.share);
      if (host) return this.mirror(host);
    }
    if (this.options.embed && !takeOver && !this.releaseLock) {
      if (!(await storageUsable())) return this.startEphemeral('blocked');
      if (!(await this.lock(false))) return this.startEphemeral('elsewhere');
    }
    this.ephemeral = false;
    if (!this.releaseLock && navigator.locks) {
      const got = await this.lock(takeOver);
      if (!got) {
        this.events.otherTab('elsewhere');
        return;
      }
    }
    this.events.otherTab(null);
    this.events.keeping?.({ kind: 'saved' });
    this.settle();
    this.start();
  }

  /** Shows `host`'s lab: its console, status and API, from another embed on the page. */
  private mirror(host: LabConnection): void {
    this.host = host;
    // Embeds that found this one while it looked for an earlier one go along to that one.
    for (const mirror of this.mirrors) host.join(mirror);
    this.mirrors.clear();
    this.leave = host.join({
      // (copied: bytes from another frame are another realm's Uint8Array)
      console: (bytes) => this.own.console(new Uint8Array(bytes)),
      status: (status) => {
        this.api = host.remote;
        this.stage = status.stage;
        this.own.status({ ...status });
        if (status.stage === 'ready' && this.size) void this.api?.resizeConsole(this.size.cols, this.size.rows);
      },
      saved: (info) => this.own.saved({ ...info }),
      api: (call) => this.own.api(JSON.parse(JSON.stringify(call)) as ApiCall),
      otherTab: (state) => this.own.otherTab(state),
      keeping: (keeping) => {
        this.ephemeral = host.ephemeral;
        this.own.keeping?.(JSON.parse(JSON.stringify(keeping)) as LabKeeping);
        this.settle();
      },
    });
  }

  private startEphemeral(why: 'demo' | 'blocked' | 'elsewhere'): void {
    this.ephemeral = true;
    this.events.otherTab(null);
    this.events.keeping?.({ kind: 'ephemeral', why });
    this.settle();
    this.start();
  }

  private lock(steal: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      let held = false;
      navigator.locks
        .request(LAB_LOCK, steal ? { steal: true } : { ifAvailable: true }, (lock) => {
          if (!lock) return resolve(false);
          held = true;
          this.owner = crypto.randomUUID();
          resolve(true);
          return new Promise<void>((release) => (this.releaseLock = release));
        })
        .catch(() => {
          // Stolen by another tab: stop here, before this tab's machine drifts from the saved one.
          if (!held) return resolve(false);
          this.releaseLock = null;
          this.stop();
          this.events.otherTab('taken');
        });
    });
  }

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
      saved: (info: SaveInfo) => {
        if (current()) this.events.saved(info);
      },
      api: (call: ApiCall) => {
        if (current()) this.events.api(call);
      },
    });
    const persist = !this.ephemeral && (this.releaseLock || !navigator.locks) ? { persist: { owner: this.owner || 'unguarded' } } : {};
    api.boot({ guestBaseUrl, registryBaseUrl, ...persist }, events).catch((error: Error) => {
      if (current() && this.stage !== 'crashed') this.fail(error.message);
    });
  }

  /**
   * After a guest crash, with the worker still answering: a fresh guest in the same worker, so
   * the engine keeps the learner's images, containers and volumes. Otherwise (or if that
   * fails) the whole worker is thrown away and a new one boots.
   */
  restart(): void {
    if (this.host) return this.host.restart();
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
    if (this.host) {
      this.leave?.();
      return;
    }
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
    // Each resize is a SIGWINCH (the shell redraws its prompt): only real changes go on.
    if (this.size?.cols === cols && this.size.rows === rows) return;
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

  private get readyApi(): Comlink.Remote<LabWorkerApi> {
    if (!this.api || this.stage !== 'ready') throw new Error('the lab machine is not running');
    return this.api;
  }

  /** Runs a command in the guest outside the learner's shell (lesson set-up and reset). */
  exec(argv: string[], options?: ExecRequestOptions): Promise<ExecResponse> {
    return this.readyApi.exec(argv, options);
  }

  check(checks: LessonCheck[]): Promise<boolean[]> {
    return this.readyApi.check(checks);
  }

  labState(): Promise<LabState> {
    return this.readyApi.labState();
  }

  async images(): Promise<ImageSummary[]> {
    if (!this.api || this.stage !== 'ready') return [];
    return this.api.images();
  }

  async saveImage(name: string): Promise<Uint8Array> {
    if (!this.api || this.stage !== 'ready') throw new Error('the lab machine is not running');
    return this.api.saveImage(name);
  }

  async loadImage(archive: Uint8Array): Promise<string[]> {
    if (!this.api || this.stage !== 'ready') throw new Error('the lab machine is not running');
    return this.api.loadImage(Comlink.transfer(archive, [archive.buffer]));
  }

  /** Saves now if the lab is at a quiet moment (the page is being hidden). */
  async saveNow(): Promise<SaveInfo | null> {
    return this.api && this.stage === 'ready' ? this.api.saveNow() : null;
  }

  /** Deletes the saved lab and starts a fresh one (an ephemeral lab just starts afresh). */
  async reset(): Promise<void> {
    if (this.host) return this.host.reset();
    const api = this.api;
    if (api && !this.ephemeral) await api.resetLab().catch(() => {});
    this.stop();
    this.start();
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

/**
 * Whether this frame may keep a lab: the browser lets it use IndexedDB, localStorage and Web
 * Locks. Where it blocks third-party storage, in a cross-site iframe the first throws or fails
 * ("The user denied permission to access the database") and the others throw SecurityError.
 * An answer that does not come is a no too: a lab that waits for storage never starts.
 */
export async function storageUsable(timeoutMs = 3000): Promise<boolean> {
  const probe = async () => {
    localStorage.getItem('drydock-settings');
    await navigator.locks?.query();
    await new Promise<void>((resolve, reject) => {
      // A database of its own, removed again: opening the lab's would create it without the
      // lab's object store.
      const request = indexedDB.open('drydock-probe');
      request.onsuccess = () => {
        request.result.close();
        indexedDB.deleteDatabase('drydock-probe');
        resolve();
      };
      request.onerror = () => reject(request.error);
    });
    return true;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([probe(), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The lab NAME of an embed before this one on the page (a sibling frame of this origin can be
 * reached directly, also where storage is blocked). Frames before this one still loading are
 * waited for a little, so that the first embed is the one that runs the machine.
 */
async function sharedLab(name: string, waitMs = 3000): Promise<LabConnection | null> {
  if (window.parent === window) return null;
  const frames = window.parent.frames;
  let me = -1;
  for (let i = 0; i < frames.length; i++) if (frames[i] === window) me = i;
  for (let waited = 0; ; waited += 100) {
    let loading = false;
    for (let i = 0; i < me; i++) {
      try {
        const frame = frames[i] as SharingWindow;
        const host = frame.drydockLabs?.[name];
        if (host) return host;
        if (frame.document.readyState !== 'complete') loading = true;
      } catch {
        // Another site's frame, or one not yet loaded (about:blank is the page's origin).
        loading = true;
      }
    }
    if (!loading || waited >= waitMs) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
