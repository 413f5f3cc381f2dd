// docker compose in the real guest: a web app (built from a Dockerfile) and redis from one
// compose file; the app counts visits in redis, reached by its service name; `down -v` leaves
// nothing behind.
import { describe, expect, it } from 'vitest';
import { labForFile } from '../support/guest-fixture';

const sh = labForFile({ fixtures: { 'compose-visits': '/root/visits' }, cwd: '/root/visits', timeoutMs: 300_000 });

describe('docker compose in the guest', () => {
  it('brings up a web app and redis; the app counts visits through redis by service name', async () => {
    const up = await sh('docker compose up -d');
    expect(up.code, up.err).toBe(0);
    expect(up.err).toContain(' Network visits_default  Created');
    expect(up.err).toContain(' Volume visits_redis-data  Created');
    expect(up.err).toContain(' Container visits-redis-1  Started');
    expect(up.err).toContain(' Container visits-web-1  Started');
    // redis starts before web (depends_on).
    expect(up.err.indexOf('visits-redis-1  Started')).toBeLessThan(up.err.indexOf('visits-web-1  Started'));
    try {
      await expect.poll(async () => (await sh('wget -qO- http://localhost:8000/')).out, { timeout: 240_000, interval: 2000 }).toMatch(/seen \d+ times/);
    } catch (error) {
      // What the services said, for whoever reads a failure.
      throw new Error(`${(error as Error).message}\n${(await sh('docker compose ps -a; docker compose logs; wget -O- http://localhost:8000/ 2>&1')).out}`);
    }
    const before = Number(/seen (\d+) times/.exec((await sh('wget -qO- http://localhost:8000/')).out)?.[1]);
    expect((await sh('wget -qO- http://localhost:8000/')).out).toBe(`Hello from Compose! This page has been seen ${before + 1} times.\n`);
    // The count lives in redis, on the project's volume.
    expect((await sh('docker compose exec -T redis redis-cli get hits')).out).toBe(`${before + 1}\n`);

    const ps = (await sh('docker compose ps')).out;
    expect(ps).toMatch(/^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS\n/);
    expect(ps).toMatch(/visits-web-1 +visits-web +"python app.py" +web +.* Up .* 0\.0\.0\.0:8000->8000\/tcp/);
    expect(ps).toMatch(/visits-redis-1 +redis .* redis .* Up /);
    expect((await sh('docker compose logs web')).out).toContain('visits-web-1  | counter listening on :8000');
    expect((await sh('docker network ls --format "{{.Name}}"')).out).toContain('visits_default');
    // Python's first start reads its modules through the lazy image: slow on a busy machine.
  }, 360_000);

  it('takes everything down with down -v, and answers a bad file with its name, line and key', async () => {
    const down = await sh('docker compose down -v');
    expect(down.code, down.err).toBe(0);
    expect(down.err).toContain(' Container visits-web-1  Removed');
    expect(down.err).toContain(' Network visits_default  Removed');
    expect(down.err).toContain(' Volume visits_redis-data  Removed');
    expect((await sh('docker ps -a -q')).out).toBe('');
    expect((await sh('docker network ls --format "{{.Name}}"')).out).not.toContain('visits');
    expect((await sh('docker volume ls -q')).out).not.toContain('visits');

    await sh('mkdir -p /root/bad && printf "services:\\n  web:\\n    imagee: nginx\\n" > /root/bad/compose.yaml');
    const bad = await sh('docker compose up -d', '/root/bad');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('/root/bad/compose.yaml');
    expect(bad.err).toContain("additional properties 'imagee' not allowed");
    expect((await sh('docker ps -a -q')).out).toBe('');
  });
});
