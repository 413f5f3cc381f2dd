// The lab machine as a Docker host, in the real guest: sudo, systemctl/journalctl acting on the
// daemon (stop, then docker fails as with no daemon; start, and its state is back), docker
// --version, and an image that is not built in answered with Docker's error and Drydock's hint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
const decoder = new TextDecoder();
async function sh(command: string) {
  const r = await guest.agent.exec(['sh', '-c', command], { timeoutMs: 180_000, cwd: '/root' });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => attachEngine(machine));
});
afterAll(async () => {
  await guest?.destroy();
});

describe('the lab machine as a Docker host', () => {
  it('has sudo, which runs the command, as another user with -u, and says what it cannot', async () => {
    expect(await sh('sudo id -un; sudo -u nobody id -un')).toMatchObject({ code: 0, out: 'root\nnobody\n' });
    expect(await sh('sudo -i pwd')).toMatchObject({ code: 0, out: '/root\n' });
    expect(await sh('sudo nosuchcommand')).toEqual({ code: 1, out: '', err: 'sudo: nosuchcommand: command not found\n' });
    expect(await sh('sudo -u alice true')).toEqual({ code: 1, out: '', err: 'sudo: unknown user alice\n' });
    expect((await sh('sudo docker --version')).out).toMatch(/^Docker version \S+, build \S+\n$/);
  });

  it('stops and starts the real daemon with systemctl, keeping its state; journalctl shows its requests', async () => {
    expect((await sh('docker run -d --name host-web nginx:1.22')).code).toBe(0);
    const status = await sh('sudo systemctl status docker');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/^● docker\.service - Docker Application Container Engine\n/);
    expect(status.out).toMatch(/Active: active \(running\) since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; .+ ago/);
    expect(status.out).toContain('1 containers: 1 running');

    expect((await sh('sudo systemctl stop docker')).code).toBe(0);
    expect(await sh('docker ps')).toEqual({ code: 1, out: '', err: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' });
    expect((await sh('systemctl is-active docker')).out).toBe('inactive\n');
    // live-restore: the container went on while the daemon was stopped.
    expect((await sh('sudo systemctl start docker')).code).toBe(0);
    const ps = await sh('docker ps --format "{{.Names}} {{.Status}}"');
    expect(ps.out).toMatch(/^host-web Up /);

    const journal = await sh('journalctl -u docker --no-pager');
    expect(journal.out).toMatch(/drydock dockerd: time="[^"]+" level=debug msg="Calling POST \/v1\.\d+\/containers\/create/);
    expect(journal.out).toContain('systemd: Stopped docker.service - Docker Application Container Engine.');
    expect(await sh('service docker status >/dev/null; echo $?; systemctl status nosuch')).toEqual({ code: 4, out: '0\n', err: 'Unit nosuch.service could not be found.\n' });
    await sh('docker rm -f host-web');
  });

  it('answers an image that is not built in with Docker\'s error, then what is here instead', async () => {
    const r = await sh('docker run ubuntu bash');
    expect(r.code).toBe(125);
    expect(r.err).toContain("docker: Error response from daemon: pull access denied for ubuntu, repository does not exist or may require 'docker login'");
    expect(r.err.trim().split('\n').at(-1)).toBe('Drydock runs offline with its own images; there is no ubuntu here. The closest is debian (Ubuntu is built on Debian): docker run -it debian:bookworm-slim bash');
    await sh("mkdir -p /root/old && printf 'FROM python:3.8-slim\\n' > /root/old/Dockerfile");
    const built = await sh('cd /root/old && docker build .');
    expect(built.code).toBe(1);
    expect(built.err).toContain('failed to resolve source metadata for docker.io/library/python:3.8-slim');
    expect(built.err).toMatch(/there is no python:3\.8-slim here\. python has the tags .*3\.11-slim/);
  });

  it('pulls and runs an image by a version tag', async () => {
    expect((await sh('docker pull redis:7.0')).code).toBe(0);
    const r = await sh('docker run --rm redis:7.0 redis-server --version');
    expect(r.out).toMatch(/^Redis server v=7\.0\.\d+ /);
    expect((await sh('docker images redis --format "{{.Tag}}"')).out).toContain('7.0');
  });
});
