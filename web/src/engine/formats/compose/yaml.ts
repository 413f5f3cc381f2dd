// A Compose file's YAML as compose-go reads it (go-yaml underneath), turned into plain values:
// each document of the stream separately (Compose merges them in order), merge keys
// (`<<: *base`, `<<: [*a, *b]`: the mapping's own keys win, then the earlier source), aliases
// expanded — with go-yaml's alias-ratio rule, so a "billion laughs" file is refused instead of
// filling memory — a self-referencing alias refused as compose-go refuses it, duplicate keys,
// `!reset`/`!override` tags (for merging several files), and the line of every key for messages.
// The `yaml` library only tokenizes: its own toJS would recurse forever on a cycle.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Node } from 'yaml';
import { ComposeError } from './errors';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Path = string[];

/** Whether a key path fits a pattern of compose-go's kind (`services.*.ports.[]`: `*` is any one key). */
export function pathMatches(path: string[], pattern: string): boolean {
  const parts = pattern.split('.');
  return parts.length === path.length && parts.every((p, i) => p === '*' || p === path[i]);
}

export interface YamlDocument {
  value: Json;
  /** Paths tagged `!reset` (removed from what earlier files set) and `!override` (replacing it). */
  resets: Path[];
  overrides: Path[];
  /** The line of the key (or item) a path names, or of its nearest parent that has one. */
  lineOf(path: Array<string | number>): number | undefined;
}

/** compose-go's cap on nodes visited in one document. */
const MAX_NODE_VISITS = 100_000;

/** go-yaml's allowed share of alias-expanded nodes: 99% of a small document, 10% of a huge one. */
function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000);
}

/** Go-style (%#v) rendering of a YAML key that is not a string. */
const goValue = (v: unknown) => (v === null || v === undefined ? '<nil>' : String(v));

/** go-yaml's wording for the syntax errors people make most; others keep the library's. */
function goYamlMessage(code: string, message: string): string {
  switch (code) {
    case 'MISSING_CHAR':
      return /quote/.test(message) ? 'found unexpected end of stream' : `did not find expected ${/\]/.test(message) ? "',' or ']'" : /\}/.test(message) ? "',' or '}'" : 'key'}`;
    case 'BAD_INDENT':
      return /Flow (sequence|mapping)/.test(message) ? `did not find expected ${/sequence/.test(message) ? "',' or ']'" : "',' or '}'"}` : 'did not find expected key';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'mapping values are not allowed in this context';
    case 'TAB_AS_INDENT':
      return 'found character that cannot start any token';
    case 'DUPLICATE_KEY':
      return message;
    default:
      return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/^./, (c) => c.toLowerCase());
  }
}

/**
 * A plain scalar as go-yaml reads a number: underscores dropped, then Go's base prefixes — so
 * `0755` is octal (493), `0x1F` hex, `0b101` binary, `1_000` a thousand — or a float.
 */
function goYamlNumber(source: string): number | undefined {
  const plain = source.replace(/_/g, '');
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(plain);
  if (m) {
    const digits = m[2]!;
    const value = /^0[xXoObB]/.test(digits) ? Number(digits.toLowerCase()) : digits.length > 1 && digits.startsWith('0') ? parseInt(digits, 8) : Number(digits);
    return m[1] === '-' ? -value : value;
  }
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return Number(plain);
  return undefined;
}

