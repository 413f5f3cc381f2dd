// The browser host adapter's loader: fetches the guest files with byte-level progress, so the
// page can show real numbers while the lab loads.
import type { DownloadProgress } from '../engine/api';
import type { GuestAssets } from '../engine/guest/guest-machine';
import type { LayerDiskManifest, LayerDiskSource } from '../engine/guest/layer-disk';
import { concatBytes } from '../engine/protocol/frame';

interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
}

/**
 * The layer disk published beside the registry (`disk/layers.json`), or undefined when the site
 * has none: large images then come over 9p. Its chunks are fetched when the guest reads them.
 */
export async function fetchLayerDisk(registryBaseUrl: string): Promise<LayerDiskSource | undefined> {
  const base = new URL('disk/', new URL(registryBaseUrl.endsWith('/') ? registryBaseUrl : `${registryBaseUrl}/`, self.location.href));
  const response = await fetch(new URL('layers.json', base));
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`could not load the layer disk's manifest (HTTP ${response.status})`);
  const manifest = (await response.json()) as LayerDiskManifest;
  return {
    manifest,
    fetchChunk: async (sha256) => {
      const chunk = await fetch(new URL(`chunks/${sha256}.zst`, base));
      if (!chunk.ok) throw new Error(`HTTP ${chunk.status}`);
      return new Uint8Array(await chunk.arrayBuffer());
    },
  };
}

export async function fetchGuestAssets(
  guestBaseUrl: string,
  wasmUrl: string,
  onProgress: (progress: DownloadProgress) => void,
  registryBaseUrl?: string,
): Promise<GuestAssets> {
  const disk = registryBaseUrl ? fetchLayerDisk(registryBaseUrl) : Promise.resolve(undefined);
  const base = new URL(guestBaseUrl.endsWith('/') ? guestBaseUrl : `${guestBaseUrl}/`, self.location.href);
  const manifestResponse = await fetch(new URL('manifest.json', base));
  if (!manifestResponse.ok) throw new Error(`could not load the guest manifest (HTTP ${manifestResponse.status})`);
  const manifest = (await manifestResponse.json()) as { files: ManifestFile[] };
  const sizeOf = (name: string) => manifest.files.find((f) => f.name === name)?.size ?? 0;
  const wanted: Array<[keyof GuestAssets, URL, number, string]> = [
    ['wasm', new URL(wasmUrl, self.location.href), 0, 'v86.wasm'],
    ['bios', new URL('seabios.bin', base), sizeOf('seabios.bin'), 'seabios.bin'],
    ['bzimage', new URL('bzImage', base), sizeOf('bzImage'), 'bzImage'],
    ['initrd', new URL('initrd.img', base), sizeOf('initrd.img'), 'initrd.img'],
  ];
  const loaded = new Map<string, number>();
  const totals = new Map<string, number>(wanted.map(([, , size, name]) => [name, size]));
  const report = (file: string) => {
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    onProgress({ loaded: sum(loaded), total: sum(totals), file });
  };
  const parts = await Promise.all(
    wanted.map(async ([key, url, , name]) => {
      const response = await fetch(url);
      if (!response.ok || !response.body) throw new Error(`could not load ${name} (HTTP ${response.status})`);
      // A compressed response's Content-Length is not the size we will read; the manifest's is.
      const plain = !response.headers.get('content-encoding');
      const length = totals.get(name) || (plain ? Number(response.headers.get('content-length')) : 0);
      totals.set(name, length);
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let got = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        got += value.length;
        loaded.set(name, got);
        report(name);
      }
      return [key, concatBytes(chunks).buffer] as const;
    }),
  );
  const layerDisk = await disk;
  return { ...(Object.fromEntries(parts) as unknown as GuestAssets), ...(layerDisk ? { layerDisk } : {}) };
}
