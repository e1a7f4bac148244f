/**
 * What the composition root gives adapters beyond the bot's handler: who is an admin, a sender's unit, the
 * spreadsheet of an answer, adding a document sent in chat, and the store's platform tables (chat routes, cards).
 * Every field is optional in AdapterDeps: an adapter without services still answers, without files and buttons.
 */
import type { App } from '../../src/app.js';
import type { AnswerFile, IncomingMessage, WorkPlan } from '../../src/model.js';
import type { Store } from '../../src/store/index.js';

export interface IngestedDocument {
  plan: WorkPlan;
  replaced: boolean;
  notes: string[];
}

export interface AdapterServices {
  isAdmin(platform: string, userId: string): boolean;
  /** The sender's unit: their 绑定, the UNIT_BINDINGS file, or (web, cli) the unit the message declares. */
  senderUnit(m: IncomingMessage): Promise<string | undefined>;
  /** The spreadsheet of an answer's file (导出成表格), the ledger as of `today`. */
  exportXlsx(file: AnswerFile, today: string): Promise<Buffer>;
  /** Add or replace a document (the library's put); a user error says why it could not be read. */
  ingest(name: string, bytes: Buffer): Promise<IngestedDocument>;
  store: Pick<Store, 'chatRoute' | 'setChatRoute' | 'saveCard' | 'card' | 'setCardState' | 'pruneCards' | 'firstSeen'>;
  now(): Date;
}

/** The services over a built core (serve). */
export function servicesOf(core: Pick<App, 'admins' | 'units' | 'ledger' | 'library' | 'store'>, now: () => Date = () => new Date()): AdapterServices {
  return {
    isAdmin: (platform, userId) => core.admins.isAdmin(platform, userId),
    senderUnit: (m) => core.units.senderUnit(m),
    exportXlsx: (file, today) => core.ledger.exportXlsx(file, today),
    async ingest(name, bytes) {
      const { entry, replaced } = await core.library.put(name, bytes);
      return { plan: entry.plan, replaced, notes: entry.report.notes ?? [] };
    },
    store: core.store,
    now,
  };
}
