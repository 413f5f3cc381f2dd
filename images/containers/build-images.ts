// Builds Drydock's built-in container images as a static OCI registry under public/registry/:
//   blobs/sha256/<hex>   layers (tar+gzip), image configs, manifests — content-addressed
//   index.json           repository -> tag -> manifest digest
// Called by images/guest/build.sh with the staged binaries; deterministic for the same inputs.
//   tsx images/containers/build-images.ts STAGE_DIR
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTar, type TarEntry } from '../../web/src/engine/formats/tar';
import { repoRoot } from '../../tools/guest-manifest';

const stage = process.argv[2];
if (!stage) throw new Error('usage: build-images.ts STAGE_DIR');
const registry = join(repoRoot, 'public', 'registry');
const CREATED = '2026-01-01T00:00:00Z';
const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

rmSync(registry, { recursive: true, force: true });
mkdirSync(join(registry, 'blobs', 'sha256'), { recursive: true });

const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
function putBlob(data: Uint8Array | string): { digest: string; size: number } {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const hex = sha(bytes);
  writeFileSync(join(registry, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

interface ImageSpec {
  repository: string;
  tag: string;
  layers: Array<{ entries: TarEntry[]; createdBy: string }>;
  config: Record<string, unknown>;
  history?: Array<{ createdBy: string; emptyLayer: true }>;
}

const index: Record<string, Record<string, string>> = {};

function buildImage(spec: ImageSpec): void {
  const layers = spec.layers.map((layer) => {
    const tar = createTar(layer.entries);
    const gz = gzipSync(tar, { level: 9 });
    return { diffId: `sha256:${sha(tar)}`, blob: putBlob(gz), createdBy: layer.createdBy };
  });
  const config = {
    architecture: '386',
    os: 'linux',
    created: CREATED,
    config: spec.config,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: [
      ...layers.map((l) => ({ created: CREATED, created_by: l.createdBy })),
      ...(spec.history ?? []).map((h) => ({ created: CREATED, created_by: h.createdBy, empty_layer: true })),
    ],
  };
  const configBlob = putBlob(JSON.stringify(config));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l.blob })),
  };
  const manifestBlob = putBlob(JSON.stringify(manifest));
  (index[spec.repository] ??= {})[spec.tag] = manifestBlob.digest;
}

// busybox: Debian's static busybox with a link per applet, as the upstream image has.
const busybox = readFileSync(join(stage, 'busybox'));
const applets = execFileSync(join(stage, 'busybox'), ['--list-full'], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .filter((p) => p !== 'bin/busybox')
  .sort();
const dirs = ['bin', 'dev', 'etc', 'home', 'proc', 'root', 'sys', 'tmp', 'usr', 'usr/bin', 'usr/sbin', 'sbin', 'var', 'var/spool', 'var/www'];
buildImage({
  repository: 'library/busybox',
  tag: 'latest',
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
  config: { Env: [PATH], Cmd: ['sh'] },
  history: [{ createdBy: '/bin/sh -c #(nop)  CMD ["sh"]', emptyLayer: true }],
});

// hello-world: one static program that explains what just happened.
buildImage({
  repository: 'library/hello-world',
  tag: 'latest',
  layers: [{ createdBy: 'COPY hello / # buildkit', entries: [{ type: 'file', path: 'hello', data: readFileSync(join(stage, 'hello')), mode: 0o755 }] }],
  config: { Env: [PATH], Cmd: ['/hello'] },
  history: [{ createdBy: 'CMD ["/hello"]', emptyLayer: true }],
});

writeFileSync(join(registry, 'index.json'), `${JSON.stringify({ repositories: index }, null, 2)}\n`);
console.log(`registry: ${Object.keys(index).length} repositories written to public/registry/`);
