// The lab service: the implementation of the page's typed API (engine/api.ts) around one
// GuestMachine. lab-worker.ts exposes it over comlink in the browser; tests drive the same class
// over a MessageChannel in Node. How the guest files are obtained is the host's business.
import * as Comlink from 'comlink';
import type {
  BootOptions,
  DownloadProgress,
  ExecRequestOptions,
  ExecResponse,
  ImageSummary,
  LabState,
  LessonCheck,
  LabEvents,
  LabStatus,
  LabWorkerApi,
  PreviewRequest,
  PreviewResponse,
  PublishedPort,
  SaveInfo,
} from '../engine/api';
import { GuestMachine, KERNEL_CMDLINE, type GuestAssets, type MachineSnapshot } from '../engine/guest/guest-machine';
import { Engine } from '../engine/engine';
import type { RegistrySource } from '../engine/registry/registry-source';
import { MemoryKeyValueStore, NotOwnerError, type KeyValueStore } from '../engine/persist/kv-store';
import { guestIdentity, LabSnapshots, OWNER_KEY, type SavedLab } from '../engine/persist/lab-snapshots';
import { LocalRegistry } from '../engine/registry/local-registry';

export type AssetLoader = (options: BootOptions, onProgress: (progress: DownloadProgress) => void) => Promise<GuestAssets>;
export type RegistryFactory = (options: BootOptions) => RegistrySource;

const decoder = new TextDecoder();

/**
 * How long the lab stays still (no command ending, no API call) before it is saved: short, so
 * that a reload soon after a command finds it (the page asks before leaving with unsaved work).
 */
const SAVE_AFTER_MS = 400;
const RETRY_SAVE_MS = 1000;
const RETRY_AFTER_FAILURE_MS = 30_000;
const DEFAULT_MEMORY_MIB = 128;

/** What the learner is told when a save fails (what was saved before is kept). */
export function saveFailure(error: unknown): SaveInfo {
  if (error instanceof NotOwnerError) return { takenOver: true, error: 'This lab is open in another tab now; this tab no longer saves.' };
  if ((error as Error).name === 'QuotaExceededError') {
    return {
      error:
        "The browser's storage for this site is full: your latest changes are not saved (what was saved before is kept). Free space by removing images or volumes, or reset the lab.",
    };
  }
  return { error: `The lab could not be saved: ${(error as Error).message} (what was saved before is kept).` };
}

export class LabService implements LabWorkerApi {
  private machine: GuestMachine | null = null;
  private engine: Engine | null = null;
  /** How to make another machine like the first (for restartGuest), or resume a snapshot. */
  private makeMachine: ((restore?: MachineSnapshot) => GuestMachine) | null = null;
  private snapshots: LabSnapshots | null = null;
  private guestId = '';
  private events: LabEvents | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<SaveInfo | null> | null = null;
  private stopped = false;
  private hub: LocalRegistry | null = null;
  /** The learner typed since the shell last finished a command. */
  private typed = false;
  /** Something changed since the last snapshot was taken. */
  private unsaved = false;

  constructor(
    private readonly loadAssets: AssetLoader,
    private readonly registry: RegistryFactory,
    /** Where labs are kept across visits (IndexedDB in the browser); null keeps nothing. */
    private readonly store: KeyValueStore | null = null,
  ) {}

  async boot(options: BootOptions, events: LabEvents): Promise<void> {
    if (this.machine) throw new Error('the lab is already running');
    this.events = events;
    const started = performance.now();
    const status = (s: Omit<LabStatus, 'atMs'>) => events.status({ ...s, atMs: performance.now() - started });
    status({ stage: 'downloading', progress: { loaded: 0, total: 0, file: '' } });
    const downloading = this.loadAssets(options, (progress) => status({ stage: 'downloading', progress }));
    const memoryMiB = options.memoryMiB ?? DEFAULT_MEMORY_MIB;
    let saved: SavedLab | null = null;
    if (this.store && options.persist) {
      this.snapshots = new LabSnapshots(this.store, options.persist.owner);
      await this.snapshots.claim();
      // A snapshot resumes only into the guest it was taken from (same files, same options).
      // It is read while the guest's files download.
      const identity = downloading.then((a) => guestIdentity([a.wasm, a.bios, a.bzimage, a.initrd, a.layerDisk?.manifest.sha256 ?? 'no layer disk', KERNEL_CMDLINE, String(memoryMiB)]));
      saved = await this.snapshots.load(identity).catch((error: Error) => {
        console.warn(`drydock: the saved lab could not be read (${error.message}); starting afresh`);
        return null;
      });
      this.guestId = await identity;
    }
    const assets = await downloading;
    this.makeMachine = (restore) =>
      new GuestMachine(assets, {
        memoryMiB,
        ...(restore ? { restore } : {}),
        // The registry's base is a URL in the browser (a plain path would do in Node): append.
        ...(options.registryBaseUrl ? { lazyBaseUrl: `${options.registryBaseUrl.replace(/\/?$/, '/')}lazy/files/` } : {}),
        onConsoleOutput: (bytes) => events.console(bytes),
        onStage: (stage) => status({ stage }),
        onCrash: (reason) => status({ stage: 'crashed', reason }),
        // A command that ended may have changed anything: save once things are still. The shell
        // also redraws its prompt (marks and all) on a resize: that follows no typed command.
        onPromptMark: (mark) => {
          if (mark.kind !== 'done' || !this.typed) return;
          this.typed = false;
          this.scheduleSave();
        },
      });
    if (saved?.machine) {
      status({ stage: 'restoring' });
      this.machine = this.makeMachine(saved.machine);
      this.engine = this.newEngine(this.machine, options);
      this.engine.resume(saved.engine);
      try {
        await this.machine.ready;
        return;
      } catch (error) {
        // A snapshot that does not wake up is set aside: boot afresh with the engine's records.
        console.warn(`drydock: the saved machine did not resume (${(error as Error).message}); booting afresh`);
        await this.machine.destroy().catch(() => {});
        saved = { ...saved, machine: undefined };
      }
    }
    status({ stage: 'starting' });
    this.machine = this.makeMachine();
    this.engine = this.newEngine(this.machine, options);
    await this.machine.ready;
    if (saved) await this.engine.adopt(saved.engine);
    // The first snapshot is the booted machine: the next visit resumes instead of booting.
    this.scheduleSave(0);
  }

