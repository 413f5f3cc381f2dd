// httpd:2.4 — Debian 12's Apache HTTP Server (apache2-bin) on the debian image's layer, laid out
// as the official image is for what tutorials rely on: everything under /usr/local/apache2
// (WORKDIR, HTTPD_PREFIX), the site in htdocs/ ("It works!"), conf/httpd.conf with upstream's
// default modules and settings, logs to the container's stdout/stderr, `httpd-foreground` as
// CMD, STOPSIGNAL SIGWINCH (a graceful stop), port 80, and `httpd` on PATH. Debian's binary reads
// /etc/apache2 by default: bin/httpd starts it with this prefix and conf/httpd.conf instead, so
// `httpd -t`, `httpd -v` and a copied-out httpd.conf work as upstream's. No Debian helper
// scripts (a2enmod, apache2ctl): upstream has none, and they need perl.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageClosure, unpackRootfs, upstreamOf } from './debian-rootfs';
import { PATH, buildImage, checkLibraries, treeEntries, versionTags } from './oci-writer';
import type { DebianBase } from './postgres-image';

const PREFIX = '/usr/local/apache2';

/** The modules upstream's default httpd.conf loads; Debian builds log_config, version and unixd in. */
const MODULES = ['mpm_event', 'authn_file', 'authn_core', 'authz_host', 'authz_groupfile', 'authz_user', 'authz_core', 'access_compat', 'auth_basic', 'reqtimeout', 'filter', 'mime', 'env', 'headers', 'setenvif', 'status', 'autoindex', 'dir', 'alias'];

/** Upstream's default configuration, minus its comments (the directives and their order kept). */
const HTTPD_CONF = `# httpd:2.4's default configuration in Drydock (images/containers/httpd-image.ts): the
# official image's conf/httpd.conf without its comments. Debian's apache2 builds log_config,
# logio, version and unixd into the server, so they are not loaded here.
ServerRoot "${PREFIX}"
Listen 80
${MODULES.map((m) => `LoadModule ${m}_module modules/mod_${m}.so`).join('\n')}
# Upstream's defaults, which Debian's build sets elsewhere.
PidFile logs/httpd.pid
DefaultRuntimeDir logs

<IfModule unixd_module>
User daemon
Group daemon
</IfModule>

ServerAdmin you@example.com

<Directory />
    AllowOverride none
    Require all denied
</Directory>

DocumentRoot "${PREFIX}/htdocs"
<Directory "${PREFIX}/htdocs">
    Options Indexes FollowSymLinks
    AllowOverride None
    Require all granted
</Directory>

<IfModule dir_module>
    DirectoryIndex index.html
</IfModule>

<Files ".ht*">
    Require all denied
</Files>

ErrorLog /proc/self/fd/2
LogLevel warn

<IfModule log_config_module>
    LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
    LogFormat "%h %l %u %t \\"%r\\" %>s %b" common
    CustomLog /proc/self/fd/1 common
</IfModule>

<IfModule alias_module>
    ScriptAlias /cgi-bin/ "${PREFIX}/cgi-bin/"
</IfModule>

<Directory "${PREFIX}/cgi-bin">
    AllowOverride None
    Options None
    Require all granted
</Directory>

<IfModule headers_module>
    RequestHeader unset Proxy early
</IfModule>

<IfModule mime_module>
    TypesConfig conf/mime.types
    AddType application/x-compress .Z
    AddType application/x-gzip .gz .tgz
</IfModule>
`;

/** Builds httpd:2.4 (and its version tags); returns the Debian packages' "name=version" lines. */
export function buildHttpd(base: DebianBase): string[] {
  // perl: apache2-bin depends on it, but neither the server nor its modules load it (the
  // library check below follows what they do load); left out, as node's gyp is.
  const packages = packageClosure(['apache2-bin', 'media-types'], new Set([...base.debianPackages, 'perl']));
  const dir = join(base.stage, 'img-httpd');
  const versions = unpackRootfs(packages, dir, base.debs, { base: false, dpkg: { below: base.debianPackages, lowerDirs: [base.debianDir] } });
  const version = upstreamOf(versions.find((v) => v.startsWith('apache2-bin='))!.split('=')[1]!);
  const root = join(dir, PREFIX.slice(1));
  for (const d of ['bin', 'conf', 'htdocs', 'logs', 'cgi-bin']) mkdirSync(join(root, d), { recursive: true });
  symlinkSync('/usr/lib/apache2/modules', join(root, 'modules'));
  symlinkSync('/etc/mime.types', join(root, 'conf/mime.types'));
  writeFileSync(join(root, 'conf/httpd.conf'), HTTPD_CONF);
  writeFileSync(join(root, 'htdocs/index.html'), '<html><body><h1>It works!</h1></body></html>\n');
  writeFileSync(join(root, 'bin/httpd'), `#!/bin/sh\n# Debian's apache2 with this image's prefix and configuration (it reads /etc/apache2 by default).\nexec /usr/sbin/apache2 -d ${PREFIX} -f conf/httpd.conf "$@"\n`, { mode: 0o755 });
  // As upstream's: Apache refuses to start over a PID file left by a container that was killed.
  writeFileSync(join(root, 'bin/httpd-foreground'), `#!/bin/sh\nset -e\nrm -f ${PREFIX}/logs/httpd.pid\nexec httpd -DFOREGROUND "$@"\n`, { mode: 0o755 });
  const { debianDir, usrMergeLinks } = base;
  checkLibraries([treeEntries(debianDir), treeEntries(dir, usrMergeLinks)], [debianDir, dir], ['usr/sbin/apache2', ...MODULES.map((m) => `usr/lib/apache2/modules/mod_${m}.so`)]);
  buildImage({
    repository: 'library/httpd',
    // Upstream's latest is 2.4 too.
    tags: ['latest', ...versionTags(version)],
    layers: [base.debianLayer, { lazyDir: dir, exclude: usrMergeLinks, createdBy: `/bin/sh -c apt-get install apache2-bin media-types && cp -r httpd.conf htdocs bin ${PREFIX}/ # Debian 12 i386, Apache ${version}` }],
    config: {
      Env: [PATH.replace('PATH=', `PATH=${PREFIX}/bin:`), `HTTPD_PREFIX=${PREFIX}`, `HTTPD_VERSION=${version}`],
      Cmd: ['httpd-foreground'],
      WorkingDir: PREFIX,
      ExposedPorts: { '80/tcp': {} },
      StopSignal: 'SIGWINCH',
      Labels: { 'org.opencontainers.image.description': `Debian 12's Apache HTTP Server ${version} (apache2-bin), laid out as the official httpd image under ${PREFIX}`, 'org.opencontainers.image.version': version },
    },
    history: [
      { createdBy: `/bin/sh -c #(nop)  ENV HTTPD_PREFIX=${PREFIX}`, emptyLayer: true },
      { createdBy: `/bin/sh -c #(nop) WORKDIR ${PREFIX}`, emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  STOPSIGNAL SIGWINCH', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  EXPOSE 80', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  CMD ["httpd-foreground"]', emptyLayer: true },
    ],
  });
  return versions;
}
