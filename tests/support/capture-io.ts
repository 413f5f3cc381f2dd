// A `docker` client's side for tests that drive the CLI without a guest: no terminal, output
// captured as text, and the client's own files on the in-memory runtime's host (if given).
import type { CliIO } from '../../web/src/engine/cli/context';
import type { MemoryRuntime } from './memory-runtime';

export function captureIO(runtime?: MemoryRuntime): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const text = (t: string | Uint8Array) => (typeof t === 'string' ? t : new TextDecoder().decode(t));
  const io: CliIO = {
    out: (t) => (out += text(t)),
    err: (t) => (err += text(t)),
    onSignal: () => {},
    onClose: () => {},
    stdoutTty: false,
    stdinTty: false,
    cwd: '/root',
    size: { rows: 0, cols: 0 },
    startStdin: () => {},
    onStdin: () => {},
    onResize: () => {},
    archiveLocal: (path) => (runtime ? runtime.archiveHostPath(path) : Promise.resolve(null)),
    writeLocal: (path, data) => (runtime ? runtime.writeHostFile(path, data) : Promise.resolve()),
  };
  return { io, out: () => out, err: () => err };
}
