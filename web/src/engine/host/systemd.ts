// The lab machine's init system, as far as Docker tutorials use it: `systemctl` (status, start,
// stop, restart, is-active, is-enabled, enable, disable), `service` and `journalctl -u docker`
// for docker.service and docker.socket. It is separate from the docker CLI as systemd is separate
// from dockerd: it decides whether the daemon serves the socket, and keeps the daemon's journal.
//
// The guest's systemctl, service and journalctl are the docker client under other names
// (images/guest/agent/docker-client.c): they arrive here with their program name, and `docker`
// itself passes through here to learn whether the daemon is up.
//
// Stopping the daemon stops it answering the socket, and nothing else: its state (images,
// containers, volumes, networks) stays, and running containers go on, as with dockerd's
// live-restore (said in the journal and in `systemctl status`); `start` serves the same state.
// The daemon has no process in the machine (it is the engine, in the browser's worker), so no
// PID is shown and journal lines carry no PID.
import { API_VERSION, ENGINE_VERSION, type ApiLogEntry } from '../daemon/endpoints';
import { type Daemon } from '../daemon/daemon';
import type { CliIO } from '../cli/context';
import { runDockerCli } from '../cli/index';
import { containerCounts } from '../models/container';

const SERVICE_DESCRIPTION = 'Docker Application Container Engine';
const SOCKET_DESCRIPTION = 'Docker Socket for the API';
export const DAEMON_UNREACHABLE = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

interface JournalEntry {
  at: number;
  /** The journal's SYSLOG_IDENTIFIER: `systemd` or `dockerd`. */
  ident: string;
  message: string;
  unit: 'docker.service' | 'docker.socket';
}

/** The unit a name means (`docker`, `docker.service`, `docker.socket`), or undefined. */
function unitOf(name: string): 'docker.service' | 'docker.socket' | undefined {
  const full = name.includes('.') ? name : `${name}.service`;
  return full === 'docker.service' || full === 'docker.socket' ? full : undefined;
}
const fullName = (name: string) => (name.includes('.') ? name : `${name}.service`);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** journald's short format time: `Jan 02 15:04:05` (the machine's clock is UTC). */
function shortTime(at: number): string {
  const d = new Date(at);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** systemd's absolute timestamp: `Thu 2026-01-01 10:00:00 UTC`. */
function systemdTime(at: number): string {
  const d = new Date(at);
  return `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** systemd's relative timestamp, with its rounding per range: `5s ago`, `2min 3s ago`, `1h 5min ago`. */
export function relativeTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const min = Math.floor(s / 60);
  const h = Math.floor(min / 60);
  const days = Math.floor(h / 24);
  if (days >= 2) return `${days} days ago`;
  if (h >= 25) return `1 day ${h - 24}h ago`;
  if (h >= 6) return `${h}h ago`;
  if (h >= 1) return `${h}h ${min % 60}min ago`;
  if (min >= 5) return `${min}min ago`;
  if (min >= 1) return `${min}min ${s % 60}s ago`;
  if (s >= 1) return `${s}s ago`;
  return ms >= 1 ? `${Math.floor(ms)}ms ago` : 'now';
}

/** dockerd's logrus line: `time="…" level=info msg="…"`. */
function logrus(at: number, level: string, message: string, fields = ''): string {
  return `time="${new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')}" level=${level} msg="${message.replace(/"/g, '\\"')}"${fields ? ` ${fields}` : ''}`;
}

export class HostServices {
  private serving = true;
  private enabled = true;
  private since: number;
  private readonly journal: JournalEntry[] = [];

  constructor(
    private readonly daemon: Daemon,
    private readonly now: () => number = Date.now,
  ) {
    this.since = now();
    this.started();
  }

  /** Whether the daemon answers the docker socket. */
  get dockerRunning(): boolean {
    return this.serving;
  }

  /** A command from the guest: `docker …`, `systemctl …`, `service …` or `journalctl …`. */
  run(program: string, argv: string[], io: CliIO): Promise<number> {
    switch (program) {
      case 'systemctl':
        return this.systemctl(argv, io);
      case 'service':
        return this.service(argv, io);
      case 'journalctl':
        return this.journalctl(argv, io);
      default:
        if (!this.serving && !clientOnly(argv)) {
          io.err(`${DAEMON_UNREACHABLE}\n`);
          return Promise.resolve(1);
        }
        return runDockerCli(argv, io, this.daemon);
    }
  }

