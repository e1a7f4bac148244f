/**
 * The store's record of loaded documents: each version's added time, which the digest's 新增 bucket reads.
 */
import type { WorkPlan } from '../model.js';
import { planHash, type Store } from './index.js';

/** added_by of the documents found at the very first start: the baseline, never reported as 新增. */
export const BASELINE = 'baseline';

/**
 * Record every loaded plan in the store's documents; a version seen for the first time gets `now` as its added
 * time. When the store has no documents yet, the batch is the baseline (recorded by 'baseline'), so that the
 * first digests do not list every item as 新增. Returns the files recorded now.
 */
export async function syncDocuments(store: Store, plans: WorkPlan[], options: { by?: string; now?: () => Date } = {}): Promise<string[]> {
  const added: string[] = [];
  const at = (options.now ?? (() => new Date()))().toISOString();
  const first = (await store.documents()).length === 0;
  const by = first ? BASELINE : (options.by ?? null);
  for (const plan of plans) {
    if (await store.addDocument({ file: plan.file, hash: planHash(plan), plan, addedBy: by, addedAt: at })) added.push(plan.file);
  }
  return added;
}

/** file → when the document (its latest version) was added (ISO time), baseline documents left out. */
export async function documentDates(store: Pick<Store, 'documents'>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const d of await store.documents()) {
    if (d.addedBy === BASELINE) out.delete(d.file);
    else out.set(d.file, d.addedAt);
  }
  return out;
}
