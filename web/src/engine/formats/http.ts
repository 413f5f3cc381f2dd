// HTTP/1.1 messages as bytes, for the page's preview of a published port: the request the
// page asked for, written out for the guest, and the server's answer read back. Pure code.
import { concatBytes } from '../protocol/frame';

export interface HttpRequest {
  method: string;
  /** Path and query, starting with "/". */
  path: string;
  headers: Array<[string, string]>;
  body?: Uint8Array;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

export class HttpFormatError extends Error {
  override name = 'HttpFormatError';
}

/** Headers the relay sets itself (one request per connection, the body's own length). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length', 'host']);

export function encodeRequest(request: HttpRequest, host: string): Uint8Array {
  if (!/^[A-Z]+$/.test(request.method)) throw new HttpFormatError(`bad method ${request.method}`);
  if (!request.path.startsWith('/') || /[\s]/.test(request.path)) throw new HttpFormatError(`bad path ${request.path}`);
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of request.headers) {
    if (HOP_BY_HOP.has(name.toLowerCase()) || /[\r\n]/.test(name + value)) continue;
    lines.push(`${name}: ${value}`);
  }
  const body = request.body ?? new Uint8Array(0);
  if (body.length || !['GET', 'HEAD'].includes(request.method)) lines.push(`Content-Length: ${body.length}`);
  const head = new TextEncoder().encode(`${lines.join('\r\n')}\r\n\r\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function indexOf(bytes: Uint8Array, pattern: number[], from = 0): number {
  outer: for (let i = from; i <= bytes.length - pattern.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

const CRLF = [13, 10];

/** Undoes `Transfer-Encoding: chunked`. */
function dechunk(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const eol = indexOf(bytes, CRLF, at);
    if (eol < 0) throw new HttpFormatError('truncated chunked body');
    const size = parseInt(new TextDecoder().decode(bytes.subarray(at, eol)).split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) throw new HttpFormatError('bad chunk size');
    if (size === 0) break;
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return concatBytes(parts);
}

/** A whole response, as read until the server closed the connection. */
export function decodeResponse(bytes: Uint8Array): HttpResponse {
  const end = indexOf(bytes, [13, 10, 13, 10]);
  if (end < 0) throw new HttpFormatError(bytes.length ? 'the server sent no complete HTTP header' : 'the server closed the connection without answering');
  const [statusLine = '', ...headerLines] = new TextDecoder().decode(bytes.subarray(0, end)).split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw new HttpFormatError(`not an HTTP response: ${statusLine.slice(0, 60)}`);
  const headers = headerLines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  const header = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  let body = bytes.subarray(end + 4);
  if (header('transfer-encoding')?.toLowerCase().includes('chunked')) body = dechunk(body);
  else if (header('content-length') !== undefined) body = body.subarray(0, Number(header('content-length')));
  return {
    status: Number(m[1]),
    statusText: m[2] ?? '',
    headers: headers.filter(([n]) => !HOP_BY_HOP.has(n.toLowerCase())),
    body: body.slice(),
  };
}
