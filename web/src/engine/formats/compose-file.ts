// A Compose file as `docker compose` reads it (the Compose Specification), as pure code:
// YAML (the `yaml` library, with line numbers for errors) → variable interpolation (.env and
// the environment: ${VAR}, ${VAR:-default}, ${VAR:?error}, $$) → validation of the keys →
// a normalized project whose services come in dependency order. Creating anything is
// compose/compose-runner.ts's job.
//
//   loadCompose({ fileName, text, env, projectDirectory, projectName? }, { profiles, readFile })
//     → Promise<ComposeProject>; throws ComposeError (file, line and key in its message).
//   readFile(path) gives the text of an env_file (the client's files live in the guest).
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import { goDuration } from './human';
import { parsePortSpec, PortSpecError } from './port-spec';

/** The files `docker compose` looks for, in its order of preference. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

export class ComposeError extends Error {
  override name = 'ComposeError';
}

export interface ComposeInput {
  fileName: string;
  text: string;
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

const TOP_LEVEL = new Set(['version', 'name', 'services', 'networks', 'volumes', 'secrets', 'configs']);
const SERVICE_KEYS = new Set([
  'build', 'command', 'container_name', 'depends_on', 'entrypoint', 'env_file', 'environment', 'expose', 'extra_hosts',
  'healthcheck', 'hostname', 'image', 'labels', 'networks', 'network_mode', 'ports', 'profiles', 'restart', 'scale',
  'deploy', 'stdin_open', 'tty', 'user', 'volumes', 'working_dir', 'stop_signal', 'stop_grace_period', 'cap_add',
  'cap_drop', 'privileged', 'pull_policy', 'platform', 'init', 'secrets', 'configs', 'logging', 'ulimits', 'devices',
  'dns', 'sysctls', 'links', 'read_only', 'shm_size', 'mem_limit', 'cpus', 'pid', 'ipc', 'security_opt', 'domainname',
]);
/** Valid Compose keys Drydock cannot honour yet: an error rather than a silent difference. */
const UNSUPPORTED = new Set(['secrets', 'configs', 'init', 'logging', 'ulimits', 'devices', 'dns', 'sysctls', 'links', 'read_only', 'shm_size', 'pid', 'ipc', 'security_opt', 'domainname']);

/** KEY=VALUE lines, as Compose reads .env and env_file (comments, quotes, `export`). */
export function parseDotEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if (/^"(.*)"$/.test(value)) value = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    else if (/^'(.*)'$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    env[line.slice(0, eq).trim()] = value;
  }
  return env;
}

/** Compose's interpolation of one string. */
export function interpolate(text: string, env: Record<string, string>, warn: (name: string) => void): string {
  return text.replace(/\$(\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, body: string, braced: string | undefined, bare: string | undefined) => {
    if (body === '$') return '$';
    const spec = braced ?? bare!;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([\s\S]*))?$/.exec(spec);
    if (!m) throw new ComposeError(`invalid interpolation format for ${whole}. You may need to escape any $ with another $`);
    const [, name, colon, op, arg = ''] = m as unknown as [string, string, string, string | undefined, string];
    const value = env[name];
    const missing = value === undefined || (colon === ':' && value === '');
    if (op === '-') return missing ? interpolate(arg, env, warn) : value!;
    if (op === '?') {
      if (missing) throw new ComposeError(`required variable ${name} is missing a value${arg ? `: ${arg}` : ''}`);
      return value!;
    }
    if (op === '+') return missing ? '' : interpolate(arg, env, warn);
    if (value === undefined) {
      warn(name);
      return '';
    }
    return value;
  });
}

/** A command string split as a POSIX shell splits words (Compose's shlex). */
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
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

