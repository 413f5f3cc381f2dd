import { ApiError } from '../../daemon/endpoints';
import { type CreateRequest } from '../../models/container';
import { familiarReference } from '../../formats/reference';
import type { Command, CommandContext } from '../context';
import { UsageError } from '../flags';
import { goDuration } from '../../formats/human';
import { cleanPath } from '../../formats/path-match';
import { daemonError, pullImage } from '../output';
import { hintOf } from '../../registry/not-built-in';
import { DetachKeys, parseDetachKeys } from '../../formats/detach-keys';
import { isIPv4, parsePortSpec, PortSpecError, splitProto } from '../../formats/port-spec';
import type { PortBinding } from '../../models/container';
import { parseLink } from '../../formats/links';

/** The exit status of a `docker run` whose container could not start (Docker's mapping). */
function startFailureCode(error: unknown): number {
  const message = (error as Error).message;
  return message.includes('executable file not found') ? 127 : message.includes('permission denied') ? 126 : 125;
}

/** Forwards the client's stdin; on a terminal, watches for the detach keys. */
export function forwardStdin(io: CommandContext['io'], write: (bytes: Uint8Array) => void, tty: boolean, onDetach: () => void, detachKeys?: string): void {
  const keys = new DetachKeys(detachKeys ? parseDetachKeys(detachKeys) : undefined);
  let done = false;
  io.onStdin((bytes) => {
    if (done) return;
    if (!tty || !bytes.length) return write(bytes);
    const { forward, detach } = keys.feed(bytes);
    if (forward.length) write(forward);
    if (detach) {
      done = true;
      onDetach();
    }
  });
}

