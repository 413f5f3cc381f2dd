// GuestMachine: one v86 emulator running the Drydock guest, with its two channels — the
// learner's serial console (ttyS0) and the engine channel (virtio-console port 1, spoken by
// AgentClient) — plus the stages of boot and the watchdog that notices a dead guest.
// It runs wherever v86 runs (a Web Worker, or Node for tests and the lab runner) and never
// touches the DOM; hosts hand it the asset bytes (see GuestAssets).
import { V86 } from 'v86';
import { AgentClient, GuestUnavailableError, type AgentCursor, type ByteChannel } from './agent-client';
import { PromptMarkParser, type PromptMark } from '../console/prompt-marks';
import { LayerDisk, type LayerDiskSource } from './layer-disk';

export interface GuestAssets {
  wasm: ArrayBuffer;
  bios: ArrayBuffer;
  bzimage: ArrayBuffer;
  initrd: ArrayBuffer;
  /** The built-in large images' layers as a disk (guest/layer-disk.ts); the guest sees /dev/sda. */
  layerDisk?: LayerDiskSource;
}

/**
 * A running machine frozen at a quiet moment (the learner's shell at its prompt, nothing
 * half-sent on the engine channel): v86's state, where the engine channel stood, and the
 * console's last output (to redraw the learner's screen).
 */
export interface MachineSnapshot {
  state: ArrayBuffer;
  agent: AgentCursor;
  console: Uint8Array;
}

export type BootStage = 'starting' | 'firmware' | 'kernel' | 'userland' | 'ready';

export interface GuestMachineOptions {
  memoryMiB?: number;
  /** Replaces the kernel command line (for diagnosing boot; the default suits the product). */
  cmdline?: string;
  /** How often the agent is pinged once the guest is up, and how long it may take to answer. */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /** How long the guest may take to reach its first prompt before it counts as crashed. */
  bootTimeoutMs?: number;
  /** Where lazy layers' file contents live (`…/registry/lazy/files/`). */
  lazyBaseUrl?: string;
  onConsoleOutput?: (bytes: Uint8Array) => void;
  onStage?: (stage: BootStage, atMs: number) => void;
  onPromptMark?: (mark: PromptMark) => void;
  onCrash?: (reason: string) => void;
  /** Resume this snapshot instead of booting (it must come from the same guest files). */
  restore?: MachineSnapshot;
}

/** The part of v86's API this class uses (its typings miss the bus and ports 1-3). */
interface Emulator {
  add_listener(event: string, listener: (value: never) => void): void;
  remove_listener(event: string, listener: (value: never) => void): void;
  serial_send_bytes(port: number, data: Uint8Array): void;
  create_file(path: string, data: Uint8Array): Promise<void>;
  /** v86's 9p file system (lib/filesystem.js); used to attach lazy layers' indexes. */
  fs9p: {
    SearchPath(path: string): { id: number };
    CreateDirectory(name: string, parentId: number): number;
    LoadRecursive(entry: unknown[], parentId: number): void;
  };
  read_file(path: string): Promise<Uint8Array>;
  /** v86's zstd decoder (its wasm), synchronous. */
  zstd_decompress(size: number, data: Uint8Array): ArrayBuffer;
  /** Its body runs synchronously up to the state's bytes: nothing else runs in between. */
  save_state(): Promise<ArrayBuffer>;
  bus: { send(event: string, value: unknown): void };
  destroy(): Promise<void>;
}

// loglevel=6 shows the kernel's own banner (about ten lines): the learner sees a real Linux
// boot, and its first byte marks the 'kernel' stage. init_on_free=1 costs 0.15-0.3 s of boot,
// once: freed pages are zeroed, and v86 leaves zero pages out of a saved state (a booted
// guest's state: 12.6 MB instead of 16.9; after pulling nginx and redis: 52 MB instead of 65).
export const KERNEL_CMDLINE = 'console=ttyS0 tsc=reliable mitigations=off random.trust_cpu=on loglevel=6 panic=0 init_on_free=1';

const ENGINE_PORT = 1;
const SERIAL_PACE_BYTES = 512;
const SERIAL_PACE_MS = 20;

export class GuestMachine {
  readonly agent: AgentClient;
  /** The layer disk on the IDE controller, when the host has one. */
  readonly layerDisk: LayerDisk | null;
  private readonly emulator: Emulator;
  private readonly started = performance.now();
  private stage: BootStage = 'starting';
  private crashed: string | null = null;
  private destroyed = false;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly marks = new PromptMarkParser();
  private consoleTail = '';
  /** The console's last output, replayed on the page after a restore. */
  private screenTail = '';
  private outBytes: number[] = [];
  private outTimer: ReturnType<typeof setTimeout> | undefined;
  private inQueue: Uint8Array[] = [];
  private inTimer: ReturnType<typeof setTimeout> | undefined;
  private lastInputAt = 0;
  private readyResolve!: () => void;
  private readyReject!: (error: Error) => void;
  /** Resolves at the first shell prompt; rejects if the guest dies first. */
  readonly ready: Promise<void>;

