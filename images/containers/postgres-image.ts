// postgres:15 — Debian 12's PostgreSQL 15 on the debian image's layer, set up as the official
// image is for what tutorials rely on: the postgres user (uid 999), PGDATA at
// /var/lib/postgresql/data (a volume), port 5432 on every address, and an entrypoint that, on
// a first start with an empty data directory, runs initdb with POSTGRES_USER and
// POSTGRES_PASSWORD (refusing to start without a password, as upstream), creates POSTGRES_DB,
// runs /docker-entrypoint-initdb.d/*.sql and *.sh against a private server, then starts postgres
// in the foreground. The script is the lab's own (docker-entrypoint.sh below), not upstream's.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addUser, packageClosure, unpackRootfs, upstreamOf } from './debian-rootfs';
import { PATH, buildImage, checkLibraries, treeEntries, versionTags } from './oci-writer';

const ENTRYPOINT = `#!/usr/bin/env bash
# postgres:15's entrypoint in Drydock (images/containers/postgres-image.ts): what the official
# image's does for a first start, in fewer lines. Runs as root to own the data directory, then
# again as postgres.
set -Eeo pipefail
if [ "\${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" != 'postgres' ]; then exec "$@"; fi

if [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
    cat >&2 <<'EOE'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
EOE
    exit 1
  fi
  export POSTGRES_USER="\${POSTGRES_USER:-postgres}"
  export POSTGRES_DB="\${POSTGRES_DB:-$POSTGRES_USER}"
  auth="\${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
  printf '\\nhost all all all %s\\n' "$auth" >> "$PGDATA/pg_hba.conf"
  # A private server on the socket only, for the setup below.
  PGUSER="$POSTGRES_USER" PGPASSWORD="$POSTGRES_PASSWORD" pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  export PGUSER="$POSTGRES_USER" PGPASSWORD="$POSTGRES_PASSWORD"
  psql=(psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc)
  if [ "$POSTGRES_DB" != 'postgres' ]; then
    "\${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
    echo
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "$0: running $f"; "\${psql[@]}" --dbname "$POSTGRES_DB" -f "$f"; echo ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "\${psql[@]}" --dbname "$POSTGRES_DB"; echo ;;
      *) [ -e "$f" ] && echo "$0: ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  echo
  echo 'PostgreSQL init process complete; ready for start up.'
  echo
else
  echo
  echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
  echo
fi
exec "$@"
`;

export interface DebianBase {
  stage: string;
  debs: string;
  debianDir: string;
  debianPackages: string[];
  debianLayer: { lazyDir: string; createdBy: string };
  usrMergeLinks: (path: string) => boolean;
}

/** Builds postgres:15 (and its version tags); returns the Debian packages' "name=version" lines. */
export function buildPostgres(base: DebianBase): string[] {
  // psql, pg_dump and the server come from /usr/lib/postgresql/15/bin, first on PATH as upstream
  // has it (Debian's /usr/bin wrappers are perl, which stays unread in the lazy layer).
  const packages = packageClosure(['postgresql-15'], new Set(base.debianPackages));
  const dir = join(base.stage, 'img-postgres');
  const versions = unpackRootfs(packages, dir, base.debs, { base: false, dpkg: { below: base.debianPackages, lowerDirs: [base.debianDir] } });
  const full = versions.find((v) => v.startsWith('postgresql-15='))!.split('=')[1]!;
  const version = upstreamOf(full);
  addUser(dir, base.debianDir, { name: 'postgres', id: 999, home: '/var/lib/postgresql', shell: '/bin/bash' });
  for (const d of ['var/lib/postgresql/data', 'var/run/postgresql', 'docker-entrypoint-initdb.d', 'usr/local/bin']) mkdirSync(join(dir, d), { recursive: true });
  // As upstream: the server listens on every address (the sample initdb copies).
  const sample = join(dir, 'usr/share/postgresql/15/postgresql.conf.sample');
  writeFileSync(sample, readFileSync(sample, 'utf8').replace("#listen_addresses = 'localhost'", "listen_addresses = '*'"));
  writeFileSync(join(dir, 'usr/local/bin/docker-entrypoint.sh'), ENTRYPOINT, { mode: 0o755 });
  chmodSync(join(dir, 'var/run/postgresql'), 0o3777);
  chmodSync(join(dir, 'var/lib/postgresql/data'), 0o1777);
  const { debianDir, usrMergeLinks } = base;
  checkLibraries([treeEntries(debianDir), treeEntries(dir, usrMergeLinks)], [debianDir, dir], ['usr/lib/postgresql/15/bin/postgres', 'usr/lib/postgresql/15/bin/psql', 'usr/lib/postgresql/15/bin/initdb']);
  buildImage({
    repository: 'library/postgres',
    tags: versionTags(version).flatMap((v) => [v, `${v}-bookworm`]),
    layers: [base.debianLayer, { lazyDir: dir, exclude: usrMergeLinks, createdBy: `/bin/sh -c apt-get install postgresql-15 && useradd --uid 999 postgres && cp docker-entrypoint.sh /usr/local/bin/ # Debian 12 i386, PostgreSQL ${version}` }],
    config: {
      Env: [PATH.replace('PATH=', 'PATH=/usr/lib/postgresql/15/bin:'), 'LANG=C.UTF-8', 'PG_MAJOR=15', `PG_VERSION=${full}`, 'PGDATA=/var/lib/postgresql/data'],
      Entrypoint: ['docker-entrypoint.sh'],
      Cmd: ['postgres'],
      ExposedPorts: { '5432/tcp': {} },
      Volumes: { '/var/lib/postgresql/data': {} },
      StopSignal: 'SIGINT',
      Labels: { 'org.opencontainers.image.description': `Debian 12's PostgreSQL ${version}, with an entrypoint that initializes the database from POSTGRES_PASSWORD, POSTGRES_USER and POSTGRES_DB`, 'org.opencontainers.image.version': version },
    },
    history: [
      { createdBy: '/bin/sh -c #(nop)  ENV PGDATA=/var/lib/postgresql/data', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  VOLUME [/var/lib/postgresql/data]', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  ENTRYPOINT ["docker-entrypoint.sh"]', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  STOPSIGNAL SIGINT', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  EXPOSE 5432', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  CMD ["postgres"]', emptyLayer: true },
    ],
  });
  return versions;
}
