// The Engine API over HTTP/1.1 on any byte stream: the guest's /var/run/docker.sock (relayed by
// the agent) today, a TCP listener later (`DOCKER_HOST=tcp://…`). One connection is served at
// a time per request, in order (pipelined requests wait their turn, as in Go's server); a
// hijacked stream (attach, exec start) takes the connection over until it ends.
import type { Daemon } from '../daemon/daemon';
import { ApiError } from '../daemon/endpoints';
import { DEFAULT_LIMITS, HttpParseError, RequestParser, type HttpRequest, type ParserLimits } from './http-parser';
import { route } from './router';
import { ENGINE_HEADERS, type HijackIO, type Reply, type StreamSink } from './reply';

/** A bidirectional byte stream: a Unix socket connection relayed from the guest, a TCP one, a test. */
export interface ByteConnection {
  write(bytes: Uint8Array): void;
  /** Closes both directions. */
  close(): void;
  onData(cb: (bytes: Uint8Array) => void): void;
  /** The peer went away (or close() was called). */
  onClose(cb: () => void): void;
  /** The peer finished sending but still reads (a half-close: the client's stdin ended). */
  onEnd?(cb: () => void): void;
}

export interface ServerOptions {
  limits?: ParserLimits;
}

const STATUS_TEXT: Record<number, string> = {
  101: 'Switching Protocols', 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Request Entity Too Large', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable', 505: 'HTTP Version Not Supported',
};

const encoder = new TextEncoder();