  private newEngine(machine: GuestMachine, options: BootOptions): Engine {
    // What learners push is kept with the lab (in the browser) when the lab is kept.
    this.hub ??= new LocalRegistry(this.snapshots && this.store ? this.store : new MemoryKeyValueStore());
    const engine = new Engine(machine, this.registry(options), this.hub);
    engine.daemon.onApiCall = (call) => {
      this.scheduleSave();
      this.events?.api(call);
    };
    return engine;
  }

  /**
   * Boots a fresh guest in place of one that crashed, keeping the engine: images, containers
   * (shown as exited) and volumes survive; the downloaded guest files are reused.
   */
  async restartGuest(): Promise<void> {
    if (!this.makeMachine || !this.engine) throw new Error('the lab is not running');
    const old = this.machine;
    this.machine = null;
    await old?.destroy().catch(() => {});
    const machine = this.makeMachine();
    this.machine = machine;
    await machine.ready;
    await this.engine.attach(machine);
    this.scheduleSave(0);
  }

  private scheduleSave(delay = SAVE_AFTER_MS): void {
    if (!this.snapshots || this.stopped) return;
    if (!this.unsaved) {
      this.unsaved = true;
      this.events?.saved({ pending: true });
    }
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.saveNow(), delay);
  }

  saveNow(): Promise<SaveInfo | null> {
    this.saving ??= this.trySave().finally(() => (this.saving = null));
    return this.saving;
  }

  private async trySave(): Promise<SaveInfo | null> {
    clearTimeout(this.saveTimer);
    const { machine, engine, snapshots } = this;
    if (!machine || !engine || !snapshots || this.stopped || machine.crashReason) return null;
    // The engine's records and the machine's state are taken in one synchronous run, so
    // that they agree; at a busy moment (a command talking to the engine) it is tried again.
    const state = engine.busy ? null : engine.saveState();
    const frozen = state ? await machine.snapshot() : null;
    if (!state || !frozen) {
      this.scheduleSave(RETRY_SAVE_MS);
      return null;
    }
    let info: SaveInfo;
    try {
      // Changes from here on are the next save's.
      this.unsaved = false;
      const report = await snapshots.save(this.guestId, frozen, state);
      info = { savedAt: Date.now(), ...report };
    } catch (error) {
      info = saveFailure(error);
      if (info.takenOver) this.stopped = true;
      else this.unsaved = true; // still to be saved
    }
    this.events?.saved({ ...info, ...(this.unsaved ? { changedSince: true } : {}) });
    // A change made while this save was written asked for a save that found this one running:
    // it is this one's to ask again (later after a failure, which would fail again at once).
    if (this.unsaved && !this.stopped) setTimeout(() => this.scheduleSave(info.error ? RETRY_AFTER_FAILURE_MS : SAVE_AFTER_MS), 0);
    return info;
  }

  async resetLab(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.saveTimer);
    await this.saving;
    // Everything but the mark of which tab owns the lab: snapshot, layers, pushed images. Only
    // a lab that is kept deletes what is kept: an ephemeral one holds none of it.
    if (this.store && this.snapshots) await this.store.commit([], (await this.store.keys()).filter((k) => k !== OWNER_KEY));
  }

  writeConsole(data: Uint8Array | string): void {
    this.typed = true;
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

  async httpRequest(port: number, request: PreviewRequest): Promise<PreviewResponse> {
    if (!this.engine) throw new Error('the lab is not running');
    return this.engine.httpRequest(port, request);
  }

  async publishedPorts(): Promise<PublishedPort[]> {
    return this.engine?.publishedPorts() ?? [];
  }

  async labState(): Promise<LabState> {
    if (!this.engine) throw new Error('the lab is not running');
    return this.engine.labState();
  }

  async check(checks: LessonCheck[]): Promise<boolean[]> {
    if (!this.engine) throw new Error('the lab is not running');
    return this.engine.check(checks);
  }

  async images(): Promise<ImageSummary[]> {
    return this.engine?.images() ?? [];
  }

  async saveImage(name: string): Promise<Uint8Array> {
    if (!this.engine) throw new Error('the lab is not running');
    const archive = await this.engine.daemon.imageSave([name]);
    return Comlink.transfer(archive, [archive.buffer]);
  }

  async loadImage(archive: Uint8Array): Promise<string[]> {
    if (!this.engine) throw new Error('the lab is not running');
    return this.engine.daemon.imageLoad(archive);
  }

  async ping(): Promise<number> {
    return performance.now();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.saveTimer);
    await this.saving;
    await this.machine?.destroy();
    this.machine = null;
  }
}
