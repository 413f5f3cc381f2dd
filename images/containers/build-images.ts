// Builds Drydock's built-in container images as a static OCI registry under public/registry/
// (written by oci-writer.ts: content-addressed blobs, lazy layers' indexes, index.json).
// Called by images/guest/build.sh with the staged binaries; deterministic for the same inputs.
//   tsx images/containers/build-images.ts STAGE_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TarEntry } from '../../web/src/engine/formats/tar';
import { DEBIAN_REQUIRED, addUser, packageClosure, unpackRootfs, upstreamOf } from './debian-rootfs';
import { PATH, buildImage, checkLibraries, registry, startRegistry, treeEntries, versionTags, writeRegistryIndex } from './oci-writer';
import { PACKAGE_PORT } from '../../web/src/engine/daemon/package-world';
import { buildPostgres } from './postgres-image';
import { buildHttpd } from './httpd-image';
import { buildMariadb } from './mariadb-image';
import { buildLayerDisk } from './layer-disk';
import { PYTHON_IMAGE_ROOTS } from '../packages/contents';

const stage = process.argv[2];
if (!stage) throw new Error('usage: build-images.ts STAGE_DIR');
startRegistry();

// busybox: Debian's static busybox with a link per applet, as the upstream image has.
const busybox = readFileSync(join(stage, 'busybox'));
// Through qemu's user-mode emulator: a build host's 64-bit kernel may not run i386 programs.
const applets = execFileSync('qemu-i386-static', [join(stage, 'busybox'), '--list-full'], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .filter((p) => p !== 'bin/busybox')
  .sort();
const dirs = ['bin', 'dev', 'etc', 'home', 'proc', 'root', 'sys', 'tmp', 'usr', 'usr/bin', 'usr/sbin', 'sbin', 'var', 'var/spool', 'var/www'];
// Its version, from the program itself: "BusyBox v1.35.0 (Debian 1:1.35.0-4…) multi-call binary."
const busyboxVersion = /BusyBox v(\d+\.\d+\.\d+)/.exec(execFileSync('qemu-i386-static', [join(stage, 'busybox')], { encoding: 'utf8' }))?.[1];
if (!busyboxVersion) throw new Error('busybox: no version in its banner');
buildImage({
  repository: 'library/busybox',
  tags: ['latest', ...versionTags(busyboxVersion)],
  layers: [
    {
      createdBy: '/bin/sh -c #(nop) ADD file:busybox-static-i386 in / ',
      entries: [
        ...dirs.map((path): TarEntry => ({ type: 'dir', path, mode: path === 'tmp' ? 0o1777 : path === 'root' ? 0o700 : 0o755 })),
        { type: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
        ...applets.map((path): TarEntry => ({ type: 'symlink', path, target: '/bin/busybox' })),
        { type: 'file', path: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n') },
        { type: 'file', path: 'etc/group', data: Buffer.from('root:x:0:\nnogroup:x:65534:\n') },
      ],
    },
  ],
  config: { Env: [PATH], Cmd: ['sh'], Labels: { 'org.opencontainers.image.description': `Debian 12's static BusyBox ${busyboxVersion}`, 'org.opencontainers.image.version': busyboxVersion } },
  history: [{ createdBy: '/bin/sh -c #(nop)  CMD ["sh"]', emptyLayer: true }],
});

// hello-world: one static program that explains what just happened.
buildImage({
  repository: 'library/hello-world',
  tags: ['latest'],
  layers: [{ createdBy: 'COPY hello / # buildkit', entries: [{ type: 'file', path: 'hello', data: readFileSync(join(stage, 'hello')), mode: 0o755 }] }],
  config: { Env: [PATH], Cmd: ['/hello'] },
  history: [{ createdBy: 'CMD ["/hello"]', emptyLayer: true }],
});

// ---- images from Debian's i386 packages -------------------------------------------------

/**
 * Unpacks Debian packages (no maintainer scripts run; packages only those scripts need, such as
 * debconf or adduser, are left out) into a directory, minus documentation, as Debian's slim
 * images do.
 */
function unpackDebs(packages: string[], dir: string): string[] {
  const debs = join(stage, 'debs');
  mkdirSync(debs, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const versions: string[] = [];
  for (const pkg of packages) {
    const arch = execFileSync('apt-cache', ['show', pkg], { encoding: 'utf8' }).match(/^Architecture: (\S+)/m)?.[1];
    const name = arch === 'all' ? pkg : `${pkg}:i386`;
    execFileSync('apt-get', ['download', '-q', name], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
    const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && (f.endsWith('_i386.deb') || f.endsWith('_all.deb')));
    if (!deb) throw new Error(`no .deb downloaded for ${name}`);
    execFileSync('dpkg-deb', ['-x', join(debs, deb), dir]);
    versions.push(`${pkg}=${deb.split('_')[1]!.replace('%3a', ':')}`);
  }
  for (const prune of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/lintian', 'usr/share/locale', 'usr/share/bug']) {
    rmSync(join(dir, prune), { recursive: true, force: true });
  }
  return versions;
}

const text = (s: string) => Buffer.from(s);
const debianVersions: string[] = [];
/** The upstream version of an unpacked Debian package: `5:7.0.15-1~deb12u10` → `7.0.15`. */
function upstreamVersion(pkg: string): string {
  const version = debianVersions.find((v) => v.startsWith(`${pkg}=`))?.split('=')[1];
  if (!version) throw new Error(`${pkg}: not unpacked`);
  return upstreamOf(version);
}

// The shared base: Debian's glibc and friends, and busybox for a shell and the usual tools (the
// role debian:bookworm-slim plays under the official images). nginx and redis share this layer.
const baseDir = join(stage, 'img-base');
debianVersions.push(...unpackDebs(['libc6', 'libcrypt1', 'zlib1g', 'libssl3'], baseDir));
const baseEntries: TarEntry[] = [
  ...dirs.map((path): TarEntry => ({ type: 'dir', path, mode: path === 'tmp' ? 0o1777 : path === 'root' ? 0o700 : 0o755 })),
  { type: 'dir', path: 'run', mode: 0o755 },
  { type: 'dir', path: 'var/log', mode: 0o755 },
  { type: 'dir', path: 'var/cache', mode: 0o755 },
  { type: 'dir', path: 'var/lib', mode: 0o755 },
  ...treeEntries(baseDir), // repeats a few directories listed above: harmless in a tar
  { type: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
  ...applets.map((path): TarEntry => ({ type: 'symlink', path, target: '/bin/busybox' })),
  { type: 'file', path: 'etc/passwd', data: text('root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nredis:x:999:999::/data:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n') },
  { type: 'file', path: 'etc/group', data: text('root:x:0:\nwww-data:x:33:\nredis:x:999:\nnogroup:x:65534:\n') },
  { type: 'file', path: 'etc/os-release', data: text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm), Drydock slim base"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n') },
];
const baseLayer = { createdBy: '/bin/sh -c #(nop) ADD file:debian-bookworm-i386-libs-and-busybox in / ', entries: baseEntries };

// nginx: Debian's nginx and nginx-common, set up as the official image is (site in
// /usr/share/nginx/html, logs to the container's stdout/stderr, runs in the foreground).
const nginxDir = join(stage, 'img-nginx');
debianVersions.push(...unpackDebs(['nginx', 'nginx-common', 'libpcre2-8-0'], nginxDir));

const nginxConf = `user www-data;
worker_processes 1;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log notice;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
    access_log /var/log/nginx/access.log main;
    sendfile on;
    keepalive_timeout 65;
    include /etc/nginx/conf.d/*.conf;
}
`;
const defaultSite = `server {
    listen 80;
    server_name localhost;
    location / {
        root /usr/share/nginx/html;
        index index.html index.htm;
    }
    error_page 500 502 503 504 /50x.html;
    location = /50x.html { root /usr/share/nginx/html; }
}
`;
const nginxLayer = {
  createdBy: '/bin/sh -c apt-get install nginx nginx-common # Debian 12 i386',
  entries: [
        ...treeEntries(nginxDir, (p) => p.startsWith('etc/nginx/sites-') || p === 'etc/nginx/nginx.conf' || p.startsWith('var/log')),
        { type: 'file', path: 'etc/nginx/nginx.conf', data: text(nginxConf) },
        { type: 'dir', path: 'etc/nginx/conf.d' },
        { type: 'file', path: 'etc/nginx/conf.d/default.conf', data: text(defaultSite) },
        { type: 'dir', path: 'var/log/nginx' },
        { type: 'symlink', path: 'var/log/nginx/access.log', target: '/dev/stdout' },
        { type: 'symlink', path: 'var/log/nginx/error.log', target: '/dev/stderr' },
    { type: 'dir', path: 'var/lib/nginx' },
    { type: 'dir', path: 'var/cache/nginx' },
  ] as TarEntry[],
};
checkLibraries([baseLayer.entries, nginxLayer.entries], [baseDir, nginxDir], ['usr/sbin/nginx']);
const nginxVersion = upstreamVersion('nginx');
buildImage({
  repository: 'library/nginx',
  tags: ['latest', ...versionTags(nginxVersion).slice(1)],
  layers: [baseLayer, nginxLayer],
  config: { Env: [PATH, `NGINX_VERSION=${nginxVersion}`], Labels: { 'org.opencontainers.image.description': `Debian 12's nginx ${nginxVersion}`, 'org.opencontainers.image.version': nginxVersion }, Cmd: ['nginx', '-g', 'daemon off;'], ExposedPorts: { '80/tcp': {} }, StopSignal: 'SIGQUIT' },
  history: [
    { createdBy: '/bin/sh -c #(nop)  EXPOSE 80', emptyLayer: true },
    { createdBy: '/bin/sh -c #(nop)  STOPSIGNAL SIGQUIT', emptyLayer: true },
    { createdBy: '/bin/sh -c #(nop)  CMD ["nginx" "-g" "daemon off;"]', emptyLayer: true },
  ],
});

// redis: Debian's redis-server, listening on all interfaces in /data, as the official image.
const redisDir = join(stage, 'img-redis');
debianVersions.push(
  ...unpackDebs(
    ['redis-server', 'redis-tools', 'libatomic1', 'libjemalloc2', 'liblzf1', 'libsystemd0', 'libcap2', 'libgcrypt20', 'liblz4-1', 'liblzma5', 'libzstd1', 'libgpg-error0', 'libstdc++6', 'libgcc-s1'],
    redisDir,
  ),
);

const redisLayer = {
  createdBy: '/bin/sh -c apt-get install redis-server redis-tools # Debian 12 i386',
  entries: [...treeEntries(redisDir, (p) => p.startsWith('etc/redis') || p.startsWith('var/')), { type: 'dir', path: 'data', mode: 0o755, uid: 999, gid: 999 }] as TarEntry[],
};
checkLibraries([baseLayer.entries, redisLayer.entries], [baseDir, redisDir], ['usr/bin/redis-check-rdb', 'usr/bin/redis-cli']);
const redisVersion = upstreamVersion('redis-server');
buildImage({
  repository: 'library/redis',
  tags: ['latest', ...versionTags(redisVersion)],
  layers: [baseLayer, redisLayer],
  config: { Env: [PATH, `REDIS_VERSION=${redisVersion}`], Labels: { 'org.opencontainers.image.description': `Debian 12's Redis ${redisVersion}`, 'org.opencontainers.image.version': redisVersion }, Cmd: ['redis-server', '--protected-mode', 'no'], WorkingDir: '/data', ExposedPorts: { '6379/tcp': {} } },
  history: [
    { createdBy: '/bin/sh -c #(nop) WORKDIR /data', emptyLayer: true },
    { createdBy: '/bin/sh -c #(nop)  EXPOSE 6379', emptyLayer: true },
    { createdBy: '/bin/sh -c #(nop)  CMD ["redis-server" "--protected-mode" "no"]', emptyLayer: true },
  ],
});

// debian:bookworm-slim: Debian 12's essential set (Priority: required), unpacked; and
// python:3-slim: Debian's Python 3.11 on top of it. Both are large, so both load lazily.
const debs = join(stage, 'debs');
const debianPackages = packageClosure(DEBIAN_REQUIRED);
const debianDir = join(stage, 'img-debian');
debianVersions.push(...unpackRootfs(debianPackages, debianDir, debs, { base: true, dpkg: { below: [], lowerDirs: [] } }));
// pip and venv (ensurepip's wheels) as the official image has them. pip installs into the
// system Python there: Debian's EXTERNALLY-MANAGED marker (PEP 668) goes, and pip.conf points
// pip at the lab's offline index (images/packages/; plain HTTP on the lab's package server).
const pythonPackages = packageClosure(PYTHON_IMAGE_ROOTS, new Set(debianPackages));
const pythonDir = join(stage, 'img-python');
debianVersions.push(...unpackRootfs(pythonPackages, pythonDir, debs, { base: false, dpkg: { below: debianPackages, lowerDirs: [debianDir] } }));
symlinkSync('python3', join(pythonDir, 'usr/bin/python'));
rmSync(join(pythonDir, 'usr/lib/python3.11/EXTERNALLY-MANAGED'));
// no-compile: the lab's wheels carry their bytecode (images/packages/build-packages.ts), and
// compiling at install took the emulated CPU longer than the rest of pip's work.
writeFileSync(join(pythonDir, 'etc/pip.conf'), `[global]\nindex-url = http://pypi.org:${PACKAGE_PORT}/simple\ntrusted-host = pypi.org files.pythonhosted.org\n\n[install]\nno-compile = true\n`);
// The standard library compiled ahead, as Debian's postinst (py3compile) would have done: without
// it each new container compiles what it imports (`import http.server` took ~12 s instead of ~3).
// Unchecked-hash .pyc files are used without reading the .py beside them, so a lazily loaded
// image never fetches the sources. Bytecode is the same on every CPU; the build host's own
// Debian Python 3.11 writes it (same magic number as the image's).
execFileSync('/usr/bin/python3.11', ['-m', 'compileall', '-q', '-j', '0', '--invalidation-mode', 'unchecked-hash', '-s', pythonDir, '-p', '/',
  join(pythonDir, 'usr/lib/python3.11'), join(pythonDir, 'usr/lib/python3/dist-packages')], { stdio: 'inherit' });
const usrMergeLinks = (p: string) => p === 'bin' || p === 'sbin' || p === 'lib';
const debianLayer = { lazyDir: debianDir, createdBy: '/bin/sh -c #(nop) ADD file:debian-12-i386-essential in / ' };
const debianTree = (d: string, skip: (p: string) => boolean = () => false) => treeEntries(d, skip);
checkLibraries([debianTree(debianDir)], [debianDir], ['usr/bin/bash', 'usr/bin/dash', 'usr/bin/apt-get']);
// One image for the slim and the full tags (upstream's full debian:bookworm adds only
// documentation and locales); no `latest`, which is Debian 13 upstream now.
buildImage({
  repository: 'library/debian',
  tags: ['bookworm', '12', 'bookworm-slim', '12-slim'],
  layers: [debianLayer],
  config: { Env: [PATH], Cmd: ['bash'], Labels: { 'org.opencontainers.image.description': "Debian 12's essential packages (bookworm, slim)" } },
  history: [{ createdBy: '/bin/sh -c #(nop)  CMD ["bash"]', emptyLayer: true }],
});
const pythonVersion = upstreamVersion('python3.11');
checkLibraries([debianTree(debianDir), debianTree(pythonDir, usrMergeLinks)], [debianDir, pythonDir], ['usr/bin/python3.11']);
// One image for the slim and the full tags, as tutorials write both (`FROM python:3.11`,
// `FROM python:3.11-slim`); it has no compilers, which upstream's full image has. No `latest`
// or `slim`: upstream those are a newer Python than Debian 12's 3.11.
buildImage({
  repository: 'library/python',
  tags: ['3', ...versionTags(pythonVersion)].filter((t, i, all) => all.indexOf(t) === i).flatMap((v) => [v, `${v}-bookworm`, `${v}-slim`, `${v}-slim-bookworm`]),
  layers: [debianLayer, { lazyDir: pythonDir, exclude: usrMergeLinks, createdBy: `/bin/sh -c apt-get install ${PYTHON_IMAGE_ROOTS.join(' ')} # Debian 12 i386, Python ${pythonVersion}` }],
  config: {
    Env: [PATH, 'LANG=C.UTF-8', `PYTHON_VERSION=${pythonVersion}`],
    Cmd: ['python3'],
    Labels: { 'org.opencontainers.image.description': `Debian 12's Python ${pythonVersion} (slim) with Debian's pip, installing into the system Python (no EXTERNALLY-MANAGED) from the lab's offline index`, 'org.opencontainers.image.version': pythonVersion },
  },
  history: [
    { createdBy: '/bin/sh -c #(nop)  ENV LANG=C.UTF-8', emptyLayer: true },
    { createdBy: `/bin/sh -c #(nop)  ENV PYTHON_VERSION=${pythonVersion}`, emptyLayer: true },
    { createdBy: '/bin/sh -c #(nop)  CMD ["python3"]', emptyLayer: true },
  ],
});

// node: Debian 12's nodejs (18) and npm on debian:bookworm-slim, set up as the official image is:
// a node user (uid 1000), docker-entrypoint.sh running `node` when the first argument is an
// option or no command, CMD ["node"], no WORKDIR. Without node-gyp's build tools (gyp and
// python3, Node's headers): no native addons, as in node:18-slim. npm reaches the lab's offline
// registry (images/packages/): registry.npmjs.org resolves to the package server, whose CGI takes
// npm's path in the query (busybox httpd refuses a scoped name's encoded slash in a path).
// npm's modules name virtual packages (node-cli-table3, node-color-support, node-cssesc, node-has,
// node-postcss-selector-parser) that packageClosure does not resolve: their providers are named
// here. node-css-loader carries postcss-selector-parser (npm query loads it); it is unpacked for
// that without its own dependencies (webpack).
const virtualProviders = ['node-cli-table', 'node-fancy-log', 'node-css-selector-tokenizer', 'node-function-bind'];
const nodePackages = [...packageClosure(['nodejs', 'npm', ...virtualProviders], new Set([...debianPackages, 'gyp', 'libnode-dev'])), 'node-css-loader'].sort();
const nodeDir = join(stage, 'img-node');
// Not registered with dpkg: the official image's Node.js is not a Debian package either, and
// this set leaves out what npm's packages depend on but the image does not need (gyp, webpack),
// which apt would report as broken. apt installs over them as over any unowned files.
debianVersions.push(...unpackRootfs(nodePackages, nodeDir, debs, { base: false }));
// The CA bundle ca-certificates' postinst (update-ca-certificates) makes: Debian's nodejs loads it at
// every start and warns when it is missing. All of Mozilla's certificates, as its default selects.
const caDir = join(nodeDir, 'usr/share/ca-certificates');
const caFiles = readdirSync(caDir, { recursive: true }).map(String).filter((f) => f.endsWith('.crt')).sort();
writeFileSync(join(nodeDir, 'etc/ca-certificates.conf'), `${caFiles.join('\n')}\n`);
mkdirSync(join(nodeDir, 'etc/ssl/certs'), { recursive: true });
writeFileSync(join(nodeDir, 'etc/ssl/certs/ca-certificates.crt'), caFiles.map((f) => readFileSync(join(caDir, f), 'utf8').trimEnd() + '\n').join(''));
const nodeVersion = upstreamVersion('nodejs');
const npmVersion = upstreamVersion('npm');
writeFileSync(
  join(nodeDir, 'etc/npmrc'),
  `# The lab's offline npm registry (Drydock's images/packages/): registry.npmjs.org is the lab's
# package server, and npm's requests go through its CGI (busybox httpd answers 404 to the encoded
# slash of a scoped name in a path). No audit, fund or update check: there is no internet.
registry=http://registry.npmjs.org:${PACKAGE_PORT}/cgi-bin/npm?
audit=false
fund=false
update-notifier=false
`,
);
addUser(nodeDir, debianDir, { name: 'node', id: 1000, home: '/home/node', shell: '/bin/bash' });
mkdirSync(join(nodeDir, 'home/node'), { recursive: true });
execFileSync('chown', ['1000:1000', join(nodeDir, 'home/node')]);
mkdirSync(join(nodeDir, 'usr/local/bin'), { recursive: true });
writeFileSync(
  join(nodeDir, 'usr/local/bin/docker-entrypoint.sh'),
  `#!/bin/sh
set -e
# As the official node image: an option (docker run node -e '…') or a file that is not a
# command runs with node; anything else runs as given.
case "\${1:-}" in
  -*) set -- node "$@" ;;
  *) if [ -n "\${1:-}" ] && ! command -v "$1" >/dev/null 2>&1; then set -- node "$@"; fi ;;
esac
exec "$@"
`,
  { mode: 0o755 },
);
checkLibraries([debianTree(debianDir), debianTree(nodeDir, usrMergeLinks)], [debianDir, nodeDir], ['usr/bin/node']);
buildImage({
  repository: 'library/node',
  tags: [...versionTags(nodeVersion), 'hydrogen'].flatMap((v) => [v, `${v}-slim`, `${v}-bookworm`, `${v}-bookworm-slim`]),
  layers: [debianLayer, { lazyDir: nodeDir, exclude: usrMergeLinks, createdBy: `/bin/sh -c apt-get install nodejs npm && useradd --uid 1000 --create-home node && cp docker-entrypoint.sh /usr/local/bin/ # Debian 12 i386, Node.js ${nodeVersion}, npm ${npmVersion}` }],
  config: {
    Env: [PATH, `NODE_VERSION=${nodeVersion}`],
    Entrypoint: ['docker-entrypoint.sh'],
    Cmd: ['node'],
    Labels: {
      'org.opencontainers.image.description': `Debian 12's nodejs ${nodeVersion} and npm ${npmVersion} (slim: no compilers for native addons), npm installing from the lab's offline registry`,
      'org.opencontainers.image.version': nodeVersion,
    },
  },
  history: [
    { createdBy: `/bin/sh -c #(nop)  ENV NODE_VERSION=${nodeVersion}`, emptyLayer: true },
    { createdBy: '/bin/sh -c #(nop)  ENTRYPOINT ["docker-entrypoint.sh"]', emptyLayer: true },
    { createdBy: '/bin/sh -c #(nop)  CMD ["node"]', emptyLayer: true },
  ],
});

const debianBase = { stage, debs, debianDir, debianPackages, debianLayer, usrMergeLinks };
debianVersions.push(...buildPostgres(debianBase));
debianVersions.push(...buildHttpd(debianBase));
debianVersions.push(...buildMariadb(debianBase));

writeFileSync(join(registry, 'debian-packages.txt'), `${[...new Set(debianVersions)].sort().join('\n')}\n`);

console.log(`registry: ${writeRegistryIndex()} repositories written to public/registry/`);
// The lazy layers again, as one disk the guest mounts (layer-disk.ts): made from what was just written.
const disk = buildLayerDisk(stage);
console.log(`layer disk: ${disk.size >> 20} MiB in ${disk.chunks.length} chunks, ${Object.keys(disk.layers).length} layers, written to public/registry/disk/`);

