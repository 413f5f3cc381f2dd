// `docker compose`: reads the project's file from the client's directory (as the real CLI
// does), then drives the daemon through ComposeRunner. One function per sub-command.
// One file past ~500 lines: the sub-commands are the `docker compose` command's table, and share
// its flag parsing, the project loading and the progress lines.
import type { Command, CommandContext } from '../context';
import { parseFlags, UsageError, type FlagSpec, type FlagValues } from '../flags';
import { daemonError, pullImage, quotedCommand } from '../output';
import { hintOf } from '../../registry/not-built-in';
import { formatTable } from '../table';
import { humanDuration } from '../../formats/human';
import { formatPorts } from '../../formats/port-spec';
import { readTar } from '../../formats/tar';
import { parseReference } from '../../formats/reference';
import { COMPOSE_FILE_NAMES, ComposeError, loadCompose } from '../../formats/compose-file';
import { dotEnvOf } from '../../formats/compose/model';
import { ComposeRunner, SERVICE_LABEL, NUMBER_LABEL, type Progress } from '../../compose/compose-runner';
import { containerStatus } from './ps';
import { startAttached } from './run';
import { build as buildCommand } from './build';
import { exec as execCommand } from './exec';
import type { Container, LogEntry } from '../../models/container';
import { imageSize, type Image } from '../../models/image';

const GLOBAL_FLAGS: FlagSpec[] = [
  { long: 'file', short: 'f', kind: 'list', description: 'Compose configuration files' },
  { long: 'project-name', short: 'p', kind: 'string', description: 'Project name' },
  { long: 'project-directory', kind: 'string', description: 'Specify an alternate working directory' },
  { long: 'profile', kind: 'list', description: 'Specify a profile to enable' },
  { long: 'env-file', kind: 'list', description: 'Specify an alternate environment file' },
];

interface Sub {
  usage: string;
  flags: FlagSpec[];
  run(ctx: CommandContext, runner: ComposeRunner, args: string[], flags: FlagValues): Promise<number>;
}