function head(status: number, headers: Array<[string, string]>, reason = STATUS_TEXT[status] ?? 'Unknown'): Uint8Array {
  const lines = [`HTTP/1.1 ${status} ${reason}`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  return encoder.encode(`${lines.join('\r\n')}\r\n\r\n`);
}

/** Go's http.Date format (RFC 1123 in GMT). */
const httpDate = () => new Date().toUTCString();

/** Serves Engine API requests arriving on `conn` until either side closes it. Never throws. */
export function serveHttpConnection(conn: ByteConnection, daemon: Daemon, options: ServerOptions = {}): void {
  const parser = new RequestParser(options.limits ?? DEFAULT_LIMITS);
  let busy = false;
  let closed = false;
  let hijacked: ((bytes: Uint8Array) => void) | undefined;
  const closeListeners = new Set<() => void>();
  const endListeners = new Set<() => void>();

  const safeWrite = (bytes: Uint8Array) => {
    if (closed || bytes.length === 0) return;
    try {
      conn.write(bytes);
    } catch {
      shutDown();
    }
  };
  const shutDown = () => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch {
      // Already gone.
    }
    notifyClosed();
  };
  const notifyClosed = () => {
    closed = true;
    for (const l of [...closeListeners]) {
      try {
        l();
      } catch {
        // A stream's cleanup failing must not stop the others'.
      }
    }
    closeListeners.clear();
  };

  conn.onClose(() => {
    if (!closed) notifyClosed();
  });
  // A client that stops sending gets the answers to what it sent, then the connection closes
  // (as Go's server does at EOF); on a hijacked stream it is the end of stdin.
  let inputEnded = false;
  conn.onEnd?.(() => {
    inputEnded = true;
    if (hijacked) for (const l of [...endListeners]) l();
    else pump();
  });
  conn.onData((bytes) => {
    if (closed) return;
    if (hijacked) return hijacked(bytes);
    parser.push(bytes);
    pump();
  });

  const pump = () => {
    while (!busy && !closed && !hijacked) {
      const next = parser.next();
      if (!next) {
        if (inputEnded) shutDown();
        return;
      }
      if (next instanceof HttpParseError) {
        // As Go's server answers what it cannot parse: plain text, then the connection closes.
        const body = encoder.encode(`${next.status} ${STATUS_TEXT[next.status] ?? 'Bad Request'}${next.status === 400 ? `: ${next.reason}` : ''}`);
        safeWrite(head(next.status, [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']]));
        safeWrite(body);
        daemon.logRequest('?', '(malformed request)', next.status, 0, 'unknown');
        shutDown();
        return;
      }
      busy = true;
      void serveOne(next).then(
        (keepOpen) => {
          busy = false;
          if (!keepOpen || !next.keepAlive) shutDown();
          else pump();
        },
        () => {
          busy = false;
          shutDown();
        },
      );
    }
  };

  /** Answers one request; resolves with whether the connection may serve another. */
  const serveOne = async (req: HttpRequest): Promise<boolean> => {
    const started = performance.now();
    const lastLogged = daemon.apiLog.at(-1);
    // The API panel names the client of each request over the socket, as its User-Agent says.
    const client = req.headers.get('user-agent') || 'unknown';
    let reply: Reply;
    try {
      reply = await route(daemon.asClient(client), req, {
        get closed() {
          return closed;
        },
        onClose: (cb) => {
          if (closed) cb();
          else closeListeners.add(cb);
          return () => closeListeners.delete(cb);
        },
      });
    } catch (error) {
      reply = errorReply(error);
    }
    const status = reply.kind === 'hijack' ? (reply.upgrade ? 101 : 200) : reply.status;
    // A request the daemon logged has its line; one answered here (ping, 404) gets its own.
    if (!(reply.kind === 'stream' && reply.logged) && daemon.apiLog.at(-1) === lastLogged) daemon.logRequest(req.method, req.target, status, performance.now() - started, client);
    if (closed) return false;
    const base: Array<[string, string]> = [...ENGINE_HEADERS(), ...Object.entries(reply.headers ?? {}), ['Date', httpDate()]];
    const noBody = req.method === 'HEAD' || status === 204 || status === 304;
    switch (reply.kind) {
      case 'json':
      case 'bytes': {
        const body = reply.kind === 'json' ? encoder.encode(`${JSON.stringify(reply.json)}\n`) : typeof reply.body === 'string' ? encoder.encode(reply.body) : reply.body;
        const type = reply.kind === 'json' ? 'application/json' : reply.contentType;
        const headers: Array<[string, string]> = [...(type && status !== 204 ? [['Content-Type', type] as [string, string]] : []), ...base];
        if (status !== 204 && status !== 304) headers.push(['Content-Length', String(body.length)]);
        if (!req.keepAlive) headers.push(['Connection', 'close']);
        safeWrite(head(status, headers));
        if (!noBody) safeWrite(body);
        return true;
      }
      case 'stream': {
        const chunked = req.httpVersion === '1.1';
        const headers: Array<[string, string]> = [['Content-Type', reply.contentType], ...base];
        if (chunked) headers.push(['Transfer-Encoding', 'chunked']);
        else headers.push(['Connection', 'close']);
        safeWrite(head(status, headers));
        if (req.method === 'HEAD') return true;
        const sink: StreamSink = {
          write: (bytes) => {
            if (bytes.length === 0) return;
            if (chunked) safeWrite(encoder.encode(`${bytes.length.toString(16)}\r\n`));
            safeWrite(bytes);
            if (chunked) safeWrite(encoder.encode('\r\n'));
          },
          get closed() {
            return closed;
          },
          onClose: (cb) => {
            if (closed) cb();
            else closeListeners.add(cb);
            return () => closeListeners.delete(cb);
          },
        };
        try {
          await reply.stream(sink);
        } catch {
          // The head is out: a failure can only end the stream (the stream says why if it can).
          shutDown();
          return false;
        }
        if (chunked) safeWrite(encoder.encode('0\r\n\r\n'));
        return chunked;
      }
      case 'hijack': {
        const headers: Array<[string, string]> = reply.upgrade
          ? [['Content-Type', reply.contentType], ['Connection', 'Upgrade'], ['Upgrade', 'tcp']]
          : [['Content-Type', reply.contentType], ...base];
        safeWrite(head(status, headers, reply.upgrade ? 'UPGRADED' : 'OK'));
        const inputListeners = new Set<(bytes: Uint8Array) => void>();
        const early = parser.takeRest();
        hijacked = (bytes) => inputListeners.forEach((l) => l(bytes));
        const io: HijackIO = {
          write: safeWrite,
          onInput: (cb) => {
            inputListeners.add(cb);
            if (early.length) queueMicrotask(() => cb(early));
          },
          onInputEnd: (cb) => {
            if (inputEnded) queueMicrotask(cb);
            else endListeners.add(cb);
          },
          get closed() {
            return closed;
          },
          onClose: (cb) => {
            if (closed) cb();
            else closeListeners.add(cb);
          },
        };
        try {
          await reply.hijack(io);
        } catch {
          // Nothing more can be said on a raw stream.
        }
        shutDown();
        return false;
      }
    }
  };
}

/** An error as the Engine API answers it: `{"message": …}` with the daemon's status. */
export function errorReply(error: unknown): Reply {
  const status = error instanceof ApiError ? error.status : 500;
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'json', status, json: { message } };
}
