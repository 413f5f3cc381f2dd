// docker run -w, --format template errors, docker system df and legacy --link, on the
// in-memory runtime: what a learner sees (messages, exit codes, hosts file, environment).
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryDocker, type DockerResult } from '../support/fuzz';
import { humanSize } from '../../web/src/engine/formats/human';
import type { Container } from '../../web/src/engine/models/container';

let h: ReturnType<typeof memoryDocker>;
const docker = (...args: string[]): Promise<DockerResult> => h.docker(...args);
const idOf = async (name: string) => (await docker('inspect', '-f', '{{.Id}}', name)).out.trim();

beforeAll(async () => {
  h = memoryDocker();
  await docker('pull', 'busybox');
});

describe('docker run -w', () => {
  it('refuses a relative working directory with the daemon\'s message, before looking for the image', async () => {
    for (const image of ['busybox', 'no-such-image']) {
      const r = await docker('run', '--rm', '-w', 'relative', image, 'true');
      expect(r.code).toBe(125);
      expect(r.err).toBe("docker: Error response from daemon: the working directory 'relative' is invalid, it needs to be an absolute path.\nSee 'docker run --help'.\n");
    }
    expect((await docker('run', '--rm', '-w', '/tmp', 'busybox', 'true')).code).toBe(0);
  });
});

describe('docker run --stop-signal', () => {
  it('keeps the signal in the container\'s config, inherits the image\'s STOPSIGNAL, and refuses an unknown one as the daemon does', async () => {
    expect((await docker('create', '--name', 'sig', '--stop-signal', 'SIGINT', 'busybox', 'sleep', '60')).code).toBe(0);
    expect((await docker('inspect', '-f', '{{.Config.StopSignal}}', 'sig')).out).toBe('SIGINT\n');
    expect((await docker('commit', '--change', 'STOPSIGNAL SIGQUIT', 'sig', 'quits:1')).code).toBe(0);
    expect((await docker('create', '--name', 'inherits', 'quits:1')).code).toBe(0);
    expect((await docker('inspect', '-f', '{{.Config.StopSignal}}', 'inherits')).out).toBe('SIGQUIT\n');
    const bad = await docker('run', '--rm', '--stop-signal', 'SIGFOO', 'busybox', 'true');
    expect(bad.code).toBe(125);
    expect(bad.err).toBe("docker: Error response from daemon: Invalid signal: SIGFOO.\nSee 'docker run --help'.\n");
  });
});

describe('--format templates', () => {
  it('fails inspect with Go\'s parse error and status 64, printing nothing else', async () => {
    await docker('create', '--name', 'tpl', 'busybox', 'true');
    const cases: Array<[string, string]> = [
      ['{{.Foo', 'unclosed action'],
      ['{{.Name}', 'unexpected "}" in operand'],
      ['{{range .Mounts}}x', 'unexpected EOF'],
      ['{{end}}', 'unexpected {{end}}'],
      ['{{if}}x{{end}}', 'missing value for if'],
      ['{{nosuch .Name}}', 'function "nosuch" not defined'],
      ['{{"open}}', 'unterminated quoted string'],
      ['{{/* note }}', 'unclosed comment'],
    ];
    for (const [format, message] of cases) {
      const r = await docker('inspect', '-f', format, 'tpl');
      expect(r, format).toEqual({ code: 64, out: '', err: `template parsing error: template: :1: ${message}\n` });
    }
    // Valid Go templates still render.
    expect((await docker('inspect', '-f', '{{/* a comment */}}{{.Name}}', 'tpl')).out).toBe('/tpl\n');
    expect((await docker('inspect', '-f', '{{json .Config.Cmd}}', 'tpl')).out).toBe('["true"]\n');
  });

  it('counts lines in the message and fails list commands with status 1', async () => {
    expect(await docker('ps', '-a', '--format', 'line one\n{{.Names')).toEqual({ code: 1, out: '', err: 'template parsing error: template: :2: unclosed action\n' });
    expect((await docker('images', '--format', '{{.Repository')).code).toBe(1);
  });
});

describe('docker system df', () => {
  it('counts unused images, stopped containers and unused volumes as reclaimable, with Docker\'s percentages', async () => {
    const { docker: run, daemon, runtime } = memoryDocker();
    await run('pull', 'busybox');
    await run('pull', 'hello-world');
    await run('run', '-d', '--name', 'up', '-v', 'kept:/data', 'busybox', 'sleep', '60');
    await run('run', '--name', 'down', 'busybox', 'true');
    await run('volume', 'create', 'spare');
    runtime.writableSize = async (c: Container) => (c.name === 'down' ? 1000 : 3000);
    runtime.directorySize = async (path: string) => (path.includes('/spare/') ? 2500 : 7500);
    const size = (name: string) => daemon.images.size(daemon.images.list().find((i) => i.repoTags.includes(name))!);
    const total = size('busybox:latest') + size('hello-world:latest');
    const rows = (await run('system', 'df')).out.split('\n').map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE']);
    const reclaim = size('hello-world:latest');
    expect(rows[1]).toEqual(['Images', '2', '1', humanSize(total, 4), `${humanSize(reclaim, 4)} (${Math.trunc((reclaim * 100) / total)}%)`]);
    expect(rows[2]).toEqual(['Containers', '2', '1', '4kB', '1kB (25%)']);
    expect(rows[3]).toEqual(['Local Volumes', '2', '1', '10kB', '2.5kB (25%)']);
    expect(rows[4]).toEqual(['Build Cache', '0', '0', '0B', '0B']);
    await run('rm', '-f', 'up');
  });
});

