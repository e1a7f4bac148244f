/**
 * Cards with buttons that were sent (Lark interactive cards, DingTalk interactive cards): the Answer each shows and
 * what has been done on it (items marked done, a progress form opened), so that a click updates the card in place.
 */
import type { Kysely } from 'kysely';
import type { Answer } from '../model.js';
import type { Database } from './schema.js';

/** What was done on a card: items marked done or given progress (`file#item` → who and what), the open form. */
export interface CardState {
  done?: Record<string, string>;
  progress?: Record<string, string>;
  /** The item whose 登记进展 form is open. */
  form?: string;
  /** Items opened with 查看详情: the detail shown under them. */
  details?: Record<string, string>;
  /** The follow-up choice taken. */
  chosen?: string;
  /** The kind of chat the card was sent to (a click is a message from that chat). */
  chatType?: 'group' | 'direct';
}

export interface CardRecord {
  platform: string;
  cardId: string;
  chatId: string;
  answer: Answer;
  state: CardState;
  createdAt: string;
}

export interface CardStore {
  saveCard(c: { platform: string; cardId: string; chatId: string; answer: Answer; state?: CardState; at: string }): Promise<void>;
  card(platform: string, cardId: string): Promise<CardRecord | undefined>;
  setCardState(platform: string, cardId: string, state: CardState, at: string): Promise<void>;
  /** Forget cards created before `before`. */
  pruneCards(before: string): Promise<number>;
}

export function createCardStore(db: Kysely<Database>): CardStore {
  return {
    async saveCard({ platform, cardId, chatId, answer, state, at }) {
      const values = { answer_json: JSON.stringify(answer), state_json: JSON.stringify(state ?? {}), updated_at: at };
      await db
        .insertInto('cards')
        .values({ platform, card_id: cardId, chat_id: chatId, created_at: at, ...values })
        .onConflict((oc) => oc.columns(['platform', 'card_id']).doUpdateSet(values))
        .execute();
    },
    async card(platform, cardId) {
      const r = await db.selectFrom('cards').selectAll().where('platform', '=', platform).where('card_id', '=', cardId).executeTakeFirst();
      if (!r) return undefined;
      try {
        return { platform, cardId, chatId: r.chat_id, answer: JSON.parse(r.answer_json) as Answer, state: JSON.parse(r.state_json) as CardState, createdAt: r.created_at };
      } catch {
        return undefined;
      }
    },
    async setCardState(platform, cardId, state, at) {
      await db.updateTable('cards').set({ state_json: JSON.stringify(state), updated_at: at }).where('platform', '=', platform).where('card_id', '=', cardId).execute();
    },
    async pruneCards(before) {
      const r = await db.deleteFrom('cards').where('created_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows ?? 0);
    },
  };
}
