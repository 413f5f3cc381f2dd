// The engine: the daemon plus the CLI it serves. Each run of `docker` in the guest arrives as a
// client session from the agent; the engine runs the command and sends back output and status.
import { Daemon } from './daemon/daemon';
import { GuestRuntime } from './runtime/guest-runtime';
import { PACKAGE_INDEX } from './daemon/package-world';
import type { RegistrySource } from './registry/registry-source';
import type { ClientSession, SocketConnection } from './guest/agent-client';
import { serveHttpConnection } from './api-server/server';
import type { GuestMachine } from './guest/guest-machine';
import { HostServices } from './host/systemd';
import type { CliIO } from './cli/context';
import { decodeResponse, encodeRequest, type HttpRequest, type HttpResponse } from './formats/http';
import type { ImageSummary, LabState, LessonCheck, PublishedPort } from './api';
import { evaluateCheck, labState } from './lessons/lab-state';
import type { EngineSaved } from './persist/lab-snapshots';
import { imageSize } from './models/image';
import type { LocalRegistry } from './registry/local-registry';

export class Engine {
  readonly daemon: Daemon;
  /** The machine's systemctl/journalctl: whether the daemon serves the docker socket. */
  readonly host: HostServices;
  /** The offline package world's file index (daemon/package-world.ts), for each new guest. */
  private readonly packageIndex: () => Promise<Uint8Array>;

  constructor(machine: GuestMachine, registry: RegistrySource, hub?: LocalRegistry) {
    this.packageIndex = () => registry.file(PACKAGE_INDEX);
    this.daemon = new Daemon(new GuestRuntime(machine, this.packageIndex), registry, hub);
    this.host = new HostServices(this.daemon);
    machine.agent.onClientOpen = (session) => void this.serve(session);
    machine.agent.onSocketOpen = (conn) => this.serveSocket(conn);
  }

  /**
   * A connection to the guest's /var/run/docker.sock: the Engine API over HTTP, for any client
   * (curl, Debian's docker CLI, a container with the socket mounted). With the daemon stopped
   * (`systemctl stop docker`) nothing listens: the client's connection is closed at once.
   */
  private serveSocket(conn: SocketConnection): void {
    if (!this.host.dockerRunning) return conn.close();
    serveHttpConnection(conn, this.daemon);
  }

  /**
   * Serves a new guest after the old one died: the daemon keeps its images, containers (now
   * exited) and volumes, and puts back in the guest what they need when they are next used.
   */
  attach(machine: GuestMachine): Promise<void> {
    machine.agent.onClientOpen = (session) => void this.serve(session);
    machine.agent.onSocketOpen = (conn) => this.serveSocket(conn);
    return this.daemon.guestRestarted(new GuestRuntime(machine, this.packageIndex));
  }

  /** Work in flight that a snapshot taken now would cut off. */
  get busy(): boolean {
    return this.daemon.busy;
  }

  /** The engine's records at this instant (taken in the same synchronous run as the machine's). */
  saveState(): EngineSaved {
    const { state, layerBlobs } = this.daemon.saveState();
    return { state, layerBlobs };
  }

  /** Takes the records saved with the machine snapshot this engine's guest was restored from. */
  resume(saved: EngineSaved): void {
    this.daemon.restoreState(saved.state, saved.layerBlobs);
    this.daemon.resumeGuest(saved.state.runtime);
  }

  /**
   * Takes saved records over a freshly booted guest (the snapshot was made with other guest
   * files): as after a crash, containers are exited and layers come back when next used.
   */
  adopt(saved: EngineSaved): Promise<void> {
    this.daemon.restoreState(saved.state, saved.layerBlobs);
    return this.daemon.guestRestarted(this.daemon.runtime);
  }

