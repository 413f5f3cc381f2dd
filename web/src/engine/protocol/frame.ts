// The engine channel's wire format, shared with the guest agent
// (images/guest/agent/drydock-agent.c — keep the two in step).
//
// Frame: u8 magic 0xD7, u8 type, u16 flags (0), u32 id, u32 payload length, payload.
// All integers little-endian. Payloads are raw bytes: stdout/stderr/stdin are binary-safe.

export const FRAME_MAGIC = 0xd7;
export const FRAME_HEADER_SIZE = 12;
export const PROTOCOL_VERSION = 'drydock-agent/1';
/** The agent refuses bigger host->guest frames; guest->host ones are read in 64 KiB pieces. */
export const MAX_FRAME_PAYLOAD = 1 << 20;

export enum FrameType {
  // host -> guest
  Exec = 0x10,
  Stdin = 0x11,
  Signal = 0x12,
  Resize = 0x13,
  Ping = 0x14,
  // guest -> host
  Hello = 0x80,
  Stdout = 0x81,
  Stderr = 0x82,
  Exit = 0x83,
  Error = 0x84,
  Ack = 0x85,
  Pong = 0x86,
  // client sessions: a `docker` process in the guest, relayed by the agent
  ClientOpen = 0x90, // guest -> host: tty flags, size, argv, env, cwd
  ClientStdin = 0x91,
  ClientSignal = 0x92,
  ClientClose = 0x93, // the client went away
  ClientResize = 0x94, // u16 rows, u16 cols: the client's terminal changed size
  ClientOutput = 0xa0, // host -> guest: u8 stream (1 stdout, 2 stderr), data
  ClientExit = 0xa1, // host -> guest: i32 status
  ClientStdinOn = 0xa2, // host -> guest: u8 raw — forward stdin (raw: put the terminal in raw mode)
  // raw connections to /run/docker.sock (= /var/run/docker.sock), relayed byte for byte: the
  // engine serves the Engine API over HTTP on them (api-server/)
  SockOpen = 0x95, // guest -> host: a client connected
  SockData = 0x96, // guest -> host: bytes the client sent
  SockEnd = 0x97, // guest -> host: the client shut its sending side (it still reads)
  SockClose = 0x98, // guest -> host: the connection is gone
  SockWrite = 0xa3, // host -> guest: bytes for the client
  SockShut = 0xa4, // host -> guest: close the connection (after what was written)
}

export interface ClientOpenRequest {
  stdinTty: boolean;
  stdoutTty: boolean;
  stderrTty: boolean;
  rows: number;
  cols: number;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** The client program: `docker`, or `systemctl`/`service`/`journalctl` (the same binary, linked). */
  program: string;
}

export function decodeClientOpen(payload: Uint8Array): ClientOpenRequest {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const decoder = new TextDecoder();
  let at = 0;
  const u32 = () => {
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const str = () => {
    const len = u32();
    const s = decoder.decode(payload.subarray(at, at + len));
    at += len;
    return s;
  };
  const flags = u32();
  const rows = view.getUint16(at, true);
  const cols = view.getUint16(at + 2, true);
  at += 4;
  const argv = Array.from({ length: u32() }, str);
  // Flag 8: the client runs as another program, whose name comes first in argv.
  const program = flags & 8 ? (argv.shift() ?? 'docker') : 'docker';
  const env: Record<string, string> = {};
  for (const entry of Array.from({ length: u32() }, str)) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const cwd = str();
  return { stdinTty: !!(flags & 1), stdoutTty: !!(flags & 2), stderrTty: !!(flags & 4), rows, cols, argv, env, cwd, program };
}

export interface Frame {
  type: FrameType;
  id: number;
  payload: Uint8Array;
}

export function encodeFrame(type: FrameType, id: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`frame payload of ${payload.length} bytes is over ${MAX_FRAME_PAYLOAD}`);
  const out = new Uint8Array(FRAME_HEADER_SIZE + payload.length);
  const view = new DataView(out.buffer);
  out[0] = FRAME_MAGIC;
  out[1] = type;
  view.setUint32(4, id >>> 0, true);
  view.setUint32(8, payload.length, true);
  out.set(payload, FRAME_HEADER_SIZE);
  return out;
}

