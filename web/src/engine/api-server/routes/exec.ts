// Exec endpoints: POST /containers/{id}/exec makes a record, POST /exec/{id}/start runs it
// through the daemon (hijacked, or detached), GET /exec/{id}/json reports it.
import { ApiError } from '../../daemon/endpoints';
import { type Daemon } from '../../daemon/daemon';
import { empty, intParam, json, muxFrame, readObject, str, strings, type Reply } from '../reply';
import type { Route, RouteContext } from '../router';
import { MULTIPLEXED, RAW, container, detachKeys, wantsUpgrade } from './hijack';

interface ExecRecord {
  id: string;
  containerId: string;
  cmd: string[];
  env: string[];
  workdir: string;
  user: string;
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  privileged: boolean;
  detachKeys?: string;
  running: boolean;
  exitCode: number | null;
  started: boolean;
  resize?: (rows: number, cols: number) => void;
}

/** Each daemon's execs made with POST /containers/{id}/exec and not yet forgotten (by ID). */
const execStores = new WeakMap<Daemon, Map<string, ExecRecord>>();
function execsOf(daemon: Daemon): Map<string, ExecRecord> {
  // Keyed by the daemon itself: each request sees it through its client's view (asClient).
  let store = execStores.get(daemon.itself);
  if (!store) execStores.set(daemon.itself, (store = new Map()));
  return store;
}

function execRecord(ctx: RouteContext): ExecRecord {
  const record = execsOf(ctx.daemon).get(ctx.params.id!);
  if (!record) throw new ApiError(404, `No such exec instance: ${ctx.params.id}`);
  return record;
}

const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');

async function execStart(ctx: RouteContext): Promise<Reply> {
  const { daemon, req } = ctx;
  const record = execRecord(ctx);
  const body = readObject(req, true);
  if (record.started) throw new ApiError(409, `Error: Exec command ${record.id} is already running`);
  const tty = body.Tty !== undefined ? !!body.Tty : record.tty;
  const keys = detachKeys(record.detachKeys);
  let output: ((stream: 1 | 2, data: Uint8Array) => void) | undefined;
  let pending: Array<[1 | 2, Uint8Array]> = [];
  record.started = true;
  const handle = await daemon.containerExec(
    record.containerId,
    { cmd: record.cmd, env: record.env, workdir: record.workdir, user: record.user, tty, stdin: record.stdin, privileged: record.privileged },
    (stream, data) => (output ? output(stream, data) : pending.push([stream, data])),
  );
  record.running = true;
  record.resize = handle.resize;
  const finished = handle.exited.then(
    (code) => code,
    () => 126,
  ).then((code) => {
    record.running = false;
    record.exitCode = code;
  });
  if (body.Detach) {
    output = () => {};
    return empty(200);
  }
  return {
    kind: 'hijack',
    upgrade: wantsUpgrade(ctx),
    contentType: tty ? RAW : MULTIPLEXED,
    hijack: async (io) => {
      const wanted = (s: number) => (s === 1 ? record.stdout : record.stderr);
      output = (stream, data) => wanted(stream) && io.write(tty ? data : muxFrame(stream, data));
      pending.forEach(([s, d]) => output!(s, d));
      pending = [];
      let detached!: () => void;
      const ended = new Promise<void>((resolve) => (detached = resolve));
      if (record.stdin) {
        io.onInput((bytes) => {
          const { forward, detach } = keys.feed(bytes);
          if (forward.length) handle.write(forward);
          if (detach) detached();
        });
        io.onInputEnd(() => handle.write(new Uint8Array()));
      }
      io.onClose(detached);
      await Promise.race([finished, ended]);
    },
  };
}

export const execRoutes: Route[] = [
  {
    method: 'POST',
    path: '/containers/{id}/exec',
    handler: (ctx) => {
      const c = container(ctx);
      const body = readObject(ctx.req);
      const cmd = strings(body.Cmd) ?? [];
      if (!cmd.length) throw new ApiError(400, 'No exec command specified');
      if (c.state.status === 'paused') throw new ApiError(409, `Container ${c.id} is paused, unpause the container before exec`);
      if (c.state.status !== 'running') throw new ApiError(409, `Container ${c.id} is not running`);
      const id = randomId();
      const execs = execsOf(ctx.daemon);
      execs.set(id, {
        id,
        containerId: c.id,
        cmd,
        env: strings(body.Env) ?? [],
        workdir: str(body.WorkingDir) ?? '',
        user: str(body.User) ?? c.config.User,
        tty: !!body.Tty,
        stdin: !!body.AttachStdin,
        stdout: body.AttachStdout !== false,
        stderr: body.AttachStderr !== false,
        privileged: !!body.Privileged,
        ...(str(body.DetachKeys) ? { detachKeys: str(body.DetachKeys)! } : {}),
        running: false,
        exitCode: null,
        started: false,
      });
      // Forgotten with their container, as dockerd's exec store is.
      c.exitWaiters.push(() => setTimeout(() => execs.delete(id), 60_000));
      return json(201, { Id: id });
    },
  },
  { method: 'POST', path: '/exec/{id}/start', handler: execStart },
  {
    method: 'POST',
    path: '/exec/{id}/resize',
    handler: (ctx) => {
      const record = execRecord(ctx);
      if (!record.running) throw new ApiError(409, `Exec ${record.id} is not running`);
      record.resize?.(intParam(ctx.req, 'h', 0), intParam(ctx.req, 'w', 0));
      return empty(200);
    },
  },
  {
    method: 'GET',
    path: '/exec/{id}/json',
    handler: (ctx) => {
      const r = execRecord(ctx);
      return json(200, {
        ID: r.id,
        Running: r.running,
        ExitCode: r.exitCode,
        ProcessConfig: { tty: r.tty, entrypoint: r.cmd[0], arguments: r.cmd.slice(1), privileged: r.privileged, user: r.user },
        OpenStdin: r.stdin,
        OpenStderr: r.stderr,
        OpenStdout: r.stdout,
        CanRemove: false,
        ContainerID: r.containerId,
        DetachKeys: r.detachKeys ?? '',
        Pid: 0,
      });
    },
  },
];
