// The host half of the engine channel: runs commands in the guest through drydock-agent.
// It knows nothing of v86: it talks to a ByteChannel (a virtio-console port in practice).
// One file past ~500 lines: requests, client sessions and socket relays share one frame
// decoder, one ID space and one windowed sender, whose ordering the guest relies on.
import {
  FrameDecoder,
  concatBytes,
  decodeClientOpen,
  type ClientOpenRequest,
  FrameType,
  decodeExit,
  decodeResize,
  decodeU32,
  encodeExecRequest,
  encodeFrame,
  encodeResize,
  encodeU32,
  type Frame,
} from '../protocol/frame';

export interface ByteChannel {
  send(bytes: Uint8Array): void;
  /** Returns a function that stops the listener. */
  onData(listener: (bytes: Uint8Array) => void): () => void;
}

export interface ExecOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Bytes for the command's stdin; it is closed after them. Without it stdin is /dev/null. */
  stdin?: Uint8Array | string;
  /** Keep stdin open for writeStdin() (only with start()). */
  interactive?: boolean;
  /** Run on a pseudo-terminal of this size: one output stream, a controlling terminal. */
  pty?: { rows: number; cols: number };
  /** Kill the command (SIGKILL to its process group) after this long. */
  timeoutMs?: number;
  /** Aborting kills the command (SIGKILL) and the result says `cancelled`. */
  signal?: AbortSignal;
  onStdout?: (bytes: Uint8Array) => void;
  onStderr?: (bytes: Uint8Array) => void;
  /** Keep the output for the result (default). Long-lived processes that stream set false. */
  collect?: boolean;
}

export interface ExecResult {
  exitCode: number;
  /** The signal that ended it, or 0. */
  signal: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  timedOut: boolean;
  cancelled: boolean;
}

export interface GuestProcess {
  readonly id: number;
  writeStdin(data: Uint8Array | string): void;
  closeStdin(): void;
  /** Signals the process group, or with `processOnly` the process itself. */
  kill(signal?: number, processOnly?: boolean): void;
  /** Resizes the command's pseudo-terminal (with `pty` only). */
  resize(rows: number, cols: number): void;
  readonly exited: Promise<ExecResult>;
}

/** The agent stopped answering or the guest went away; the command's fate is unknown. */
export class GuestUnavailableError extends Error {
  override name = 'GuestUnavailableError';
}

export class AgentRequestError extends Error {
  override name = 'AgentRequestError';
}

export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGTERM = 15;

const DEFAULT_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  TERM: 'xterm-256color',
};

/**
 * Host->guest flow control. v86 gives each send one 4 KiB guest buffer and drops what arrives
 * with none free (16 per port), so the stream goes out in chunks of at most `chunkSize` with at
 * most `window` chunks not yet acknowledged by the agent (which acks every byte it reads).
 */
export class WindowedSender {
  private queue: Uint8Array[] = [];
  private inFlight: number[] = []; // cumulative end offsets of unacknowledged chunks
  private sent = 0;

  constructor(
    private readonly transmit: (chunk: Uint8Array) => void,
    readonly chunkSize = 4096,
    readonly window = 8,
  ) {}

  write(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += this.chunkSize) {
      this.queue.push(bytes.subarray(at, at + this.chunkSize));
    }
    this.pump();
  }

  /** `total` is the agent's running count of bytes read, modulo 2^32. */
  ack(total: number): void {
    while (this.inFlight.length && ((total - this.inFlight[0]!) | 0) >= 0) this.inFlight.shift();
    this.pump();
  }

  get pendingChunks(): number {
    return this.queue.length + this.inFlight.length;
  }

  /** Bytes sent so far (mod 2^32): the count the agent's acks are measured against. */
  get sentBytes(): number {
    return this.sent;
  }

  /** Continues a stream whose first `sent` bytes went out from another sender (a restored guest). */
  resumeAt(sent: number): void {
    this.sent = sent >>> 0;
  }

  private pump(): void {
    while (this.queue.length && this.inFlight.length < this.window) {
      const chunk = this.queue.shift()!;
      this.sent = (this.sent + chunk.length) >>> 0;
      this.inFlight.push(this.sent);
      this.transmit(chunk);
    }
  }
}

/**
 * One run of the guest's `docker` command: what it asked, and the way to answer it. Output and
 * the exit status go back to the client process, which prints them and exits.
 */
export class ClientSession {
  private finished = false;
  onSignal: (signal: number) => void = () => {};
  /** Bytes typed into the client (after startStdin); an empty array is end of input. */
  onStdin: (bytes: Uint8Array) => void = () => {};
  onResize: (rows: number, cols: number) => void = () => {};
  /** The client process went away (or the session ended). */
  onClosed: () => void = () => {};
  private closeListeners: Array<() => void> = [];

