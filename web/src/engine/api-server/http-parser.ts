// An incremental HTTP/1.1 request parser over a byte stream (what a socket delivers: any split,
// several pipelined requests in one read). It never throws at its caller: malformed input
// becomes an HttpParseError with the status Go's net/http answers (dockerd is a Go server, so
// its clients see Go's plain-text "400 Bad Request" before the API's own JSON errors).

export interface HttpRequest {
  method: string;
  /** The request target as sent (`/v1.43/containers/json?all=1`). */
  target: string;
  /** Its path, percent-decoded per segment later by the router. */
  path: string;
  query: URLSearchParams;
  httpVersion: '1.0' | '1.1';
  /** Header names in lower case; repeated headers joined with ", " (as Go's Header.Get sees the first). */
  headers: Map<string, string>;
  body: Uint8Array;
  /** Whether the connection stays open after the answer. */
  keepAlive: boolean;
}

export class HttpParseError {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {}
}

export interface ParserLimits {
  /** Bytes of request line and headers together. */
  maxHeaderBytes: number;
  /** Bytes of body a request to this path may have. */
  maxBodyBytes: (method: string, path: string) => number;
}

const MiB = 1024 * 1024;

/** Archives (a build context, an image archive, files for `docker cp`) may be large; JSON is not. */
export const DEFAULT_LIMITS: ParserLimits = {
  maxHeaderBytes: 64 * 1024,
  maxBodyBytes: (method, path) => (/\/(build|images\/load|images\/create|archive)$/.test(path) && method !== 'GET' ? 512 * MiB : 32 * MiB),
};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CRLF_CRLF = [13, 10, 13, 10];

type Parsed = HttpRequest | HttpParseError;

/** A growable byte queue: appended at the end, consumed from the front. */
class ByteQueue {
  private buffer = new Uint8Array(4096);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    if (this.end + bytes.length > this.buffer.length) {
      const needed = this.length + bytes.length;
      const grown = needed > this.buffer.length ? new Uint8Array(Math.max(needed, this.buffer.length * 2)) : this.buffer;
      grown.set(this.buffer.subarray(this.start, this.end));
      this.buffer = grown;
      this.end -= this.start;
      this.start = 0;
    }
    this.buffer.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** Where `pattern` starts, searching from `from` (relative to the front), or -1. */
  indexOf(pattern: number[], from = 0, limit = Infinity): number {
    const last = Math.min(this.end - pattern.length, this.start + limit);
    outer: for (let i = this.start + from; i <= last; i++) {
      for (let j = 0; j < pattern.length; j++) if (this.buffer[i + j] !== pattern[j]) continue outer;
      return i - this.start;
    }
    return -1;
  }

  take(n: number): Uint8Array {
    const out = this.buffer.slice(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  skip(n: number): void {
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
  }
}

const latin1 = (bytes: Uint8Array) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
};

interface Head {
  method: string;
  target: string;
  httpVersion: '1.0' | '1.1';
  headers: Map<string, string>;
}

/**
 * Feed it bytes with `push`, take requests with `next` until it says `undefined` (more bytes
 * needed). After an HttpParseError it yields nothing more: the connection is to be closed.
 */
export class RequestParser {
  private readonly queue = new ByteQueue();
  private head: Head | undefined;
  private bodyParts: Uint8Array[] = [];
  private bodyBytes = 0;
  /** For a chunked body: the bytes left of the current chunk, or -1 between chunks. */
  private chunkLeft = -1;
  private inTrailer = false;
  private failed = false;

  constructor(private readonly limits: ParserLimits = DEFAULT_LIMITS) {}

  push(bytes: Uint8Array): void {
    if (!this.failed) this.queue.push(bytes);
  }

  /** What is buffered past the last request (a hijacked stream's first bytes). */
  takeRest(): Uint8Array {
    return this.queue.take(this.queue.length);
  }

  next(): Parsed | undefined {
    if (this.failed) return undefined;
    try {
      const result = this.step();
      if (result instanceof HttpParseError) this.failed = true;
      return result;
    } catch (error) {
      // A bug here must not take the connection's owner down with it.
      this.failed = true;
      return new HttpParseError(400, `malformed request (${(error as Error).message})`);
    }
  }

  private step(): Parsed | undefined {
    if (!this.head) {
      // Blank lines before a request are ignored, as Go does.
      while (this.queue.length >= 2 && this.queue.indexOf([13, 10], 0, 0) === 0) this.queue.skip(2);
      const end = this.queue.indexOf(CRLF_CRLF, 0, this.limits.maxHeaderBytes);
      if (end < 0) {
        if (this.queue.length > this.limits.maxHeaderBytes) return new HttpParseError(431, 'Request Header Fields Too Large');
        return undefined;
      }
      const head = parseHead(latin1(this.queue.take(end)));
      this.queue.skip(4);
      if (head instanceof HttpParseError) return head;
      this.head = head;
      this.bodyParts = [];
      this.bodyBytes = 0;
      this.chunkLeft = -1;
      this.inTrailer = false;
    }
    const head = this.head;
    const path = head.target.split('?')[0]!;
    const limit = this.limits.maxBodyBytes(head.method, path);
    const te = head.headers.get('transfer-encoding');
    let body: Uint8Array | undefined;
    if (te !== undefined) {
      const b = this.chunked(limit);
      if (b instanceof HttpParseError || b === undefined) return b;
      body = b;
    } else {
      const length = Number(head.headers.get('content-length') ?? '0');
      if (length > limit) return new HttpParseError(413, 'Request Entity Too Large');
      if (this.queue.length < length) return undefined;
      body = this.queue.take(length);
    }
    this.head = undefined;
    const connection = (head.headers.get('connection') ?? '').toLowerCase().split(/\s*,\s*/);
    const keepAlive = head.httpVersion === '1.1' ? !connection.includes('close') : connection.includes('keep-alive');
    const q = head.target.indexOf('?');
    let query: URLSearchParams;
    try {
      query = new URLSearchParams(q < 0 ? '' : head.target.slice(q + 1));
    } catch {
      query = new URLSearchParams();
    }
    return { ...head, path, query, body, keepAlive };
  }

