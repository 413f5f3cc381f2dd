// postgres:15 as tutorials use it: POSTGRES_PASSWORD, POSTGRES_USER and POSTGRES_DB on the first
// start, an init script from /docker-entrypoint-initdb.d, psql inside, a client in another
// container reaching it by name with the password (and refused with a wrong one), the data kept
// across a restart, and upstream's refusal to start without a password.
import { describe, expect, it } from 'vitest';
import { labForFile, untilLogged } from '../support/guest-fixture';

const sh = labForFile({ fixtures: { 'postgres-init': '/root/shop/init' }, cwd: '/root/shop', timeoutMs: 300_000 });
const ready = (name: string, times: number) => sh(untilLogged(name, 'database system is ready to accept connections', times));

describe('postgres:15', () => {
  it('initializes the database from the environment and the init scripts, and serves it by name on a network', async () => {
    await sh('docker network create shopnet');
    const run = await sh('docker run -d --name db --network shopnet -e POSTGRES_PASSWORD=secret -e POSTGRES_USER=shop -e POSTGRES_DB=shopdb -v "$PWD/init:/docker-entrypoint-initdb.d" postgres:15');
    expect(run.code, run.err).toBe(0);
    // The temporary server of the setup, then the real one: "ready" twice.
    await ready('db', 2);
    const logs = (await sh('docker logs db 2>&1')).out;
    expect(logs).toContain('/usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/01-schema.sql');
    expect(logs).toContain('PostgreSQL init process complete; ready for start up.');
    expect(logs).toMatch(/listening on IPv4 address "0\.0\.0\.0", port 5432/);
    const inside = await sh('docker exec db psql -U shop -d shopdb -At -c "select name, price from items order by id"');
    expect(inside.code, inside.err).toBe(0);
    expect(inside.out).toBe('coffee|3.50\ntea|2.75\ncake|4.20\n');
    // Over TCP from another container, by the service's name, with scram-sha-256 as upstream's pg_hba.
    const client = await sh('docker run --rm --network shopnet -e PGPASSWORD=secret postgres:15 psql -h db -U shop -d shopdb -At -c "select sum(price) from items"');
    expect(client.code, client.err).toBe(0);
    expect(client.out).toBe('10.45\n');
    const wrong = await sh('docker run --rm --network shopnet -e PGPASSWORD=nope postgres:15 psql -h db -U shop -d shopdb -c "select 1"');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/psql: error: connection to server at "db" \([\d.]+\), port 5432 failed: FATAL: {2}password authentication failed for user "shop"/);
  }, 300_000);

  it('keeps the data across a restart without initializing again', async () => {
    expect((await sh('docker exec db psql -U shop -d shopdb -c "insert into items (name, price) values (\'pie\', 5)"')).code).toBe(0);
    expect((await sh('docker restart db')).code).toBe(0);
    await ready('db', 3);
    expect((await sh('docker logs db 2>&1')).out).toContain('PostgreSQL Database directory appears to contain a database; Skipping initialization');
    expect((await sh('docker exec db psql -U shop -d shopdb -At -c "select count(*) from items"')).out).toBe('4\n');
  }, 300_000);

  it('refuses to start without POSTGRES_PASSWORD, with upstream error', async () => {
    const r = await sh('docker run --rm postgres:15');
    expect(r.code).toBe(1);
    expect(r.err).toContain('Error: Database is uninitialized and superuser password is not specified.');
    expect(r.err).toContain('You must specify POSTGRES_PASSWORD to a non-empty value for the');
  }, 300_000);
});