  constructor(
    readonly id: number,
    readonly request: ClientOpenRequest,
    private readonly send: (type: FrameType, payload: Uint8Array) => void,
  ) {}

  get done(): boolean {
    return this.finished;
  }

  write(stream: 1 | 2, data: Uint8Array | string): void {
    const bytes = toBytes(data);
    if (this.finished || bytes.length === 0) return;
    for (let at = 0; at < bytes.length; at += 60_000) {
      const piece = bytes.subarray(at, at + 60_000);
      const payload = new Uint8Array(piece.length + 1);
      payload[0] = stream;
      payload.set(piece, 1);
      this.send(FrameType.ClientOutput, payload);
    }
  }

  /** Asks the client to forward its stdin, with its terminal in raw mode if `raw`. */
  startStdin(raw: boolean): void {
    if (!this.finished) this.send(FrameType.ClientStdinOn, Uint8Array.of(raw ? 1 : 0));
  }

  exit(code: number): void {
    if (this.finished) return;
    this.finished = true;
    const payload = new Uint8Array(4);
    new DataView(payload.buffer).setInt32(0, code, true);
    this.send(FrameType.ClientExit, payload);
    this.close();
  }

  /** Calls `listener` when the client goes away (Ctrl-C'd, killed) or the session ends. */
  whenClosed(listener: () => void): void {
    if (this.finished) listener();
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.finished = true;
    this.onClosed();
    this.closeListeners.splice(0).forEach((l) => l());
  }
}

/**
 * A connection to the guest's docker socket, relayed byte for byte by the agent: a stream the
 * engine's HTTP server reads and writes (it has the shape of api-server's ByteConnection).
 */
export class SocketConnection {
  private closed = false;
  private dataListeners: Array<(bytes: Uint8Array) => void> = [];
  private endListeners: Array<() => void> = [];
  private closeListeners: Array<() => void> = [];

  constructor(
    readonly id: number,
    private readonly send: (type: FrameType, payload?: Uint8Array) => void,
  ) {}

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    for (let at = 0; at < bytes.length; at += 60_000) this.send(FrameType.SockWrite, bytes.subarray(at, at + 60_000));
  }

  close(): void {
    if (this.closed) return;
    this.send(FrameType.SockShut);
    this.gone();
  }

  onData(cb: (bytes: Uint8Array) => void): void {
    this.dataListeners.push(cb);
  }

  onEnd(cb: () => void): void {
    this.endListeners.push(cb);
  }

  onClose(cb: () => void): void {
    if (this.closed) cb();
    else this.closeListeners.push(cb);
  }

  /** From the agent: what the client sent, its half-close, its going away. */
  received(bytes: Uint8Array): void {
    if (!this.closed) this.dataListeners.forEach((l) => l(bytes));
  }

  ended(): void {
    if (!this.closed) this.endListeners.forEach((l) => l());
  }

  gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeListeners.splice(0).forEach((l) => l());
  }
}

interface Pending {
  stdout: Uint8Array[];
  stderr: Uint8Array[];
  options: ExecOptions;
  timedOut: boolean;
  cancelled: boolean;
  resolve(result: ExecResult): void;
  reject(error: Error): void;
  cleanup(): void;
}

const encoder = new TextEncoder();
const toBytes = (data: Uint8Array | string) => (typeof data === 'string' ? encoder.encode(data) : data);

/**
 * Where a host-agent stream stands: taken with a machine snapshot and given to the client of the
 * restored machine, whose agent goes on counting bytes and request IDs from there.
 */
export interface AgentCursor {
  sent: number;
  nextId: number;
}

export class AgentClient {
  private readonly decoder = new FrameDecoder();
  private readonly sender: WindowedSender;
  private readonly pending = new Map<number, Pending>();
  private readonly pings = new Map<number, () => void>();
  private nextId = 1;
  private closedWith: Error | null = null;
  private readonly stopListening: () => void;
  private helloResolve!: (version: string) => void;
  /** Resolves with the agent's protocol version once it has said hello. */
  readonly ready: Promise<string>;
  /** Errors the agent reports outside any request (e.g. a corrupted stream). */
  onAgentError: (message: string) => void = () => {};
  /** A `docker` client in the guest connected; the engine answers it. */
  onClientOpen: (session: ClientSession) => void = (session) => session.exit(1);
  private readonly clients = new Map<number, ClientSession>();
  /** A client connected to the guest's docker socket; the engine serves HTTP on it. */
  onSocketOpen: (conn: SocketConnection) => void = (conn) => conn.close();
  private readonly sockets = new Map<number, SocketConnection>();