  /**
   * One HTTP request to a port of the guest (the host side, where published ports listen),
   * for the page's preview: written out, relayed by drydock-run --connect, read back.
   */
  async httpRequest(port: number, request: HttpRequest, timeoutMs = 30_000): Promise<HttpResponse> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port ${port}`);
    const answer = await this.daemon.runtime.hostRequest(port, encodeRequest(request, `localhost:${port}`), timeoutMs);
    return decodeResponse(answer);
  }

  /** The Docker objects now, for the page's pictures. */
  labState(): LabState {
    return labState(this.daemon.labView(), this.terminalsInside());
  }

  /** Containers that clients' terminals are connected to now, one entry per connection. */
  private readonly terminals = new Set<{ containerId: string }>();
  private terminalsInside(): string[] {
    return [...this.terminals].map((t) => t.containerId);
  }

  /** Lesson checks, on real state. */
  async check(checks: LessonCheck[]): Promise<boolean[]> {
    const state = labState(this.daemon.labView(), this.terminalsInside());
    const results: boolean[] = [];
    for (const c of checks) results.push(await evaluateCheck(this.daemon.labView(), c, state));
    return results;
  }

  /** The images, for the page's images panel. */
  async images(): Promise<ImageSummary[]> {
    return (await this.daemon.imageList()).map((i) => ({
      id: i.id,
      tags: [...i.repoTags],
      size: imageSize(i),
      platform: `${i.config.os}/${i.config.architecture}`,
    }));
  }

  /** Ports published by running containers, for the page's preview. */
  publishedPorts(): PublishedPort[] {
    return this.daemon
      .labView()
      .containers()
      .filter((c) => c.state.status === 'running')
      .flatMap((c) =>
        Object.entries(c.ports).flatMap(([key, bindings]) =>
          (bindings ?? []).map((b) => ({ container: c.name, containerPort: key, hostIp: b.HostIp, hostPort: Number(b.HostPort) })),
        ),
      )
      .sort((a, b) => a.hostPort - b.hostPort);
  }

  private async serve(session: ClientSession): Promise<void> {
    const signalListeners: Array<(signal: number) => void> = [];
    const stdinListeners: Array<(bytes: Uint8Array) => void> = [];
    const resizeListeners: Array<(rows: number, cols: number) => void> = [];
    // A command that forwards signals (run, exec, logs -f) gets them; any other is simply
    // interrupted, as a Ctrl-C ends the real CLI.
    session.onSignal = (signal) => {
      if (signalListeners.length) signalListeners.forEach((l) => l(signal));
      else session.exit(128 + signal);
    };
    session.onStdin = (bytes) => stdinListeners.forEach((l) => l(bytes));
    session.onResize = (rows, cols) => resizeListeners.forEach((l) => l(rows, cols));
    const io: CliIO = {
      out: (text) => session.write(1, text),
      err: (text) => session.write(2, text),
      onSignal: (listener) => signalListeners.push(listener),
      onClose: (listener) => session.whenClosed(listener),
      stdoutTty: session.request.stdoutTty,
      stdinTty: session.request.stdinTty,
      cwd: session.request.cwd,
      size: { rows: session.request.rows, cols: session.request.cols },
      startStdin: (raw) => session.startStdin(raw),
      onStdin: (listener) => stdinListeners.push(listener),
      onResize: (listener) => resizeListeners.push(listener),
      // The client runs in the guest: its files are the guest's.
      archiveLocal: (path) => this.daemon.runtime.archiveHostPath(path),
      writeLocal: (path, data, mode) => this.daemon.runtime.writeHostFile(path, data, mode),
      enterContainer: (containerId) => {
        const entry = { containerId };
        this.terminals.add(entry);
        const leave = () => this.terminals.delete(entry);
        // A client killed while inside (its terminal closed) has left too.
        session.whenClosed(leave);
        return leave;
      },
    };
    let code: number;
    try {
      code = await this.host.run(session.request.program, session.request.argv, io);
    } catch (error) {
      io.err(`${session.request.program}: ${(error as Error).message}\n`);
      code = 125;
    }
    session.exit(code);
  }
}
