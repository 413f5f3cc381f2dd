// What `docker pull` sees: the built-in images (public/registry/, read-only) and what learners
// pushed (LocalRegistry), as one registry. A pushed repository's tags win over built-in ones.
import type { RegistryIndex, RegistrySource } from './registry-source';
import type { LocalRegistry } from './local-registry';

export class Registries implements RegistrySource {
  constructor(
    readonly builtin: RegistrySource,
    readonly local: LocalRegistry,
  ) {}

  async index(): Promise<RegistryIndex> {
    const repositories = { ...(await this.builtin.index()).repositories };
    for (const r of await this.local.repositories()) repositories[r.name] = { ...repositories[r.name], ...r.tags };
    return { repositories };
  }

  async blob(digest: string): Promise<Uint8Array> {
    return (await this.local.blob(digest)) ?? this.builtin.blob(digest);
  }

  file(path: string): Promise<Uint8Array> {
    return this.builtin.file(path);
  }
}