  /** The body of a chunked request: undefined until all of it (and its trailer) is here. */
  private chunked(limit: number): Uint8Array | HttpParseError | undefined {
    for (;;) {
      if (this.inTrailer) {
        // Trailer fields up to an empty line (ignored, as dockerd has no use for them).
        const end = this.queue.indexOf([13, 10], 0, this.limits.maxHeaderBytes);
        if (end < 0) return this.queue.length > this.limits.maxHeaderBytes ? new HttpParseError(431, 'Request Header Fields Too Large') : undefined;
        this.queue.skip(end + 2);
        if (end > 0) continue;
        const body = new Uint8Array(this.bodyBytes);
        let at = 0;
        for (const p of this.bodyParts) {
          body.set(p, at);
          at += p.length;
        }
        this.bodyParts = [];
        return body;
      }
      if (this.chunkLeft < 0) {
        const end = this.queue.indexOf([13, 10], 0, 1024);
        if (end < 0) return this.queue.length > 1024 ? new HttpParseError(400, 'malformed chunked encoding') : undefined;
        const line = latin1(this.queue.take(end)).split(';')[0]!.trim();
        this.queue.skip(2);
        if (!/^[0-9a-fA-F]{1,15}$/.test(line)) return new HttpParseError(400, 'malformed chunked encoding');
        const size = parseInt(line, 16);
        if (size === 0) {
          this.inTrailer = true;
          continue;
        }
        if (this.bodyBytes + size > limit) return new HttpParseError(413, 'Request Entity Too Large');
        this.chunkLeft = size;
      }
      if (this.queue.length < this.chunkLeft + 2) return undefined;
      const data = this.queue.take(this.chunkLeft);
      if (this.queue.indexOf([13, 10], 0, 0) !== 0) return new HttpParseError(400, 'malformed chunked encoding');
      this.queue.skip(2);
      this.bodyParts.push(data);
      this.bodyBytes += data.length;
      this.chunkLeft = -1;
    }
  }
}

function parseHead(text: string): Head | HttpParseError {
  const lines = text.split('\r\n');
  const requestLine = lines[0]!;
  const parts = requestLine.split(' ');
  if (parts.length !== 3) return new HttpParseError(400, 'malformed HTTP request');
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) return new HttpParseError(400, 'invalid method');
  const versionMatch = /^HTTP\/(\d)\.(\d)$/.exec(version);
  if (!versionMatch) return new HttpParseError(400, 'malformed HTTP version');
  if (versionMatch[1] !== '1' || Number(versionMatch[2]) > 1) return new HttpParseError(505, 'HTTP Version Not Supported');
  let path = target;
  // The absolute form (`http://localhost/v1.43/…`) is allowed, as in Go.
  const absolute = /^https?:\/\/[^/?#]*/i.exec(target);
  if (absolute) path = target.slice(absolute[0].length) || '/';
  if (!path.startsWith('/') || /[\s\x00-\x1f\x7f]/.test(path)) return new HttpParseError(400, 'malformed request URI');
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return new HttpParseError(400, 'malformed MIME header line');
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return new HttpParseError(400, `malformed MIME header: invalid byte in header name`);
    const value = line.slice(colon + 1).trim();
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return new HttpParseError(400, 'invalid header value');
    const key = name.toLowerCase();
    if (key === 'content-length' && headers.has(key) && headers.get(key) !== value) return new HttpParseError(400, 'message cannot contain multiple Content-Length headers');
    headers.set(key, headers.has(key) && key !== 'content-length' ? `${headers.get(key)}, ${value}` : value);
  }
  const httpVersion = versionMatch[2] === '0' ? '1.0' : '1.1';
  if (httpVersion === '1.1' && !headers.has('host')) return new HttpParseError(400, 'missing required Host header');
  const te = headers.get('transfer-encoding');
  if (te !== undefined) {
    if (te.toLowerCase() !== 'chunked') return new HttpParseError(501, 'Unsupported transfer encoding');
    if (headers.has('content-length')) return new HttpParseError(400, 'Transfer-Encoding and Content-Length together');
  }
  const length = headers.get('content-length');
  if (length !== undefined && !/^\d{1,15}$/.test(length)) return new HttpParseError(400, 'bad Content-Length');
  return { method, target: path, httpVersion, headers };
}
