// A Compose project as `docker compose` reads it (the Compose Specification, compose-go's
// rules), as pure code. The steps live in formats/compose/: yaml.ts (YAML with merge keys and
// aliases), interpolate.ts (${VAR…}), dotenv.ts (.env files), merge.ts (several files,
// extends, include), schema.ts (key types), model.ts (the order of it all). This file turns the
// merged model into the normalized project compose/compose-runner.ts creates, with Compose's
// consistency checks, and prints it for `docker compose config`. It is one file past ~500 lines
// because each service key's normalization and its checks read best side by side.
//
//   loadCompose({ fileName, text, files?, env, projectDirectory, projectName? }, { profiles, readFile })
//     → Promise<ComposeProject>; throws ComposeError (with Compose's message; Drydock adds the line).
//   readFile(path) gives the text of an env_file, an extended or included file (null: none).
import { stringify } from 'yaml';
import { goDuration } from './human';
import { parsePortSpec, PortSpecError } from './port-spec';
import { ComposeError } from './compose/errors';
import { substitute } from './compose/interpolate';
import { parseDotEnv as parseDotEnvText } from './compose/dotenv';
import { splitVolumeSpec } from './compose/merge';
import { dotEnvOf, isDict, joinPath, lineSuffix, loadModel, resolveRelativePaths, type Dict, type ModelContext, type ReadFile } from './compose/model';
import { parseComposeYaml, type Json } from './compose/yaml';
import { UNSUPPORTED_SERVICE_KEYS } from './compose/schema';

export { ComposeError };

/** The files `docker compose` looks for, in its order of preference. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

export interface ComposeInput {
  /** The first (or only) file; `files` lists them all when several `-f` are given. */
  fileName: string;
  text: string;
  files?: Array<{ fileName: string; text: string }>;
  /** Variables for interpolation: the project's .env (the guest's client sends no environment). */
  env: Record<string, string>;
  /** Absolute; relative paths in the file (build contexts, binds, env_file) start here. */
  projectDirectory: string;
  projectName?: string;
}

export interface ComposeVolumeMount {
  type: 'volume' | 'bind' | 'tmpfs';
  /** volume: the top-level key (anonymous when absent); bind: an absolute path. */
  source?: string;
  target: string;
  readOnly: boolean;
}

export interface ComposeService {
  name: string;
  image?: string;
  build?: { context: string; dockerfile: string; args: Record<string, string>; target?: string };
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  ports: Array<{ target: number; published?: string; hostIp?: string; protocol: 'tcp' | 'udp' | 'sctp' }>;
  expose: string[];
  volumes: ComposeVolumeMount[];
  networks: Record<string, { aliases: string[]; ipv4Address?: string }>;
  networkMode?: string;
  dependsOn: Record<string, { condition: 'service_started' | 'service_healthy' | 'service_completed_successfully'; required: boolean }>;
  restart?: string;
  healthcheck?: { test: string[]; intervalNs?: number; timeoutNs?: number; retries?: number; startPeriodNs?: number } | { disable: true };
  workingDir?: string;
  user?: string;
  hostname?: string;
  containerName?: string;
  labels: Record<string, string>;
  profiles: string[];
  scale: number;
  tty: boolean;
  stdinOpen: boolean;
  stopSignal?: string;
  /** `host:ip`, as the Engine API takes them. */
  extraHosts: string[];
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
}

export interface ComposeProject {
  name: string;
  workingDir: string;
  /** In dependency order: what a service depends on comes first. */
  services: ComposeService[];
  networks: Record<string, { name: string; external: boolean; driver: string; ipam?: { subnet?: string; gateway?: string }; internal: boolean; labels: Record<string, string> }>;
  volumes: Record<string, { name: string; external: boolean; labels: Record<string, string> }>;
  warnings: string[];
  /** The project as `docker compose config` prints it. */
  toYaml(): string;
}


/** KEY=VALUE lines, as Compose reads .env and env_file (see compose/dotenv.ts); throws on a mistake. */
export function parseDotEnv(text: string, lookup: (name: string) => string | undefined = () => undefined): Record<string, string> {
  return parseDotEnvText(text, lookup);
}