/**
 * Turns a byte stream (arriving in arbitrary pieces) back into frames. Bytes that do not start
 * a frame are skipped up to the next magic byte and counted in `skippedBytes`, so a corrupted
 * stream is visible rather than silently misread.
 */
export class FrameDecoder {
  // A growable buffer with a read offset: each byte is copied in once and out once, so a large
  // output arriving in small pieces costs linear time.
  private buffer = new Uint8Array(64 * 1024);
  private start = 0;
  private end = 0;
  skippedBytes = 0;

  /** Bytes of a frame not complete yet. */
  get buffered(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): Frame[] {
    this.append(chunk);
    const frames: Frame[] = [];
    const view = new DataView(this.buffer.buffer);
    while (this.end - this.start >= FRAME_HEADER_SIZE) {
      if (this.buffer[this.start] !== FRAME_MAGIC) {
        this.start++;
        this.skippedBytes++;
        continue;
      }
      const length = view.getUint32(this.start + 8, true);
      if (length > MAX_FRAME_PAYLOAD) {
        this.start++;
        this.skippedBytes++;
        continue;
      }
      if (this.end - this.start < FRAME_HEADER_SIZE + length) break;
      const at = this.start + FRAME_HEADER_SIZE;
      frames.push({
        type: this.buffer[this.start + 1] as FrameType,
        id: view.getUint32(this.start + 4, true),
        payload: this.buffer.slice(at, at + length),
      });
      this.start = at + length;
    }
    return frames;
  }

  private append(chunk: Uint8Array): void {
    const used = this.end - this.start;
    if (this.end + chunk.length > this.buffer.length) {
      const needed = used + chunk.length;
      if (needed > this.buffer.length / 2) {
        const grown = new Uint8Array(Math.max(needed, this.buffer.length) * 2);
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      } else {
        this.buffer.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = used;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }
}

export const EXEC_FLAG_STDIN = 1;
export const EXEC_FLAG_PTY = 2;

export interface ExecRequest {
  argv: string[];
  /** `KEY=value` strings; empty means the agent's own environment. */
  env: string[];
  cwd: string;
  stdin: boolean;
  /** Run on a new pseudo-terminal (stdout and stderr merged, as with `docker run -t`). */
  pty?: boolean;
}

const encoder = new TextEncoder();

export function encodeExecRequest(request: ExecRequest): Uint8Array {
  if (request.argv.length === 0) throw new Error('exec needs at least one argument');
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    parts.push(b);
  };
  const str = (s: string) => {
    const bytes = encoder.encode(s);
    u32(bytes.length);
    parts.push(bytes);
  };
  u32((request.stdin ? EXEC_FLAG_STDIN : 0) | (request.pty ? EXEC_FLAG_PTY : 0));
  u32(request.argv.length);
  request.argv.forEach(str);
  u32(request.env.length);
  request.env.forEach(str);
  str(request.cwd);
  return concatBytes(parts);
}

export interface ExitStatus {
  /** The shell's view: the exit code, or 128 + signal number. */
  code: number;
  /** The signal that ended the process, or 0. */
  signal: number;
}

export function decodeExit(payload: Uint8Array): ExitStatus {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { code: view.getInt32(0, true), signal: view.getInt32(4, true) };
}

export function encodeU32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

export function decodeResize(payload: Uint8Array): { rows: number; cols: number } {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { rows: view.getUint16(0, true), cols: view.getUint16(2, true) };
}

export function decodeU32(payload: Uint8Array): number {
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
}

export function encodeResize(rows: number, cols: number): Uint8Array {
  const b = new Uint8Array(4);
  const view = new DataView(b.buffer);
  view.setUint16(0, rows, true);
  view.setUint16(2, cols, true);
  return b;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
