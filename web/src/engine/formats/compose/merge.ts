// Merging Compose models as compose-go does, for several `-f` files, `extends` and `include`:
// mappings merge key by key, sequences append, scalars are replaced; `command`, `entrypoint`
// and `healthcheck.test` are replaced whole; `environment`, `labels`, `env_file`, `build.args`
// (…) merge as KEY=VALUE lists; `depends_on` and `networks` as mappings. Then each list that
// Compose keys (environment by name, volumes by target, ports, expose…) keeps one entry per
// key, the later one in the place of the first. `!reset` removes what an earlier file set and
// `!override` replaces it without merging.
import { ComposeError } from './errors';
import { pathMatches, type Json, type Path } from './yaml';

export type Dict = Record<string, Json>;
export const isDict = (v: Json | undefined): v is Dict => !!v && typeof v === 'object' && !Array.isArray(v);


/** A KEY=VALUE list from a mapping (sorted, as compose-go sorts it) or a list. */
function toSequence(v: Json | undefined): Json[] {
  if (isDict(v)) {
    const seq: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x === null) seq.push(k);
      else if (Array.isArray(x)) for (const e of x) seq.push(`${k}=${String(e)}`);
      else seq.push(`${k}=${String(x)}`);
    }
    return seq.sort();
  }
  if (Array.isArray(v)) return [...v];
  if (typeof v === 'string') return [v];
  return [];
}

function toMapping(v: Json | undefined, item: Dict | null): Dict {
  if (isDict(v)) return { ...v };
  if (Array.isArray(v)) return Object.fromEntries(v.map((s) => [String(s), item ? { ...item } : null]));
  return {};
}

type Merger = (base: Json, over: Json, path: string[]) => Json;
const replace: Merger = (_base, over) => over;
const sequence: Merger = (base, over) => [...toSequence(base), ...toSequence(over)];
const SPECIAL: Array<[string, Merger]> = [
  ['services.*.build', (b, o, p) => mergeMappings(typeof b === 'string' ? { context: b } : toMapping(b, null), typeof o === 'string' ? { context: o } : toMapping(o, null), p)],
  ['services.*.command', replace],
  ['services.*.entrypoint', replace],
  ['services.*.healthcheck.test', replace],
  ['services.*.depends_on', (b, o, p) => mergeMappings(toMapping(b, { condition: 'service_started', required: true }), toMapping(o, { condition: 'service_started', required: true }), p)],
  ['services.*.networks', (b, o, p) => mergeMappings(toMapping(b, null), toMapping(o, null), p)],
  [
    'services.*.extra_hosts',
    (b, o) => {
      const base = toSequence(b);
      return [...base, ...toSequence(o).filter((x) => !base.includes(x))];
    },
  ],
  ...['services.*.environment', 'services.*.labels', 'services.*.env_file', 'services.*.build.args', 'services.*.build.labels', 'services.*.deploy.labels', 'services.*.dns', 'services.*.tmpfs', 'services.*.sysctls', 'networks.*.labels', 'volumes.*.labels'].map((p) => [p, sequence] as [string, Merger]),
];

function mergeMappings(base: Dict, over: Dict, path: string[]): Dict {
  const out: Dict = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeYaml(out[k]!, v, [...path, k]) : v;
  return out;
}

/** `over` (a later file, the extending service, the including file) merged onto `base`. */
export function mergeYaml(base: Json, over: Json, path: string[] = []): Json {
  const special = SPECIAL.find(([pattern]) => pathMatches(path, pattern));
  if (special) return special[1](base, over, path);
  if (over === null) return base;
  if (isDict(base)) {
    if (!isDict(over)) throw new ComposeError(`cannot override ${path.join('.')}`);
    return mergeMappings(base, over, path);
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) throw new ComposeError(`cannot override ${path.join('.')}`);
    return [...base, ...over];
  }
  return over;
}

/** What a later file tagged `!reset` or `!override` removed from the model it merges onto (mapping keys only, as compose-go). */
export function applyTags(base: Json, paths: Path[]): Json {
  for (const path of paths) {
    let node: Json | undefined = base;
    for (const part of path.slice(0, -1)) node = isDict(node) ? node[part] : undefined;
    if (isDict(node) && path.length) delete node[path[path.length - 1]!];
  }
  return base;
}