/** Compose's interpolation of one string (see compose/interpolate.ts). */
export function interpolate(text: string, env: Record<string, string>, warn: (name: string) => void): string {
  return substitute(text, (name) => (Object.hasOwn(env, name) ? env[name] : undefined), warn);
}

/** A command string split as a POSIX shell splits words (Compose's shellwords). */
export function shellSplit(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word = `${word ?? ''}${ch}`;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && /["\\$`]/.test(text[i + 1] ?? '')) word = `${word ?? ''}${text[++i] ?? ''}`;
      else word = `${word ?? ''}${ch}`;
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (ch === '\\' && i + 1 < text.length) {
      word = `${word ?? ''}${text[++i] ?? ''}`;
    } else word = (word ?? '') + ch;
  }
  if (quote) throw new ComposeError(`invalid command line string: unterminated quote in ${text}`);
  if (word !== null) words.push(word);
  return words;
}

/** Compose's project-name rule: lower case, [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

/** The project name: -p or COMPOSE_PROJECT_NAME as given (it must be valid), else the last `name:`, else the directory. */
function projectName(input: ComposeInput, files: Array<{ text: string }>): string {
  const imperative = input.projectName ?? input.env.COMPOSE_PROJECT_NAME;
  if (imperative) {
    if (normalizeProjectName(imperative) !== imperative) {
      throw new ComposeError(`invalid project name ${JSON.stringify(imperative)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
    }
    return imperative;
  }
  let fromFile = '';
  for (const f of files) {
    // As compose-go: a first look for `name:` only, ignoring mistakes the full read reports later.
    let docs: ReturnType<typeof parseComposeYaml> = [];
    try {
      docs = parseComposeYaml(f.text, '');
    } catch {
      docs = [];
    }
    for (const doc of docs) if (isDict(doc.value) && typeof doc.value.name === 'string' && doc.value.name) fromFile = doc.value.name;
  }
  if (fromFile) {
    try {
      fromFile = normalizeProjectName(substitute(fromFile, (n) => (Object.hasOwn(input.env, n) ? input.env[n] : undefined)));
    } catch (error) {
      if (error instanceof ComposeError) throw new ComposeError(`error while interpolating name: ${error.message}`);
      throw error;
    }
  }
  return fromFile || normalizeProjectName(input.projectDirectory.split('/').filter(Boolean).pop() ?? '') || 'default';
}

export async function loadCompose(input: ComposeInput, options: { profiles?: string[]; readFile?: ReadFile | ((path: string) => Promise<string>) } = {}): Promise<ComposeProject> {
  const files = input.files ?? [{ fileName: input.fileName, text: input.text }];
  const name = projectName(input, files);
  const readFile = options.readFile as ReadFile | undefined;
  const ctx: ModelContext = { env: { ...input.env, COMPOSE_PROJECT_NAME: name }, warnings: [], documents: [], ...(readFile ? { readFile } : {}) };
  let { model } = await loadModel(ctx, files, input.projectDirectory);
  if (!Object.keys(model).length) throw new ComposeError('empty compose file');
  model = resolveRelativePaths(model, input.projectDirectory);
  const file = files[files.length - 1]!.fileName;
  const invalid = (path: Array<string | number>, message: string) => new ComposeError(`validating ${file}: ${message}${lineSuffix(ctx, path)}`);
  for (const key of ['secrets', 'configs']) if (key in model) throw invalid([key], `top-level ${key} are not supported by Drydock yet`);

  const networks: ComposeProject['networks'] = {};
  for (const [key, value] of Object.entries(dict(model.networks))) {
    const n = dict(value);
    const ipam = dict(n.ipam);
    const config = Array.isArray(ipam.config) ? dict(ipam.config[0]) : undefined;
    const external = n.external === true || isDict(n.external);
    const driver = typeof n.driver === 'string' ? n.driver : 'bridge';
    if (driver !== 'bridge') throw invalid(['networks', key, 'driver'], `networks.${key}: driver "${driver}" is not supported by Drydock (bridge only)`);
    networks[key] = {
      name: typeof n.name === 'string' ? n.name : external ? key : `${name}_${key}`,
      external,
      driver,
      ...(config && (config.subnet || config.gateway) ? { ipam: { ...(config.subnet ? { subnet: String(config.subnet) } : {}), ...(config.gateway ? { gateway: String(config.gateway) } : {}) } } : {}),
      internal: n.internal === true,
      labels: labelsOf(n.labels, ctx.env),
    };
  }
  const volumes: ComposeProject['volumes'] = {};
  for (const [key, value] of Object.entries(dict(model.volumes))) {
    const v = dict(value);
    const external = v.external === true;
    if (external) {
      const other = Object.keys(v).find((k) => k !== 'name' && k !== 'external' && !k.startsWith('x-'));
      if (other) throw new ComposeError(`volumes.${key}: conflicting parameters "external" and ${JSON.stringify(other)} specified`);
    }
    volumes[key] = { name: typeof v.name === 'string' ? v.name : external ? key : `${name}_${key}`, external, labels: labelsOf(v.labels, ctx.env) };
  }

  const servicesRaw = dict(model.services);
  const profiles = new Set(options.profiles ?? []);
  const services: ComposeService[] = [];
  for (const [serviceName, value] of Object.entries(servicesRaw)) {
    const at = (...rest: Array<string | number>) => ['services', serviceName, ...rest];
    const s = dict(value);
    const unsupported = Object.keys(s).find((k) => UNSUPPORTED_SERVICE_KEYS.includes(k));
    if (unsupported) throw invalid(at(unsupported), `services.${serviceName}.${unsupported} is not supported by Drydock yet`);
    const serviceProfiles = strings(s.profiles);
    if (serviceProfiles.length && !serviceProfiles.some((p) => profiles.has(p) || profiles.has('*'))) continue;
    services.push(await normalizeService(serviceName, s, { projectName: name, projectDirectory: input.projectDirectory, env: ctx.env, readFile, invalid, at, networks, volumes }));
  }
  checkConsistency(services);

  const project: ComposeProject = {
    name,
    workingDir: input.projectDirectory,
    services: dependencyOrder(services, servicesRaw),
    networks,
    volumes,
    warnings: ctx.warnings,
    toYaml: () => stringify(configView(project)),
  };
  return project;
}

const dict = (v: Json | undefined): Dict => (isDict(v) ? v : {});
const strings = (v: Json | undefined): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
/** A scalar as Go's %v prints it in KEY=VALUE. */
const text = (v: Json): string => (v === null ? '' : String(v));

/** `environment`-style values (mapping or KEY=VALUE list); a bare KEY takes the project's variable, or is left out. */
function keyValues(v: Json | undefined, env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (k: string, x: string | undefined) => {
    if (x !== undefined) out[k] = x;
    else delete out[k];
  };
  if (Array.isArray(v)) {
    for (const e of v.map(String)) {
      const eq = e.indexOf('=');
      if (eq === -1) set(e, Object.hasOwn(env, e) ? env[e] : undefined);
      else set(e.slice(0, eq), e.slice(eq + 1));
    }
  } else for (const [k, x] of Object.entries(dict(v))) set(k, x === null ? (Object.hasOwn(env, k) ? env[k] : undefined) : text(x));
  return out;
}
const labelsOf = (v: Json | undefined, env: Record<string, string>) => keyValues(v, env);

interface ServiceContext {
  projectName: string;
  projectDirectory: string;
  env: Record<string, string>;
  readFile: ReadFile | undefined;
  invalid: (path: Array<string | number>, message: string) => ComposeError;
  at: (...rest: Array<string | number>) => Array<string | number>;
  networks: ComposeProject['networks'];
  volumes: ComposeProject['volumes'];
}

const bool = (v: Json | undefined) => v === true || v === 'true';

async function normalizeService(serviceName: string, s: Dict, c: ServiceContext): Promise<ComposeService> {
  const { invalid, at } = c;
  let build: ComposeService['build'];
  if (s.build !== undefined && s.build !== null) {
    const b = typeof s.build === 'string' ? { context: s.build } : dict(s.build);
    build = {
      context: joinPath(c.projectDirectory, String(b.context ?? '.')),
      dockerfile: String(b.dockerfile ?? 'Dockerfile'),
      args: keyValues(b.args, c.env),
      ...(b.target ? { target: String(b.target) } : {}),
    };
  }
  if (!build && typeof s.image !== 'string') throw new ComposeError(`service "${serviceName}" has neither an image nor a build context specified: invalid compose project`);

  // env_file first (each may use the project's variables, then the service's environment), then environment wins.
  const own = keyValues(s.environment, c.env);
  const environment: Record<string, string> = {};
  const envFiles = s.env_file === undefined || s.env_file === null ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
  for (const entry of envFiles) {
    const path = joinPath(c.projectDirectory, String(isDict(entry) ? entry.path : entry));
    const required = isDict(entry) ? entry.required === undefined || bool(entry.required) : true;
    if (isDict(entry) && typeof entry.format === 'string' && entry.format) throw new ComposeError(`unsupported env_file format ${JSON.stringify(entry.format)}`);
    const content = c.readFile ? await c.readFile(path) : null;
    if (content === null) {
      if (required) throw new ComposeError(`env file ${path} not found: stat ${path}: no such file or directory`);
      continue;
    }
    Object.assign(environment, dotEnvOf(content, path, (k) => c.env[k] ?? own[k] ?? environment[k]));
  }
  Object.assign(environment, own);

  const ports: ComposeService['ports'] = [];
  for (const [k, p] of (Array.isArray(s.ports) ? s.ports : []).entries()) {
    if (isDict(p)) {
      const target = Number(p.target);
      if (!Number.isInteger(target)) throw invalid(at('ports', k), `services.${serviceName}.ports.${k}: target is required`);
      ports.push({ target, ...(p.published !== undefined && p.published !== null ? { published: String(p.published) } : {}), ...(p.host_ip ? { hostIp: String(p.host_ip) } : {}), protocol: String(p.protocol ?? 'tcp') as 'tcp' });
      continue;
    }
    try {
      for (const m of parsePortSpec(String(p))) ports.push({ target: m.containerPort, ...(m.hostPort ? { published: m.hostPort } : {}), ...(m.hostIp ? { hostIp: m.hostIp } : {}), protocol: m.proto });
    } catch (error) {
      if (error instanceof PortSpecError) throw invalid(at('ports', k), `services.${serviceName}.ports.${k}: ${error.message}`);
      throw error;
    }
  }

  const mounts: ComposeVolumeMount[] = [];
  for (const [k, v] of (Array.isArray(s.volumes) ? s.volumes : []).entries()) {
    if (isDict(v)) {
      const type = String(v.type ?? 'volume') as ComposeVolumeMount['type'];
      if (!['volume', 'bind', 'tmpfs'].includes(type)) throw invalid(at('volumes', k), `services.${serviceName}.volumes.${k}: type "${type}" is not supported`);
      const source = typeof v.source === 'string' && v.source ? v.source : undefined;
      if (type === 'bind' && !source) throw new ComposeError('invalid mount config for type "bind": field Source must not be empty');
      mounts.push({ type, ...(source ? { source: type === 'bind' ? joinPath(c.projectDirectory, source) : source } : {}), target: String(v.target), readOnly: bool(v.read_only) });
      continue;
    }
    let spec: ReturnType<typeof splitVolumeSpec>;
    try {
      spec = splitVolumeSpec(String(v));
    } catch (error) {
      if (error instanceof ComposeError) throw invalid(at('volumes', k), error.message);
      throw error;
    }
    if (spec.source === undefined) {
      mounts.push({ type: 'volume', target: spec.target, readOnly: false });
      continue;
    }
    if (spec.source.startsWith('~')) throw invalid(at('volumes', k), `services.${serviceName}.volumes.${k}: paths starting with ~ are not supported`);
    const bind = spec.source.startsWith('.') || spec.source.startsWith('/');
    mounts.push({ type: bind ? 'bind' : 'volume', source: bind ? joinPath(c.projectDirectory, spec.source) : spec.source, target: spec.target, readOnly: (spec.mode ?? '').split(',').includes('ro') });
  }
  // tmpfs mounts come first in Compose's check of targets mounted twice.
  const tmpfs = strings(s.tmpfs).map((t): ComposeVolumeMount => ({ type: 'tmpfs', target: t.split(':')[0]!, readOnly: false }));
  const seen = new Map<string, string>();
  for (const [i, t] of tmpfs.entries()) {
    if (seen.has(t.target)) throw new ComposeError(`services.${serviceName}.tmpfs[${i}]: target ${t.target} already mounted as ${seen.get(t.target)}`);
    seen.set(t.target, `services.${serviceName}.tmpfs[${i}]`);
  }
  for (const [i, m] of mounts.entries()) {
    if (seen.has(m.target)) throw new ComposeError(`services.${serviceName}.volumes[${i}]: target ${m.target} already mounted as ${seen.get(m.target)}`);
    seen.set(m.target, `services.${serviceName}.volumes[${i}]`);
  }
  for (const m of mounts) if (m.type === 'volume' && m.source && !c.volumes[m.source]) throw new ComposeError(`service "${serviceName}" refers to undefined volume ${m.source}: invalid compose project`);

  const serviceNetworks: ComposeService['networks'] = {};
  const networkMode = typeof s.network_mode === 'string' ? s.network_mode : undefined;
  if (Array.isArray(s.networks)) for (const n of s.networks) serviceNetworks[String(n)] = { aliases: [] };
  else {
    for (const [n, cfg] of Object.entries(dict(s.networks))) {
      const x = dict(cfg);
      serviceNetworks[n] = { aliases: strings(x.aliases), ...(x.ipv4_address ? { ipv4Address: String(x.ipv4_address) } : {}) };
    }
  }
  if (networkMode && Object.keys(serviceNetworks).length) throw new ComposeError(`service ${serviceName} declares mutually exclusive \`network_mode\` and \`networks\`: invalid compose project`);
  if (!networkMode && !Object.keys(serviceNetworks).length) serviceNetworks.default = { aliases: [] };
  for (const n of Object.keys(serviceNetworks)) {
    if (n === 'default' && !c.networks.default) c.networks.default = { name: `${c.projectName}_default`, external: false, driver: 'bridge', internal: false, labels: {} };
    if (!c.networks[n]) throw new ComposeError(`service "${serviceName}" refers to undefined network ${n}: invalid compose project`);
  }

  const dependsOn: ComposeService['dependsOn'] = {};
  if (Array.isArray(s.depends_on)) for (const d of s.depends_on) dependsOn[String(d)] = { condition: 'service_started', required: true };
  else {
    for (const [d, cfg] of Object.entries(dict(s.depends_on))) {
      const x = dict(cfg);
      // The schema has checked the condition (merged files may still leave it out).
      dependsOn[d] = { condition: String(x.condition ?? 'service_started') as 'service_started', required: x.required !== false };
    }
  }

  let healthcheck: ComposeService['healthcheck'];
  if (isDict(s.healthcheck)) {
    const h = s.healthcheck;
    const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : strings(h.test);
    if (test.length && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0]!)) throw new ComposeError('healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"');
    if (bool(h.disable) || test[0] === 'NONE') healthcheck = { disable: true };
    else {
      const duration = (key: string) => {
        const v = h[key];
        if (v === undefined || v === null) return undefined;
        try {
          return goDuration(String(v));
        } catch {
          throw invalid(at('healthcheck', key), `services.${serviceName}.healthcheck.${key}: invalid duration "${String(v)}"`);
        }
      };
      const interval = duration('interval');
      const timeout = duration('timeout');
      const start = duration('start_period');
      healthcheck = {
        test,
        ...(interval !== undefined ? { intervalNs: interval } : {}),
        ...(timeout !== undefined ? { timeoutNs: timeout } : {}),
        ...(start !== undefined ? { startPeriodNs: start } : {}),
        ...(h.retries !== undefined && h.retries !== null ? { retries: Number(h.retries) } : {}),
      };
    }
  }

  const deploy = dict(s.deploy);
  for (const key of Object.keys(deploy)) if (key !== 'replicas' && !key.startsWith('x-')) throw invalid(at('deploy', key), `services.${serviceName}.deploy.${key} is not supported by Drydock yet (only replicas)`);
  const scale = typeof s.scale === 'number' ? s.scale : undefined;
  const replicas = typeof deploy.replicas === 'number' ? deploy.replicas : undefined;
  if (scale !== undefined && replicas !== undefined && scale !== replicas) throw new ComposeError(`services.${serviceName}: can't set distinct values on 'scale' and 'deploy.replicas': invalid compose project`);
  if (scale !== undefined && scale < 0) throw new ComposeError(`services.${serviceName}.scale: must be greater than or equal to 0`);
  if (replicas !== undefined && replicas < 0) throw new ComposeError(`services.${serviceName}.deploy.replicas: must be greater than or equal to 0`);
  const count = scale ?? replicas ?? 1;
  if (count > 1 && typeof s.container_name === 'string' && s.container_name) {
    // compose-go's message names the attribute where the service belongs and the service after (sic).
    throw new ComposeError(`services.${scale !== undefined ? 'scale' : 'deploy.replicas'}: can't set container_name and ${serviceName} as container name must be unique: invalid compose project`);
  }
  if (typeof s.platform === 'string' && !/^linux\/(386|i386)$/.test(s.platform)) throw invalid(at('platform'), `services.${serviceName}.platform: Drydock runs linux/386 only`);
  const words = (v: Json | undefined): string[] | undefined => (v === undefined || v === null ? undefined : Array.isArray(v) ? v.map(String) : shellSplit(String(v)));
  const command = words(s.command);
  const entrypoint = words(s.entrypoint);
  return {
    name: serviceName,
    ...(typeof s.image === 'string' ? { image: s.image } : {}),
    ...(build ? { build } : {}),
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    environment,
    ports,
    expose: strings(s.expose),
    volumes: [...tmpfs, ...mounts],
    networks: networkMode ? {} : serviceNetworks,
    ...(networkMode ? { networkMode } : {}),
    dependsOn,
    ...(s.restart !== undefined && s.restart !== null ? { restart: String(s.restart) } : {}),
    ...(healthcheck ? { healthcheck } : {}),
    ...(s.working_dir ? { workingDir: String(s.working_dir) } : {}),
    ...(s.user !== undefined && s.user !== null ? { user: String(s.user) } : {}),
    ...(s.hostname ? { hostname: String(s.hostname) } : {}),
    ...(s.container_name ? { containerName: String(s.container_name) } : {}),
    labels: keyValues(s.labels, c.env),
    profiles: strings(s.profiles),
    scale: Number.isInteger(count) ? count : 1,
    tty: bool(s.tty),
    stdinOpen: bool(s.stdin_open),
    ...(s.stop_signal ? { stopSignal: String(s.stop_signal) } : {}),
    extraHosts: extraHosts(s.extra_hosts),
    capAdd: strings(s.cap_add),
    capDrop: strings(s.cap_drop),
    privileged: bool(s.privileged),
  };
}

