// POSIX ustar writer and reader (pure code). The writer is deterministic: same entries, same
// bytes; long names use the ustar prefix field (paths up to 255 bytes), or else GNU tar's long
// name entry, as do long link targets. The reader also takes
// what busybox and GNU tar write (GNU long names, pax headers), since layers built in the guest
// come from busybox tar.

interface Owner {
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch; createTar's `mtime` when absent. */
  mtime?: number;
}

export type TarEntry =
  | ({ type: 'file'; path: string; data: Uint8Array } & Owner)
  | ({ type: 'dir'; path: string } & Owner)
  | ({ type: 'symlink'; path: string; target: string } & Owner)
  | ({ type: 'hardlink'; path: string; target: string } & Owner)
  | ({ type: 'char' | 'block'; path: string; major: number; minor: number } & Owner)
  | ({ type: 'fifo'; path: string } & Owner);

const TYPEFLAGS: Record<TarEntry['type'], number> = { file: 0x30, hardlink: 0x31, symlink: 0x32, char: 0x33, block: 0x34, dir: 0x35, fifo: 0x36 };

const BLOCK = 512;
const encoder = new TextEncoder();

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`tar: "${value}" is longer than ${length} bytes`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

/** The longest start of `s` that fits in `bytes` bytes of UTF-8. */
function fitting(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (encoder.encode(out + ch).length > bytes) break;
    out += ch;
  }
  return out;
}

/** ustar's name and prefix fields for a path, or undefined when it does not fit them. */
function splitPath(path: string): { name: string; prefix: string } | undefined {
  if (encoder.encode(path).length <= 100) return { name: path, prefix: '' };
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) return { name, prefix };
  }
  return undefined;
}

const entryPath = (entry: TarEntry) => (entry.type === 'dir' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path);

/**
 * GNU tar's long name ('L') or long link target ('K') entry, which precedes an entry whose path
 * does not fit ustar's fields (npm's cache has 126-byte file names) or whose link target is
 * longer than 100 bytes; busybox and GNU tar read both.
 */
function longNameEntry(flag: 'L' | 'K', value: string, mtime: number): Uint8Array[] {
  const data = encoder.encode(`${value}\0`);
  const block = header({ type: 'file', path: '././@LongLink', data, mode: 0o644 }, data.length, mtime, flag.charCodeAt(0));
  const padded = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  padded.set(data);
  return [block, padded];
}

function header(entry: TarEntry, size: number, mtime: number, typeflag?: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const path = entryPath(entry);
  // A path too long for ustar is in the GNU long name before this header; here, its start.
  const { name, prefix } = splitPath(path) ?? { name: fitting(path, 100), prefix: '' };
  const mode = entry.type === 'symlink' ? 0o777 : (entry.mode ?? (entry.type === 'dir' ? 0o755 : 0o644)) & 0o7777;
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, mode);
  writeOctal(block, 108, 8, entry.uid ?? 0);
  writeOctal(block, 116, 8, entry.gid ?? 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, entry.mtime ?? mtime);
  block.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  block[156] = typeflag ?? TYPEFLAGS[entry.type];
  if (entry.type === 'symlink' || entry.type === 'hardlink') writeString(block, 157, 100, fitting(entry.target, 100));
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  if (entry.type === 'char' || entry.type === 'block') {
    writeOctal(block, 329, 8, entry.major);
    writeOctal(block, 337, 8, entry.minor);
  }
  writeString(block, 345, 155, prefix);
  const sum = block.reduce((a, b) => a + b, 0);
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** A tar archive of the entries, in the order given, with every mtime set to `mtime`. */
export function createTar(entries: TarEntry[], mtime = 0): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const entry of entries) {
    const data = entry.type === 'file' ? entry.data : new Uint8Array(0);
    const longParts = [
      ...((entry.type === 'symlink' || entry.type === 'hardlink') && encoder.encode(entry.target).length > 100 ? longNameEntry('K', entry.target, mtime) : []),
      ...(splitPath(entryPath(entry)) ? [] : longNameEntry('L', entryPath(entry), mtime)),
    ];
    for (const p of longParts) {
      parts.push(p);
      total += p.length;
    }
    const h = header(entry, data.length, mtime);
    parts.push(h);
    total += BLOCK;
    if (data.length) {
      const padded = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
      padded.set(data);
      parts.push(padded);
      total += padded.length;
    }
  }
  parts.push(new Uint8Array(BLOCK * 2));
  total += BLOCK * 2;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const decoder = new TextDecoder();

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function readOctal(block: Uint8Array, offset: number, length: number): number {
  // GNU base-256 for large values: high bit of the first byte set.
  if (block[offset]! & 0x80) {
    let n = 0;
    for (let i = offset + 1; i < offset + length; i++) n = n * 256 + block[i]!;
    return n;
  }
  const text = readString(block, offset, length).trim();
  return text ? parseInt(text, 8) : 0;
}

/** pax extended header records: "LEN key=value\n" each. */
function paxRecords(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = parseInt(decoder.decode(data.subarray(at, space)), 10);
    if (!len) break;
    const record = decoder.decode(data.subarray(space + 1, at + len - 1));
    const eq = record.indexOf('=');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

/**
 * The entries of a tar archive, in order. Paths lose a leading "./" and a trailing "/"; the
 * archive's root entry ("./") is skipped. Throws on a damaged header.
 */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  while (at + BLOCK <= bytes.length) {
    const block = bytes.subarray(at, at + BLOCK);
    if (block.every((b) => b === 0)) break;
    const stored = readOctal(block, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (sum !== stored) throw new Error(`tar: bad header checksum at byte ${at}`);
    const flag = String.fromCharCode(block[156]!);
    const size = pax.size !== undefined ? Number(pax.size) : readOctal(block, 124, 12);
    const data = bytes.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'L') {
      longName = readString(data, 0, data.length);
      continue;
    }
    if (flag === 'K') {
      longLink = readString(data, 0, data.length);
      continue;
    }
    if (flag === 'x') {
      pax = { ...pax, ...paxRecords(data) };
      continue;
    }
    if (flag === 'g') continue;
    const prefix = readString(block, 345, 155);
    const name = readString(block, 0, 100);
    let path = pax.path ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    const target = pax.linkpath ?? longLink ?? readString(block, 157, 100);
    longName = longLink = undefined;
    pax = {};
    path = path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    if (path === '' || path === '.') continue;
    const owner = { mode: readOctal(block, 100, 8) & 0o7777, uid: readOctal(block, 108, 8), gid: readOctal(block, 116, 8), mtime: readOctal(block, 136, 12) };
    switch (flag) {
      case '0': case '\0': case '7':
        entries.push({ type: 'file', path, data: data.slice(), ...owner });
        break;
      case '1':
        entries.push({ type: 'hardlink', path, target: target.replace(/^(\.\/)+/, ''), ...owner });
        break;
      case '2':
        entries.push({ type: 'symlink', path, target, ...owner });
        break;
      case '3': case '4':
        entries.push({ type: flag === '3' ? 'char' : 'block', path, major: readOctal(block, 329, 8), minor: readOctal(block, 337, 8), ...owner });
        break;
      case '5':
        entries.push({ type: 'dir', path, ...owner });
        break;
      case '6':
        entries.push({ type: 'fifo', path, ...owner });
        break;
      default:
        break; // other kinds (sparse, volume labels) do not occur in layers
    }
  }
  return entries;
}