  constructor(channel: ByteChannel, options: { chunkSize?: number; window?: number } = {}) {
    this.sender = new WindowedSender((chunk) => channel.send(chunk), options.chunkSize, options.window);
    this.ready = new Promise((resolve) => (this.helloResolve = resolve));
    this.stopListening = channel.onData((bytes) => {
      for (const frame of this.decoder.push(bytes)) this.dispatch(frame);
    });
  }

  /** Runs a command to completion and collects its output. */
  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const proc = this.start(argv, { ...options, interactive: options.stdin !== undefined });
    if (options.stdin !== undefined) {
      proc.writeStdin(options.stdin);
      proc.closeStdin();
    }
    return proc.exited;
  }

  /** Starts a command and returns a handle for its stdin, signals and exit. */
  start(argv: string[], options: ExecOptions = {}): GuestProcess {
    return this.follow(this.nextId++, options, argv);
  }

  /**
   * Follows a process started by the client of a snapshot's stream (see resume): its output and
   * exit arrive under the request ID it was given then.
   */
  adopt(id: number, options: ExecOptions = {}): GuestProcess {
    return this.follow(id, options);
  }

  private follow(id: number, options: ExecOptions, argv?: string[]): GuestProcess {
    let pending!: Pending;
    const exited = new Promise<ExecResult>((resolve, reject) => {
      pending = { stdout: [], stderr: [], options, timedOut: false, cancelled: false, resolve, reject, cleanup: () => {} };
    });
    const kill = (signal = SIGKILL, processOnly = false) => {
      if (!this.pending.has(id)) return;
      const payload = new Uint8Array(8);
      new DataView(payload.buffer).setUint32(0, signal, true);
      new DataView(payload.buffer).setUint32(4, processOnly ? 1 : 0, true);
      this.send(FrameType.Signal, id, payload);
    };
    const env = Object.entries({ ...DEFAULT_ENV, ...options.env }).map(([k, v]) => `${k}=${v}`);
    let request: Uint8Array | null = null;
    try {
      // Encoded before anything is registered: a request too large to send leaves no trace.
      if (argv) request = encodeFrame(FrameType.Exec, id, encodeExecRequest({ argv, env, cwd: options.cwd ?? '/root', stdin: !!options.interactive, pty: !!options.pty }));
    } catch (error) {
      pending.reject(error as Error);
    }
    if (this.closedWith) {
      pending.reject(this.closedWith);
    } else if (request || !argv) {
      this.pending.set(id, pending);
      const timers: ReturnType<typeof setTimeout>[] = [];
      if (options.timeoutMs !== undefined) {
        timers.push(setTimeout(() => {
          pending.timedOut = true;
          kill(SIGKILL);
        }, options.timeoutMs));
      }
      const onAbort = () => {
        pending.cancelled = true;
        kill(SIGKILL);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      pending.cleanup = () => {
        timers.forEach(clearTimeout);
        options.signal?.removeEventListener('abort', onAbort);
      };
      if (request) {
        this.sender.write(request);
        if (options.pty) this.send(FrameType.Resize, id, encodeResize(options.pty.rows, options.pty.cols));
      }
      if (options.signal?.aborted) onAbort();
    }
    return {
      id,
      exited,
      kill,
      writeStdin: (data) => {
        // An empty Stdin frame means EOF to the agent: empty writes are no-ops.
        const bytes = toBytes(data);
        if (bytes.length && this.pending.has(id)) this.send(FrameType.Stdin, id, bytes);
      },
      closeStdin: () => {
        if (this.pending.has(id)) this.send(FrameType.Stdin, id);
      },
      resize: (rows, cols) => {
        if (this.pending.has(id)) this.send(FrameType.Resize, id, encodeResize(rows, cols));
      },
    };
  }

  /** Sets the learner's terminal size; the foreground program gets SIGWINCH. */
  resizeConsole(rows: number, cols: number): void {
    this.send(FrameType.Resize, 0, encodeResize(rows, cols));
  }

  /** Resolves with the round-trip time in ms; rejects if the agent does not answer in time. */
  ping(timeoutMs: number): Promise<number> {
    const id = this.nextId++;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      if (this.closedWith) return reject(this.closedWith);
      const timer = setTimeout(() => {
        this.pings.delete(id);
        reject(new GuestUnavailableError(`the guest agent did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pings.set(id, () => {
        clearTimeout(timer);
        resolve(performance.now() - started);
      });
      this.send(FrameType.Ping, id);
    });
  }

  get running(): number {
    return this.pending.size;
  }

  /** IDs of the requests in flight. */
  get pendingIds(): number[] {
    return [...this.pending.keys()];
  }

  /**
   * Nothing half-said in either direction and no guest `docker` client connected: a snapshot
   * taken now restores into a stream a new client can pick up (see cursor/resume).
   */
  get quiet(): boolean {
    return this.sender.pendingChunks === 0 && this.decoder.buffered === 0 && this.clients.size === 0;
  }

  cursor(): AgentCursor {
    return { sent: this.sender.sentBytes, nextId: this.nextId };
  }

  /**
   * Takes over the stream of an agent restored from a snapshot: it said hello long ago, and
   * counts from where the snapshot's client stopped. Requests that client had in flight are
   * gone; their frames are ignored.
   */
  resume(cursor: AgentCursor): void {
    this.sender.resumeAt(cursor.sent);
    this.nextId = cursor.nextId;
    this.helloResolve('restored');
  }

  /** Fails every command in flight (the guest crashed or is being restarted). */
  close(error: Error = new GuestUnavailableError('the guest stopped')): void {
    if (this.closedWith) return;
    this.closedWith = error;
    this.stopListening();
    for (const p of this.pending.values()) {
      p.cleanup();
      p.reject(error);
    }
    this.pending.clear();
    this.pings.clear();
  }

  private send(type: FrameType, id: number, payload?: Uint8Array): void {
    if (this.closedWith) return;
    // Payloads above a frame's limit (large stdin) are split into several frames.
    const limit = 64 * 1024;
    if (type === FrameType.Stdin && payload && payload.length > limit) {
      for (let at = 0; at < payload.length; at += limit) this.sender.write(encodeFrame(type, id, payload.subarray(at, at + limit)));
      return;
    }
    this.sender.write(encodeFrame(type, id, payload));
  }

  private dispatch(frame: Frame): void {
    switch (frame.type) {
      case FrameType.ClientOpen: {
        const session = new ClientSession(frame.id, decodeClientOpen(frame.payload), (type, payload) => this.send(type, frame.id, payload));
        this.clients.set(frame.id, session);
        session.onClosed = () => this.clients.delete(frame.id);
        this.onClientOpen(session);
        return;
      }
      case FrameType.ClientSignal:
        this.clients.get(frame.id)?.onSignal(decodeU32(frame.payload));
        return;
      case FrameType.ClientStdin:
        this.clients.get(frame.id)?.onStdin(frame.payload);
        return;
      case FrameType.ClientResize: {
        const { rows, cols } = decodeResize(frame.payload);
        this.clients.get(frame.id)?.onResize(rows, cols);
        return;
      }
      case FrameType.ClientClose:
        this.clients.get(frame.id)?.close();
        return;
      case FrameType.SockOpen: {
        const conn = new SocketConnection(frame.id, (type, payload) => this.send(type, frame.id, payload));
        this.sockets.set(frame.id, conn);
        conn.onClose(() => this.sockets.delete(frame.id));
        this.onSocketOpen(conn);
        return;
      }
      case FrameType.SockData:
        this.sockets.get(frame.id)?.received(frame.payload);
        return;
      case FrameType.SockEnd:
        this.sockets.get(frame.id)?.ended();
        return;
      case FrameType.SockClose:
        this.sockets.get(frame.id)?.gone();
        return;
      case FrameType.Hello:
        this.helloResolve(new TextDecoder().decode(frame.payload));
        return;
      case FrameType.Ack:
        this.sender.ack(decodeU32(frame.payload));
        return;
      case FrameType.Pong:
        this.pings.get(frame.id)?.();
        this.pings.delete(frame.id);
        return;
    }
    const p = this.pending.get(frame.id);
    if (frame.type === FrameType.Error && !p) {
      this.onAgentError(new TextDecoder().decode(frame.payload));
      return;
    }
    if (!p) return;
    switch (frame.type) {
      case FrameType.Stdout:
        if (p.options.collect !== false) p.stdout.push(frame.payload);
        p.options.onStdout?.(frame.payload);
        break;
      case FrameType.Stderr:
        if (p.options.collect !== false) p.stderr.push(frame.payload);
        p.options.onStderr?.(frame.payload);
        break;
      case FrameType.Exit: {
        const status = decodeExit(frame.payload);
        this.pending.delete(frame.id);
        p.cleanup();
        p.resolve({
          exitCode: status.code,
          signal: status.signal,
          stdout: concatBytes(p.stdout),
          stderr: concatBytes(p.stderr),
          timedOut: p.timedOut,
          cancelled: p.cancelled,
        });
        break;
      }
      case FrameType.Error:
        this.pending.delete(frame.id);
        p.cleanup();
        p.reject(new AgentRequestError(new TextDecoder().decode(frame.payload)));
        break;
    }
  }
}

