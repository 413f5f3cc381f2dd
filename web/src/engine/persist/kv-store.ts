// Where a lab keeps what outlives the page: a key-value store of structured-cloneable values.
// IndexedDB (idb-keyval) in the browser's worker (web/src/worker/idb-store.ts); memory in Node.

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<Array<T | undefined>>;
  keys(): Promise<string[]>;
  /**
   * Writes and deletes in one transaction: all of it lands or none does. With `guard`, only
   * while `guard.key` holds `guard.value` (the tab that owns the lab); otherwise it rejects
   * with a NotOwnerError and writes nothing.
   */
  commit(puts: Array<[string, unknown]>, deletes?: string[], guard?: { key: string; value: unknown }): Promise<void>;
  clear(): Promise<void>;
}

export class NotOwnerError extends Error {
  override name = 'NotOwnerError';
  constructor() {
    super('another tab has taken over this lab');
  }
}

/** A store in memory (Node: the lab runner, tests). Values are copied in and out, as IndexedDB does. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly data = new Map<string, unknown>();
  /** Bytes of Uint8Array values written so far (what a benchmark reports). */
  bytesWritten = 0;

  async get<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.data.get(key)) as T | undefined;
  }

  async getMany<T>(keys: string[]): Promise<Array<T | undefined>> {
    return Promise.all(keys.map((k) => this.get<T>(k)));
  }

  async keys(): Promise<string[]> {
    return [...this.data.keys()];
  }

  async commit(puts: Array<[string, unknown]>, deletes: string[] = [], guard?: { key: string; value: unknown }): Promise<void> {
    if (guard && this.data.get(guard.key) !== guard.value) throw new NotOwnerError();
    for (const [k, v] of puts) {
      this.data.set(k, structuredClone(v));
      if (v instanceof Uint8Array) this.bytesWritten += v.length;
    }
    for (const k of deletes) this.data.delete(k);
  }

  async clear(): Promise<void> {
    this.data.clear();
  }
}
