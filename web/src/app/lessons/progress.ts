// Lesson progress (which steps a learner has completed), kept in the browser beside the lab.
import { clear, createStore, get, set, update, type UseStore } from 'idb-keyval';

let db: UseStore | null = null;
const store = () => (db ??= createStore('drydock-progress', 'progress'));

export async function completedSteps(slug: string): Promise<string[]> {
  return (await get<string[]>(slug, store()).catch(() => undefined)) ?? [];
}

/** Adds to what is recorded (never removes: only a reset does). */
export async function markCompleted(slug: string, steps: string[]): Promise<void> {
  await update<string[]>(slug, (old) => [...new Set([...(old ?? []), ...steps])], store()).catch(() => {});
}

export async function forgetProgress(slug?: string): Promise<void> {
  if (slug) await set(slug, [], store()).catch(() => {});
  else await clear(store()).catch(() => {});
}
