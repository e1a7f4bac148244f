/**
 * The digest service: the one way to get a unit's digest for a date. The scheduler, 今日摘要, `yaodian digest`
 * and GET /api/digest all call it, so they agree by construction. With a chat, that chat's last sent digest
 * decides what counts as 新增; progress and document added times come from the store.
 */
import type { LedgerService } from '../ledger/service.js';
import type { Store } from '../store/index.js';
import { documentDates } from '../store/documents.js';
import { buildDigest, type Digest } from './build.js';

export interface DigestService {
  /**
   * The digest of `unit` (as typed or stored; a user error when unknown or ambiguous) on `date` (YYYY-MM-DD),
   * for `chat` when given.
   */
  digest(unit: string, date: string, chat?: { platform: string; chatId: string }): Promise<Digest>;
}

export function createDigestService(deps: { ledger: LedgerService; store?: Pick<Store, 'documents' | 'lastDigestDate'> }): DigestService {
  const { ledger, store } = deps;
  return {
    async digest(unit, date, chat) {
      const [tasks, addedAt, lastDigestDate] = await Promise.all([
        ledger.unitTasks(unit, date),
        store ? documentDates(store) : undefined,
        chat && store ? store.lastDigestDate(chat.platform, chat.chatId, date) : undefined,
      ]);
      return buildDigest(tasks, date, { ...(addedAt ? { addedAt } : {}), ...(lastDigestDate ? { lastDigestDate } : {}) });
    },
  };
}
