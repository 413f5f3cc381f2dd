// What an endpoint answers, independent of the wire (server.ts writes it), and the small rules
// every endpoint shares: dockerd's headers, Go's boolean query values, JSON bodies, the
// multiplexed stream format.
import { ApiError, API_VERSION, ENGINE_VERSION } from '../daemon/endpoints';
import type { HttpRequest } from './http-parser';

export interface StreamSink {
  write(bytes: Uint8Array): void;
  readonly closed: boolean;
  /** Called once when the client goes away; returns a function that forgets the callback. */
  onClose(cb: () => void): () => void;
}

export interface HijackIO {
  write(bytes: Uint8Array): void;
  /** Bytes the client sends after the upgrade (stdin). */
  onInput(cb: (bytes: Uint8Array) => void): void;
  /** The client closed its sending side (its stdin ended). */
  onInputEnd(cb: () => void): void;
  readonly closed: boolean;
  onClose(cb: () => void): void;
}

export type Reply =
  | { kind: 'json'; status: number; json: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; status: number; body: Uint8Array | string; contentType?: string; headers?: Record<string, string> }
  /** `logged`: the daemon's endpoint logs this request itself when its work ends (pull, push, build, wait). */
  | { kind: 'stream'; status: number; contentType: string; stream: (sink: StreamSink) => Promise<void>; headers?: Record<string, string>; logged?: boolean }
  | { kind: 'hijack'; upgrade: boolean; contentType: string; hijack: (io: HijackIO) => Promise<void>; headers?: Record<string, string> };

export const json = (status: number, body: unknown): Reply => ({ kind: 'json', status, json: body });
export const empty = (status = 204): Reply => ({ kind: 'bytes', status, body: '' });

/** The version the server speaks by default and the oldest a client may ask for (Docker 20.10 speaks 1.41). */
export const MIN_API_VERSION = '1.24';
export { API_VERSION, ENGINE_VERSION };

/** Headers dockerd's version middleware puts on every answer (names as Go canonicalizes them). */
export const ENGINE_HEADERS = (): Array<[string, string]> => [
  ['Api-Version', API_VERSION],
  ['Ostype', 'linux'],
  ['Server', `Docker/${ENGINE_VERSION} (linux)`],
];

/** A JSON field that should be a string, or a list of strings (a lone string is a list of one, as the old API allowed). */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : undefined);

/** Go's httputils.BoolValue: anything but "", 0, no, false, none is true. */
export function boolParam(req: HttpRequest, name: string): boolean {
  const v = (req.query.get(name) ?? '').trim().toLowerCase();
  return !['', '0', 'no', 'false', 'none'].includes(v);
}

export function intParam(req: HttpRequest, name: string, fallback: number): number {
  const v = req.query.get(name);
  if (v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new ApiError(400, `strconv.Atoi: parsing "${v}": invalid syntax`);
  return n;
}

/** A JSON request body, checked as dockerd's httputils.ReadJSON does. */
export function readJson<T>(req: HttpRequest, optional = false): T | undefined {
  const type = req.headers.get('content-type');
  if (type && !/^application\/json\s*(;|$)/i.test(type) && req.body.length) {
    throw new ApiError(400, `unsupported Content-Type header (${type}): must be 'application/json'`);
  }
  const text = new TextDecoder().decode(req.body);
  if (!text.trim()) {
    if (optional) return undefined;
    throw new ApiError(400, 'invalid JSON: got EOF while reading request body');
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ApiError(400, `invalid JSON: ${(error as Error).message}`);
  }
}

/** An object from a JSON body, or the 400 a Go decoder gives for a body of the wrong type. */
export function readObject(req: HttpRequest, optional = false): Record<string, unknown> {
  const value = readJson<unknown>(req, optional) ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, `invalid JSON: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct`);
  }
  return value as Record<string, unknown>;
}

/** The `filters` query parameter: `{"key":["v"]}` or the older `{"key":{"v":true}}`. */
export function filtersParam(req: HttpRequest): Array<[string, string]> {
  const raw = req.query.get('filters');
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ApiError(400, `invalid filter: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ApiError(400, 'invalid filter: not an object');
  const out: Array<[string, string]> = [];
  for (const [key, values] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(values)) for (const v of values) out.push([key, String(v)]);
    else if (values && typeof values === 'object') for (const [v, on] of Object.entries(values)) if (on) out.push([key, v]);
    else throw new ApiError(400, `invalid filter: ${key}`);
  }
  return out;
}

/**
 * One frame of the multiplexed stream (stdcopy): stream byte (0 stdin, 1 stdout, 2 stderr),
 * three zero bytes, the payload's length big-endian, then the payload.
 */
export function muxFrame(stream: 0 | 1 | 2, data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(8 + data.length);
  frame[0] = stream;
  new DataView(frame.buffer).setUint32(4, data.length);
  frame.set(data, 8);
  return frame;
}

/** One line of a JSON progress stream (pull, push, build, events). */
export const jsonLine = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value)}\n`);