  constructor(assets: GuestAssets, private readonly options: GuestMachineOptions = {}) {
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {}); // a crash before anyone waits is reported through onCrash too
    const wasm = assets.wasm;
    const disk = assets.layerDisk ? new LayerDisk(assets.layerDisk) : null;
    this.layerDisk = disk;
    this.emulator = new V86({
      wasm_fn: async (imports: WebAssembly.Imports) => (await WebAssembly.instantiate(wasm, imports)).instance.exports,
      memory_size: (options.memoryMiB ?? 128) * 1024 * 1024,
      vga_memory_size: 2 * 1024 * 1024,
      bios: { buffer: assets.bios },
      // A restored machine has its kernel in memory already.
      ...(options.restore
        ? { initial_state: { buffer: options.restore.state } }
        : { bzimage: { buffer: assets.bzimage }, initrd: { buffer: assets.initrd }, cmdline: options.cmdline ?? KERNEL_CMDLINE }),
      // Lazy layers' files are fetched from here when first read (a URL; a path in Node).
      filesystem: options.lazyBaseUrl ? { baseurl: options.lazyBaseUrl } : {},
      // v86 takes an object with get/set/load as the disk itself. The boot order is the one
      // without a disk (v86 would try the disk first): the kernel is loaded directly.
      ...(disk ? { hda: disk, boot_order: 0x123 } : {}),
      virtio_console: true,
      acpi: false,
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      screen: { container: null },
      log_level: 0,
    } as unknown as ConstructorParameters<typeof V86>[0]) as unknown as Emulator;

    if (disk) {
      disk.decompress = (size, data) => this.emulator.zstd_decompress(size, data);
      disk.onError = (message) => console.warn(`drydock: ${message}`);
    }
    this.emulator.add_listener('emulator-started', () => this.advance('firmware'));
    this.emulator.add_listener('serial0-output-byte', ((byte: number) => this.onSerialByte(byte)) as (v: never) => void);