const joinPath = (base: string, rel: string) => {
  const parts = (rel.startsWith('/') ? rel : `${base}/${rel}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (!p || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `/${out.join('/')}`;
};

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export async function loadCompose(input: ComposeInput, options: { profiles?: string[]; readFile?: (path: string) => Promise<string> } = {}): Promise<ComposeProject> {
  const file = input.fileName;
  const lines = new LineCounter();
  const doc = parseDocument(input.text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new ComposeError(`yaml: line ${pos?.line ?? '?'}, column ${pos?.col ?? '?'}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}\nin ${file}`);
  }
  /** "(line N)" for a key path, from the YAML node it names. */
  const lineOf = (path: Array<string | number>): string => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (const part of path) {
      if (!isMap(node) && !isSeq(node)) return '';
      const item = isMap(node) ? node.items.find((i) => (i.key as { value?: unknown })?.value === part) : undefined;
      keyNode = (isMap(node) ? (item?.key as Node | undefined) : undefined) ?? keyNode;
      node = isMap(node) ? item?.value : node.items[part as number];
    }
    const offset = keyNode?.range?.[0] ?? (node as Node | undefined)?.range?.[0];
    return offset === undefined ? '' : ` (line ${lines.linePos(offset).line})`;
  };
  const invalid = (path: Array<string | number>, message: string) => new ComposeError(`validating ${file}: ${message}${lineOf(path)}`);

  const warnings: string[] = [];
  const unset = new Set<string>();
  const raw = (doc.toJS() ?? {}) as Json;
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) throw new ComposeError(`validating ${file}: top-level object must be a mapping`);
  const env = input.env;
  const deep = (v: Json): Json => {
    if (typeof v === 'string')
      return interpolate(v, env, (name) => {
        if (!unset.has(name)) warnings.push(`The "${name}" variable is not set. Defaulting to a blank string.`);
        unset.add(name);
      });
    if (Array.isArray(v)) return v.map(deep);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]));
    return v;
  };
  const top = deep(raw) as Record<string, Json>;
  for (const key of Object.keys(top)) {
    if (!TOP_LEVEL.has(key) && !key.startsWith('x-')) throw invalid([key], `(root) additional properties '${key}' not allowed`);
  }
  if ('version' in top) warnings.push(`${file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
  for (const key of ['secrets', 'configs']) if (key in top) throw invalid([key], `top-level ${key} are not supported by Drydock yet`);

  const name = normalizeProjectName(input.projectName ?? (typeof top.name === 'string' ? top.name : '') ?? '') || normalizeProjectName(input.projectDirectory.split('/').filter(Boolean).pop() ?? '') || 'default';
  const mapping = (v: Json | undefined, path: Array<string | number>): Record<string, Json> => {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw invalid(path, `${path.join('.')} must be a mapping`);
    return v;
  };
  const stringMap = (v: Json | undefined, path: Array<string | number>): Record<string, string> => {
    if (Array.isArray(v)) return Object.fromEntries(v.map((e) => String(e)).map((e) => [e.split('=')[0]!, e.includes('=') ? e.slice(e.indexOf('=') + 1) : (env[e] ?? '')]));
    return Object.fromEntries(Object.entries(mapping(v, path)).map(([k, x]) => [k, x === null ? (env[k] ?? '') : String(x)]));
  };
  const list = (v: Json | undefined): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
  const words = (v: Json | undefined): string[] | undefined => (v === undefined || v === null ? undefined : Array.isArray(v) ? v.map(String) : shellSplit(String(v)));
  const duration = (v: Json | undefined, path: Array<string | number>) => {
    if (v === undefined || v === null) return undefined;
    try {
      return goDuration(String(v));
    } catch {
      throw invalid(path, `${path.join('.')}: invalid duration "${v}"`);
    }
  };

  const networks: ComposeProject['networks'] = {};
  for (const [key, value] of Object.entries(mapping(top.networks, ['networks']))) {
    const n = mapping(value, ['networks', key]);
    const ipam = mapping(n.ipam, ['networks', key, 'ipam']);
    const config = Array.isArray(ipam.config) ? (ipam.config[0] as Record<string, Json> | undefined) : undefined;
    const external = n.external === true;
    networks[key] = {
      name: typeof n.name === 'string' ? n.name : external ? key : `${name}_${key}`,
      external,
      driver: typeof n.driver === 'string' ? n.driver : 'bridge',
      ...(config ? { ipam: { ...(config.subnet ? { subnet: String(config.subnet) } : {}), ...(config.gateway ? { gateway: String(config.gateway) } : {}) } } : {}),
      internal: n.internal === true,
      labels: stringMap(n.labels, ['networks', key, 'labels']),
    };
    if (networks[key]!.driver !== 'bridge') throw invalid(['networks', key, 'driver'], `networks.${key}: driver "${networks[key]!.driver}" is not supported by Drydock (bridge only)`);
  }
  const volumes: ComposeProject['volumes'] = {};
  for (const [key, value] of Object.entries(mapping(top.volumes, ['volumes']))) {
    const v = mapping(value, ['volumes', key]);
    const external = v.external === true;
    volumes[key] = { name: typeof v.name === 'string' ? v.name : external ? key : `${name}_${key}`, external, labels: stringMap(v.labels, ['volumes', key, 'labels']) };
  }

  const servicesRaw = mapping(top.services, ['services']);
  const profiles = new Set(options.profiles ?? []);
  const services: ComposeService[] = [];
  for (const [serviceName, value] of Object.entries(servicesRaw)) {
    const at = (...rest: Array<string | number>) => ['services', serviceName, ...rest];
    const s = mapping(value, at());
    for (const key of Object.keys(s)) {
      if (!SERVICE_KEYS.has(key) && !key.startsWith('x-')) throw invalid(at(key), `services.${serviceName} additional properties '${key}' not allowed`);
      if (UNSUPPORTED.has(key)) throw invalid(at(key), `services.${serviceName}.${key} is not supported by Drydock yet`);
    }
    const serviceProfiles = list(s.profiles);
    if (serviceProfiles.length && !serviceProfiles.some((p) => profiles.has(p) || profiles.has('*'))) continue;

    let build: ComposeService['build'];
    if (s.build !== undefined && s.build !== null) {
      const b = typeof s.build === 'string' ? { context: s.build } : mapping(s.build, at('build'));
      build = {
        context: joinPath(input.projectDirectory, String(b.context ?? '.')),
        dockerfile: String(b.dockerfile ?? 'Dockerfile'),
        args: stringMap(b.args, at('build', 'args')),
        ...(b.target ? { target: String(b.target) } : {}),
      };
    }
    if (!build && typeof s.image !== 'string') throw new ComposeError(`service "${serviceName}" has neither an image nor a build context specified: invalid compose project`);

    const environment: Record<string, string> = {};
    for (const envFile of list(s.env_file)) {
      if (!options.readFile) throw invalid(at('env_file'), 'env_file needs the project files');
      Object.assign(environment, parseDotEnv(await options.readFile(joinPath(input.projectDirectory, envFile))));
    }
    Object.assign(environment, stringMap(s.environment, at('environment')));

    const ports: ComposeService['ports'] = [];
    for (const [k, p] of (Array.isArray(s.ports) ? s.ports : s.ports === undefined ? [] : [s.ports]).entries()) {
      if (p && typeof p === 'object' && !Array.isArray(p)) {
        const target = Number(p.target);
        if (!Number.isInteger(target)) throw invalid(at('ports', k), `services.${serviceName}.ports.${k}: target is required`);
        ports.push({ target, ...(p.published !== undefined ? { published: String(p.published) } : {}), ...(p.host_ip ? { hostIp: String(p.host_ip) } : {}), protocol: (String(p.protocol ?? 'tcp') as 'tcp') });
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
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const type = String(v.type ?? 'volume') as ComposeVolumeMount['type'];
        if (!['volume', 'bind', 'tmpfs'].includes(type)) throw invalid(at('volumes', k), `services.${serviceName}.volumes.${k}: type "${type}" is not supported`);
        const source = v.source === undefined ? undefined : String(v.source);
        mounts.push({ type, ...(source ? { source: type === 'bind' ? joinPath(input.projectDirectory, source) : source } : {}), target: String(v.target), readOnly: v.read_only === true });
        continue;
      }
      const parts = String(v).split(':');
      if (parts.length === 1) {
        mounts.push({ type: 'volume', target: parts[0]!, readOnly: false });
        continue;
      }
      const [source = '', target = '', mode = ''] = parts;
      if (source.startsWith('~')) throw invalid(at('volumes', k), `services.${serviceName}.volumes.${k}: paths starting with ~ are not supported`);
      const bind = source.startsWith('.') || source.startsWith('/');
      mounts.push({ type: bind ? 'bind' : 'volume', source: bind ? joinPath(input.projectDirectory, source) : source, target, readOnly: mode.split(',').includes('ro') });
    }
    for (const [k, m] of mounts.entries()) {
      if (m.type === 'volume' && m.source && !volumes[m.source]) throw invalid(at('volumes', k), `service "${serviceName}" refers to undefined volume ${m.source}: invalid compose project`);
    }

    const serviceNetworks: ComposeService['networks'] = {};
    const networkMode = typeof s.network_mode === 'string' ? s.network_mode : undefined;
    if (Array.isArray(s.networks)) for (const n of s.networks) serviceNetworks[String(n)] = { aliases: [] };
    else {
      for (const [n, cfg] of Object.entries(mapping(s.networks, at('networks')))) {
        const c = mapping(cfg, at('networks', n));
        serviceNetworks[n] = { aliases: list(c.aliases), ...(c.ipv4_address ? { ipv4Address: String(c.ipv4_address) } : {}) };
      }
    }
    if (!networkMode && !Object.keys(serviceNetworks).length) serviceNetworks.default = { aliases: [] };
    for (const n of Object.keys(serviceNetworks)) {
      if (n === 'default' && !networks.default) networks.default = { name: `${name}_default`, external: false, driver: 'bridge', internal: false, labels: {} };
      if (!networks[n]) throw invalid(at('networks'), `service "${serviceName}" refers to undefined network ${n}: invalid compose project`);
    }

    const dependsOn: ComposeService['dependsOn'] = {};
    if (Array.isArray(s.depends_on)) for (const d of s.depends_on) dependsOn[String(d)] = { condition: 'service_started', required: true };
    else {
      for (const [d, cfg] of Object.entries(mapping(s.depends_on, at('depends_on')))) {
        const c = mapping(cfg, at('depends_on', d));
        const condition = String(c.condition ?? 'service_started');
        if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
          throw invalid(at('depends_on', d, 'condition'), `services.${serviceName}.depends_on.${d}.condition must be one of the following: "service_started", "service_healthy", "service_completed_successfully"`);
        }
        dependsOn[d] = { condition: condition as 'service_started', required: c.required !== false };
      }
    }

    let healthcheck: ComposeService['healthcheck'];
    if (s.healthcheck) {
      const h = mapping(s.healthcheck, at('healthcheck'));
      if (h.disable === true) healthcheck = { disable: true };
      else {
        const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : list(h.test);
        const interval = duration(h.interval, at('healthcheck', 'interval'));
        const timeout = duration(h.timeout, at('healthcheck', 'timeout'));
        const start = duration(h.start_period, at('healthcheck', 'start_period'));
        healthcheck = {
          test,
          ...(interval !== undefined ? { intervalNs: interval } : {}),
          ...(timeout !== undefined ? { timeoutNs: timeout } : {}),
          ...(start !== undefined ? { startPeriodNs: start } : {}),
          ...(h.retries !== undefined ? { retries: Number(h.retries) } : {}),
        };
      }
    }

    const deploy = mapping(s.deploy, at('deploy'));
    for (const key of Object.keys(deploy)) if (key !== 'replicas') throw invalid(at('deploy', key), `services.${serviceName}.deploy.${key} is not supported by Drydock yet (only replicas)`);
    const labels = stringMap(s.labels, at('labels'));
    const scale = Number(s.scale ?? deploy.replicas ?? 1);
    if (typeof s.platform === 'string' && !/^linux\/(386|i386)$/.test(s.platform)) throw invalid(at('platform'), `services.${serviceName}.platform: Drydock runs linux/386 only`);
    const command = words(s.command);
    const entrypoint = words(s.entrypoint);
    services.push({
      name: serviceName,
      ...(typeof s.image === 'string' ? { image: s.image } : {}),
      ...(build ? { build } : {}),
      ...(command ? { command } : {}),
      ...(entrypoint ? { entrypoint } : {}),
      environment,
      ports,
      expose: list(s.expose),
      volumes: mounts,
      networks: networkMode ? {} : serviceNetworks,
      ...(networkMode ? { networkMode } : {}),
      dependsOn,
      ...(s.restart !== undefined ? { restart: String(s.restart) } : {}),
      ...(healthcheck ? { healthcheck } : {}),
      ...(s.working_dir ? { workingDir: String(s.working_dir) } : {}),
      ...(s.user !== undefined ? { user: String(s.user) } : {}),
      ...(s.hostname ? { hostname: String(s.hostname) } : {}),
      ...(s.container_name ? { containerName: String(s.container_name) } : {}),
      labels,
      profiles: serviceProfiles,
      scale: Number.isInteger(scale) && scale >= 0 ? scale : 1,
      tty: s.tty === true,
      stdinOpen: s.stdin_open === true,
      ...(s.stop_signal ? { stopSignal: String(s.stop_signal) } : {}),
      extraHosts: Array.isArray(s.extra_hosts) ? s.extra_hosts.map(String) : Object.entries(mapping(s.extra_hosts, at('extra_hosts'))).map(([h, ip]) => `${h}:${ip}`),
      capAdd: list(s.cap_add),
      capDrop: list(s.cap_drop),
      privileged: s.privileged === true,
    });
  }

  // Dependency order (depth first), with Compose's messages for unknown and circular ones.
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
        if (!(dep in servicesRaw)) throw new ComposeError(`service "${s.name}" depends on undefined service "${dep}": invalid compose project`);
        if (cfg.required) throw new ComposeError(`service "${s.name}" depends on service "${dep}", which is disabled by its profiles`);
        continue;
      }
      visit(target, [...chain, s.name]);
    }
    state.set(s.name, 'done');
    ordered.push(s);
  };
  for (const s of services) visit(s, []);

  const project: ComposeProject = {
    name,
    workingDir: input.projectDirectory,
    services: ordered,
    networks,
    volumes,
    warnings,
    toYaml: () => stringify(configView(project)),
  };
  return project;
}

/** The normalized project in Compose's own vocabulary, for `docker compose config`. */
function configView(p: ComposeProject) {
  const service = (s: ComposeService) => ({
    ...(s.build ? { build: { context: s.build.context, dockerfile: s.build.dockerfile, ...(Object.keys(s.build.args).length ? { args: s.build.args } : {}), ...(s.build.target ? { target: s.build.target } : {}) } } : {}),
    ...(s.command ? { command: s.command } : {}),
    ...(Object.keys(s.dependsOn).length ? { depends_on: s.dependsOn } : {}),
    ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
    ...(Object.keys(s.environment).length ? { environment: s.environment } : {}),
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
