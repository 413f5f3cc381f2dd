#!/usr/bin/env bash
# mariadb:10.11's entrypoint in Drydock (images/containers/mariadb-image.ts): what the official
# image's does for a first start, in fewer lines. Runs as root to own the data directory, then
# again as mysql.
set -eo pipefail
note() { printf '%s 0 [Note] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*"; }
fail() { printf '%s 0 [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2; exit 1; }
# The MYSQL_ names are accepted for the MARIADB_ ones, as upstream.
for name in ROOT_PASSWORD ROOT_HOST DATABASE USER PASSWORD ALLOW_EMPTY_ROOT_PASSWORD RANDOM_ROOT_PASSWORD; do
  maria="MARIADB_$name"; mysql="MYSQL_$name"
  if [ -z "${!maria}" ] && [ -n "${!mysql}" ]; then export "$maria=${!mysql}"; fi
done
if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
if [ "$1" != 'mariadbd' ] && [ "$1" != 'mysqld' ]; then exec "$@"; fi

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
if [ "$(id -u)" = '0' ]; then
  note "Entrypoint script for MariaDB Server ${MARIADB_VERSION} started."
  mkdir -p "$DATADIR" /run/mysqld
  chown -R mysql:mysql "$DATADIR" /run/mysqld
  note "Switching to dedicated user 'mysql'"
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$BASH_SOURCE" "$@"
fi

# A quoted SQL string: '…' with ' and \ escaped.
sql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }
client() { mariadb --protocol=socket --socket="$SOCKET" -uroot "$@"; }

if [ ! -d "$DATADIR/mysql" ]; then
  if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    fail $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
  fi
  note "Initializing database files"
  mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal --skip-test-db \
    --cross-bootstrap --skip-name-resolve --old-mode=UTF8_IS_UTF8MB3 --default-time-zone=SYSTEM --skip-log-bin >/dev/null
  note "Database files initialized"
  note "Starting temporary server"
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --loose-innodb_buffer_pool_load_at_startup=0 &
  pid=$!
  note "Waiting for server startup"
  for _ in $(seq 120); do
    if client --database=mysql -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    kill -0 "$pid" 2>/dev/null || fail 'Unable to start server.'
    sleep 1
  done
  note "Temporary server started."
  if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    MARIADB_ROOT_PASSWORD=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)
    note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  root_host=${MARIADB_ROOT_HOST:-%}
  password=$(sql_string "$MARIADB_ROOT_PASSWORD")
  note "Securing system users (equivalent to running mysql_secure_installation)"
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DROP USER IF EXISTS root@'127.0.0.1', root@'::1';"
    echo "SET PASSWORD FOR 'root'@'localhost'=PASSWORD($password);"
    if [ "$root_host" != 'localhost' ]; then
      echo "CREATE USER 'root'@$(sql_string "$root_host") IDENTIFIED BY $password;"
      echo "GRANT ALL ON *.* TO 'root'@$(sql_string "$root_host") WITH GRANT OPTION;"
      echo "GRANT PROXY ON ''@'%' TO 'root'@$(sql_string "$root_host") WITH GRANT OPTION;"
    fi
    if [ -n "$MARIADB_DATABASE" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"
    fi
    if [ -n "$MARIADB_USER" ] && [ -n "$MARIADB_PASSWORD" ]; then
      echo "CREATE USER $(sql_string "$MARIADB_USER")@'%' IDENTIFIED BY $(sql_string "$MARIADB_PASSWORD");"
      if [ -n "$MARIADB_DATABASE" ]; then echo "GRANT ALL ON \`$MARIADB_DATABASE\`.* TO $(sql_string "$MARIADB_USER")@'%';"; fi
    fi
  } | client --database=mysql --binary-mode
  [ -n "$MARIADB_DATABASE" ] && note "Creating database ${MARIADB_DATABASE}"
  if [ -n "$MARIADB_USER" ] && [ -n "$MARIADB_PASSWORD" ]; then
    note "Creating user ${MARIADB_USER}"
    [ -n "$MARIADB_DATABASE" ] && note "Giving user ${MARIADB_USER} access to schema ${MARIADB_DATABASE}"
  fi
  export MYSQL_PWD=$MARIADB_ROOT_PASSWORD
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then note "$0: running $f"; "$f"; else note "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) note "$0: running $f"; client ${MARIADB_DATABASE:+--database="$MARIADB_DATABASE"} < "$f" ;;
      *.sql.gz) note "$0: running $f"; gunzip -c "$f" | client ${MARIADB_DATABASE:+--database="$MARIADB_DATABASE"} ;;
      *) [ -e "$f" ] && note "$0: ignoring $f" ;;
    esac
  done
  unset MYSQL_PWD
  note "Stopping temporary server"
  kill "$pid"
  wait "$pid" || true
  note "Temporary server stopped"
  echo
  note "MariaDB init process done. Ready for start up."
  echo
fi
exec "$@"
