// Where images come from: a static OCI registry (public/registry/, built by images/). The host
// supplies the bytes — fetch in the browser, the file system in Node.

export interface RegistryIndex {
  repositories: Record<string, Record<string, string>>;
}

export interface RegistrySource {
  index(): Promise<RegistryIndex>;
  /** The blob with this digest (`sha256:<hex>`), as stored (layers are gzip-compressed). */
  blob(digest: string): Promise<Uint8Array>;
  /** Another file of the registry, by its path (a lazy layer's index: `lazy/<hex>.json`). */
  file(path: string): Promise<Uint8Array>;
}

/** A registry served over HTTP from a static host (the page's own origin). */
export class HttpRegistrySource implements RegistrySource {
  constructor(private readonly baseUrl: string) {}

  async index(): Promise<RegistryIndex> {
    const response = await fetch(new URL('index.json', this.baseUrl));
    if (!response.ok) throw new Error(`registry index: HTTP ${response.status}`);
    return (await response.json()) as RegistryIndex;
  }

  async blob(digest: string): Promise<Uint8Array> {
    const response = await fetch(new URL(`blobs/sha256/${digest.replace(/^sha256:/, '')}`, this.baseUrl));
    if (!response.ok) throw new Error(`blob ${digest}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async file(path: string): Promise<Uint8Array> {
    const response = await fetch(new URL(path, this.baseUrl));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}
