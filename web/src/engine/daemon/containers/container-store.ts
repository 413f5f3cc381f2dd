// ContainerStore: the daemon's records of its containers (what `docker ps -a` lists). The
// processes themselves live in the guest; these records hold what Docker keeps about them.
import type { Container } from '../../models/container';

export class ContainerStore {
  private readonly containers = new Map<string, Container>();

  add(container: Container): void {
    this.containers.set(container.id, container);
  }

  list(): Container[] {
    return [...this.containers.values()].sort((a, b) => b.created - a.created);
  }

  /** By full or unique short ID, or by name (with or without the leading slash). */
  find(idOrName: string): Container | undefined {
    const name = idOrName.replace(/^\//, '');
    const byName = this.list().find((c) => c.name === name);
    if (byName) return byName;
    if (!/^[a-f0-9]+$/.test(idOrName)) return undefined;
    const matches = this.list().filter((c) => c.id.startsWith(idOrName));
    return matches.length === 1 ? matches[0] : undefined;
  }

  nameTaken(name: string): Container | undefined {
    return this.list().find((c) => c.name === name);
  }

  remove(id: string): void {
    this.containers.delete(id);
  }
}