/** `extra_hosts` in any of its forms (`host:ip`, `host=ip`, a mapping, several IPs) as `host:ip`. */
function extraHosts(v: Json | undefined): string[] {
  const list: Array<[string, string[]]> = [];
  if (Array.isArray(v)) {
    for (const entry of v.map(String)) {
      const sep = ['=', ':'].find((x) => entry.includes(x));
      if (!sep) throw new ComposeError(`invalid additional host, missing IP: ${entry}`);
      const host = entry.slice(0, entry.indexOf(sep));
      const ips = entry.slice(entry.indexOf(sep) + 1).split(',');
      const known = list.find(([h]) => h === host);
      if (known) known[1].push(...ips);
      else list.push([host, ips]);
    }
  } else for (const [host, ips] of Object.entries(dict(v))) list.push([host, Array.isArray(ips) ? ips.map(String) : [text(ips)]]);
  for (const [host] of list) if (!host || /[:=]/.test(host)) throw new ComposeError(`bad host name '${host}'`);
  return list.flatMap(([host, ips]) => ips.map((ip) => `${host}:${/^\[.+\]$/.test(ip) ? ip.slice(1, -1) : ip}`));
}

/** The rules Compose checks across services. */
function checkConsistency(services: ComposeService[]): void {
  const names = new Map<string, string>();
  for (const s of services) {
    if (s.networkMode?.startsWith('service:')) {
      const target = s.networkMode.slice('service:'.length);
      if (!services.some((x) => x.name === target)) throw new ComposeError(`service ${JSON.stringify(target)} not found for network_mode 'service:${target}'`);
    }
    if (s.containerName) {
      const existing = names.get(s.containerName);
      // The stray quote at the end is in Compose's message too.
      if (existing) throw new ComposeError(`services.${s.name}: container name ${JSON.stringify(s.containerName)} is already in use by service ${existing}"`);
      names.set(s.containerName, s.name);
    }
  }
}