/** "256m", "1g", "1048576" → bytes, as Docker's RAMInBytes reads them. */
export function parseMemory(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(value.trim());
  if (!m) throw new UsageError(`invalid argument "${value}" for "-m, --memory" flag: invalid size: '${value}'`);
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

export const runFlags: Command['flags'] = [
  { long: 'detach', short: 'd', kind: 'bool', description: 'Run container in background and print container ID' },
  { long: 'detach-keys', kind: 'string', description: 'Override the key sequence for detaching a container' },
  { long: 'interactive', short: 'i', kind: 'bool', description: 'Keep STDIN open even if not attached' },
  { long: 'tty', short: 't', kind: 'bool', description: 'Allocate a pseudo-TTY' },
  { long: 'rm', kind: 'bool', description: 'Automatically remove the container and its associated anonymous volumes when it exits' },
  { long: 'name', kind: 'string', description: 'Assign a name to the container' },
  { long: 'env', short: 'e', kind: 'list', description: 'Set environment variables' },
  { long: 'workdir', short: 'w', kind: 'string', description: 'Working directory inside the container' },
  { long: 'stop-signal', kind: 'string', description: 'Signal to stop the container' },
  { long: 'entrypoint', kind: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
  { long: 'hostname', short: 'h', kind: 'string', description: 'Container host name' },
  { long: 'user', short: 'u', kind: 'string', description: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
  { long: 'memory', short: 'm', kind: 'string', description: 'Memory limit' },
  { long: 'pids-limit', kind: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
  { long: 'cpus', kind: 'string', description: 'Number of CPUs' },
  { long: 'network', kind: 'string', description: 'Connect a container to a network', aliases: ['net'] },
  { long: 'network-alias', kind: 'list', description: 'Add network-scoped alias for the container', aliases: ['net-alias'] },
  { long: 'ip', kind: 'string', description: 'IPv4 address (e.g., 172.30.100.104)' },
  { long: 'publish', short: 'p', kind: 'list', description: "Publish a container's port(s) to the host" },
  { long: 'publish-all', short: 'P', kind: 'bool', description: 'Publish all exposed ports to random ports' },
  { long: 'expose', kind: 'list', description: 'Expose a port or a range of ports' },
  { long: 'link', kind: 'list', description: 'Add link to another container' },
  { long: 'add-host', kind: 'list', description: 'Add a custom host-to-IP mapping (host:ip)' },
  { long: 'cap-add', kind: 'list', description: 'Add Linux capabilities' },
  { long: 'cap-drop', kind: 'list', description: 'Drop Linux capabilities' },
  { long: 'privileged', kind: 'bool', description: 'Give extended privileges to this container' },
  { long: 'label', short: 'l', kind: 'list', description: 'Set meta data on a container' },
  { long: 'restart', kind: 'string', description: 'Restart policy to apply when a container exits', default: 'no' },
  { long: 'volume', short: 'v', kind: 'list', description: 'Bind mount a volume' },
  { long: 'mount', kind: 'list', description: 'Attach a filesystem mount to the container' },
  { long: 'tmpfs', kind: 'list', description: 'Mount a tmpfs directory' },
  { long: 'volumes-from', kind: 'list', description: 'Mount volumes from the specified container(s)' },
  { long: 'health-cmd', kind: 'string', description: 'Command to run to check health' },
  { long: 'health-interval', kind: 'string', description: 'Time between running the check (ms|s|m|h) (default 0s)' },
  { long: 'health-timeout', kind: 'string', description: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' },
  { long: 'health-start-period', kind: 'string', description: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' },
  { long: 'health-retries', kind: 'int', description: 'Consecutive failures needed to report unhealthy' },
  { long: 'no-healthcheck', kind: 'bool', description: 'Disable any container-specified HEALTHCHECK' },
];

/** --health-* flags as a HEALTHCHECK config (undefined: the image's applies). */
function healthFlags(flags: CommandContext['flags']) {
  if (flags['no-healthcheck']) return { Test: ['NONE'] };
  const duration = (name: string) => {
    const value = flags[name] as string | undefined;
    if (value === undefined) return {};
    try {
      return { [name === 'health-start-period' ? 'StartPeriod' : name === 'health-interval' ? 'Interval' : 'Timeout']: goDuration(value) };
    } catch {
      throw new UsageError(`invalid argument "${value}" for "--${name}" flag: time: invalid duration "${value}"`);
    }
  };
  if (flags['health-cmd'] === undefined && !['health-interval', 'health-timeout', 'health-start-period', 'health-retries'].some((f) => flags[f] !== undefined)) return undefined;
  return {
    Test: flags['health-cmd'] !== undefined ? ['CMD-SHELL', flags['health-cmd'] as string] : [],
    ...duration('health-interval'),
    ...duration('health-timeout'),
    ...duration('health-start-period'),
    ...(flags['health-retries'] !== undefined ? { Retries: flags['health-retries'] as number } : {}),
  };
}

/** `--restart no|always|unless-stopped|on-failure[:max-retries]`. */
export function parseRestart(value: string | undefined): { Name: 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount: number } {
  if (value === undefined || value === '' || value === 'no') return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count, extra] = value.split(':');
  if (extra !== undefined || (count !== undefined && name !== 'on-failure')) {
    throw new UsageError(`invalid restart policy format: ${value}`);
  }
  if (name === 'always' || name === 'unless-stopped') return { Name: name, MaximumRetryCount: 0 };
  if (name === 'on-failure') {
    if (count !== undefined && !/^\d+$/.test(count)) throw new UsageError(`invalid restart policy format: maximum retry count must be an integer`);
    return { Name: 'on-failure', MaximumRetryCount: Number(count ?? 0) };
  }
  throw new UsageError(`invalid restart policy format: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
}

/** -p and --expose as Docker's PortBindings ("80/tcp" → bindings) and exposed ports. */
function portFlags(flags: CommandContext['flags']): { bindings: Record<string, PortBinding[]>; exposed: string[] } {
  const bindings: Record<string, PortBinding[]> = {};
  for (const spec of (flags.publish as string[] | undefined) ?? []) {
    for (const m of parsePortSpec(spec)) {
      // Drydock's port relay (its docker-proxy) speaks TCP only, so far.
      if (m.proto !== 'tcp') throw new PortSpecError(`publishing ${m.proto} ports is not supported by Drydock yet (only tcp): ${spec}`);
      (bindings[`${m.containerPort}/${m.proto}`] ??= []).push({ HostIp: m.hostIp, HostPort: m.hostPort });
    }
  }
  const exposed: string[] = [];
  for (const spec of (flags.expose as string[] | undefined) ?? []) {
    const [port, proto] = splitProto(spec);
    const m = /^(\d+)(?:-(\d+))?$/.exec(port);
    if (!m) throw new PortSpecError(`invalid range format for --expose: ${spec}, error: invalid port: ${port}`);
    for (let p = Number(m[1]); p <= Number(m[2] ?? m[1]); p++) exposed.push(`${p}/${proto}`);
  }
  return { bindings, exposed };
}

/** The container configuration from `docker run`/`docker create` flags. */
export function createRequest({ flags, args, io }: Pick<CommandContext, 'flags' | 'args' | 'io'>): CreateRequest {
  // Since Docker 23 the CLI reads `-v ./dir:/path` as a bind mount of the current directory's dir.
  const cwd = io.cwd.replace(/\/$/, '');
  const binds = ((flags.volume as string[] | undefined) ?? []).map((b) => (/^\.\.?(\/|:)/.test(b) ? `${cwd}/${b}` : b));
  const env = ((flags.env as string[] | undefined) ?? []).map((e) => e);
  const cpus = flags.cpus === undefined ? 0 : Number(flags.cpus);
  if (Number.isNaN(cpus) || cpus < 0) throw new UsageError(`invalid argument "${flags.cpus}" for "--cpus" flag: failed to parse ${flags.cpus} as a rational number`);
  const labels = Object.fromEntries(((flags.label as string[] | undefined) ?? []).map((l) => [l.split('=')[0]!, l.split('=').slice(1).join('=')]));
  const network = (flags.network as string | undefined) ?? 'default';
  const { bindings, exposed } = portFlags(flags);
  const extraHosts = ((flags['add-host'] as string[] | undefined) ?? []).map((h) => {
    const at = h.lastIndexOf(':') >= 0 ? h.lastIndexOf(':') : h.lastIndexOf('=');
    const ip = h.slice(at + 1);
    if (at <= 0 || (!isIPv4(ip) && ip !== 'host-gateway')) throw new PortSpecError(`invalid argument "${h}" for "--add-host" flag: invalid IP address in add-host: "${ip}"`);
    return `${h.slice(0, at)}:${ip}`;
  });
  const aliases = (flags['network-alias'] as string[] | undefined) ?? [];
  const links = (flags.link as string[] | undefined) ?? [];
  for (const link of links) {
    try {
      parseLink(link);
    } catch (error) {
      throw new UsageError(`invalid argument "${link}" for "--link" flag: ${(error as Error).message}`);
    }
  }
  return {
    image: args[0]!,
    ...(flags.name !== undefined ? { name: flags.name as string } : {}),
    ...(args.length > 1 ? { cmd: args.slice(1) } : {}),
    ...(flags.entrypoint !== undefined ? { entrypoint: flags.entrypoint === '' ? null : [flags.entrypoint as string] } : {}),
    env,
    ...(flags.workdir !== undefined ? { workingDir: flags.workdir as string } : {}),
    ...(flags['stop-signal'] !== undefined ? { stopSignal: flags['stop-signal'] as string } : {}),
    ...(flags.user !== undefined ? { user: flags.user as string } : {}),
    ...(flags.hostname !== undefined ? { hostname: flags.hostname as string } : {}),
    tty: !!flags.tty,
    openStdin: !!flags.interactive,
    labels,
    hostConfig: {
      AutoRemove: !!flags.rm,
      Memory: flags.memory !== undefined ? parseMemory(flags.memory as string) : 0,
      PidsLimit: (flags['pids-limit'] as number | undefined) ?? 0,
      NanoCpus: Math.round(cpus * 1e9),
      NetworkMode: network,
      RestartPolicy: parseRestart(flags.restart as string | undefined),
      Binds: binds.map((b) => b.replace(/^[^:]*/, (source) => (source.startsWith('/') && b.includes(':') ? `/${cleanPath(source)}` : source))),
      Tmpfs: Object.fromEntries(((flags.tmpfs as string[] | undefined) ?? []).map((t) => [t.split(':')[0]!, t.split(':').slice(1).join(':')])),
      VolumesFrom: (flags['volumes-from'] as string[] | undefined) ?? [],
      PortBindings: bindings,
      PublishAllPorts: !!flags['publish-all'],
      ExtraHosts: extraHosts,
      ...(links.length ? { Links: links } : {}),
      CapAdd: (flags['cap-add'] as string[] | undefined) ?? [],
      CapDrop: (flags['cap-drop'] as string[] | undefined) ?? [],
      Privileged: !!flags.privileged,
    },
    mounts: (flags.mount as string[] | undefined) ?? [],
    exposedPorts: exposed,
    ...(aliases.length || flags.ip !== undefined ? { networking: { aliases, ...(flags.ip !== undefined ? { ip: flags.ip as string } : {}) } } : {}),
    ...(healthFlags(flags) ? { healthcheck: healthFlags(flags)! } : {}),
  };
}

/** Creates the container, pulling its image first if it is not here (as `docker run` does). */
export async function createWithPull(ctx: CommandContext, request: CreateRequest): Promise<string> {
  const created = async () => {
    const { Id, Warnings } = await ctx.daemon.containerCreate(request);
    for (const w of Warnings) ctx.io.err(`WARNING: ${w}\n`);
    return Id;
  };
  try {
    return await created();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404 || !error.message.startsWith('No such image')) throw error;
    ctx.io.err(`Unable to find image '${familiarReference(request.image)}' locally\n`);
    await pullImage(ctx.daemon, request.image, (text) => ctx.io.err(text));
    return await created();
  }
}

/**
 * Attaches to a created container, starts it and waits for its exit (or a detach): the
 * foreground half of `docker run`, also used by `docker compose run`.
 */
export async function startAttached(ctx: CommandContext, id: string, options: { interactive: boolean; tty: boolean; detachKeys?: string | undefined }): Promise<number> {
  const { io, daemon } = ctx;
    let left: (() => void) | undefined;
    const detach = await daemon.containerAttach(id, (entry) => (entry.stream === 1 ? io.out(entry.data) : io.err(entry.data)));
    let detached!: () => void;
    const detachedByKeys = new Promise<{ StatusCode: number; Error?: { Message: string } }>((resolve) => (detached = () => resolve({ StatusCode: 0 })));
    if (options.interactive) {
      // -i: the client's keystrokes (raw, with -t) go to the container's stdin; with -t,
      // Ctrl-P Ctrl-Q detaches and leaves the container running.
      forwardStdin(io, (bytes) => daemon.containerStdin(id, bytes), options.tty, detached, options.detachKeys);
      io.startStdin(options.tty && io.stdinTty);
      if (options.tty && io.stdinTty) left = io.enterContainer?.(id);
    }
    if (options.tty) io.onResize((rows, cols) => void daemon.containerResize(id, rows, cols).catch(() => {}));
    // Ctrl-C and friends go to the container's process, as `docker run --sig-proxy=true` does.
    io.onSignal((signal) => void daemon.containerKill(id, signal).catch(() => {}));
    const exited = daemon.containerWait(id);
    try {
      await daemon.containerStart(id);
    } catch (error) {
      detach();
      left?.();
      io.err(`docker: ${daemonError(error)}.\n`);
      return startFailureCode(error);
    }
    if (options.tty && io.size.rows > 0) await daemon.containerResize(id, io.size.rows, io.size.cols).catch(() => {});
    const { StatusCode, Error: failure } = await Promise.race([exited, detachedByKeys]);
    detach();
    left?.();
    if (failure) io.err(`docker: Error response from daemon: ${failure.Message}.\n`);
    return StatusCode;
}

export const run: Command = {
  name: 'run',
  usage: 'docker run [OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  flags: runFlags,
  stopAtFirstArg: true,
  minArgs: 1,
  async run(ctx) {
    const { io, daemon, flags } = ctx;
    const fail = (error: unknown) => {
      io.err(`docker: ${error instanceof PortSpecError ? error.message : daemonError(error)}.\nSee 'docker run --help'.\n`);
      const hint = hintOf(error);
      if (hint) io.err(`${hint}\n`);
      return 125;
    };
    try {
      if (flags['detach-keys']) parseDetachKeys(flags['detach-keys'] as string);
    } catch (error) {
      return fail(error);
    }
    if (flags.rm && flags.restart !== undefined && flags.restart !== 'no') {
      io.err("docker: Conflicting options: --restart and --rm.\nSee 'docker run --help'.\n");
      return 125;
    }
    if (flags.tty && flags.interactive && !flags.detach && !io.stdinTty) {
      io.err('the input device is not a TTY\n');
      return 1;
    }
    let id: string;
    try {
      id = await createWithPull(ctx, createRequest(ctx));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      return fail(error);
    }
    if (flags.detach) {
      try {
        await daemon.containerStart(id);
      } catch (error) {
        // Docker's runStartContainerErr: no usage hint, and 127/126 for a command that
        // cannot be found or run.
        io.err(`docker: ${daemonError(error)}.\n`);
        return startFailureCode(error);
      }
      io.out(`${id}\n`);
      return 0;
    }
    return startAttached(ctx, id, { interactive: !!flags.interactive, tty: !!flags.tty, detachKeys: flags['detach-keys'] as string | undefined });
  },
};