  private log(unit: JournalEntry['unit'], ident: string, message: string): void {
    this.journal.push({ at: this.now(), ident, message, unit });
    if (this.journal.length > 1000) this.journal.shift();
  }

  private started(): void {
    const at = this.now();
    this.log('docker.socket', 'systemd', `Listening on docker.socket - ${SOCKET_DESCRIPTION}.`);
    this.log('docker.service', 'systemd', `Starting docker.service - ${SERVICE_DESCRIPTION}...`);
    this.log('docker.service', 'dockerd', logrus(at, 'info', 'Starting up'));
    const { running, total } = this.counts();
    this.log('docker.service', 'dockerd', logrus(at, 'info', `Loading containers: done. (${total} containers, ${running} running)`));
    this.log('docker.service', 'dockerd', logrus(at, 'info', 'Docker daemon', `live-restore=true storage-driver=overlay2 version=${ENGINE_VERSION}`));
    this.log('docker.service', 'dockerd', logrus(at, 'info', 'Daemon has completed initialization'));
    this.log('docker.service', 'dockerd', logrus(at, 'info', 'API listen on /run/docker.sock'));
    this.log('docker.service', 'systemd', `Started docker.service - ${SERVICE_DESCRIPTION}.`);
  }

  private counts() {
    return containerCounts(this.daemon.labView().containers());
  }

  private start(): void {
    if (this.serving) return;
    this.serving = true;
    this.since = this.now();
    this.started();
  }

  private stop(): void {
    if (!this.serving) return;
    const at = this.now();
    this.log('docker.service', 'systemd', `Stopping docker.service - ${SERVICE_DESCRIPTION}...`);
    this.log('docker.service', 'dockerd', logrus(at, 'info', "Processing signal 'terminated'"));
    const { running } = this.counts();
    this.log('docker.service', 'dockerd', logrus(at, 'info', `live-restore is enabled: ${running} running container${running === 1 ? '' : 's'} keep${running === 1 ? 's' : ''} running without the daemon`));
    this.log('docker.service', 'dockerd', logrus(at, 'info', 'Daemon shutdown complete'));
    this.log('docker.service', 'systemd', 'docker.service: Deactivated successfully.');
    this.log('docker.service', 'systemd', `Stopped docker.service - ${SERVICE_DESCRIPTION}.`);
    this.serving = false;
    this.since = this.now();
  }

  /** The journal with the daemon's API requests merged in, oldest first. */
  private entries(units: string[]): JournalEntry[] {
    const api = this.daemon.apiLog.map((e: ApiLogEntry): JournalEntry => ({
      at: e.at,
      ident: 'dockerd',
      unit: 'docker.service',
      message: logrus(e.at, 'debug', `Calling ${e.method} /v${API_VERSION}${e.path}`) + (e.status >= 400 ? ` status=${e.status}` : ''),
    }));
    const all = [...this.journal, ...api].sort((a, b) => a.at - b.at);
    return units.length ? all.filter((e) => units.includes(e.unit)) : all;
  }

  private line(e: JournalEntry): string {
    return `${shortTime(e.at)} drydock ${e.ident}: ${e.message}`;
  }

