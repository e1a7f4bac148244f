/**
 * Documents in the store: each loaded version's added time (the digest's 新增 bucket reads it), and the uploaded
 * documents themselves with the removals, shared by every instance on one database; on PostgreSQL an instance's
 * upload or removal is announced (NOTIFY) and the others apply it.
 */
import type { WorkPlan } from '../model.js';
import { planHash, type Store } from './index.js';

/** added_by of the documents found at the very first start: the baseline, never reported as 新增. */
export const BASELINE = 'baseline';

/**
 * Record every loaded plan in the store's documents; a version seen for the first time gets `now` as its added
 * time. When the store has no documents yet, the batch is the baseline (recorded by 'baseline'), so that the
 * first digests do not list every item as 新增. Versions already recorded are not written again. Returns the files
 * recorded now.
 */
export async function syncDocuments(store: Store, plans: WorkPlan[], options: { by?: string; now?: () => Date } = {}): Promise<string[]> {
  const known = await store.documents();
  const seen = new Set(known.map((d) => `${d.file}\u0000${d.hash}`));
  const fresh = plans.filter((plan) => !seen.has(`${plan.file}\u0000${planHash(plan)}`));
  return recordChanged(store, fresh, known.length === 0 ? { ...options, by: BASELINE } : options);
}

/**
 * Record the plans one change brought (an upload, a replacement, another instance's upload), without reading what
 * the store already holds: a version already recorded is left as it is. Returns the files recorded now.
 */
export async function recordChanged(store: Pick<Store, 'addDocument'>, plans: WorkPlan[], options: { by?: string; now?: () => Date } = {}): Promise<string[]> {
  const at = (options.now ?? (() => new Date()))().toISOString();
  const added: string[] = [];
  for (const plan of plans) {
    if (await store.addDocument({ file: plan.file, hash: planHash(plan), plan, addedBy: options.by ?? null, addedAt: at })) added.push(plan.file);
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

export interface StoredUpload {
  file: string;
  /** sha256 of the bytes. */
  hash: string;
  bytes: Uint8Array;
}

/** An upload or a removal, as announced to the other instances. */
export interface DocumentChange {
  op: 'put' | 'remove';
  file: string;
  hash?: string;
}

/** What the library keeps in the store: uploads, removals, and (PostgreSQL) the news of other instances' changes. */
export interface UploadStore {
  uploads(): Promise<StoredUpload[]>;
  upload(file: string): Promise<StoredUpload | undefined>;
  putUpload(u: { file: string; bytes: Uint8Array; hash: string; by?: string }): Promise<void>;
  removeUpload(file: string): Promise<void>;
  removedFiles(): Promise<string[]>;
  setRemoved(file: string, removed: boolean): Promise<void>;
  /** Announce a change to the other instances (PostgreSQL only). */
  notifyDocumentsChanged?(change: DocumentChange): Promise<void>;
  /** Other instances' changes; resolves to a function that stops listening (PostgreSQL only). */
  onDocumentsChanged?(listener: (change: DocumentChange) => void): Promise<() => Promise<void>>;
}

export const DOCUMENTS_CHANNEL = 'yaodian_documents';

/**
 * The store's uploads. `instance` tells this instance's announcements from the others' (its own changes are
 * already applied when they come back).
 */
export function uploadStore(store: Store, options: { instance?: string; now?: () => Date } = {}): UploadStore {
  const { db } = store;
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const instance = options.instance ?? `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const row = (r: { file: string; hash: string; content_base64: string }): StoredUpload => ({ file: r.file, hash: r.hash, bytes: Buffer.from(r.content_base64, 'base64') });
  const out: UploadStore = {
    async uploads() {
      const rows = await db.selectFrom('uploads').select(['file', 'hash', 'content_base64']).orderBy('file').execute();
      return rows.map(row);
    },
    async upload(file) {
      const r = await db.selectFrom('uploads').select(['file', 'hash', 'content_base64']).where('file', '=', file).executeTakeFirst();
      return r ? row(r) : undefined;
    },
    async putUpload({ file, bytes, hash, by }) {
      const content_base64 = Buffer.from(bytes).toString('base64');
      const values = { hash, content_base64, size: bytes.byteLength, added_at: now(), added_by: by ?? null };
      await db
        .insertInto('uploads')
        .values({ file, ...values })
        .onConflict((oc) => oc.column('file').doUpdateSet(values))
        .execute();
    },
    async removeUpload(file) {
      await db.deleteFrom('uploads').where('file', '=', file).execute();
    },
    async removedFiles() {
      return (await db.selectFrom('removed_documents').select('file').orderBy('file').execute()).map((r) => r.file);
    },
    async setRemoved(file, removed) {
      if (!removed) {
        await db.deleteFrom('removed_documents').where('file', '=', file).execute();
        return;
      }
      await db
        .insertInto('removed_documents')
        .values({ file, removed_at: now() })
        .onConflict((oc) => oc.column('file').doUpdateSet({ removed_at: now() }))
        .execute();
    },
  };
  const notifications = store.notifications;
  if (!notifications) return out;
  return {
    ...out,
    async notifyDocumentsChanged(change) {
      await notifications.notify(DOCUMENTS_CHANNEL, JSON.stringify({ ...change, from: instance }));
    },
    async onDocumentsChanged(listener) {
      return notifications.listen(DOCUMENTS_CHANNEL, (payload) => {
        let c: Partial<DocumentChange> & { from?: string };
        try {
          c = JSON.parse(payload) as typeof c;
        } catch {
          return;
        }
        if (c.from === instance || typeof c.file !== 'string' || (c.op !== 'put' && c.op !== 'remove')) return;
        listener({ op: c.op, file: c.file, ...(typeof c.hash === 'string' ? { hash: c.hash } : {}) });
      });
    },
  };
}
