// The lab service: the implementation of the page's typed API (engine/api.ts) around one
// GuestMachine. lab-worker.ts exposes it over comlink in the browser; tests drive the same class
// over a MessageChannel in Node. How the guest files are obtained is the host's business.
import type {
  BootOptions,
  DownloadProgress,
  ExecRequestOptions,
  ExecResponse,
  LabEvents,
  LabStatus,
  LabWorkerApi,
  PreviewRequest,
  PreviewResponse,
  PublishedPort,
} from '../engine/api';
import { GuestMachine, type GuestAssets } from '../engine/guest/guest-machine';
import { Engine } from '../engine/engine';
import type { RegistrySource } from '../engine/daemon/registry-source';

export type AssetLoader = (options: BootOptions, onProgress: (progress: DownloadProgress) => void) => Promise<GuestAssets>;
export type RegistryFactory = (options: BootOptions) => RegistrySource;

const decoder = new TextDecoder();

export class LabService implements LabWorkerApi {
  private machine: GuestMachine | null = null;
  private engine: Engine | null = null;
  /** How to make another machine like the first (for restartGuest). */
  private makeMachine: (() => GuestMachine) | null = null;

  constructor(
    private readonly loadAssets: AssetLoader,
    private readonly registry: RegistryFactory,
  ) {}

  async boot(options: BootOptions, events: LabEvents): Promise<void> {
    if (this.machine) throw new Error('the lab is already running');
    const started = performance.now();
    const status = (s: Omit<LabStatus, 'atMs'>) => events.status({ ...s, atMs: performance.now() - started });
    status({ stage: 'downloading', progress: { loaded: 0, total: 0, file: '' } });
    const assets = await this.loadAssets(options, (progress) => status({ stage: 'downloading', progress }));
    status({ stage: 'starting' });
    this.makeMachine = () =>
      new GuestMachine(assets, {
        ...(options.memoryMiB ? { memoryMiB: options.memoryMiB } : {}),
        // The registry's base is a URL in the browser (a plain path would do in Node): append.
        ...(options.registryBaseUrl ? { lazyBaseUrl: `${options.registryBaseUrl.replace(/\/?$/, '/')}lazy/files/` } : {}),
        onConsoleOutput: (bytes) => events.console(bytes),
        onStage: (stage) => status({ stage }),
        onCrash: (reason) => status({ stage: 'crashed', reason }),
      });
    this.machine = this.makeMachine();
    this.engine = new Engine(this.machine, this.registry(options));
    await this.machine.ready;
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

  async httpRequest(port: number, request: PreviewRequest): Promise<PreviewResponse> {
    if (!this.engine) throw new Error('the lab is not running');
    return this.engine.httpRequest(port, request);
  }

  async publishedPorts(): Promise<PublishedPort[]> {
    return this.engine?.publishedPorts() ?? [];
  }

  async ping(): Promise<number> {
    return performance.now();
  }

  async shutdown(): Promise<void> {
    await this.machine?.destroy();
    this.machine = null;
  }
}