  private status(unit: 'docker.service' | 'docker.socket'): { text: string; code: number } {
    const enabled = this.enabled ? 'enabled' : 'disabled';
    const active = this.serving
      ? `active (${unit === 'docker.socket' ? 'listening' : 'running'}) since ${systemdTime(this.since)}; ${relativeTime(this.now() - this.since)}`
      : `inactive (dead) since ${systemdTime(this.since)}; ${relativeTime(this.now() - this.since)}`;
    const lines = [`${this.serving ? '●' : '○'} ${unit} - ${unit === 'docker.socket' ? SOCKET_DESCRIPTION : SERVICE_DESCRIPTION}`];
    lines.push(`     Loaded: loaded (/lib/systemd/system/${unit}; ${enabled}; preset: enabled)`);
    lines.push(`     Active: ${active}`);
    if (unit === 'docker.socket') {
      lines.push(`   Triggers: ${this.serving ? '●' : '○'} docker.service`, '     Listen: /run/docker.sock (Stream)');
    } else {
      const { total, running, paused, stopped } = this.counts();
      lines.push(`TriggeredBy: ${this.serving ? '●' : '○'} docker.socket`, '       Docs: https://docs.docker.com');
      // dockerd is Drydock's engine, outside the machine: there is no PID to show.
      lines.push(`   Main PID: none in this machine (dockerd is Drydock's engine, in the browser tab)`);
      lines.push(`     Status: "${total} containers: ${running} running, ${paused} paused, ${stopped} stopped; live-restore: running containers go on while the daemon is stopped"`);
    }
    const recent = this.entries([unit]).slice(-10);
    if (recent.length) lines.push('', ...recent.map((e) => this.line(e)));
    return { text: `${lines.join('\n')}\n`, code: this.serving ? 0 : 3 };
  }

  private async systemctl(argv: string[], io: CliIO): Promise<number> {
    const words = argv.filter((a) => !a.startsWith('-'));
    const [verb = 'list-units', ...names] = words;
    const needsUnit = ['status', 'start', 'stop', 'restart', 'reload', 'try-restart', 'is-active', 'is-enabled', 'enable', 'disable', 'is-failed'];
    if (needsUnit.includes(verb) && names.length === 0 && verb !== 'status') {
      io.err('Too few arguments.\n');
      return 1;
    }
    switch (verb) {
      case 'list-units': {
        const state = this.serving ? 'active' : 'inactive';
        io.out(`  UNIT           LOAD   ACTIVE   SUB       DESCRIPTION\n  docker.service loaded ${state.padEnd(8)} ${(this.serving ? 'running' : 'dead').padEnd(9)} ${SERVICE_DESCRIPTION}\n  docker.socket  loaded ${state.padEnd(8)} ${(this.serving ? 'listening' : 'dead').padEnd(9)} ${SOCKET_DESCRIPTION}\n\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n2 loaded units listed.\n`);
        return 0;
      }
      case 'status': {
        let code = 0;
        for (const name of names.length ? names : ['docker.service']) {
          const unit = unitOf(name);
          if (!unit) {
            io.err(`Unit ${fullName(name)} could not be found.\n`);
            code = 4;
            continue;
          }
          const { text, code: c } = this.status(unit);
          io.out(text);
          if (code === 0) code = c;
        }
        return code;
      }
      case 'start':
      case 'stop':
      case 'restart':
      case 'reload':
      case 'try-restart': {
        for (const name of names) {
          if (!unitOf(name)) {
            io.err(`Failed to ${verb} ${fullName(name)}: Unit ${fullName(name)} ${verb === 'stop' ? 'not loaded' : 'not found'}.\n`);
            return 5;
          }
        }
        if (verb === 'stop' || verb === 'restart' || (verb === 'try-restart' && this.serving)) this.stop();
        if (verb === 'start' || verb === 'restart' || verb === 'try-restart') this.start();
        if (verb === 'reload') this.log('docker.service', 'systemd', `Reloading docker.service - ${SERVICE_DESCRIPTION}...`);
        return 0;
      }
      case 'is-active':
      case 'is-failed': {
        // is-active: 0 if any is active, else 3; is-failed: 0 if any failed, which none does.
        const states = names.map((name) => (unitOf(name) && this.serving ? 'active' : 'inactive'));
        states.forEach((state) => io.out(`${state}\n`));
        return verb === 'is-failed' ? 1 : states.includes('active') ? 0 : 3;
      }
      case 'is-enabled': {
        for (const name of names) {
          if (!unitOf(name)) {
            io.err(`Failed to get unit file state for ${fullName(name)}: No such file or directory\n`);
            return 1;
          }
          io.out(`${this.enabled ? 'enabled' : 'disabled'}\n`);
        }
        return this.enabled ? 0 : 1;
      }
      case 'enable':
      case 'disable': {
        for (const name of names) {
          if (!unitOf(name)) {
            io.err(`Failed to ${verb} unit: Unit file ${fullName(name)} does not exist.\n`);
            return 1;
          }
        }
        const want = verb === 'enable';
        if (this.enabled !== want) {
          const links = ['/etc/systemd/system/multi-user.target.wants/docker.service', '/etc/systemd/system/sockets.target.wants/docker.socket'];
          for (const link of links) io.err(want ? `Created symlink ${link} → /lib/systemd/system/${link.split('/').pop()}.\n` : `Removed "${link}".\n`);
          this.enabled = want;
        }
        // `--now` starts or stops it as well.
        if (argv.includes('--now')) (want ? this.start() : this.stop());
        return 0;
      }
      default:
        io.err(`Unknown command verb '${verb}'.\n`);
        return 1;
    }
  }

