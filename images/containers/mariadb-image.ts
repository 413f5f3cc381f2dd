// mariadb:10.11 — Debian 12's MariaDB 10.11 server and client (mariadb-server-core,
// mariadb-client-core) on the debian image's layer, set up as the official image is for what
// tutorials rely on: the mysql user (uid 999), the data in /var/lib/mysql (a volume), port 3306
// on every address, and an entrypoint that, on a first start with an empty data directory, runs
// mariadb-install-db, sets the root password from MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD;
// or allows an empty or a random one), creates MARIADB_DATABASE and MARIADB_USER, runs
// /docker-entrypoint-initdb.d/*.sql and *.sh against a private server, then starts mariadbd in the
// foreground. The script is the lab's own (mariadb/docker-entrypoint.sh), not upstream's. One change from
// upstream's defaults, said in the image's labels: caches and files are small (DRYDOCK_CNF),
// since the lab machine has 128 MiB of memory.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addUser, packageClosure, unpackRootfs, upstreamOf } from './debian-rootfs';
import { PATH, buildImage, checkLibraries, treeEntries, versionTags } from './oci-writer';
import type { DebianBase } from './postgres-image';

/** The entrypoint, a file of its own (mariadb/docker-entrypoint.sh) so that it reads as the shell it is. */
const ENTRYPOINT = readFileSync(join(import.meta.dirname, 'mariadb', 'docker-entrypoint.sh'), 'utf8');

/** The lab's settings over Debian's defaults (conf.d is read last). */
const DRYDOCK_CNF = `# Drydock (images/containers/mariadb-image.ts): the lab machine has 128 MiB of memory and
# keeps volumes in it, so MariaDB's caches and files are smaller than upstream's defaults (a
# 128 MiB buffer pool, 128 MiB Aria and MyISAM caches, a 96 MiB redo log, 64 MiB extensions of
# ibdata1, a 12 MiB ibtmp1). The lab's kernel has no native asynchronous I/O: InnoDB's own
# threads do the I/O.
[mariadbd]
innodb_buffer_pool_size=8M
innodb_log_file_size=4M
innodb_log_buffer_size=2M
innodb_autoextend_increment=4
innodb_temp_data_file_path=ibtmp1:4M:autoextend
innodb_use_native_aio=0
aria_pagecache_buffer_size=1M
key_buffer_size=1M
`;

/** As upstream's /etc/mysql/conf.d/docker.cnf: clients are known by address, not by a DNS lookup. */
const DOCKER_CNF = `[mariadb]
host-cache-size=0
skip-name-resolve
`;

/** Builds mariadb:10.11 (and its version tags); returns the Debian packages' "name=version" lines. */
export function buildMariadb(base: DebianBase): string[] {
  const packages = packageClosure(['mariadb-server-core', 'mariadb-client-core'], new Set(base.debianPackages));
  const dir = join(base.stage, 'img-mariadb');
  const versions = unpackRootfs(packages, dir, base.debs, { base: false, dpkg: { below: base.debianPackages, lowerDirs: [base.debianDir] } });
  const full = versions.find((v) => v.startsWith('mariadb-server-core='))!.split('=')[1]!;
  const version = upstreamOf(full);
  addUser(dir, base.debianDir, { name: 'mysql', id: 999, home: '/home/mysql', shell: '/bin/sh' });
  for (const d of ['var/lib/mysql', 'run/mysqld', 'docker-entrypoint-initdb.d', 'usr/local/bin', 'etc/mysql/conf.d', 'etc/mysql/mariadb.conf.d']) mkdirSync(join(dir, d), { recursive: true });
  // What mysql-common's postinst makes with update-alternatives: my.cnf is mariadb.cnf.
  symlinkSync('mariadb.cnf', join(dir, 'etc/mysql/my.cnf'));
  writeFileSync(join(dir, 'etc/mysql/conf.d/docker.cnf'), DOCKER_CNF);
  writeFileSync(join(dir, 'etc/mysql/conf.d/drydock.cnf'), DRYDOCK_CNF);
  writeFileSync(join(dir, 'usr/local/bin/docker-entrypoint.sh'), ENTRYPOINT, { mode: 0o755 });
  const { debianDir, usrMergeLinks } = base;
  checkLibraries([treeEntries(debianDir), treeEntries(dir, usrMergeLinks)], [debianDir, dir], ['usr/sbin/mariadbd', 'usr/bin/mariadb', 'usr/bin/my_print_defaults']);
  buildImage({
    repository: 'library/mariadb',
    // No latest or lts: upstream those are MariaDB 11.
    tags: versionTags(version),
    layers: [base.debianLayer, { lazyDir: dir, exclude: usrMergeLinks, createdBy: `/bin/sh -c apt-get install mariadb-server-core mariadb-client-core && useradd --uid 999 mysql && cp docker-entrypoint.sh /usr/local/bin/ # Debian 12 i386, MariaDB ${version}` }],
    config: {
      Env: [PATH, 'LANG=C.UTF-8', `MARIADB_VERSION=${full}`],
      Entrypoint: ['docker-entrypoint.sh'],
      Cmd: ['mariadbd'],
      ExposedPorts: { '3306/tcp': {} },
      Volumes: { '/var/lib/mysql': {} },
      Labels: {
        'org.opencontainers.image.description': `Debian 12's MariaDB ${version}, with an entrypoint that initializes the database from MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD), MARIADB_DATABASE, MARIADB_USER and MARIADB_PASSWORD; caches and files sized for the lab's 128 MiB (an 8 MiB buffer pool; /etc/mysql/conf.d/drydock.cnf)`,
        'org.opencontainers.image.version': version,
      },
    },
    history: [
      { createdBy: '/bin/sh -c #(nop)  VOLUME [/var/lib/mysql]', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  ENTRYPOINT ["docker-entrypoint.sh"]', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  EXPOSE 3306', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  CMD ["mariadbd"]', emptyLayer: true },
    ],
  });
  return versions;
}