const dirname = (p: string) => p.replace(/\/[^/]*$/, '') || '/';
const absolute = (cwd: string, p: string) => (p.startsWith('/') ? p : `${cwd.replace(/\/$/, '')}/${p}`).replace(/\/\.\//g, '/');

async function readLocal(ctx: CommandContext, path: string): Promise<string | null> {
  const found = await ctx.io.archiveLocal(path);
  if (!found || found.directory) return null;
  const entry = readTar(found.tar).find((e) => e.type === 'file');
  return entry && entry.type === 'file' ? new TextDecoder().decode(entry.data) : null;
}

/** Finds and loads the project's files (every `-f`, or COMPOSE_FILE, merged in order), its .env, and what they refer to. */
async function load(ctx: CommandContext, flags: FlagValues) {
  const here = ctx.io.cwd;
  const explicitDir = flags['project-directory'] ? absolute(here, flags['project-directory'] as string) : undefined;
  const fileFlags = flags.file as string[] | undefined;
  // Compose's working directory (where .env is): --project-directory, else the first -f file's, else here.
  const workDir = explicitDir ?? (fileFlags?.length ? dirname(absolute(here, fileFlags[0]!)) : here);
  const explicitEnv = flags['env-file'] as string[] | undefined;
  const env: Record<string, string> = {};
  for (const f of (explicitEnv ?? [`${workDir}/.env`]).map((x) => absolute(here, x))) {
    const text = await readLocal(ctx, f);
    if (text === null) {
      if (explicitEnv) throw new ComposeError(`couldn't find env file: ${f}`);
      continue;
    }
    Object.assign(env, dotEnvOf(text, f, (k) => env[k]));
  }
  // COMPOSE_FILE and COMPOSE_PROFILES (often set in .env) stand in for -f and --profile.
  const paths = fileFlags?.map((x) => absolute(here, x)) ?? (env.COMPOSE_FILE ? env.COMPOSE_FILE.split(env.COMPOSE_PATH_SEPARATOR || ':').map((x) => absolute(workDir, x)) : undefined);
  const files: Array<{ fileName: string; text: string }> = [];
  for (const f of paths ?? []) {
    const text = await readLocal(ctx, f);
    if (text === null) throw new ComposeError(`open ${f}: no such file or directory`);
    files.push({ fileName: f, text });
  }
  for (const candidate of paths ? [] : COMPOSE_FILE_NAMES.map((n) => absolute(workDir, n))) {
    const text = await readLocal(ctx, candidate);
    if (text === null) continue;
    files.push({ fileName: candidate, text });
    break;
  }
  const first = files[0];
  if (!first) throw new ComposeError('no configuration file provided: not found');
  const projectDirectory = explicitDir ?? dirname(first.fileName);
  const cache = new Map<string, string | null>();
  return loadCompose(
    { fileName: first.fileName, text: first.text, files, env, projectDirectory, ...(flags['project-name'] ? { projectName: flags['project-name'] as string } : {}) },
    {
      profiles: (flags.profile as string[] | undefined) ?? (env.COMPOSE_PROFILES ? env.COMPOSE_PROFILES.split(',').filter(Boolean) : []),
      readFile: async (path: string) => {
        if (!cache.has(path)) cache.set(path, await readLocal(ctx, path));
        return cache.get(path)!;
      },
    },
  );
}

/** Runs another docker command (build, exec) as if typed: its flags parsed as it declares them. */
function invoke(command: Command, argv: string[], ctx: CommandContext, io = ctx.io): Promise<number> {
  const { values, args } = parseFlags(argv, command.flags, { interspersed: !command.stopAtFirstArg });
  return command.run({ args, flags: values, io, daemon: ctx.daemon });
}

/** The local image a reference names, if any. */
async function localImage(ctx: CommandContext, name: string) {
  try {
    parseReference(name);
  } catch {
    return undefined;
  }
  // GET /images/{name}/json, as Compose asks: a 404 says it is not here.
  return ctx.daemon.imageInspect(name).catch(() => undefined);
}

/** One step as Compose reports it without a terminal: " Container app-web-1  Starting", then "…  Started". */
async function step<T>(ctx: CommandContext, what: string, doing: string, done: string, work: () => Promise<T>): Promise<T> {
  ctx.io.err(` ${what}  ${doing}\n`);
  const result = await work();
  ctx.io.err(` ${what}  ${done}\n`);
  return result;
}

const progressPrinter = (ctx: CommandContext): Progress => (kind, name, status) => ctx.io.err(` ${kind} ${name}  ${status}\n`);

/** Builds the services that have a build section (all, or those named). */
async function buildServices(ctx: CommandContext, runner: ComposeRunner, names: string[], always: boolean): Promise<void> {
  for (const service of runner.project.services) {
    if (!service.build || (names.length && !names.includes(service.name))) continue;
    if (!always && (await localImage(ctx, runner.imageOf(service)))) continue;
    const build = service.build;
    const argv = ['-q', '-t', runner.imageOf(service), '-f', absolute(build.context, build.dockerfile)];
    for (const [k, v] of Object.entries(build.args)) argv.push('--build-arg', `${k}=${v}`);
    if (build.target) argv.push('--target', build.target);
    argv.push(build.context);
    ctx.io.err(` Service ${service.name}  Building\n`);
    let out = '';
    const code = await invoke(buildCommand, argv, ctx, { ...ctx.io, out: () => {}, err: (t) => (out += typeof t === 'string' ? t : new TextDecoder().decode(t)) });
    if (code !== 0) {
      ctx.io.err(out);
      throw new ComposeError(`failed to solve: building ${service.name}`);
    }
    ctx.io.err(` Service ${service.name}  Built\n`);
  }
}

/** Pulls the images of services that are not built and not here. */
async function pullMissing(ctx: CommandContext, runner: ComposeRunner, names: string[] = [], always = false): Promise<void> {
  for (const service of runner.project.services) {
    if (service.build || !service.image || (names.length && !names.includes(service.name))) continue;
    if (!always && (await localImage(ctx, service.image))) continue;
    ctx.io.err(` ${service.name} Pulling \n`);
    await pullImage(ctx.daemon, service.image, () => {});
    ctx.io.err(` ${service.name} Pulled \n`);
  }
}

/** Streams the containers' logs with `name  | ` prefixes (colored on a terminal) until they end or Ctrl-C. */
function followLogs(ctx: CommandContext, containers: Container[], options: { history: boolean; follow: boolean; timestamps?: boolean }): { done: Promise<'exited' | 'interrupted'>; stop: () => void } {
  const width = Math.max(...containers.map((c) => c.name.length));
  const colors = [36, 33, 32, 35, 34, 96, 93, 92];
  const listeners: Array<[Container, (e: LogEntry) => void]> = [];
  for (const [k, c] of containers.entries()) {
    const label = `${c.name.padEnd(width)}  | `;
    const prefix = ctx.io.stdoutTty ? `\x1b[${colors[k % colors.length]}m${label}\x1b[0m` : label;
    let partial = '';
    const show = (e: LogEntry) => {
      const text = partial + new TextDecoder().decode(e.data);
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      if (lines.length) ctx.io.out(lines.map((l) => `${prefix}${options.timestamps ? `${new Date(e.time).toISOString()} ` : ''}${l.replace(/\r$/, '')}\n`).join(''));
    };
    if (options.history) c.logs.forEach(show);
    if (options.follow) {
      c.listeners.add(show);
      listeners.push([c, show]);
    }
  }
  const stop = () => listeners.forEach(([c, l]) => c.listeners.delete(l));
  const done = new Promise<'exited' | 'interrupted'>((resolve) => {
    if (!options.follow) return resolve('exited');
    let running = containers.filter((c) => c.state.status === 'running' || c.state.status === 'restarting').length;
    if (!running) return resolve('exited');
    for (const c of containers) {
      c.exitWaiters.push(() => {
        if (c.hostConfig.RestartPolicy.Name !== 'no' && c.state.status === 'restarting') return;
        running--;
        if (running <= 0) resolve('exited');
      });
    }
    ctx.io.onSignal(() => resolve('interrupted'));
    ctx.io.onClose(() => resolve('interrupted'));
  });
  return { done: done.finally(stop), stop };
}

async function stopAll(ctx: CommandContext, runner: ComposeRunner, containers: Container[], timeout: number): Promise<void> {
  for (const c of [...containers].reverse()) {
    if (c.state.status !== 'running' && c.state.status !== 'paused' && c.state.status !== 'restarting') continue;
    await step(ctx, `Container ${c.name}`, 'Stopping', 'Stopped', () => ctx.daemon.containerStop(c.id, timeout));
  }
  void runner;
}

const SUBCOMMANDS: Record<string, Sub> = {
  up: {
    usage: 'docker compose up [OPTIONS] [SERVICE...]',
    flags: [
      { long: 'detach', short: 'd', kind: 'bool', description: 'Detached mode: Run containers in the background' },
      { long: 'build', kind: 'bool', description: 'Build images before starting containers' },
      { long: 'no-build', kind: 'bool', description: "Don't build an image, even if it's policy" },
      { long: 'force-recreate', kind: 'bool', description: "Recreate containers even if their configuration and image haven't changed" },
      { long: 'scale', kind: 'list', description: 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.' },
      { long: 'timeout', short: 't', kind: 'int', description: 'Use this timeout in seconds for container shutdown when attached or when containers are already running' },
      { long: 'wait', kind: 'bool', description: 'Wait for services to be running|healthy. Implies detached mode.' },
    ],
    async run(ctx, runner, args, flags) {
      const scales = new Map(((flags.scale as string[] | undefined) ?? []).map((s) => [s.split('=')[0]!, Number(s.split('=')[1])]));
      const wanted = runner.project.services.filter((s) => !args.length || args.includes(s.name) || args.some((a) => Object.keys(runner.service(a).dependsOn).includes(s.name)));
      await runner.ensureResources();
      if (!flags['no-build']) await buildServices(ctx, runner, wanted.map((s) => s.name), !!flags.build);
      await pullMissing(ctx, runner, wanted.map((s) => s.name));
      const started: Container[] = [];
      for (const service of wanted) {
        await runner.waitForDependencies(service);
        const count = scales.get(service.name) ?? service.scale;
        const existing = await runner.containers({ services: [service.name] });
        // Replicas beyond the scale go; missing ones are made; a changed image means recreate.
        for (const extra of existing.filter((c) => Number(c.config.Labels[NUMBER_LABEL]) > count)) {
          await step(ctx, `Container ${extra.name}`, 'Stopping', 'Removed', () => ctx.daemon.containerDelete(extra.id, true));
        }
        for (let n = 1; n <= count; n++) {
          let c = existing.find((e) => Number(e.config.Labels[NUMBER_LABEL]) === n);
          const image = await localImage(ctx, runner.imageOf(service));
          if (c && (flags['force-recreate'] || (image && c.imageId !== image.id))) {
            const previous = c;
            c = await step(ctx, `Container ${previous.name}`, 'Recreate', 'Recreated', async () => {
              await ctx.daemon.containerDelete(previous.id, true);
              return runner.createContainer(service, n);
            });
          } else if (!c) {
            const name = runner.request(service, n).name!;
            c = await step(ctx, `Container ${name}`, 'Creating', 'Created', () => runner.createContainer(service, n));
          } else if (c.state.status === 'running') {
            ctx.io.err(` Container ${c.name}  Running\n`);
            started.push(c);
            continue;
          }
          await step(ctx, `Container ${c.name}`, 'Starting', 'Started', () => ctx.daemon.containerStart(c.id));
          started.push(c);
        }
      }
      if (flags.detach || flags.wait) return 0;
      ctx.io.out(`Attaching to ${started.map((c) => c.name).join(', ')}\n`);
      const { done } = followLogs(ctx, started, { history: true, follow: true });
      const how = await done;
      if (how === 'interrupted') {
        ctx.io.out('Gracefully stopping... (press Ctrl+C again to force)\n');
        await stopAll(ctx, runner, started, (flags.timeout as number | undefined) ?? 10);
        return 130;
      }
      for (const c of started) ctx.io.out(`${c.name} exited with code ${c.state.exitCode}\n`);
      return 0;
    },
  },
  down: {
    usage: 'docker compose down [OPTIONS] [SERVICES]',
    flags: [
      { long: 'volumes', short: 'v', kind: 'bool', description: 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers' },
      { long: 'timeout', short: 't', kind: 'int', description: 'Specify a shutdown timeout in seconds' },
      { long: 'rmi', kind: 'string', description: 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")' },
    ],
    async run(ctx, runner, args, flags) {
      const containers = await runner.containers({ services: args, oneOff: true });
      await stopAll(ctx, runner, containers, (flags.timeout as number | undefined) ?? 10);
      for (const c of [...containers].reverse()) {
        await step(ctx, `Container ${c.name}`, 'Removing', 'Removed', () => ctx.daemon.containerDelete(c.id, true, !!flags.volumes));
      }
      if (args.length) return 0;
      for (const [key, network] of Object.entries(runner.project.networks)) {
        if (network.external || !(await runner.networkExists(network.name))) continue;
        void key;
        await step(ctx, `Network ${network.name}`, 'Removing', 'Removed', () => ctx.daemon.networkDelete(network.name));
      }
      if (flags.volumes) {
        for (const volume of Object.values(runner.project.volumes)) {
          if (volume.external || !(await runner.volumeExists(volume.name))) continue;
          await step(ctx, `Volume ${volume.name}`, 'Removing', 'Removed', () => ctx.daemon.volumeDelete(volume.name));
        }
      }
      if (flags.rmi) {
        for (const service of runner.project.services) {
          if (flags.rmi === 'local' && service.image) continue;
          const image = runner.imageOf(service);
          if (!(await localImage(ctx, image))) continue;
          await step(ctx, `Image ${image}`, 'Removing', 'Removed', () => ctx.daemon.imageDelete(image, true));
        }
      }
      return 0;
    },
  },
  ps: {
    usage: 'docker compose ps [OPTIONS] [SERVICE...]',
    flags: [
      { long: 'all', short: 'a', kind: 'bool', description: 'Show all stopped containers (including those created by the run command)' },
      { long: 'quiet', short: 'q', kind: 'bool', description: 'Only display IDs' },
      { long: 'services', kind: 'bool', description: 'Display services' },
      { long: 'format', kind: 'string', description: 'Format output using a custom template' },
    ],
    async run(ctx, runner, args, flags) {
      const list = (await runner.containers({ services: args, oneOff: !!flags.all })).filter((c) => flags.all || ['running', 'paused', 'restarting'].includes(c.state.status));
      if (flags.quiet) ctx.io.out(list.map((c) => `${c.id}\n`).join(''));
      else if (flags.services) ctx.io.out([...new Set(list.map((c) => c.config.Labels[SERVICE_LABEL]))].map((s) => `${s}\n`).join(''));
      else {
        const now = Date.now();
        ctx.io.out(
          formatTable(
            ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
            list.map((c) => [c.name, c.imageName, quotedCommand([...c.config.Entrypoint, ...c.config.Cmd], true), c.config.Labels[SERVICE_LABEL] ?? '', `${humanDuration(now - c.created)} ago`, containerStatus(c, now), formatPorts(c.ports)]),
          ),
        );
      }
      return 0;
    },
  },
  logs: {
    usage: 'docker compose logs [OPTIONS] [SERVICE...]',
    flags: [
      { long: 'follow', short: 'f', kind: 'bool', description: 'Follow log output' },
      { long: 'timestamps', short: 't', kind: 'bool', description: 'Show timestamps' },
    ],
    async run(ctx, runner, args, flags) {
      const list = await runner.containers({ services: args });
      if (!list.length) return 0;
      const { done } = followLogs(ctx, list, { history: true, follow: !!flags.follow, timestamps: !!flags.timestamps });
      await done;
      return 0;
    },
  },
  build: {
    usage: 'docker compose build [OPTIONS] [SERVICE...]',
    flags: [{ long: 'no-cache', kind: 'bool', description: 'Do not use cache when building the image' }],
    async run(ctx, runner, args) {
      await buildServices(ctx, runner, args, true);
      return 0;
    },
  },
  pull: {
    usage: 'docker compose pull [OPTIONS] [SERVICE...]',
    flags: [{ long: 'quiet', short: 'q', kind: 'bool', description: 'Pull without printing progress information' }],
    async run(ctx, runner, args) {
      await pullMissing(ctx, runner, args, true);
      return 0;
    },
  },
  start: {
    usage: 'docker compose start [SERVICE...]',
    flags: [],
    async run(ctx, runner, args) {
      for (const c of await runner.containers({ services: args })) {
        if (c.state.status === 'running') continue;
        await step(ctx, `Container ${c.name}`, 'Starting', 'Started', () => ctx.daemon.containerStart(c.id));
      }
      return 0;
    },
  },
  stop: {
    usage: 'docker compose stop [OPTIONS] [SERVICE...]',
    flags: [{ long: 'timeout', short: 't', kind: 'int', description: 'Specify a shutdown timeout in seconds' }],
    async run(ctx, runner, args, flags) {
      await stopAll(ctx, runner, await runner.containers({ services: args }), (flags.timeout as number | undefined) ?? 10);
      return 0;
    },
  },
  restart: {
    usage: 'docker compose restart [OPTIONS] [SERVICE...]',
    flags: [{ long: 'timeout', short: 't', kind: 'int', description: 'Specify a shutdown timeout in seconds' }],
    async run(ctx, runner, args, flags) {
      for (const c of await runner.containers({ services: args })) {
        await step(ctx, `Container ${c.name}`, 'Restarting', 'Started', async () => {
          await ctx.daemon.containerStop(c.id, (flags.timeout as number | undefined) ?? 10);
          await ctx.daemon.containerStart(c.id);
        });
      }
      return 0;
    },
  },
  exec: {
    usage: 'docker compose exec [OPTIONS] SERVICE COMMAND [ARGS...]',
    flags: [
      { long: 'detach', short: 'd', kind: 'bool', description: 'Detached mode: Run command in the background' },
      { long: 'no-TTY', short: 'T', kind: 'bool', description: 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.' },
      { long: 'env', short: 'e', kind: 'list', description: 'Set environment variables' },
      { long: 'workdir', short: 'w', kind: 'string', description: 'Path to workdir directory for this command' },
      { long: 'user', short: 'u', kind: 'string', description: 'Run the command as this user' },
      { long: 'index', kind: 'int', description: 'Index of the container if service has multiple replicas' },
    ],
    async run(ctx, runner, args, flags) {
      const [serviceName, ...cmd] = args;
      if (!serviceName || !cmd.length) throw new UsageError('"docker compose exec" requires at least 2 arguments.');
      runner.service(serviceName);
      const index = (flags.index as number | undefined) ?? 1;
      const c = (await runner.containers({ services: [serviceName] })).find((x) => Number(x.config.Labels[NUMBER_LABEL]) === index && x.state.status === 'running');
      if (!c) {
        ctx.io.err(`service "${serviceName}" is not running\n`);
        return 1;
      }
      // Like Compose: a terminal unless -T or the client has none.
      const tty = !flags['no-TTY'] && ctx.io.stdinTty && ctx.io.stdoutTty;
      const argv = [...(flags.detach ? ['-d'] : ['-i']), ...(tty ? ['-t'] : [])];
      for (const e of (flags.env as string[] | undefined) ?? []) argv.push('-e', e);
      if (flags.workdir) argv.push('-w', flags.workdir as string);
      if (flags.user) argv.push('-u', flags.user as string);
      return invoke(execCommand, [...argv, c.name, ...cmd], ctx);
    },
  },
  run: {
    usage: 'docker compose run [OPTIONS] SERVICE [COMMAND] [ARGS...]',
    flags: [
      { long: 'rm', kind: 'bool', description: 'Automatically remove the container when it exits' },
      { long: 'detach', short: 'd', kind: 'bool', description: 'Run container in background and print container ID' },
      { long: 'no-TTY', short: 'T', kind: 'bool', description: 'Disable pseudo-TTY allocation (default: auto-detected)' },
      { long: 'env', short: 'e', kind: 'list', description: 'Set environment variables' },
      { long: 'name', kind: 'string', description: 'Assign a name to the container' },
    ],
    async run(ctx, runner, args, flags) {
      const [serviceName, ...cmd] = args;
      if (!serviceName) throw new UsageError('"docker compose run" requires at least 1 argument.');
      const service = runner.service(serviceName);
      await runner.ensureResources();
      await buildServices(ctx, runner, [service.name], false);
      await pullMissing(ctx, runner, [service.name]);
      // Dependencies start first, as `compose run` does.
      for (const dep of Object.keys(service.dependsOn)) {
        if ((await runner.containers({ services: [dep] })).some((c) => c.state.status === 'running')) continue;
        await SUBCOMMANDS.up!.run(ctx, runner, [dep], { detach: true });
      }
      const name = (flags.name as string | undefined) ?? `${runner.project.name}-${service.name}-run-${Math.random().toString(16).slice(2, 14)}`;
      const request = runner.request(service, 1, { name, ...(cmd.length ? { command: cmd } : {}) });
      const tty = !flags['no-TTY'] && ctx.io.stdinTty && ctx.io.stdoutTty;
      request.tty = tty;
      request.openStdin = !flags.detach;
      request.env = [...(request.env ?? []), ...((flags.env as string[] | undefined) ?? [])];
      request.hostConfig = { ...request.hostConfig, AutoRemove: !!flags.rm };
      const { Id } = await ctx.daemon.containerCreate(request);
      if (flags.detach) {
        await ctx.daemon.containerStart(Id);
        ctx.io.out(`${name}\n`);
        return 0;
      }
      return startAttached(ctx, Id, { interactive: true, tty });
    },
  },
  config: {
    usage: 'docker compose config [OPTIONS] [SERVICE...]',
    flags: [
      { long: 'services', kind: 'bool', description: 'Print the service names, one per line.' },
      { long: 'volumes', kind: 'bool', description: 'Print the volume names, one per line.' },
    ],
    async run(ctx, runner, _args, flags) {
      if (flags.services) ctx.io.out(runner.project.services.map((s) => `${s.name}\n`).join(''));
      else if (flags.volumes) ctx.io.out(Object.keys(runner.project.volumes).map((v) => `${v}\n`).join(''));
      else ctx.io.out(runner.project.toYaml());
      return 0;
    },
  },
  version: {
    usage: 'docker compose version',
    flags: [{ long: 'short', kind: 'bool', description: 'Shows only Compose\'s version number' }],
    async run(ctx, _runner, _args, flags) {
      ctx.io.out(flags.short ? '2.29.0-drydock\n' : 'Docker Compose version v2.29.0-drydock\n');
      return 0;
    },
  },
  images: {
    usage: 'docker compose images [OPTIONS] [SERVICE...]',
    flags: [{ long: 'quiet', short: 'q', kind: 'bool', description: 'Only display IDs' }],
    async run(ctx, runner, args, flags) {
      const list = await runner.containers({ services: args });
      const rows: string[][] = [];
      for (const c of list) {
        const image = await ctx.daemon.imageInspect(c.imageId).catch(() => undefined);
        const [repo, tag] = (image?.repoTags[0] ?? '<none>:<none>').split(/:(?=[^:/]*$)/);
        rows.push([c.name, repo ?? '<none>', tag ?? '<none>', c.imageId.replace('sha256:', '').slice(0, 12), image ? humanSizeOf(image) : '']);
      }
      if (flags.quiet) ctx.io.out(list.map((c) => `${c.imageId}\n`).join(''));
      else ctx.io.out(formatTable(['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'], rows));
      return 0;
    },
  },
};

function humanSizeOf(image: Image): string {
  const bytes = imageSize(image);
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)}MB` : `${(bytes / 1e3).toFixed(1)}kB`;
}

const help = () =>
  `\nUsage:  docker compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n\nCommands:\n${Object.keys(SUBCOMMANDS)
    .map((n) => `  ${n}`)
    .join('\n')}\n`;

export const compose: Command = {
  name: 'compose',
  usage: 'docker compose [OPTIONS] COMMAND',
  description: 'Docker Compose',
  flags: GLOBAL_FLAGS,
  stopAtFirstArg: true,
  async run(ctx) {
    const [name, ...rest] = ctx.args;
    if (!name) {
      ctx.io.out(help());
      return 0;
    }
    const sub = SUBCOMMANDS[name];
    if (!sub) {
      ctx.io.err(`unknown docker command: "compose ${name}"\n`);
      return 1;
    }
    if (rest.includes('--help')) {
      ctx.io.out(`\nUsage:  ${sub.usage}\n`);
      return 0;
    }
    const { values, args } = parseFlags(rest, sub.flags, { interspersed: name !== 'exec' && name !== 'run' });
    if (name === 'version') return sub.run(ctx, undefined as unknown as ComposeRunner, args, values);
    let runner: ComposeRunner | undefined;
    try {
      const project = await load(ctx, ctx.flags);
      for (const w of project.warnings) ctx.io.err(`WARN[0000] ${w}\n`);
      runner = new ComposeRunner(ctx.daemon, project, progressPrinter(ctx));
      return await sub.run(ctx, runner, args, values);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      ctx.io.err(error instanceof ComposeError ? `${error.message}\n` : `${daemonError(error)}\n`);
      const hint = hintOf(error);
      if (hint) ctx.io.err(`${hint}\n`);
      // A failed `up` says what it had already made, and how to take it away.
      const made = name === 'up' || name === 'run' ? ((await runner?.containers().catch(() => undefined)) ?? []) : [];
      if (made.length) {
        ctx.io.err(`The project's other containers are still there: ${made.map((c) => `${c.name} (${c.state.status})`).join(', ')}. \`docker compose down\` removes them.\n`);
      }
      return 1;
    }
  },
};
