// An in-memory stand-in for drydock-agent, for unit tests of the host side of the protocol.
// It models what matters to the host: 4 KiB receive buffers that drop data when none is free
// (as v86 does), byte acknowledgements, and scripted commands.
import {
  FrameDecoder,
  FrameType,
  encodeFrame,
  encodeU32,
  type Frame,
} from '../../web/src/engine/protocol/frame';
import type { ByteChannel } from '../../web/src/engine/guest/agent-client';

export interface FakeCommandContext {
  argv: string[];
  stdout(text: string | Uint8Array): void;
  stderr(text: string | Uint8Array): void;
  exit(code: number, signal?: number): void;
  stdin: Uint8Array[];
}

export type FakeCommand = (ctx: FakeCommandContext) => void;

export class FakeAgent {
  readonly received: Frame[] = [];
  readonly signals: Array<{ id: number; signal: number }> = [];
  droppedSends = 0;
  /** How many 4 KiB buffers the fake guest has posted (v86 gives 16 per port). */
  buffers = 16;
  /** When false, the fake stops reading (and so stops acknowledging). */
  reading = true;
  private listeners = new Set<(bytes: Uint8Array) => void>();
  private readonly decoder = new FrameDecoder();
  private unread: Uint8Array[] = [];
  private acked = 0;
  private contexts = new Map<number, FakeCommandContext>();

  constructor(private readonly commands: Record<string, FakeCommand> = {}) {}

  readonly channel: ByteChannel = {
    send: (bytes) => {
      if (bytes.length > 4096 || this.buffers === 0) {
        this.droppedSends++;
        return;
      }
      this.buffers--;
      this.unread.push(bytes.slice());
      queueMicrotask(() => this.drain());
    },
    onData: (listener) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    },
  };

  hello(): void {
    this.emit(FrameType.Hello, 0, new TextEncoder().encode('drydock-agent/1'));
  }

  drain(): void {
    while (this.reading && this.unread.length) {
      const bytes = this.unread.shift()!;
      this.buffers++;
      this.acked = (this.acked + bytes.length) >>> 0;
      this.emit(FrameType.Ack, 0, encodeU32(this.acked));
      for (const frame of this.decoder.push(bytes)) this.handle(frame);
    }
  }

  private handle(frame: Frame): void {
    this.received.push(frame);
    switch (frame.type) {
      case FrameType.Exec: {
        const argv = decodeArgv(frame.payload);
        const ctx: FakeCommandContext = {
          argv,
          stdin: [],
          stdout: (t) => this.emit(FrameType.Stdout, frame.id, bytesOf(t)),
          stderr: (t) => this.emit(FrameType.Stderr, frame.id, bytesOf(t)),
          exit: (code, signal = 0) => {
            this.contexts.delete(frame.id);
            const payload = new Uint8Array(8);
            const view = new DataView(payload.buffer);
            view.setInt32(0, code, true);
            view.setInt32(4, signal, true);
            this.emit(FrameType.Exit, frame.id, payload);
          },
        };
        this.contexts.set(frame.id, ctx);
        const command = this.commands[argv[0]!];
        if (command) command(ctx);
        else {
          ctx.stderr(`exec ${argv[0]}: No such file or directory\n`);
          ctx.exit(127);
        }
        break;
      }
      case FrameType.Stdin:
        this.contexts.get(frame.id)?.stdin.push(frame.payload);
        break;
      case FrameType.Signal: {
        const signal = new DataView(frame.payload.buffer, frame.payload.byteOffset).getUint32(0, true);
        this.signals.push({ id: frame.id, signal });
        this.contexts.get(frame.id)?.exit(128 + signal, signal);
        break;
      }
      case FrameType.Ping:
        this.emit(FrameType.Pong, frame.id, frame.payload);
        break;
    }
  }

  emit(type: FrameType, id: number, payload?: Uint8Array): void {
    const bytes = encodeFrame(type, id, payload);
    for (const l of this.listeners) l(bytes);
  }
}

function bytesOf(t: string | Uint8Array): Uint8Array {
  return typeof t === 'string' ? new TextEncoder().encode(t) : t;
}

function decodeArgv(payload: Uint8Array): string[] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let at = 4;
  const argc = view.getUint32(at, true);
  at += 4;
  const argv: string[] = [];
  for (let i = 0; i < argc; i++) {
    const len = view.getUint32(at, true);
    at += 4;
    argv.push(new TextDecoder().decode(payload.subarray(at, at + len)));
    at += len;
  }
  return argv;
}