export function parseComposeYaml(text: string, fileName: string): YamlDocument[] {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false, merge: false, prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  const fail = (message: string) => new ComposeError(`failed to parse ${fileName}: ${message}`);
  const lineAt = (node: { range?: [number, number, number] | null } | null | undefined) => (node?.range ? counter.linePos(node.range[0]).line : undefined);
  const out: YamlDocument[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw fail(`yaml: line ${error.linePos?.[0]?.line ?? counter.linePos(error.pos[0]).line}: ${goYamlMessage(error.code, error.message)}`);

    // The document as written: the visit cap applies before any alias is expanded.
    let visits = 0;
    const countVisits = (node: unknown): void => {
      if (++visits > MAX_NODE_VISITS) throw fail(`compose file exceeds maximum node visit limit (${MAX_NODE_VISITS})`);
      if (isMap(node)) for (const pair of node.items) countVisits(pair.value);
      else if (isSeq(node)) for (const item of node.items) countVisits(item);
    };
    countVisits(doc.contents);

    // Each alias's anchor, found once: the library's own lookup walks the document per alias.
    const anchors = new Map<unknown, Node>();
    {
      const defined = new Map<string, Node>();
      const walk = (node: unknown): void => {
        if (isAlias(node)) {
          const target = defined.get(node.source);
          if (target) anchors.set(node, target);
          return;
        }
        const anchor = (node as { anchor?: string } | null)?.anchor;
        // An anchor names its node from where it is written, so an alias inside it sees it.
        if (anchor) defined.set(anchor, node as Node);
        if (isMap(node))
          for (const pair of node.items) {
            walk(pair.key);
            walk(pair.value);
          }
        else if (isSeq(node)) for (const item of node.items) walk(item);
      };
      walk(doc.contents);
    }
    const lines = new Map<string, number>();
    const resets: Path[] = [];
    const overrides: Path[] = [];
    let decoded = 0;
    let aliased = 0;
    let aliasDepth = 0;
    /** Containers being converted, with their paths: an alias to one of them is a cycle. */
    const open = new Map<Node, Path>();

    const convert = (node: unknown, path: Path): Json | undefined => {
      decoded++;
      if (aliasDepth > 0) aliased++;
      if (aliased > 100 && decoded > 1000 && aliased / decoded > allowedAliasRatio(decoded)) throw fail('yaml: document contains excessive aliasing');
      if (node === null || node === undefined) return null;
      const tag = (node as { tag?: string }).tag;
      if (tag === '!reset') {
        resets.push(path);
        return undefined;
      }
      if (tag === '!override') overrides.push(path);
      if (isAlias(node)) {
        const target = anchors.get(node);
        if (!target) throw fail(`yaml: line ${lineAt(node) ?? '?'}: unknown anchor '${node.source}' referenced`);
        const ancestor = open.get(target);
        if (ancestor) {
          // compose-go notices the loop one turn later, when the alias is met again inside itself.
          if (path.includes('<<') || ancestor.includes('<<')) throw fail(`compose file exceeds maximum node visit limit (${MAX_NODE_VISITS})`);
          const again = [...path, ...path.slice(ancestor.length)];
          throw fail(`cycle detected: node at path ${again.join('.')} references node at path ${path.join('.')}`);
        }
        aliasDepth++;
        try {
          return convert(target, path);
        } finally {
          aliasDepth--;
        }
      }
      if (isScalar(node)) {
        if (node.type === Scalar.PLAIN && typeof node.source === 'string' && /^[-+]?[0-9.]/.test(node.source)) {
          const n = goYamlNumber(node.source);
          if (n !== undefined) return n;
        }
        const v = node.value;
        return v === null || v === undefined ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
      }
      if (isSeq(node)) {
        open.set(node, path);
        try {
          const list: Json[] = [];
          node.items.forEach((item, i) => {
            if (aliasDepth === 0) lines.set([...path, String(i)].join('\u0000'), lineAt(item as Node) ?? 0);
            const v = convert(item, [...path, String(i)]);
            if (v !== undefined) list.push(v);
          });
          return list;
        } finally {
          open.delete(node);
        }
      }
      if (isMap(node)) {
        open.set(node, path);
        try {
          const own: Record<string, Json> = {};
          const seen = new Map<string, number>();
          const merged: Array<Record<string, Json>> = [];
          for (const pair of node.items) {
            const keyNode = pair.key as Node | null;
            const keyValue = isScalar(keyNode) ? keyNode.value : keyNode === null ? null : undefined;
            const keyText = isScalar(keyNode) ? (keyNode.source ?? String(keyValue)) : String(keyValue);
            const line = lineAt(keyNode) ?? 0;
            const before = seen.get(keyText);
            if (before !== undefined) throw fail(`line ${line}: mapping key ${JSON.stringify(keyText)} already defined at line ${before}`);
            seen.set(keyText, line);
            if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === Scalar.PLAIN) {
              merged.push(...mergeSources(pair.value, [...path, '<<']));
              continue;
            }
            if (typeof keyValue !== 'string') {
              if (keyValue === undefined) throw fail(`yaml: line ${line}: invalid map key`);
              throw new ComposeError(`non-string key ${path.length ? `in ${path.join('.')}` : 'at top level'}: ${goValue(keyValue)}`);
            }
            if (aliasDepth === 0) lines.set([...path, keyValue].join('\u0000'), line);
            const v = convert(pair.value, [...path, keyValue]);
            if (v !== undefined) own[keyValue] = v;
          }
          if (!merged.length) return own;
          // Merged sources never override the mapping's own keys, and an earlier source wins.
          const result: Record<string, Json> = {};
          for (const source of [...merged].reverse()) Object.assign(result, source);
          return Object.assign(result, own);
        } finally {
          open.delete(node);
        }
      }
      return null;
    };

    /** The mappings a `<<` value names: one mapping, an alias to one, or a sequence of them. */
    const mergeSources = (value: unknown, path: Path): Array<Record<string, Json>> => {
      const target = (n: unknown) => (isAlias(n) ? anchors.get(n) : n);
      const one = (n: unknown): Record<string, Json> => {
        if (isAlias(n) && !target(n)) throw fail(`yaml: line ${lineAt(n) ?? '?'}: unknown anchor '${n.source}' referenced`);
        if (!isMap(target(n))) throw fail('yaml: map merge requires map or sequence of maps as the value');
        return convert(n, path) as Record<string, Json>;
      };
      const resolved = target(value);
      // compose-go also accepts an alias to a sequence of mappings here.
      if (isSeq(resolved)) return resolved.items.map(one);
      return [one(value)];
    };

    const value = convert(doc.contents, []);
    out.push({
      value: value === undefined ? null : value,
      resets,
      overrides,
      lineOf: (path) => {
        for (let n = path.length; n > 0; n--) {
          const line = lines.get(path.slice(0, n).map(String).join('\u0000'));
          if (line) return line;
        }
        return undefined;
      },
    });
  }
  return out;
}