describe('docker run --link', () => {
  it('gives the child\'s name and alias in /etc/hosts and Docker\'s variables, on the default bridge', async () => {
    await docker('run', '-d', '--name', 'db', '-e', 'SECRET=s3', '--expose', '5432', '--expose', '5433', '--expose', '5434/tcp', '--expose', '6000/udp', 'busybox', 'sleep', '60');
    const dbIp = (await docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'db')).out.trim();
    const dbHost = (await docker('inspect', '-f', '{{.Config.Hostname}}', 'db')).out.trim();
    const r = await docker('run', '-d', '--name', 'web', '--link', 'db:database', 'busybox', 'sleep', '60');
    expect(r.code).toBe(0);
    const plan = h.runtime.plans.get(await idOf('web'))!;
    expect(plan.hosts).toContain(`${dbIp}\tdatabase ${dbHost} db\n`);
    expect(plan.env).toEqual(expect.arrayContaining([
      `DATABASE_PORT=tcp://${dbIp}:5432`,
      `DATABASE_PORT_5432_TCP=tcp://${dbIp}:5432`,
      `DATABASE_PORT_5432_TCP_ADDR=${dbIp}`,
      'DATABASE_PORT_5432_TCP_PORT=5432',
      'DATABASE_PORT_5432_TCP_PROTO=tcp',
      `DATABASE_PORT_5432_TCP_START=tcp://${dbIp}:5432`,
      `DATABASE_PORT_5432_TCP_END=tcp://${dbIp}:5434`,
      `DATABASE_PORT_6000_UDP=udp://${dbIp}:6000`,
      'DATABASE_NAME=/web/database',
      'DATABASE_ENV_SECRET=s3',
    ]));
    expect(plan.env!.some((e) => e.startsWith('DATABASE_ENV_PATH='))).toBe(false);
    expect((await docker('inspect', '-f', '{{json .HostConfig.Links}}', 'web')).out).toBe('["/db:/web/database"]\n');
    // Without an alias the name is the alias, and is not repeated.
    await docker('run', '-d', '--name', 'web2', '--link', 'db', 'busybox', 'sleep', '60');
    expect(h.runtime.plans.get(await idOf('web2'))!.hosts).toContain(`${dbIp}\tdb ${dbHost}\n`);
  });

  it('refuses a missing container, a bad format, host networking, and a stopped child at start', async () => {
    let r = await docker('run', '--link', 'nothere:x', 'busybox', 'true');
    expect(r).toMatchObject({ code: 125, err: "docker: Error response from daemon: could not get container for nothere: No such container: nothere.\nSee 'docker run --help'.\n" });
    r = await docker('run', '--link', 'a:b:c', 'busybox', 'true');
    expect(r).toMatchObject({ code: 125, err: 'invalid argument "a:b:c" for "--link" flag: bad format for links: a:b:c\nSee \'docker run --help\'.\n' });
    r = await docker('run', '--network', 'host', '--link', 'db', 'busybox', 'true');
    expect(r.err).toContain("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
    await docker('create', '--name', 'sleepy', 'busybox', 'true');
    r = await docker('run', '--link', 'sleepy:s', '--name', 'app', 'busybox', 'true');
    expect(r.err).toContain('Cannot link to a non running container: /sleepy AS /app/s');
  });

  it('is another name for a peer on a user network, seen by the linking container', async () => {
    await docker('network', 'create', 'appnet');
    await docker('run', '-d', '--name', 'cache', '--network', 'appnet', 'busybox', 'sleep', '60');
    const r = await docker('run', '-d', '--name', 'client', '--network', 'appnet', '--link', 'cache:kv', 'busybox', 'sleep', '60');
    expect(r.code).toBe(0);
    const cacheIp = (await docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'cache')).out.trim();
    expect(h.runtime.plans.get(await idOf('client'))!.hosts).toMatch(new RegExp(`^${cacheIp.replace(/\./g, '\\.')}\\tcache .* kv$`, 'm'));
    // A missing peer is only a name that does not resolve, as with Docker's DNS.
    expect((await docker('run', '--rm', '--network', 'appnet', '--link', 'ghost:g', 'busybox', 'true')).code).toBe(0);
  });

  it('takes --net and --net-alias, the older names tutorials still write, for --network and --network-alias', async () => {
    await docker('network', 'create', 'oldnet');
    expect((await docker('run', '-d', '--name', 'old', '--net', 'oldnet', '--net-alias', 'legacy', 'busybox', 'sleep', '60')).code).toBe(0);
    const networks = JSON.parse((await docker('inspect', '-f', '{{json .NetworkSettings.Networks}}', 'old')).out) as Record<string, { Aliases: string[] }>;
    expect(Object.keys(networks)).toEqual(['oldnet']);
    expect(networks.oldnet!.Aliases).toContain('legacy');
    expect((await docker('run', '--help')).out).not.toContain('--net ');
  });
});