/** Dependency order (depth first), with Compose's messages for unknown and circular ones. */
function dependencyOrder(services: ComposeService[], raw: Dict): ComposeService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const ordered: ComposeService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: ComposeService, chain: string[]) => {
    if (state.get(s.name) === 'done') return;
    if (state.get(s.name) === 'visiting') throw new ComposeError(`dependency cycle detected: ${[...chain, s.name].join(' -> ')}`);
    state.set(s.name, 'visiting');
    for (const [dep, cfg] of Object.entries(s.dependsOn)) {
      const target = byName.get(dep);
      if (!target) {
        if (!(dep in raw)) throw new ComposeError(`service "${s.name}" depends on undefined service "${dep}": invalid compose project`);
        if (cfg.required) throw new ComposeError(`service "${s.name}" depends on service "${dep}", which is disabled by its profiles`);
        continue;
      }
      visit(target, [...chain, s.name]);
    }
    state.set(s.name, 'done');
    ordered.push(s);
  };
  for (const s of services) visit(s, []);
  return ordered;
}

/** The normalized project in Compose's own vocabulary, for `docker compose config`. */
function configView(p: ComposeProject) {
  const service = (s: ComposeService) => ({
    ...(s.build ? { build: { context: s.build.context, dockerfile: s.build.dockerfile, ...(Object.keys(s.build.args).length ? { args: s.build.args } : {}), ...(s.build.target ? { target: s.build.target } : {}) } } : {}),
    ...(s.command ? { command: s.command } : {}),
    ...(s.containerName ? { container_name: s.containerName } : {}),
    ...(Object.keys(s.dependsOn).length ? { depends_on: s.dependsOn } : {}),
    ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
    ...(Object.keys(s.environment).length ? { environment: s.environment } : {}),
    ...(s.extraHosts.length ? { extra_hosts: s.extraHosts.map((h) => h.replace(':', '=')).sort() } : {}),
    ...(s.image ? { image: s.image } : {}),
    ...(s.networkMode ? { network_mode: s.networkMode } : { networks: Object.fromEntries(Object.entries(s.networks).map(([n, c]) => [n, c.aliases.length ? { aliases: c.aliases } : null])) }),
    ...(s.ports.length ? { ports: s.ports.map((x) => ({ mode: 'ingress', target: x.target, ...(x.published ? { published: x.published } : {}), ...(x.hostIp ? { host_ip: x.hostIp } : {}), protocol: x.protocol })) } : {}),
    ...(s.restart ? { restart: s.restart } : {}),
    ...(s.volumes.length ? { volumes: s.volumes.map((v) => ({ type: v.type, ...(v.source ? { source: v.source } : {}), target: v.target, ...(v.readOnly ? { read_only: true } : {}) })) } : {}),
    ...(s.workingDir ? { working_dir: s.workingDir } : {}),
  });
  return {
    name: p.name,
    services: Object.fromEntries([...p.services].sort((a, b) => a.name.localeCompare(b.name)).map((s) => [s.name, service(s)])),
    networks: Object.fromEntries(Object.entries(p.networks).map(([k, n]) => [k, { name: n.name, ...(n.external ? { external: true } : {}) }])),
    ...(Object.keys(p.volumes).length ? { volumes: Object.fromEntries(Object.entries(p.volumes).map(([k, v]) => [k, { name: v.name, ...(v.external ? { external: true } : {}) }])) } : {}),
  };
}