/** Why a list entry is "the same" as another, per compose-go; undefined: no rule for this list. */
function indexer(path: string[]): ((entry: Json, at: string) => string) | undefined {
  const keyValue = (e: Json, at: string) => {
    if (typeof e !== 'string') throw new ComposeError(`${at}: unexpected type ${goType(e)}`);
    return e.split('=')[0]!;
  };
  const rules: Array<[string, (e: Json, at: string) => string]> = [
    ...['environment', 'labels', 'build.args', 'build.labels', 'cap_add', 'cap_drop', 'deploy.labels', 'dns', 'links', 'networks.*.aliases', 'profiles', 'sysctls', 'tmpfs'].map((p) => [`services.*.${p}`, keyValue] as [string, (e: Json, at: string) => string]),
    ['networks.*.labels', keyValue],
    [
      'services.*.volumes',
      (e, at) => {
        if (isDict(e)) {
          if (typeof e.target !== 'string') throw new ComposeError(`service volume ${at} is missing a mount target`);
          return e.target;
        }
        return typeof e === 'string' ? volumeTarget(e) : '';
      },
    ],
    [
      'services.*.ports',
      (e, at) => {
        if (isDict(e)) {
          if (!('target' in e)) throw new ComposeError(`service ports ${at} is missing a target port`);
          return `${String(e.host_ip ?? '0.0.0.0')}:${e.published === undefined ? '%!s(<nil>)' : String(e.published)}:${String(e.target)}/${String(e.protocol ?? 'tcp')}`;
        }
        return typeof e === 'number' ? String(e) : typeof e === 'string' ? e : '';
      },
    ],
    [
      'services.*.expose',
      (e, at) => {
        if (typeof e === 'string' || (typeof e === 'number' && Number.isInteger(e))) return String(e);
        throw new ComposeError(`${at}: unsupported expose value ${goString(e)}`);
      },
    ],
    [
      'services.*.env_file',
      (e, at) => {
        if (typeof e === 'string') return e;
        if (isDict(e)) {
          if (typeof e.path !== 'string') throw new ComposeError(`environment path attribute ${at} is missing`);
          return e.path;
        }
        return '';
      },
    ],
  ];
  return rules.find(([pattern]) => pathMatches(path, pattern))?.[1];
}

/** The target of a short volume spec, as compose-go splits it (a `${…}` keeps its colons). */
export function volumeTarget(spec: string): string {
  return splitVolumeSpec(spec).target;
}

/** A short volume spec's parts: `[source:]target[:mode]`, Compose's errors when it has too many. */
export function splitVolumeSpec(spec: string): { source?: string; target: string; mode?: string } {
  if (!spec) throw new ComposeError('invalid empty volume spec');
  if (spec.length <= 2) return { target: spec };
  const parts: string[] = [];
  let buffer = '';
  let depth = 0;
  for (let i = 0; i <= spec.length; i++) {
    const c = i < spec.length ? spec[i]! : null;
    if (c === '$' && spec[i + 1] === '{') {
      depth++;
      buffer += c;
    } else if (c === '}' && depth > 0) {
      depth--;
      buffer += c;
    } else if (c === ':' && buffer.length === 1 && /\p{L}/u.test(buffer)) buffer += c;
    else if ((c === ':' || c === null) && depth === 0) {
      if (!buffer) throw new ComposeError(`invalid spec: ${spec}: empty section between colons`);
      if (parts.length === 2 && c === ':') throw new ComposeError(`invalid spec: ${spec}: too many colons`);
      parts.push(buffer);
      buffer = '';
    } else buffer += c ?? '';
  }
  if (parts.length === 1) return { target: parts[0]! };
  return { source: parts[0]!, target: parts[1]!, ...(parts[2] !== undefined ? { mode: parts[2] } : {}) };
}

/** A value as Go's %v prints it (`map[k:v]`, `[a b]`, `<nil>`), for messages that show one. */
export function goString(v: Json | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.keys(v).sort().map((k) => `${k}:${goString(v[k])}`).join(' ')}]`;
  return String(v);
}

/** Go's name for a value's type, as compose-go's messages print it (%T). */
export function goType(v: Json | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** One entry per key in the lists Compose keys; a later duplicate takes the first one's place. */
export function enforceUnicity(value: Json, path: string[] = []): Json {
  if (isDict(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, enforceUnicity(v, [...path, k])]));
  if (!Array.isArray(value)) return value;
  const index = indexer(path);
  if (!index) return value;
  const seq: Json[] = [];
  const keys = new Map<string, number>();
  value.forEach((entry, i) => {
    const key = index(entry, `${path.join('.')}.[${i}]`);
    const j = keys.get(key);
    if (j !== undefined) seq[j] = entry;
    else keys.set(key, seq.push(entry) - 1);
  });
  return seq;
}
