// The browser's KeyValueStore: IndexedDB through idb-keyval, in the lab worker (IndexedDB
// works in workers). A commit is one readwrite transaction: all of it lands or none does.
import { clear, createStore, get, getMany, keys, promisifyRequest, type UseStore } from 'idb-keyval';
import { NotOwnerError, type KeyValueStore } from '../engine/persist/kv-store';

export class IdbKeyValueStore implements KeyValueStore {
  private opened: UseStore | null = null;

  constructor(private readonly name = 'drydock') {}

  /**
   * Opened on first use: an ephemeral lab (a cross-site embed whose storage the browser blocks)
   * never touches IndexedDB, where even opening it fails.
   */
  private get db(): UseStore {
    return (this.opened ??= createStore(this.name, 'lab'));
  }

  get<T>(key: string): Promise<T | undefined> {
    return get<T>(key, this.db);
  }

  getMany<T>(list: string[]): Promise<Array<T | undefined>> {
    return getMany<T>(list, this.db);
  }

  keys(): Promise<string[]> {
    return keys<string>(this.db);
  }

  commit(puts: Array<[string, unknown]>, deletes: string[] = [], guard?: { key: string; value: unknown }): Promise<void> {
    let notOwner = false;
    return this.db('readwrite', (store) => {
      const write = () => {
        for (const [k, v] of puts) store.put(v, k);
        for (const k of deletes) store.delete(k);
      };
      if (!guard) write();
      else {
        // The check and the writes share the transaction: no other tab can slip in between.
        const check = store.get(guard.key);
        check.onsuccess = () => {
          if (check.result === guard.value) write();
          else {
            notOwner = true;
            store.transaction.abort();
          }
        };
      }
      return promisifyRequest(store.transaction);
    }).catch((error: Error) => {
      throw notOwner ? new NotOwnerError() : error;
    });
  }

  clear(): Promise<void> {
    return clear(this.db);
  }
}
