/**
 * Message keys already handled (`lark:om_…`, `dingtalk:msg…`, `lark-card:<event id>`), kept in the store so that a
 * platform's redelivery after a restart is not answered twice. Keys older than the retention are pruned.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface SeenStore {
  /** Record `key` as seen at `at`; true the first time, false when it was already there. */
  firstSeen(key: string, at: string): Promise<boolean>;
  /** Forget keys seen before `before`; returns how many. */
  pruneSeen(before: string): Promise<number>;
}

export function createSeenStore(db: Kysely<Database>): SeenStore {
  return {
    async firstSeen(key, at) {
      const r = await db
        .insertInto('seen_messages')
        .values({ key, seen_at: at })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async pruneSeen(before) {
      const r = await db.deleteFrom('seen_messages').where('seen_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows ?? 0);
    },
  };
}

/**
 * The bot's seen-set over the store: `first(key)` is true once per key; keys older than `retentionMs` (default 7 days,
 * longer than any platform redelivers) are pruned at most once an hour.
 */
export function storedSeenSet(store: SeenStore, clock: () => Date = () => new Date(), retentionMs = 7 * 24 * 3600_000): { first(key: string): Promise<boolean> } {
  let lastPrune = 0;
  return {
    async first(key) {
      const now = clock();
      if (now.getTime() - lastPrune > 3600_000) {
        lastPrune = now.getTime();
        await store.pruneSeen(new Date(now.getTime() - retentionMs).toISOString());
      }
      return store.firstSeen(key, now.toISOString());
    },
  };
}
