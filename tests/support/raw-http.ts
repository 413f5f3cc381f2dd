// A client end of serveHttpConnection for tests: raw bytes in, raw bytes out, and a reader of
// HTTP/1.1 responses (Content-Length, chunked, or up to the close) from what came back.
import { serveHttpConnection, type ByteConnection } from '../../web/src/engine/api-server/server';
import type { Daemon } from '../../web/src/engine/daemon/daemon';
import type { ParserLimits } from '../../web/src/engine/api-server/http-parser';

export interface RawResponse {
  status: number;
  reason: string;
  headers: Map<string, string>;
  body: Uint8Array;
  text: string;
}

const dec = new TextDecoder();
const enc = new TextEncoder();

export class RawClient {
  private received = new Uint8Array(0);
  private dataCb: (bytes: Uint8Array) => void = () => {};
  private closeCbs: Array<() => void> = [];
  private endCb: () => void = () => {};
  /** The server closed the connection. */
  serverClosed = false;
  writes = 0;

  constructor(daemon: Daemon, limits?: ParserLimits) {
    const conn: ByteConnection = {
      write: (bytes) => {
        if (this.serverClosed) throw new Error('write after close');
        this.writes++;
        const grown = new Uint8Array(this.received.length + bytes.length);
        grown.set(this.received);
        grown.set(bytes, this.received.length);
        this.received = grown;
      },
      close: () => {
        this.serverClosed = true;
        this.closeCbs.forEach((cb) => cb());
      },
      onData: (cb) => (this.dataCb = cb),
      onClose: (cb) => this.closeCbs.push(cb),
      onEnd: (cb) => (this.endCb = cb),
    };
    serveHttpConnection(conn, daemon, limits ? { limits } : {});
  }

  send(data: string | Uint8Array): void {
    this.dataCb(typeof data === 'string' ? enc.encode(data) : data);
  }

  /** The client hangs up (as a client killed mid-stream does). */
  hangUp(): void {
    this.closeCbs.forEach((cb) => cb());
  }

  /** The client half-closes (its stdin ended). */
  endInput(): void {
    this.endCb();
  }

  get bytes(): Uint8Array {
    return this.received;
  }

  get text(): string {
    return dec.decode(this.received);
  }

  /** Takes the next complete response off what was received; undefined until it is all here. */
  takeResponse(): RawResponse | undefined {
    const parsed = parseResponse(this.received, this.serverClosed);
    if (!parsed) return undefined;
    this.received = this.received.slice(parsed.consumed);
    return parsed.response;
  }

  /** Waits (polling the event loop, no timing asserted) for the next complete response. */
  async response(): Promise<RawResponse> {
    for (let i = 0; i < 20000; i++) {
      const r = this.takeResponse();
      if (r) return r;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    throw new Error(`no complete response; got ${JSON.stringify(this.text.slice(0, 500))}`);
  }

  /** Waits until `check` holds. */
  async until(check: () => boolean, what = 'condition'): Promise<void> {
    for (let i = 0; i < 20000; i++) {
      if (check()) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.text.slice(0, 500))}`);
  }
}

function indexOf(bytes: Uint8Array, pattern: string, from = 0): number {
  const p = enc.encode(pattern);
  outer: for (let i = from; i <= bytes.length - p.length; i++) {
    for (let j = 0; j < p.length; j++) if (bytes[i + j] !== p[j]) continue outer;
    return i;
  }
  return -1;
}

/** One response from the front of `bytes`, and how many bytes it took. */
export function parseResponse(bytes: Uint8Array, closed: boolean): { response: RawResponse; consumed: number } | undefined {
  const end = indexOf(bytes, '\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = dec.decode(bytes.slice(0, end)).split('\r\n');
  const m = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine!);
  if (!m) throw new Error(`bad status line ${statusLine}`);
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const status = Number(m[1]);
  let at = end + 4;
  let body: Uint8Array;
  if (status === 101 || status === 204 || status === 304) body = new Uint8Array(0);
  else if (headers.get('transfer-encoding') === 'chunked') {
    const parts: Uint8Array[] = [];
    for (;;) {
      const lineEnd = indexOf(bytes, '\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(dec.decode(bytes.slice(at, lineEnd)), 16);
      if (bytes.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(bytes.slice(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
      if (size === 0) break;
    }
    body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      body.set(p, o);
      o += p.length;
    }
  } else if (headers.has('content-length')) {
    const length = Number(headers.get('content-length'));
    if (bytes.length < at + length) return undefined;
    body = bytes.slice(at, at + length);
    at += length;
  } else {
    if (!closed) return undefined;
    body = bytes.slice(at);
    at = bytes.length;
  }
  return { response: { status, reason: m[2]!, headers, body, text: dec.decode(body) }, consumed: at };
}

/** A request's bytes: method, path, JSON or raw body, extra headers (Host is always sent). */
export function request(method: string, path: string, options: { body?: unknown; raw?: Uint8Array | string; headers?: Record<string, string> } = {}): Uint8Array {
  const body = options.raw !== undefined ? (typeof options.raw === 'string' ? enc.encode(options.raw) : options.raw) : options.body !== undefined ? enc.encode(JSON.stringify(options.body)) : new Uint8Array(0);
  const headers: Record<string, string> = { Host: 'docker', 'User-Agent': 'drydock-test', ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers };
  if (body.length || method === 'POST' || method === 'PUT') headers['Content-Length'] = String(body.length);
  const head = enc.encode(`${method} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** Splits a multiplexed stream into its frames (stream number, text). */
export function demux(bytes: Uint8Array): Array<[number, string]> {
  const frames: Array<[number, string]> = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    const size = new DataView(bytes.buffer, bytes.byteOffset + at + 4, 4).getUint32(0);
    frames.push([bytes[at]!, dec.decode(bytes.slice(at + 8, at + 8 + size))]);
    at += 8 + size;
  }
  if (at !== bytes.length) throw new Error(`trailing ${bytes.length - at} bytes in a multiplexed stream`);
  return frames;
}
