// mariadb:10.11 as tutorials use it, with the MYSQL_ names a MySQL tutorial has: the root
// password, a database and a user from the environment on the first start, an init script from
// /docker-entrypoint-initdb.d, the mariadb client inside, a client in another container reaching
// it by name with the user's password (and refused with a wrong one), the data kept across a
// restart, and upstream's refusal to start without a password option. Slow (its first start
// over 9p is 1–2 minutes of the emulated CPU), so not in `npm test`: see scripts/test-all.sh.
import { describe, expect, it } from 'vitest';
import { labForFile, untilLogged } from '../support/guest-fixture';

const sh = labForFile({ fixtures: { 'mariadb-init': '/root/shop/init' }, cwd: '/root/shop', timeoutMs: 300_000 });
/** Until the server is up `times` times (its own, on port 3306: the entrypoint's private one has none), or the container stopped. */
const ready = (name: string, times: number) => sh(untilLogged(name, 'port: 3306', times));

describe('mariadb:10.11', () => {
  it('initializes from MYSQL_ROOT_PASSWORD, MYSQL_DATABASE, MYSQL_USER and the init scripts, and serves it by name on a network', async () => {
    await sh('docker network create shopnet');
    const run = await sh('docker run -d --name db --network shopnet -e MYSQL_ROOT_PASSWORD=rootpw -e MYSQL_DATABASE=shopdb -e MYSQL_USER=shop -e MYSQL_PASSWORD=secret -v "$PWD/init:/docker-entrypoint-initdb.d" mariadb:10.11');
    expect(run.code, run.err).toBe(0);
    await ready('db', 1);
    const logs = (await sh('docker logs db 2>&1')).out;
    expect(logs).toContain('[Note] [Entrypoint]: Creating database shopdb');
    expect(logs).toContain('[Note] [Entrypoint]: Giving user shop access to schema shopdb');
    expect(logs).toContain('/usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/01-schema.sql');
    expect(logs).toContain('MariaDB init process done. Ready for start up.');
    expect(logs).toMatch(/mariadbd: ready for connections\.\nVersion: '10\.11\.\d+-MariaDB-0\+deb12u\d+'  socket: '\/run\/mysqld\/mysqld\.sock'  port: 3306/);
    const inside = await sh('docker exec db mariadb -uroot -prootpw shopdb -N -e "select name, price from items order by id"');
    expect(inside.code, inside.err).toBe(0);
    expect(inside.out).toBe('coffee\t3.50\ntea\t2.75\ncake\t4.20\n');
    // Over TCP from another container, by the container's name, as the user the environment made.
    const client = await sh('docker run --rm --network shopnet mariadb:10.11 mariadb -hdb -ushop -psecret shopdb -N -e "select sum(price) from items"');
    expect(client.code, client.err).toBe(0);
    expect(client.out).toBe('10.45\n');
    const wrong = await sh('docker run --rm --network shopnet mariadb:10.11 mariadb -hdb -ushop -pnope shopdb -e "select 1"');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/ERROR 1045 \(28000\): Access denied for user 'shop'@'[\d.]+' \(using password: YES\)/);
  }, 300_000);

  it('keeps the data across a restart without initializing again', async () => {
    expect((await sh('docker exec db mariadb -uroot -prootpw shopdb -e "insert into items (name, price) values (\'pie\', 5)"')).code).toBe(0);
    expect((await sh('docker restart db')).code).toBe(0);
    await ready('db', 2);
    expect((await sh('docker logs db 2>&1 | grep -c "Initializing database files"')).out).toBe('1\n');
    expect((await sh('docker exec db mariadb -uroot -prootpw shopdb -N -e "select count(*) from items"')).out).toBe('4\n');
  }, 300_000);

  it('refuses to start without a password option, with upstream\'s error', async () => {
    const r = await sh('docker run --rm mariadb:10.11');
    expect(r.code).toBe(1);
    expect(r.err).toContain('[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified');
    expect(r.err).toContain('You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD');
  }, 300_000);
});
