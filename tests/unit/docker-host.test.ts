// The lab machine's systemctl, service and journalctl (engine/host/systemd.ts) on the daemon
// with the in-memory runtime: stopping the daemon really stops `docker` answering, and
// starting it serves the same state again.
import { beforeEach, describe, expect, it } from 'vitest';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { captureIO } from '../support/capture-io';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';
import { HostServices, relativeTime } from '../../web/src/engine/host/systemd';

let clock: number;
let host: HostServices;
let daemon: Daemon;

async function sh(program: string, ...argv: string[]) {
  const { io, out: stdout, err: stderr } = captureIO();
  const code = await host.run(program, argv, io);
  return { code, out: stdout(), err: stderr() };
}

beforeEach(() => {
  clock = Date.UTC(2026, 0, 1, 10, 0, 0);
  daemon = new Daemon(new MemoryRuntime(), new FsRegistrySource());
  host = new HostServices(daemon, () => clock);
});

describe('systemctl and docker.service', () => {
  it('status shows the daemon active since it started, in systemd layout', async () => {
    clock += 125_000;
    const { code, out } = await sh('systemctl', 'status', 'docker');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('● docker.service - Docker Application Container Engine');
    expect(lines[1]).toBe('     Loaded: loaded (/lib/systemd/system/docker.service; enabled; preset: enabled)');
    expect(lines[2]).toBe('     Active: active (running) since Thu 2026-01-01 10:00:00 UTC; 2min 5s ago');
    expect(out).toContain('Status: "0 containers: 0 running, 0 paused, 0 stopped');
    expect(out).toContain('Jan 01 10:00:00 drydock systemd: Started docker.service - Docker Application Container Engine.');
  });

  it('stop makes docker fail as with no daemon; start serves again, with what it had', async () => {
    expect((await sh('docker', 'network', 'create', 'kept')).code).toBe(0);
    expect(await sh('systemctl', 'stop', 'docker')).toEqual({ code: 0, out: '', err: '' });
    expect(await sh('docker', 'ps')).toEqual({ code: 1, out: '', err: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' });
    // The client alone still answers what needs no daemon.
    expect((await sh('docker', '--version')).out).toMatch(/^Docker version \S+, build \S+\n$/);
    const stopped = await sh('systemctl', 'status', 'docker.service');
    expect(stopped.code).toBe(3);
    expect(stopped.out).toMatch(/^○ docker\.service/);
    expect(stopped.out).toContain('Active: inactive (dead) since');
    expect(await sh('systemctl', 'is-active', 'docker')).toEqual({ code: 3, out: 'inactive\n', err: '' });

    clock += 5_000;
    expect((await sh('systemctl', 'start', 'docker')).code).toBe(0);
    const ls = await sh('docker', 'network', 'ls');
    expect(ls.code).toBe(0);
    expect(ls.out).toContain('kept');
    expect((await sh('systemctl', 'status', 'docker')).out).toContain('Active: active (running) since Thu 2026-01-01 10:00:05 UTC; now');
  });

  it('restart and service docker … act on the same daemon', async () => {
    expect((await sh('service', 'docker', 'stop')).code).toBe(0);
    expect((await sh('docker', 'images')).code).toBe(1);
    expect((await sh('service', 'docker', 'restart')).code).toBe(0);
    expect((await sh('docker', 'images')).code).toBe(0);
    expect((await sh('service', 'docker', 'status')).out).toMatch(/^● docker\.service/);
    expect(await sh('service', 'nosuch', 'status')).toEqual({ code: 1, out: '', err: 'nosuch: unrecognized service\n' });
  });

  it('answers unknown units and verbs in systemctl words and codes', async () => {
    expect(await sh('systemctl', 'status', 'foo')).toEqual({ code: 4, out: '', err: 'Unit foo.service could not be found.\n' });
    expect(await sh('systemctl', 'start', 'foo')).toEqual({ code: 5, out: '', err: 'Failed to start foo.service: Unit foo.service not found.\n' });
    expect(await sh('systemctl', 'is-enabled', 'docker')).toEqual({ code: 0, out: 'enabled\n', err: '' });
    expect(await sh('systemctl', 'frobnicate', 'docker')).toEqual({ code: 1, out: '', err: "Unknown command verb 'frobnicate'.\n" });
    expect(await sh('systemctl', 'start')).toEqual({ code: 1, out: '', err: 'Too few arguments.\n' });
    expect((await sh('systemctl', 'disable', 'docker')).code).toBe(0);
    expect(await sh('systemctl', 'is-enabled', 'docker')).toEqual({ code: 1, out: 'disabled\n', err: '' });
  });
});

describe('journalctl', () => {
  it('shows the requests the daemon served and its stops and starts, in short format', async () => {
    await sh('docker', 'ps');
    await sh('systemctl', 'restart', 'docker');
    const { code, out } = await sh('journalctl', '-u', 'docker', '--no-pager');
    expect(code).toBe(0);
    expect(out).toMatch(/^\w{3} \d\d \d\d:\d\d:\d\d drydock dockerd: time="[^"]+" level=debug msg="Calling GET \/v1\.\d+\/containers\/json"$/m);
    expect(out).toContain('drydock systemd: Stopped docker.service - Docker Application Container Engine.');
    expect(out).toContain('live-restore is enabled');
    expect((await sh('journalctl', '-u', 'docker', '-n', '2')).out.trim().split('\n')).toHaveLength(2);
    expect(await sh('journalctl', '-u', 'nosuch')).toEqual({ code: 0, out: '-- No entries --\n', err: '' });
  });
});

describe("systemd's relative times", () => {
  it('rounds as systemd does in each range', () => {
    expect(relativeTime(3_200)).toBe('3s ago');
    expect(relativeTime(65_000)).toBe('1min 5s ago');
    expect(relativeTime(7 * 60_000 + 3_000)).toBe('7min ago');
    expect(relativeTime(3_900_000)).toBe('1h 5min ago');
    expect(relativeTime(3 * 86_400_000)).toBe('3 days ago');
  });
});
