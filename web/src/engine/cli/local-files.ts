// Files on the client's machine (the guest), as the real CLI opens them for -o/-i.
import { readTar } from '../formats/tar';
import type { CliIO } from './context';

export function localPath(io: CliIO, path: string): string {
  return path.startsWith('/') ? path : `${io.cwd.replace(/\/$/, '')}/${path}`;
}

/** A file's bytes; null if it does not exist; 'directory' if it is one. */
export async function readLocalFile(io: CliIO, path: string): Promise<Uint8Array | null | 'directory'> {
  const found = await io.archiveLocal(localPath(io, path));
  if (!found) return null;
  if (found.directory) return 'directory';
  const entry = readTar(found.tar).find((e) => e.type === 'file');
  return entry && entry.type === 'file' ? entry.data : new Uint8Array(0);
}

/** All of the client's stdin (not a terminal), until its end. */
export function readStdin(io: CliIO): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    io.startStdin(false);
    io.onStdin((bytes) => {
      if (bytes.length) return void chunks.push(bytes);
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      resolve(all);
    });
  });
}
