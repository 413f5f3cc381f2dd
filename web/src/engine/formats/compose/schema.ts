// The types the Compose Specification gives its keys, checked as `docker compose` checks them
// (compose-go validates against the spec's JSON schema): the most specific problem is reported,
// worded "<key path> must be a <type>" (types sorted, `object` called mapping) or
// "<path> additional properties '<key>' not allowed". Only the keys Drydock knows are described;
// the shapes here are written from the specification's prose, not copied from its schema.
import type { Json } from './yaml';

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';
interface Schema {
  type?: Kind[];
  /** Known keys of a mapping; `closed` refuses others (keys starting `x-` are always allowed). */
  props?: Record<string, Schema>;
  closed?: boolean;
  /** Every value of a mapping, and the pattern its keys must match. */
  values?: Schema;
  keyPattern?: RegExp;
  items?: Schema;
  oneOf?: Schema[];
  /** Keys a mapping must have, and the only values a scalar may take. */
  required?: string[];
  enum?: string[];
}

const t = (...type: Kind[]): Schema => ({ type });
const ANY: Schema = {};
const STRING = t('string');
const BOOLISH = t('boolean', 'string');
const LIST_OF_STRINGS: Schema = { type: ['array'], items: STRING };
const LIST_OR_DICT: Schema = { oneOf: [{ type: ['object'], values: t('string', 'number', 'boolean', 'null'), keyPattern: /.+/ }, LIST_OF_STRINGS] };
const STRING_OR_LIST: Schema = { oneOf: [STRING, LIST_OF_STRINGS] };
const COMMAND: Schema = { oneOf: [t('null'), STRING, LIST_OF_STRINGS] };
const mapping = (props: Record<string, Schema>, closed = true): Schema => ({ type: ['object'], props, closed });
const NAME = /^[a-zA-Z0-9._-]+$/;

/** Valid Compose service keys Drydock cannot honour yet (compose-file.ts refuses them by name). */
export const UNSUPPORTED_SERVICE_KEYS = ['secrets', 'configs', 'init', 'logging', 'ulimits', 'devices', 'dns', 'sysctls', 'links', 'read_only', 'shm_size', 'pid', 'ipc', 'security_opt', 'domainname', 'annotations', 'develop', 'attach', 'group_add', 'mac_address', 'oom_score_adj', 'runtime', 'userns_mode', 'volumes_from', 'external_links', 'cgroup', 'cgroup_parent', 'dns_search', 'dns_opt', 'label_file', 'post_start', 'pre_stop', 'stdin_once', 'isolation', 'models', 'gpus', 'provider', 'storage_opt', 'uts', 'mem_reservation', 'memswap_limit', 'mem_swappiness', 'pids_limit', 'cpu_shares', 'cpu_quota', 'cpu_period', 'cpuset', 'cpu_count', 'cpu_percent', 'blkio_config', 'credential_spec', 'device_cgroup_rules', 'oom_kill_disable', 'use_api_socket'];
const TYPED = new Set(['init', 'read_only', 'domainname']);

const SERVICE = mapping({
  build: { oneOf: [STRING, mapping({ context: STRING, dockerfile: STRING, args: LIST_OR_DICT, target: STRING, labels: LIST_OR_DICT, network: STRING, no_cache: BOOLISH, pull: BOOLISH, cache_from: LIST_OF_STRINGS, tags: LIST_OF_STRINGS, platforms: LIST_OF_STRINGS, dockerfile_inline: STRING }, false)] },
  cap_add: LIST_OF_STRINGS,
  cap_drop: LIST_OF_STRINGS,
  command: COMMAND,
  container_name: STRING,
  cpus: t('number', 'string'),
  depends_on: {
    oneOf: [LIST_OF_STRINGS, { type: ['object'], keyPattern: NAME, values: { ...mapping({ condition: { type: ['string'], enum: ['service_started', 'service_healthy', 'service_completed_successfully'] }, required: t('boolean'), restart: BOOLISH }), required: ['condition'] } }],
  },
  deploy: { type: ['object', 'null'], props: { replicas: t('integer', 'string'), labels: LIST_OR_DICT, mode: STRING } },
  domainname: STRING,
  entrypoint: COMMAND,
  env_file: { oneOf: [STRING, { type: ['array'], items: { oneOf: [STRING, { ...mapping({ path: STRING, format: STRING, required: BOOLISH }), required: ['path'] }] } }] },
  environment: LIST_OR_DICT,
  expose: { type: ['array'], items: t('string', 'number') },
  extends: { oneOf: [STRING, { ...mapping({ service: STRING, file: STRING }), required: ['service'] }] },
  extra_hosts: { oneOf: [{ type: ['object'], keyPattern: /.+/, values: { oneOf: [STRING, LIST_OF_STRINGS] } }, LIST_OF_STRINGS] },
  healthcheck: mapping({ disable: BOOLISH, interval: STRING, retries: t('number', 'string'), test: STRING_OR_LIST, timeout: STRING, start_period: STRING, start_interval: STRING }),
  hostname: STRING,
  image: STRING,
  init: BOOLISH,
  labels: LIST_OR_DICT,
  mem_limit: t('number', 'string'),
  network_mode: STRING,
  networks: {
    oneOf: [LIST_OF_STRINGS, { type: ['object'], keyPattern: NAME, values: { oneOf: [mapping({ aliases: LIST_OF_STRINGS, ipv4_address: STRING, ipv6_address: STRING, priority: t('number'), mac_address: STRING, link_local_ips: LIST_OF_STRINGS, gw_priority: t('number'), driver_opts: t('object') }), t('null')] } }],
  },
  platform: STRING,
  ports: {
    type: ['array'],
    items: { oneOf: [t('number'), STRING, mapping({ name: STRING, mode: STRING, host_ip: STRING, target: t('integer', 'string'), published: t('string', 'integer'), protocol: STRING, app_protocol: STRING })] },
  },
  privileged: BOOLISH,
  profiles: LIST_OF_STRINGS,
  pull_policy: STRING,
  read_only: BOOLISH,
  restart: STRING,
  scale: t('integer', 'string'),
  stdin_open: BOOLISH,
  stop_grace_period: STRING,
  stop_signal: STRING,
  tmpfs: STRING_OR_LIST,
  tty: BOOLISH,
  user: STRING,
  volumes: {
    type: ['array'],
    items: { oneOf: [STRING, { ...mapping({ type: { type: ['string'], enum: ['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'] }, source: STRING, target: STRING, read_only: BOOLISH, consistency: STRING, bind: t('object'), volume: t('object'), tmpfs: t('object') }), required: ['type'] }] },
  },
  working_dir: STRING,
  // Valid Compose keys Drydock refuses later with its own message; any shape passes here but
  // for the few typed above.
  ...Object.fromEntries(UNSUPPORTED_SERVICE_KEYS.filter((k) => !TYPED.has(k)).map((k) => [k, ANY])),
});

