/**
 * The digest delivery log as a state machine, one row per chat and day (the `digests` table):
 *
 *   pending ──claim──▶ sending ──▶ sent
 *      ▲                 │  └────▶ failed ──(next_at, claim)──▶ sending …
 *      │                 └─(lease ran out: the sender died)──▶ sending again under a new owner, with the platform's
 *      │                    idempotency key  |  uncertain (no key: it may or may not have arrived)
 *      └──────── reset (an admin's one-click resend of an uncertain or failed row)
 *
 * Every transition is one conditional UPDATE (compare-and-set on state, owner and times), so instances sharing a
 * database never both send a chat-day, and a row is never silently lost or silently sent twice.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, DigestsTable } from './schema.js';

export const DELIVERY_STATES = ['pending', 'sending', 'sent', 'failed', 'uncertain'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface DeliveryRecord {
  platform: string;
  chatId: string;
  date: string;
  state: DeliveryState;
  unit: string | null;
  /** Sends attempted (each claim counts one). */
  attempts: number;
  dedupeKey: string | null;
  /** The platform's code of the last failure, and its message. */
  errorCode: string | null;
  error: string | null;
  /** A failed row is tried again from this time. */
  nextAt: string | null;
  leaseUntil: string | null;
  owner: string | null;
  sendingAt: string | null;
  sentAt: string | null;
  updatedAt: string;
}

/** Which chat-day: the row's key. */
export interface ChatDay {
  platform: string;
  chatId: string;
  date: string;
}

export interface DeliveryStore {
  digest(platform: string, chatId: string, date: string): Promise<DeliveryRecord | undefined>;
  /** Rows of the dates from `from` to `to` (inclusive), newest first; optionally only some states. */
  digestLog(filter: { from: string; to: string; states?: DeliveryState[] }): Promise<DeliveryRecord[]>;
  /** A 'pending' row for a chat-day due now, unless one exists. */
  planDigest(d: ChatDay & { unit: string | null; at: string }): Promise<void>;
  /**
   * Claim a chat-day for sending: a pending row, or a failed one whose next_at has come (any failed one with
   * `force`), becomes 'sending' by `owner` until `leaseUntil` (attempts + 1); a missing row is created so. Returns
   * whether this caller got it.
   */
  claimDigest(c: ChatDay & { unit: string | null; dedupeKey: string | null; owner: string; at: string; leaseUntil: string; force?: boolean }): Promise<boolean>;
  /**
   * Take over a 'sending' row whose lease ran out (its sender died), to resend it with the same idempotency key; its
   * sending time is kept (the key's window at the platform runs from the interrupted send).
   */
  takeOverDigest(c: ChatDay & { previousOwner: string | null; owner: string; at: string; leaseUntil: string }): Promise<boolean>;
  /** Extend the lease while the send runs; false when the row is no longer this owner's. */
  renewDigestLease(c: ChatDay & { owner: string; leaseUntil: string }): Promise<boolean>;
  digestSent(c: ChatDay & { owner: string; at: string }): Promise<boolean>;
  digestFailed(c: ChatDay & { owner: string; at: string; code: string; message: string; nextAt: string | null }): Promise<boolean>;
  /**
   * A send that may or may not have arrived (its sender died, or the platform never answered) and cannot be
   * repeated safely: 'uncertain', for an admin to check and resend. From 'sending' by `owner`.
   */
  digestUncertain(c: ChatDay & { owner: string | null; at: string; code: string; message: string }): Promise<boolean>;
  /** 'sending' rows whose lease ended before `at` (or that never had one). */
  abandonedDigests(at: string): Promise<DeliveryRecord[]>;
  /** An admin's resend: an uncertain or failed row becomes pending, to be sent at once. */
  resetDigest(c: ChatDay & { at: string }): Promise<boolean>;
  /** The latest date before `before` on which the chat's digest was sent. */
  lastDigestDate(platform: string, chatId: string, before: string): Promise<string | undefined>;
}

export function deliveryRecord(r: Selectable<DigestsTable>): DeliveryRecord {
  return {
    platform: r.platform,
    chatId: r.chat_id,
    date: r.date,
    state: r.state as DeliveryState,
    unit: r.unit,
    attempts: Number(r.attempts),
    dedupeKey: r.dedupe_key,
    errorCode: r.error_code ?? null,
    error: r.error ?? null,
    nextAt: r.next_at ?? null,
    leaseUntil: r.lease_until ?? null,
    owner: r.owner ?? null,
    sendingAt: r.sending_at ?? null,
    sentAt: r.sent_at ?? null,
    updatedAt: r.updated_at,
  };
}

const changed = (r: { numUpdatedRows?: bigint; numInsertedOrUpdatedRows?: bigint }) => Number(r.numUpdatedRows ?? r.numInsertedOrUpdatedRows ?? 0) > 0;

