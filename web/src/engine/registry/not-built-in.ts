// What the lab has instead. Drydock runs offline with its own images (images/containers/), so a
// tutorial's `ubuntu`, `node` or `python:3.8-slim` is not here: after Docker's own error, the
// CLI adds one line naming the nearest built-in image and why. The mapping is data, here only.
import type { ImageReference } from '../formats/reference';

/** The built-in images: what `docker search` says of each, and how to try it. */
export const BUILT_IN: Record<string, { description: string; tryIt: string }> = {
  'hello-world': { description: 'A tiny program that says hello: check that containers run', tryIt: 'docker run hello-world' },
  busybox: { description: "Debian 12's static BusyBox: many Unix tools in one binary", tryIt: 'docker run -it busybox sh' },
  debian: { description: "Debian 12's essential packages (bookworm, slim)", tryIt: 'docker run -it debian:bookworm-slim bash' },
  httpd: { description: "Debian 12's Apache HTTP Server 2.4, laid out as the official image", tryIt: 'docker run -d -p 8080:80 httpd:2.4' },
  mariadb: { description: "Debian 12's MariaDB 10.11 database server (MySQL's fork)", tryIt: 'docker run -d -e MARIADB_ROOT_PASSWORD=secret mariadb:10.11' },
  nginx: { description: "Debian 12's nginx web server", tryIt: 'docker run -d -p 8080:80 nginx' },
  node: { description: "Debian 12's Node.js 18 with npm (slim)", tryIt: 'docker run -it node:18' },
  postgres: { description: "Debian 12's PostgreSQL 15 database server", tryIt: 'docker run -d -e POSTGRES_PASSWORD=secret postgres:15' },
  python: { description: "Debian 12's Python 3.11 (slim)", tryIt: 'docker run -it python:3.11-slim' },
  redis: { description: "Debian 12's Redis key-value store", tryIt: 'docker run -d redis' },
};

/** Images tutorials use that are not built in: the closest built-in one, and why. */
export const NOT_BUILT_IN: Record<string, { closest: string; why: string }> = {
  ubuntu: { closest: 'debian', why: 'Ubuntu is built on Debian' },
  alpine: { closest: 'busybox', why: "Alpine's shell and tools are BusyBox" },
  centos: { closest: 'debian', why: 'another Linux distribution' },
  fedora: { closest: 'debian', why: 'another Linux distribution' },
  rockylinux: { closest: 'debian', why: 'another Linux distribution' },
  almalinux: { closest: 'debian', why: 'another Linux distribution' },
  amazonlinux: { closest: 'debian', why: 'another Linux distribution' },
  oraclelinux: { closest: 'debian', why: 'another Linux distribution' },
  archlinux: { closest: 'debian', why: 'another Linux distribution' },
  mysql: { closest: 'mariadb', why: "MySQL's fork: the same client, protocol and SQL; MYSQL_ROOT_PASSWORD works" },
  mongo: { closest: 'redis', why: 'the database server here; it keeps keys and values, not documents' },
  memcached: { closest: 'redis', why: 'an in-memory key-value store too' },
  golang: { closest: 'python', why: 'the language runtime here; Go is not' },
  openjdk: { closest: 'python', why: 'the language runtime here; Java is not' },
  'eclipse-temurin': { closest: 'python', why: 'the language runtime here; Java is not' },
  ruby: { closest: 'python', why: 'the language runtime here; Ruby is not' },
  php: { closest: 'python', why: 'the language runtime here; PHP is not' },
  caddy: { closest: 'nginx', why: 'the web server here' },
  traefik: { closest: 'nginx', why: 'the web server here (it proxies too)' },
  haproxy: { closest: 'nginx', why: 'the web server here (it proxies too)' },
};

const PREFIX = 'Drydock runs offline with its own images;';

/**
 * The line after Docker's "pull access denied" or "manifest unknown" for `ref`, given the
 * registry's repositories (`library/python` → tag → digest).
 */
export function notBuiltInHint(ref: ImageReference, repositories: Record<string, Record<string, string>>): string {
  const official = ref.domain === 'docker.io' && ref.path.startsWith('library/');
  const repo = official ? ref.path.slice('library/'.length) : ref.domain === 'docker.io' ? ref.path : `${ref.domain}/${ref.path}`;
  const shown = ref.tag === 'latest' ? repo : `${repo}:${ref.tag}`;
  const tags = repositories[ref.path];
  if (ref.domain === 'docker.io' && tags) {
    // The repository is here, not that tag: name the tags that are.
    const what = BUILT_IN[repo] ? ` (${BUILT_IN[repo]!.description})` : '';
    const tryIt = BUILT_IN[repo]?.tryIt ?? `docker pull ${repo}:${Object.keys(tags)[0]}`;
    // (`python:latest` in full: "there is no python here" would deny the repository it lists)
    return `${PREFIX} there is no ${repo}:${ref.tag} here. ${repo} has the tags ${Object.keys(tags).join(', ')}${what}: ${tryIt}`;
  }
  // bitnami/redis and the like: the official image of that name, when it is built in.
  const last = repo.split('/').pop()!;
  if (ref.domain === 'docker.io' && !official && BUILT_IN[last]) {
    return `${PREFIX} there is no ${shown} here. The closest is ${last} (the official image of that name): ${BUILT_IN[last]!.tryIt}`;
  }
  const near = official ? NOT_BUILT_IN[repo] : undefined;
  if (near && BUILT_IN[near.closest]) {
    return `${PREFIX} there is no ${shown} here. The closest is ${near.closest} (${near.why}): ${BUILT_IN[near.closest]!.tryIt}`;
  }
  const elsewhere = ref.domain === 'docker.io' ? '' : ` (the lab reaches no registry but its own)`;
  return `${PREFIX} there is no ${shown} here${elsewhere}. Built in: ${Object.keys(BUILT_IN).sort().join(', ')} (docker search '*' lists them and their tags)`;
}

/** The hint a failed pull carries, if any (on the error, or on the error it caused). */
export function hintOf(error: unknown): string | undefined {
  const e = error as { hint?: unknown; cause?: { hint?: unknown } } | undefined;
  const hint = e?.hint ?? e?.cause?.hint;
  return typeof hint === 'string' ? hint : undefined;
}
