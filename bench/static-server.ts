// A plain static file server for benchmarks: serves dist/ without compression and counts the
// bytes it sends, so "bytes downloaded before the prompt" is measured at the wire.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export interface CountingServer {
  url: string;
  bytesSent(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function serveStatic(root: string): Promise<CountingServer> {
  let sent = 0;
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-cache' });
      const stream = createReadStream(file);
      stream.on('data', (chunk) => (sent += chunk.length));
      stream.pipe(res);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    bytesSent: () => sent,
    reset: () => (sent = 0),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