export function createDeliveryStore(db: Kysely<Database>): DeliveryStore {
  const row = (q: ChatDay) =>
    db.updateTable('digests').where('platform', '=', q.platform).where('chat_id', '=', q.chatId).where('date', '=', q.date);
  return {
    async digest(platform, chatId, date) {
      const r = await db.selectFrom('digests').selectAll().where('platform', '=', platform).where('chat_id', '=', chatId).where('date', '=', date).executeTakeFirst();
      return r ? deliveryRecord(r) : undefined;
    },
    async digestLog({ from, to, states }) {
      let q = db.selectFrom('digests').selectAll().where('date', '>=', from).where('date', '<=', to);
      if (states?.length) q = q.where('state', 'in', states);
      const rows = await q.orderBy('date', 'desc').orderBy('platform').orderBy('chat_id').execute();
      return rows.map(deliveryRecord);
    },
    async planDigest({ platform, chatId, date, unit, at }) {
      await db
        .insertInto('digests')
        .values({ platform, chat_id: chatId, date, state: 'pending', dedupe_key: null, unit, attempts: 0, updated_at: at })
        .onConflict((oc) => oc.columns(['platform', 'chat_id', 'date']).doNothing())
        .execute();
    },
    async claimDigest({ platform, chatId, date, unit, dedupeKey, owner, at, leaseUntil, force }) {
      const sending = { state: 'sending', dedupe_key: dedupeKey, unit, owner, lease_until: leaseUntil, sending_at: at, updated_at: at };
      const r = await db
        .insertInto('digests')
        .values({ platform, chat_id: chatId, date, attempts: 1, ...sending })
        .onConflict((oc) =>
          oc
            .columns(['platform', 'chat_id', 'date'])
            .doUpdateSet((eb) => ({ ...sending, attempts: eb('digests.attempts', '+', 1) }))
            .where((eb) =>
              eb.or([
                eb('digests.state', '=', 'pending'),
                force ? eb('digests.state', '=', 'failed') : eb.and([eb('digests.state', '=', 'failed'), eb.or([eb('digests.next_at', 'is', null), eb('digests.next_at', '<=', at)])]),
              ]),
            ),
        )
        .executeTakeFirst();
      return changed(r);
    },
    async takeOverDigest({ previousOwner, owner, at, leaseUntil, ...day }) {
      const r = await row(day)
        // sending_at stays: it is when the interrupted send used the idempotency key, whose window runs from then.
        .set((eb) => ({ owner, lease_until: leaseUntil, updated_at: at, attempts: eb('attempts', '+', 1) }))
        .where('state', '=', 'sending')
        .where((eb) => (previousOwner === null ? eb('owner', 'is', null) : eb('owner', '=', previousOwner)))
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at)]))
        .executeTakeFirst();
      return changed(r);
    },
    async renewDigestLease({ owner, leaseUntil, ...day }) {
      const r = await row(day).set({ lease_until: leaseUntil }).where('state', '=', 'sending').where('owner', '=', owner).executeTakeFirst();
      return changed(r);
    },
    async digestSent({ owner, at, ...day }) {
      const r = await row(day)
        .set({ state: 'sent', sent_at: at, updated_at: at, lease_until: null, next_at: null, error_code: null, error: null })
        .where('state', '=', 'sending')
        .where('owner', '=', owner)
        .executeTakeFirst();
      return changed(r);
    },
    async digestFailed({ owner, at, code, message, nextAt, ...day }) {
      const r = await row(day)
        .set({ state: 'failed', updated_at: at, lease_until: null, next_at: nextAt, error_code: code, error: message })
        .where('state', '=', 'sending')
        .where('owner', '=', owner)
        .executeTakeFirst();
      return changed(r);
    },
    async digestUncertain({ owner, at, code, message, ...day }) {
      const r = await row(day)
        .set({ state: 'uncertain', updated_at: at, lease_until: null, next_at: null, error_code: code, error: message })
        .where('state', '=', 'sending')
        .where((eb) => (owner === null ? eb('owner', 'is', null) : eb('owner', '=', owner)))
        .executeTakeFirst();
      return changed(r);
    },
    async abandonedDigests(at) {
      const rows = await db
        .selectFrom('digests')
        .selectAll()
        .where('state', '=', 'sending')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at)]))
        .orderBy('date')
        .orderBy('platform')
        .orderBy('chat_id')
        .execute();
      return rows.map(deliveryRecord);
    },
    async resetDigest({ at, ...day }) {
      const r = await row(day).set({ state: 'pending', next_at: null, updated_at: at }).where('state', 'in', ['uncertain', 'failed']).executeTakeFirst();
      return changed(r);
    },
    async lastDigestDate(platform, chatId, before) {
      const r = await db
        .selectFrom('digests')
        .select('date')
        .where('platform', '=', platform)
        .where('chat_id', '=', chatId)
        .where('state', '=', 'sent')
        .where('date', '<', before)
        .orderBy('date', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r?.date;
    },
  };
}