    const channel: ByteChannel = {
      send: (bytes) => this.emulator.bus.send(`virtio-console${ENGINE_PORT}-input-bytes`, bytes),
      onData: (listener) => {
        const event = `virtio-console${ENGINE_PORT}-output-bytes`;
        const l = listener as (v: never) => void;
        this.emulator.add_listener(event, l);
        return () => this.emulator.remove_listener(event, l);
      },
    };
    this.agent = new AgentClient(channel);
    this.agent.onAgentError = (message) => console.warn(`drydock-agent: ${message}`);
    void this.agent.ready.then(() => this.advance('userland'));
    if (options.restore) this.resumeFrom(options.restore);
    // A guest that never reaches its prompt is as dead as one that panics.
    const bootLimit = options.bootTimeoutMs ?? 90_000;
    this.bootTimer = setTimeout(() => {
      if (this.stage !== 'ready') this.crash(`the guest did not finish booting within ${bootLimit / 1000} s (last stage: ${this.stage})`);
    }, bootLimit);
  }

  private bootTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * A restored guest is past its boot: the shell sits at the prompt it showed when the snapshot
   * was taken. It counts as ready once its agent answers on the resumed stream.
   */
  private resumeFrom(snapshot: MachineSnapshot): void {
    this.agent.resume(snapshot.agent);
    // The learner's screen as it was, from a line start (not inside an escape sequence).
    const screen = new TextDecoder().decode(snapshot.console);
    this.screenTail = screen.slice(screen.indexOf('\n') + 1);
    this.emulator.add_listener('emulator-started', () => {
      this.agent.ping(10_000).then(
        () => {
          this.advance('userland');
          if (this.screenTail) safely(() => this.options.onConsoleOutput?.(new TextEncoder().encode(this.screenTail)));
          this.becomeReady();
        },
        () => this.crash('the saved lab did not wake up (its agent did not answer)'),
      );
    });
  }

  /**
   * Freezes the machine for a later visit, or says null when now is not a quiet moment: the
   * console has output or input in transit, or the engine channel is mid-conversation.
   */
  async snapshot(): Promise<MachineSnapshot | null> {
    if (this.stage !== 'ready' || this.crashed || this.destroyed) return null;
    if (this.outBytes.length || this.inQueue.length || !this.agent.quiet) return null;
    // The cursor and the state are taken in one synchronous run: nothing moves in between.
    const agent = this.agent.cursor();
    const state = this.emulator.save_state();
    return { state: await state, agent, console: new TextEncoder().encode(this.screenTail) };
  }

  get bootStage(): BootStage {
    return this.stage;
  }

  get crashReason(): string | null {
    return this.crashed;
  }

  /** Types into the learner's console. Paced: the emulated UART loses bytes when flooded. */
  writeConsole(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (let at = 0; at < bytes.length; at += SERIAL_PACE_BYTES) this.inQueue.push(bytes.slice(at, at + SERIAL_PACE_BYTES));
    this.pumpInput();
  }

  /** Puts a file on the 9p share, where the guest sees it as /mnt/host/<name>. */
  async writeSharedFile(name: string, data: Uint8Array): Promise<string> {
    if (name.includes('/')) throw new Error('shared files live at the top of the share');
    await this.emulator.create_file(`/${name}`, data);
    return `/mnt/host/${name}`;
  }

  /**
   * Attaches a lazy layer's file index to the 9p share as /mnt/host/lazy/<name> (once): the guest
   * sees the whole tree at once, and each file's content is fetched when first read.
   */
  attachLazyTree(name: string, fsroot: unknown[]): void {
    const fs = this.emulator.fs9p;
    if (fs.SearchPath('/lazy').id === -1) fs.CreateDirectory('lazy', 0);
    if (fs.SearchPath(`/lazy/${name}`).id !== -1) return;
    fs.LoadRecursive([name, 0, 0, 0o40755, 0, 0, fsroot], fs.SearchPath('/lazy').id);
  }

  resizeConsole(cols: number, rows: number): void {
    if (this.stage === 'ready' || this.stage === 'userland') this.agent.resizeConsole(rows, cols);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.bootTimer);
    clearTimeout(this.outTimer);
    clearTimeout(this.inTimer);
    this.agent.close(new GuestUnavailableError('the guest was shut down'));
    this.readyReject(new GuestUnavailableError('the guest was shut down before it was ready'));
    await this.emulator.destroy();
  }

  private pumpInput(): void {
    if (this.inTimer !== undefined || this.destroyed) return;
    const wait = this.lastInputAt + SERIAL_PACE_MS - performance.now();
    if (wait > 0 && this.lastInputAt) {
      this.inTimer = setTimeout(() => {
        this.inTimer = undefined;
        this.pumpInput();
      }, wait);
      return;
    }
    const chunk = this.inQueue.shift();
    if (!chunk) return;
    this.lastInputAt = performance.now();
    this.emulator.serial_send_bytes(0, chunk);
    if (this.inQueue.length) this.pumpInput();
  }

  private onSerialByte(byte: number): void {
    if (this.destroyed) return;
    if (this.stage === 'firmware' || this.stage === 'starting') this.advance('kernel');
    this.outBytes.push(byte);
    // v86 reports the UART byte by byte; hand them on in batches.
    this.outTimer ??= setTimeout(() => this.flushOutput(), 0);
  }

  private flushOutput(): void {
    this.outTimer = undefined;
    if (this.destroyed) return;
    const bytes = Uint8Array.from(this.outBytes);
    this.outBytes = [];
    // The machine's own state first, so that a listener that throws cannot derail it.
    const { marks } = this.marks.push(bytes);
    const becameReady = this.stage !== 'ready' && marks.some((m) => m.kind === 'prompt');
    // A kernel panic is the one death the serial line announces by itself: the kernel's line and
    // its end marker. Anyone can print that text, so the agent is asked before we believe it.
    const text = new TextDecoder().decode(bytes);
    this.consoleTail = (this.consoleTail + text).slice(-8192);
    this.screenTail = (this.screenTail + text).slice(-16384);
    const panic = /Kernel panic - not syncing:[^\r\n]*(?=[\s\S]*---\[ end Kernel panic)/.exec(this.consoleTail);
    safely(() => this.options.onConsoleOutput?.(bytes));
    for (const mark of marks) safely(() => this.options.onPromptMark?.(mark));
    if (becameReady) this.becomeReady();
    if (panic && !this.checkingPanic) {
      this.checkingPanic = true;
      this.consoleTail = '';
      this.agent.ping(2000).then(
        () => (this.checkingPanic = false),
        () => this.crash(panic[0]),
      );
    }
  }

  private checkingPanic = false;

  private becomeReady(): void {
    clearTimeout(this.bootTimer);
    this.advance('ready');
    this.readyResolve();
    const every = this.options.heartbeatMs ?? 5000;
    const timeout = this.options.heartbeatTimeoutMs ?? 15000;
    let inFlight = false;
    this.heartbeat = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      this.agent.ping(timeout).then(
        () => (inFlight = false),
        () => this.crash(`the guest stopped responding (no answer from its agent in ${timeout / 1000} s)`),
      );
    }, every);
  }

  private advance(stage: BootStage): void {
    const order: BootStage[] = ['starting', 'firmware', 'kernel', 'userland', 'ready'];
    if (order.indexOf(stage) <= order.indexOf(this.stage)) return;
    this.stage = stage;
    safely(() => this.options.onStage?.(stage, performance.now() - this.started));
  }

  private crash(reason: string): void {
    if (this.crashed || this.destroyed) return;
    this.crashed = reason;
    clearInterval(this.heartbeat);
    clearTimeout(this.bootTimer);
    const error = new GuestUnavailableError(`the guest crashed: ${reason}`);
    this.agent.close(error);
    this.readyReject(error);
    safely(() => this.options.onCrash?.(reason));
  }
}

/** Listeners are the host's code; an exception in one is reported, not allowed to stop the guest. */
function safely(listener: () => void): void {
  try {
    listener();
  } catch (error) {
    console.error('drydock: a guest event listener failed:', error);
  }
}
