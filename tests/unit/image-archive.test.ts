// docker save / docker load archives: what Drydock writes is read back, and read by an
// independent tool (Debian's skopeo) as both a docker-archive and an OCI archive.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readImageArchive, writeImageArchive, ImageArchiveError, type ArchiveImage } from '../../web/src/engine/formats/image-archive';
import { createTar, readTar } from '../../web/src/engine/formats/tar';
import { sha256Digest } from '../../web/src/engine/lib/digest';

const text = (s: string) => new TextEncoder().encode(s);

async function image(tags: string[], files: Record<string, string>[]): Promise<ArchiveImage> {
  const layers = files.map((f) => createTar(Object.entries(f).map(([path, data]) => ({ type: 'file' as const, path, data: text(data), mode: 0o644 }))));
  const diffIds = await Promise.all(layers.map((l) => sha256Digest(l)));
  const config = text(JSON.stringify({ architecture: '386', os: 'linux', config: { Cmd: ['cat', '/hello'] }, rootfs: { type: 'layers', diff_ids: diffIds } }));
  return { config, layers, repoTags: tags };
}

describe('image archives', () => {
  it('round-trips images, storing a shared layer once', async () => {
    const base = { 'etc/os': 'drydock' };
    const a = await image(['app:latest', 'alice/app:1.0'], [base, { hello: 'a' }]);
    const b = await image(['other:2'], [base, { hello: 'b' }]);
    const archive = await writeImageArchive([a, b]);
    const names = readTar(archive).map((e) => e.path);
    expect(names).toContain('manifest.json');
    expect(names).toContain('index.json');
    expect(names).toContain('oci-layout');
    // 2 configs + 3 distinct layers + 2 manifests
    expect(names.filter((n) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(n))).toHaveLength(7);
    const back = await readImageArchive(archive);
    expect(back.map((i) => i.repoTags)).toEqual([['app:latest', 'alice/app:1.0'], ['other:2']]);
    expect(back[0]!.config).toEqual(a.config);
    expect(back[1]!.layers[1]).toEqual(b.layers[1]);
  });

  it('reads the older docker-archive layout, gzipped layers and a gzipped archive', async () => {
    const img = await image(['legacy:1'], [{ hello: 'old' }]);
    const id = (await sha256Digest(img.config)).slice(7);
    const legacy = createTar([
      { type: 'file', path: `${id}.json`, data: img.config },
      { type: 'file', path: 'abc/layer.tar', data: gzipSync(img.layers[0]!) },
      { type: 'file', path: 'manifest.json', data: text(JSON.stringify([{ Config: `${id}.json`, RepoTags: ['legacy:1'], Layers: ['abc/layer.tar'] }])) },
    ]);
    const [back] = await readImageArchive(gzipSync(legacy));
    expect(back!.repoTags).toEqual(['legacy:1']);
    expect(back!.layers[0]).toEqual(img.layers[0]);
  });

  it('reads a plain OCI layout, with tags from its index annotations', async () => {
    const archive = readTar(await writeImageArchive([await image(['web:3'], [{ hello: 'oci' }])])).filter((e) => e.path !== 'manifest.json');
    const [back] = await readImageArchive(createTar(archive));
    expect(back!.repoTags).toEqual(['web:3']);
  });

  it("refuses what is not an image archive, or a layer that is not what the config says, with docker load's words", async () => {
    await expect(readImageArchive(text('hello, this is not a tar file at all'.repeat(20)))).rejects.toThrow('archive/tar: invalid tar header');
    await expect(readImageArchive(createTar([{ type: 'file', path: 'notes.txt', data: text('hi') }]))).rejects.toThrow(ImageArchiveError);
    const img = await image(['bad:1'], [{ hello: 'x' }]);
    img.layers[0] = createTar([{ type: 'file', path: 'hello', data: text('tampered'), mode: 0o644 }]);
    await expect(readImageArchive(await writeImageArchive([img]))).rejects.toThrow(/invalid diffID for layer 0/);
  });

  it('is read by skopeo as a docker-archive and as an OCI archive (Debian skopeo)', async () => {
    expect(existsSync('/usr/bin/skopeo'), 'skopeo is missing: run scripts/ensure-skopeo.sh').toBe(true);
    const img = await image(['app:latest'], [{ 'etc/os': 'drydock' }, { hello: 'skopeo' }]);
    const path = join(mkdtempSync(join(tmpdir(), 'drydock-archive-')), 'app.tar');
    writeFileSync(path, await writeImageArchive([img]));
    const diffIds = JSON.parse(new TextDecoder().decode(img.config)).rootfs.diff_ids;
    for (const transport of ['docker-archive', 'oci-archive']) {
      const out = JSON.parse(execFileSync('/usr/bin/skopeo', ['inspect', `${transport}:${path}`], { encoding: 'utf8' }));
      expect(out.Architecture, transport).toBe('386');
      expect(out.Os).toBe('linux');
      expect(out.Layers).toEqual(diffIds);
    }
  });
});