const ROOT = mapping({
  version: STRING,
  name: STRING,
  include: { type: ['array'], items: { oneOf: [STRING, mapping({ path: STRING_OR_LIST, project_directory: STRING, env_file: STRING_OR_LIST })] } },
  services: { type: ['object'], keyPattern: NAME, values: SERVICE },
  networks: {
    type: ['object'],
    keyPattern: NAME,
    values: { type: ['object', 'null'], props: { name: STRING, driver: STRING, external: { type: ['boolean', 'string', 'object'] }, internal: BOOLISH, attachable: BOOLISH, labels: LIST_OR_DICT, ipam: t('object'), driver_opts: t('object'), enable_ipv6: BOOLISH, enable_ipv4: BOOLISH }, closed: true },
  },
  volumes: {
    type: ['object'],
    keyPattern: NAME,
    values: { type: ['object', 'null'], props: { name: STRING, driver: STRING, external: { type: ['boolean', 'string', 'object'] }, labels: LIST_OR_DICT, driver_opts: t('object') }, closed: true },
  },
  secrets: t('object'),
  configs: t('object'),
  models: t('object'),
});

interface Problem {
  path: string[];
  message: string;
  specificity: number;
}

const kindOf = (v: Json): Kind => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'number' ? 'number' : (typeof v as Kind));
const fits = (v: Json, kinds: Kind[]) => kinds.some((k) => k === kindOf(v) || (k === 'integer' && typeof v === 'number' && Number.isInteger(v)) || (k === 'number' && typeof v === 'number'));
const human = (kinds: Kind[]) => {
  const names = kinds.map((k) => (k === 'object' ? 'mapping' : k));
  if (names.length === 1) return names[0]!;
  const sorted = [...names].sort();
  return `${sorted.slice(0, -1).join(', ')} or ${sorted[sorted.length - 1]}`;
};

/** Every problem with `value`, most specific ones being deepest. */
function check(value: Json, schema: Schema, path: string[], out: Problem[]): void {
  const where = path.join('.') || '(root)';
  if (schema.oneOf) {
    const branches = schema.oneOf.map((s) => {
      const found: Problem[] = [];
      check(value, s, path, found);
      return found;
    });
    if (branches.some((b) => !b.length)) return;
    out.push(mostSpecific(branches.flat())!);
    return;
  }
  if (schema.type && !fits(value, schema.type)) {
    out.push({ path, message: `${where} must be a ${human(schema.type)}`, specificity: path.length });
    return;
  }
  if (schema.enum && typeof value === 'string' && !schema.enum.includes(value)) {
    out.push({ path, message: `${where} value must be one of ${schema.enum.map((v) => `'${v}'`).join(', ')}`, specificity: path.length });
    return;
  }
  if (schema.required && value && typeof value === 'object' && !Array.isArray(value)) {
    const missing = schema.required.filter((k) => !(k in value));
    if (missing.length) out.push({ path, message: `${where} missing ${missing.length === 1 ? 'property' : 'properties'} ${missing.map((k) => `'${k}'`).join(', ')}`, specificity: path.length });
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => check(v, schema.items!, [...path, String(i)], out));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('x-')) continue;
      const prop = schema.props?.[k];
      if (prop) check(v, prop, [...path, k], out);
      else if (schema.values && (!schema.keyPattern || schema.keyPattern.test(k))) check(v, schema.values, [...path, k], out);
      else if (schema.closed || schema.values) out.push({ path: [...path, k], message: `${where} additional properties '${k}' not allowed`, specificity: path.length + 1 });
    }
  }
}

function mostSpecific(problems: Problem[]): Problem | undefined {
  let best: Problem | undefined;
  for (const p of problems) if (!best || p.specificity > best.specificity) best = p;
  return best;
}

/** The problem `docker compose` would report for this model, if any: message and key path. */
export function schemaProblem(model: Json): { message: string; path: string[] } | undefined {
  const problems: Problem[] = [];
  check(model, ROOT, [], problems);
  return mostSpecific(problems);
}
