// Networks in the real guest: veth pairs on bridges, names on user-defined networks (following
// connect and disconnect), isolation between networks, --network none and host, and published
// ports that answer from the guest's own shell and through the engine's preview relay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import type { Engine } from '../../web/src/engine/engine';
import { attachEngine, bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
let engine: Engine;
const decoder = new TextDecoder();
async function docker(...args: string[]) {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 120_000 });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}
async function sh(script: string) {
  const r = await guest.agent.exec(['sh', '-c', script], { timeoutMs: 60_000 });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => {
    engine = attachEngine(machine);
  });
});
afterAll(async () => {
  await guest?.destroy();
});

describe('container networks in the guest', () => {
  it('gives a default-bridge container eth0 on docker0 with a default route; none has only lo', async () => {
    const r = await docker('run', '--rm', 'busybox', 'sh', '-c', 'ip -o -4 addr show eth0; ip route; hostname');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/eth0 +inet 172\.17\.0\.\d+\/16/);
    expect(r.out).toContain('default via 172.17.0.1 dev eth0');
    expect((await sh('ip -o -4 addr show docker0')).out).toContain('inet 172.17.0.1/16');
    const none = await docker('run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link');
    expect(none.out.trim().split('\n').map((l) => l.split(':')[1]!.trim())).toEqual(['lo']);
    // host: the guest's own interfaces, docker0 among them.
    expect((await docker('run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', 'link')).out).toContain('docker0');
    // …and, as in Docker, the host's name (a container elsewhere is named by its short id).
    expect((await docker('run', '--rm', '--network', 'host', 'busybox', 'hostname')).out.trim()).toBe('drydock');
  });

  it('lets containers on a user network reach each other by name and alias, not across networks', async () => {
    expect((await docker('network', 'create', 'backend')).code).toBe(0);
    expect((await docker('network', 'create', 'frontend')).code).toBe(0);
    await docker('run', '-d', '--name', 'api', '--network', 'backend', '--network-alias', 'service', 'nginx');
    await docker('run', '-d', '--name', 'worker', '--network', 'backend', 'busybox', 'sleep', '600');
    await docker('run', '-d', '--name', 'outsider', '--network', 'frontend', 'busybox', 'sleep', '600');
    // wget by name, as a learner would check it (nginx may need a moment to listen).
    await expect.poll(async () => (await docker('exec', 'worker', 'wget', '-qO-', 'http://api/')).out, { timeout: 30_000 }).toContain('Welcome to nginx!');
    expect((await docker('exec', 'worker', 'ping', '-c', '1', '-W', '2', 'service')).code).toBe(0);
    // Another network neither resolves the name nor reaches the address.
    const apiIp = (await docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'api')).out.trim();
    expect(apiIp).toMatch(/^172\.\d+\.0\.\d+$/);
    const byName = await docker('exec', 'outsider', 'ping', '-c', '1', '-W', '2', 'api');
    expect(byName.code).not.toBe(0);
    expect(byName.err).toContain('bad address');
    expect((await docker('exec', 'outsider', 'ping', '-c', '1', '-W', '2', apiIp)).out).toContain('100% packet loss');
    // The default bridge has no names either.
    await docker('run', '-d', '--name', 'plain', 'busybox', 'sleep', '600');
    expect((await docker('exec', 'plain', 'ping', '-c', '1', '-W', '2', 'api')).code).not.toBe(0);
  });

  it('follows connect and disconnect: the name comes and goes', async () => {
    expect((await docker('network', 'connect', 'backend', 'outsider')).code).toBe(0);
    expect((await docker('exec', 'outsider', 'wget', '-qO-', 'http://api/')).out).toContain('Welcome to nginx!');
    expect((await docker('exec', 'api', 'cat', '/etc/hosts')).out).toMatch(/\toutsider [0-9a-f]{12}\n/);
    expect((await docker('exec', 'outsider', 'ip', '-o', 'link')).out).toContain('eth1');
    expect((await docker('network', 'disconnect', 'backend', 'outsider')).code).toBe(0);
    expect((await docker('exec', 'outsider', 'ping', '-c', '1', '-W', '2', 'api')).code).not.toBe(0);
    expect((await docker('exec', 'api', 'cat', '/etc/hosts')).out).not.toContain('outsider');
    // A stopped peer leaves the others' hosts files.
    await docker('stop', '-t', '0', 'worker');
    expect((await docker('exec', 'api', 'cat', '/etc/hosts')).out).not.toContain('worker');
    await docker('rm', '-f', 'api', 'worker', 'outsider', 'plain');
    expect((await docker('network', 'rm', 'backend', 'frontend')).code).toBe(0);
    expect((await sh('ip link show | grep -c "br-" || true')).out.trim()).toBe('0');
  });

  it('publishes a port that answers from the guest shell and through the preview relay', async () => {
    expect((await docker('run', '-d', '--name', 'site', '-p', '8080:80', 'nginx')).code).toBe(0);
    await expect.poll(async () => (await sh('wget -qO- http://localhost:8080/')).out, { timeout: 30_000 }).toContain('Welcome to nginx!');
    expect((await docker('ps', '--format', '{{.Ports}}', '--filter', 'name=site')).out).toBe('0.0.0.0:8080->80/tcp\n');
    const page = await engine.httpRequest(8080, { method: 'GET', path: '/', headers: [['Accept', 'text/html']] });
    expect(page.status).toBe(200);
    expect(page.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1]).toContain('text/html');
    expect(decoder.decode(page.body)).toContain('Welcome to nginx!');
    expect((await engine.httpRequest(8080, { method: 'GET', path: '/missing', headers: [] })).status).toBe(404);
    expect(engine.publishedPorts()).toEqual([{ container: 'site', containerPort: '80/tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);
    // A second container cannot take the port; after the first stops, nothing answers there.
    expect((await docker('run', '-d', '-p', '8080:80', 'nginx')).err).toContain('port is already allocated');
    await docker('stop', 'site');
    await expect(engine.httpRequest(8080, { method: 'GET', path: '/', headers: [] })).rejects.toThrow(/Connection refused/);
    // 127.0.0.1-only bindings and -P.
    await docker('start', 'site');
    await docker('run', '-d', '--name', 'local', '-p', '127.0.0.1:9000:80', 'nginx');
    await expect.poll(async () => (await sh('wget -qO- http://127.0.0.1:9000/')).out, { timeout: 30_000 }).toContain('nginx');
    expect((await sh('netstat -ltn | grep ":9000 "')).out).toContain('127.0.0.1:9000');
    await docker('rm', '-f', 'site', 'local');
  });

  it('starts every container with a clean network: a stopped one leaves no interface behind', async () => {
    // The guest's bridge loses a container's veths when it ends (the kernel deletes them with its
    // network namespace, a moment later), and the next container sees only its own interfaces.
    expect((await docker('network', 'create', 'side')).code).toBe(0);
    expect((await docker('run', '-d', '--name', 'tenant', 'busybox', 'sleep', '600')).code).toBe(0);
    expect((await docker('network', 'connect', 'side', 'tenant')).code).toBe(0);
    expect((await sh('ip -o link | grep -c veth')).out.trim()).toBe('2');
    await docker('rm', '-f', 'tenant');
    await expect.poll(async () => (await sh('ip -o link | grep -c veth || true')).out.trim(), { timeout: 10_000 }).toBe('0');
    const next = await docker('run', '--rm', 'busybox', 'sh', '-c', 'ip -o link | cut -d: -f2; ip -o -4 addr show eth0');
    expect(next.out.split('\n').slice(0, 2).map((l) => l.trim().replace(/@.*/, ''))).toEqual(['lo', 'eth0']);
    expect(next.out).toMatch(/eth0 +inet 172\.17\.0\.\d+\/16/);
    expect((await docker('run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link')).out.trim().split('\n')).toHaveLength(1);
    expect((await docker('network', 'rm', 'side')).code).toBe(0);
  });

  it('runs 20 containers started at once (more docker commands than the agent once took), each with its own address', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `many${i}`);
    const started = await Promise.all(names.map((name) => docker('run', '-d', '--name', name, 'busybox', 'sleep', '600')));
    expect(started.map((r) => r.code)).toEqual(names.map(() => 0));
    const seen = new Set<string>();
    for (const name of names) {
      const ip = (await docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', name)).out.trim();
      const inside = (await docker('exec', name, 'ip', '-o', '-4', 'addr', 'show', 'eth0')).out;
      expect(inside).toContain(`inet ${ip}/16`);
      seen.add(ip);
    }
    expect(seen.size).toBe(20);
    expect((await docker('rm', '-f', ...names)).code).toBe(0);
    await expect.poll(async () => (await sh('ip -o link | grep -c veth || true')).out.trim(), { timeout: 10_000 }).toBe('0');
  });
});
