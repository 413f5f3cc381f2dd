// Image archives, as `docker save` writes them since Docker 25 and `docker load` reads them:
// an OCI image layout (oci-layout, index.json, blobs/sha256/…) that is also a docker-archive
// (manifest.json naming each image's config, tags and layer files). Layers are stored
// uncompressed, so their digests are the config's diff_ids. Reading also takes the older
// docker-archive layout (<id>/layer.tar), plain OCI layouts, gzip-compressed layers, and a
// gzip-compressed archive. Pure code.
import { gunzipSync } from 'fflate';
import { sha256Digest } from '../lib/digest';
import { createTar, readTar, type TarEntry } from './tar';
import { familiarString, parseReference } from './reference';

export interface ArchiveImage {
  /** The image config JSON, exact bytes (its sha256 is the image ID). */
  config: Uint8Array;
  /** Uncompressed layer tars, bottom first (their sha256 are the config's diff_ids). */
  layers: Uint8Array[];
  /** Familiar names ("app:latest", "alice/app:1.0"); empty for an untagged image. */
  repoTags: string[];
}

export class ImageArchiveError extends Error {
  override name = 'ImageArchiveError';
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const enc = new TextEncoder();
const json = (value: unknown) => enc.encode(JSON.stringify(value));
const hex = (digest: string) => digest.slice('sha256:'.length);

export async function writeImageArchive(images: ArchiveImage[]): Promise<Uint8Array> {
  const blobs = new Map<string, Uint8Array>();
  const put = async (data: Uint8Array) => {
    const digest = await sha256Digest(data);
    blobs.set(digest, data);
    return { digest, size: data.length };
  };
  const dockerManifest: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
  const index: Array<Record<string, unknown>> = [];
  for (const image of images) {
    const config = await put(image.config);
    const layers = [];
    for (const layer of image.layers) layers.push(await put(layer));
    const manifest = await put(
      json({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l })),
      }),
    );
    const descriptor = { mediaType: OCI_MANIFEST, ...manifest };
    if (!image.repoTags.length) index.push(descriptor);
    for (const tag of image.repoTags) {
      const ref = parseReference(tag);
      index.push({ ...descriptor, annotations: { 'io.containerd.image.name': `${ref.domain}/${ref.path}:${ref.tag}`, 'org.opencontainers.image.ref.name': ref.tag } });
    }
    dockerManifest.push({ Config: `blobs/sha256/${hex(config.digest)}`, RepoTags: image.repoTags, Layers: layers.map((l) => `blobs/sha256/${hex(l.digest)}`) });
  }
  const entries: TarEntry[] = [
    { type: 'dir', path: 'blobs/' },
    { type: 'dir', path: 'blobs/sha256/' },
    ...[...blobs].map(([digest, data]): TarEntry => ({ type: 'file', path: `blobs/sha256/${hex(digest)}`, data, mode: 0o644 })),
    { type: 'file', path: 'index.json', data: json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: index }), mode: 0o644 },
    { type: 'file', path: 'manifest.json', data: json(dockerManifest), mode: 0o644 },
    { type: 'file', path: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }), mode: 0o644 },
  ];
  return createTar(entries);
}

const isGzip = (data: Uint8Array) => data[0] === 0x1f && data[1] === 0x8b;

export async function readImageArchive(archive: Uint8Array): Promise<ArchiveImage[]> {
  if (isGzip(archive)) archive = gunzipSync(archive);
  let entries: TarEntry[];
  try {
    entries = readTar(archive);
  } catch {
    throw new ImageArchiveError('archive/tar: invalid tar header');
  }
  if (!entries.length) throw new ImageArchiveError('archive/tar: invalid tar header');
  const files = new Map<string, Uint8Array>();
  for (const e of entries) if (e.type === 'file') files.set(e.path.replace(/^\.\//, ''), e.data);
  const file = (path: string) => {
    const data = files.get(path);
    if (!data) throw new ImageArchiveError(`open ${path}: no such file or directory`);
    return data;
  };
  const parse = <T>(path: string): T => {
    try {
      return JSON.parse(new TextDecoder().decode(file(path))) as T;
    } catch (error) {
      throw error instanceof ImageArchiveError ? error : new ImageArchiveError(`${path}: invalid JSON`);
    }
  };
  let found: Array<{ config: Uint8Array; layers: Uint8Array[]; repoTags: string[] }>;
  if (files.has('manifest.json')) {
    found = parse<Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }>>('manifest.json').map((m) => ({
      config: file(m.Config),
      layers: m.Layers.map(file),
      repoTags: m.RepoTags ?? [],
    }));
  } else if (files.has('index.json')) {
    const index = parse<{ manifests: Array<{ digest: string; annotations?: Record<string, string> }> }>('index.json');
    const byManifest = new Map<string, (typeof found)[number]>();
    for (const d of index.manifests) {
      let image = byManifest.get(d.digest);
      if (!image) {
        const manifest = parse<{ config: { digest: string }; layers: Array<{ digest: string }> }>(`blobs/sha256/${hex(d.digest)}`);
        image = { config: file(`blobs/sha256/${hex(manifest.config.digest)}`), layers: manifest.layers.map((l) => file(`blobs/sha256/${hex(l.digest)}`)), repoTags: [] };
        byManifest.set(d.digest, image);
      }
      const name = d.annotations?.['io.containerd.image.name'];
      if (name) {
        image.repoTags.push(familiarString(parseReference(name)));
      }
    }
    found = [...byManifest.values()];
  } else {
    throw new ImageArchiveError('open /var/lib/docker/tmp/docker-import/repositories: no such file or directory (not an image archive: no manifest.json or index.json)');
  }
  const images: ArchiveImage[] = [];
  for (const f of found) {
    let config: { rootfs?: { diff_ids?: string[] } };
    try {
      config = JSON.parse(new TextDecoder().decode(f.config));
    } catch {
      throw new ImageArchiveError('invalid image config: not JSON');
    }
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== f.layers.length) throw new ImageArchiveError(`invalid manifest, layers length mismatch: expected ${diffIds.length}, got ${f.layers.length}`);
    const layers: Uint8Array[] = [];
    for (let i = 0; i < f.layers.length; i++) {
      const tar = isGzip(f.layers[i]!) ? gunzipSync(f.layers[i]!) : f.layers[i]!;
      const digest = await sha256Digest(tar);
      if (digest !== diffIds[i]) throw new ImageArchiveError(`invalid diffID for layer ${i}: calculated ${digest} but expected ${diffIds[i]}`);
      layers.push(tar);
    }
    images.push({ config: f.config, layers, repoTags: f.repoTags });
  }
  return images;
}