  /** Debian's `service NAME COMMAND`: on a systemd machine, systemctl COMMAND NAME. */
  private service(argv: string[], io: CliIO): Promise<number> {
    const [name, command] = argv;
    if (!name || name.startsWith('-')) {
      io.err('Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n');
      return Promise.resolve(1);
    }
    if (!unitOf(name)) {
      io.err(`${name}: unrecognized service\n`);
      return Promise.resolve(1);
    }
    if (!command || !['start', 'stop', 'restart', 'status', 'reload', 'force-reload', 'try-restart'].includes(command)) {
      io.err(`Usage: /etc/init.d/${name} {start|stop|restart|reload|force-reload|status}\n`);
      return Promise.resolve(1);
    }
    return this.systemctl([command === 'force-reload' ? 'restart' : command, name], io);
  }

  private async journalctl(argv: string[], io: CliIO): Promise<number> {
    const units: string[] = [];
    let lines: number | undefined;
    let follow = false;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      const value = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : a.length > 2 && !a.startsWith('--') ? a.slice(2) : argv[++i]);
      if (a === '-u' || a.startsWith('--unit') || (a.startsWith('-u') && a.length > 2)) {
        const name = value();
        if (name === undefined) {
          io.err("journalctl: option requires an argument -- 'u'\n");
          return 1;
        }
        units.push(fullName(name));
      } else if (a === '-n' || a.startsWith('--lines') || (a.startsWith('-n') && a.length > 2)) {
        const n = value();
        lines = n === undefined || n === 'all' ? undefined : Number(n);
        if (lines !== undefined && (!Number.isInteger(lines) || lines < 0)) {
          io.err(`Failed to parse lines '${n}'.\n`);
          return 1;
        }
      } else if (a === '-f' || a === '--follow') {
        follow = true;
      } else if (a === '-e' || a === '--pager-end') {
        lines ??= 1000;
      } else if (['--no-pager', '-b', '--boot', '-l', '--full', '-x', '--catalog', '-q', '--quiet', '--no-hostname'].includes(a)) {
        // Accepted: there is no pager, one boot, and lines are never cut.
      } else {
        io.err(`journalctl: unrecognized option '${a}'\n`);
        return 1;
      }
    }
    let shown = this.entries(units);
    if (follow) lines ??= 10;
    if (lines !== undefined) shown = shown.slice(Math.max(0, shown.length - lines));
    if (!shown.length && !follow) {
      io.out('-- No entries --\n');
      return 0;
    }
    shown.forEach((e) => io.out(`${this.line(e)}\n`));
    if (!follow) return 0;
    // -f: new lines as they come, until Ctrl-C. The daemon's onApiCall belongs to the page's
    // API panel, so new entries are found by looking again.
    const key = (e: JournalEntry) => `${e.at} ${e.message}`;
    const printed = new Set(this.entries(units).map(key));
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        for (const e of this.entries(units)) {
          if (printed.has(key(e))) continue;
          printed.add(key(e));
          io.out(`${this.line(e)}\n`);
        }
      }, 250);
      const end = (code: number) => {
        clearInterval(timer);
        resolve(code);
      };
      io.onSignal((signal) => end(128 + signal));
      io.onClose(() => end(130));
    });
  }
}

/** docker commands the client answers without the daemon (`--version`, help). */
function clientOnly(argv: string[]): boolean {
  const first = argv[0];
  return first === undefined || ['--version', '-v', '--help', '-h', 'help'].includes(first) || argv.includes('--help');
}
