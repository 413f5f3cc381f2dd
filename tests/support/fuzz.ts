// Seeded randomness for the fuzz suite (tests/unit/fuzz.test.ts) and a `docker` harness on the
// in-memory runtime: the same seed gives the same inputs, so a failure can be replayed.
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { runDockerCli } from '../../web/src/engine/cli/index';
import { captureIO } from './capture-io';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from './memory-runtime';

/** mulberry32: small, fast, and enough to spread test inputs. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Characters that matter to the parsers under test (delimiters, quotes, escapes, case). */
const SPECIAL = [':', '/', '@', '.', '-', '_', '=', ',', '"', "'", '\\', '$', '{', '}', '[', ']', ' ', '\t', '\n', '#', 'A', 'Z', '0', '9', '\u00e9', '\u0000', '|', '(', ')', '*', '`'];

export function randomString(r: Random, max: number, alphabet: readonly string[] = SPECIAL): string {
  let s = '';
  const n = r.int(max + 1);
  for (let i = 0; i < n; i++) s += r.chance(0.5) ? r.pick(alphabet) : String.fromCharCode(97 + r.int(26));
  return s;
}

/** One random edit of the text: insert, delete, duplicate, swap or truncate. */
export function mutate(r: Random, text: string): string {
  const at = r.int(text.length + 1);
  switch (r.int(6)) {
    case 0: return text.slice(0, at) + randomString(r, 4) + text.slice(at);
    case 1: return text.slice(0, at) + text.slice(at + 1 + r.int(8));
    case 2: {
      const end = Math.min(text.length, at + 1 + r.int(40));
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
    case 3: return text.slice(0, at);
    case 4: {
      const other = r.int(text.length + 1);
      const [a, b] = at < other ? [at, other] : [other, at];
      return text.slice(0, a) + text.slice(b) + text.slice(a, b);
    }
    default: return text.slice(0, at) + r.pick(SPECIAL) + text.slice(at);
  }
}

export function mutateTimes(r: Random, text: string, times: number): string {
  let out = text;
  for (let i = 0; i < times; i++) out = mutate(r, out);
  return out;
}

export interface DockerResult {
  code: number;
  out: string;
  err: string;
}

/** A fresh daemon on MemoryRuntime and a function that runs one `docker` command line. */
export function memoryDocker(): { docker: (...args: string[]) => Promise<DockerResult>; daemon: Daemon; runtime: MemoryRuntime } {
  const runtime = new MemoryRuntime();
  const daemon = new Daemon(runtime, new FsRegistrySource());
  const docker = async (...args: string[]) => {
    const { io, out, err } = captureIO(runtime);
    const code = await runDockerCli(args, io, daemon);
    return { code, out: out(), err: err() };
  };
  return { docker, daemon, runtime };
}

/** A rejection a learner could read: Docker-shaped, never a JavaScript error leaking through. */
export function badMessage(message: string): string | undefined {
  if (!message.trim()) return 'empty message';
  if (/\bundefined\b|\[object Object\]|\bNaN\b/.test(message)) return 'undefined / [object Object] / NaN in the message';
  if (/\b(TypeError|RangeError|ReferenceError|SyntaxError|InternalError)\b|is not a function|Cannot read propert|Maximum call stack/.test(message)) return 'a JavaScript error';
  return undefined;
}
