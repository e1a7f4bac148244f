/**
 * The store: documents, unit bindings, chat subscriptions, progress, the digest delivery log, seen message ids, chat
 * routes and sent cards. One `Store`
 * interface whose queries are written once with Kysely: embedded SQLite (better-sqlite3) in DATA_DIR by default,
 * a shared PostgreSQL (pg) when DATABASE_URL is set, so that several bot instances can share one database.
 * Migrations are applied when a store is opened.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type Selectable, type SqliteDatabase, SqliteDialect } from 'kysely';
import type { WorkPlan } from '../model.js';
import { TurnSchema, type Turn } from '../query/followup.js';
import { createCardStore, type CardStore } from './cards.js';
import { createDeliveryStore, type DeliveryStore } from './deliveries.js';
import { lru } from '../lru.js';
import { migrate } from './migrations.js';
import { type Notifications, pgNotifications } from './notify.js';
import { createRouteStore, type RouteStore } from './routes.js';
import { createSeenStore, type SeenStore } from './seen.js';
import type { Database, ProgressTable } from './schema.js';

export type { Database } from './schema.js';
export { migrate, MIGRATIONS } from './migrations.js';
export { DELIVERY_STATES, type ChatDay, type DeliveryRecord, type DeliveryState } from './deliveries.js';
export type { CardRecord, CardState } from './cards.js';
export type { ChatRoute } from './routes.js';

export const PROGRESS_STATES = ['未开始', '进行中', '已完成'] as const;
export type ProgressStatus = (typeof PROGRESS_STATES)[number];

export interface DocumentRecord {
  file: string;
  hash: string;
  addedAt: string;
  addedBy: string | null;
}

export interface ChatRecord {
  platform: string;
  chatId: string;
  unit: string | null;
  /** HH:MM Asia/Shanghai, or null when not subscribed. */
  time: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

/** A subscribed chat: it has a unit and a digest time. */
export interface Subscription {
  platform: string;
  chatId: string;
  unit: string;
  time: string;
}

export interface ProgressRecord {
  file: string;
  item: string;
  unit: string;
  status: ProgressStatus;
  note: string | null;
  by: string | null;
  at: string;
}

export interface Store extends DeliveryStore, SeenStore, RouteStore, CardStore {
  /** Record a document version; a (file, hash) already stored keeps its first added time. Returns true when new. */
  addDocument(doc: { file: string; hash: string; plan: WorkPlan; addedBy?: string | null; addedAt?: string }): Promise<boolean>;
  documents(): Promise<DocumentRecord[]>;
  /** The stored plans, newest version of each file. */
  plans(): Promise<WorkPlan[]>;

  bindUser(platform: string, userId: string, unit: string): Promise<void>;
  unitOfUser(platform: string, userId: string): Promise<string | undefined>;

  chat(platform: string, chatId: string): Promise<ChatRecord | undefined>;
  setChatUnit(platform: string, chatId: string, unit: string, by?: string): Promise<void>;
  /** Subscribe a chat to the daily digest at `time` (HH:MM); keeps its unit. */
  subscribe(platform: string, chatId: string, time: string, by?: string): Promise<void>;
  /** Returns false when the chat was not subscribed. */
  unsubscribe(platform: string, chatId: string, by?: string): Promise<boolean>;
  subscriptions(): Promise<Subscription[]>;
  /**
   * Set a chat's unit and digest time in one write (an admin's subscription, made without going into the chat;
   * the scheduler then treats it like one made in chat).
   */
  setSubscription(platform: string, chatId: string, unit: string, time: string, by?: string): Promise<void>;
  /** Every chat with a digest time, with its unit (null: not yet bound, so not sent) and who last changed it. */
  subscribedChats(): Promise<ChatRecord[]>;

  setProgress(p: { file: string; item: string; unit: string; status: ProgressStatus; note?: string | null; by?: string | null; at?: string }): Promise<void>;
  progressOf(unit: string): Promise<ProgressRecord[]>;
  /** Every unit's progress records (the web ledger). */
  progress(): Promise<ProgressRecord[]>;

  /** The conversation's last turn (for follow-ups), if any. */
  conversation(platform: string, chatId: string, userId: string): Promise<Turn | undefined>;
  saveConversation(platform: string, chatId: string, userId: string, turn: Turn): Promise<void>;

  close(): Promise<void>;
  readonly db: Kysely<Database>;
  /** Tell other instances of a change (PostgreSQL NOTIFY); undefined on SQLite (one instance). */
  readonly notifications?: Notifications;
}

const progressRecord = (r: Selectable<ProgressTable>): ProgressRecord => ({
  file: r.file,
  item: r.item,
  unit: r.unit,
  status: r.status as ProgressStatus,
  note: r.note,
  by: r.updated_by,
  at: r.updated_at,
});

export { planHash, rememberPlanHash } from '../plan-hash.js';

export function createStore(db: Kysely<Database>, clock: () => Date = () => new Date(), notifications?: Notifications): Store {
  const now = () => clock().toISOString();
  async function upsertChat(platform: string, chatId: string, set: { unit?: string | null; digest_time?: string | null }, by?: string) {
    const at = now();
    await db
      .insertInto('chats')
      .values({ platform, chat_id: chatId, unit: set.unit ?? null, digest_time: set.digest_time ?? null, updated_at: at, updated_by: by ?? null })
      .onConflict((oc) => oc.columns(['platform', 'chat_id']).doUpdateSet({ ...set, updated_at: at, updated_by: by ?? null }))
      .execute();
  }
  // Conversation turns answered in the same moment (many chats at once) are written together, one statement per
  // hundred; each caller's write resolves once its turn is committed, and a read sees the turns still waiting.
  // A store only this instance writes (SQLite) remembers the users' units and the conversations it read or wrote:
  // every message asks for both. A shared one (PostgreSQL) remembers nothing, since another instance may have written.
  const remembered = notifications ? 0 : 10_000;
  const userUnits = lru<string | null>(remembered);
  const turns = lru<Turn | null>(remembered);
  const pendingTurns = new Map<string, { platform: string; chatId: string; userId: string; turn: Turn; at: string }>();
  const turnKey = (p: string, c: string, u: string) => `${p}\u0000${c}\u0000${u}`;
  let flushing: Promise<void> | undefined;
  const flushTurns = (): Promise<void> => {
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const batch = [...pendingTurns.values()];
      flushing = undefined;
      for (let i = 0; i < batch.length; i += 100) {
        const rows = batch.slice(i, i + 100).map((t) => ({ platform: t.platform, chat_id: t.chatId, user_id: t.userId, turn_json: JSON.stringify(t.turn), updated_at: t.at }));
        await db
          .insertInto('conversations')
          .values(rows)
          .onConflict((oc) => oc.columns(['platform', 'chat_id', 'user_id']).doUpdateSet((eb) => ({ turn_json: eb.ref('excluded.turn_json'), updated_at: eb.ref('excluded.updated_at') })))
          .execute();
      }
      // A turn set again while this batch was written stays for the next one.
      for (const t of batch) if (pendingTurns.get(turnKey(t.platform, t.chatId, t.userId)) === t) pendingTurns.delete(turnKey(t.platform, t.chatId, t.userId));
    });
    return flushing;
  };
  return {
    db,
    ...(notifications ? { notifications } : {}),
    ...createDeliveryStore(db),
    ...createSeenStore(db),
    ...createRouteStore(db),
    ...createCardStore(db),
    async addDocument({ file, hash, plan, addedBy, addedAt }) {
      const r = await db
        .insertInto('documents')
        .values({ file, hash, plan_json: JSON.stringify(plan), added_at: addedAt ?? now(), added_by: addedBy ?? null })
        .onConflict((oc) => oc.columns(['file', 'hash']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async documents() {
      const rows = await db.selectFrom('documents').select(['file', 'hash', 'added_at', 'added_by']).orderBy('added_at').orderBy('file').execute();
      return rows.map((r) => ({ file: r.file, hash: r.hash, addedAt: r.added_at, addedBy: r.added_by }));
    },
    async plans() {
      const rows = await db.selectFrom('documents').select(['file', 'plan_json', 'added_at']).orderBy('added_at').execute();
      const latest = new Map<string, string>();
      for (const r of rows) latest.set(r.file, r.plan_json);
      return [...latest.values()].map((j) => JSON.parse(j) as WorkPlan);
    },
    async bindUser(platform, userId, unit) {
      const at = now();
      userUnits.delete(`${platform}\u0000${userId}`);
      await db
        .insertInto('user_bindings')
        .values({ platform, user_id: userId, unit, updated_at: at })
        .onConflict((oc) => oc.columns(['platform', 'user_id']).doUpdateSet({ unit, updated_at: at }))
        .execute();
      // Again once written: a read begun before the write may have remembered the old unit meanwhile.
      userUnits.delete(`${platform}\u0000${userId}`);
    },
    async unitOfUser(platform, userId) {
      const k = `${platform}\u0000${userId}`;
      const known = userUnits.get(k);
      if (known !== undefined) return known ?? undefined;
      const r = await db.selectFrom('user_bindings').select('unit').where('platform', '=', platform).where('user_id', '=', userId).executeTakeFirst();
      userUnits.set(k, r?.unit ?? null);
      return r?.unit;
    },
    async chat(platform, chatId) {
      const r = await db.selectFrom('chats').selectAll().where('platform', '=', platform).where('chat_id', '=', chatId).executeTakeFirst();
      return r ? { platform: r.platform, chatId: r.chat_id, unit: r.unit, time: r.digest_time, updatedAt: r.updated_at, updatedBy: r.updated_by } : undefined;
    },
    setChatUnit: (platform, chatId, unit, by) => upsertChat(platform, chatId, { unit }, by),
    subscribe: (platform, chatId, time, by) => upsertChat(platform, chatId, { digest_time: time }, by),
    async unsubscribe(platform, chatId, by) {
      const r = await db
        .updateTable('chats')
        .set({ digest_time: null, updated_at: now(), updated_by: by ?? null })
        .where('platform', '=', platform)
        .where('chat_id', '=', chatId)
        .where('digest_time', 'is not', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    setSubscription: (platform, chatId, unit, time, by) => upsertChat(platform, chatId, { unit, digest_time: time }, by),
    async subscribedChats() {
      const rows = await db.selectFrom('chats').selectAll().where('digest_time', 'is not', null).orderBy('platform').orderBy('chat_id').execute();
      return rows.map((r) => ({ platform: r.platform, chatId: r.chat_id, unit: r.unit, time: r.digest_time, updatedAt: r.updated_at, updatedBy: r.updated_by }));
    },
    async subscriptions() {
      const rows = await db
        .selectFrom('chats')
        .select(['platform', 'chat_id', 'unit', 'digest_time'])
        .where('digest_time', 'is not', null)
        .where('unit', 'is not', null)
        .orderBy('digest_time')
        .orderBy('platform')
        .orderBy('chat_id')
        .execute();
      return rows.map((r) => ({ platform: r.platform, chatId: r.chat_id, unit: r.unit as string, time: r.digest_time as string }));
    },
    async setProgress({ file, item, unit, status, note, by, at }) {
      const when = at ?? now();
      await db
        .insertInto('progress')
        .values({ file, item, unit, status, note: note ?? null, updated_by: by ?? null, updated_at: when })
        .onConflict((oc) => oc.columns(['file', 'item', 'unit']).doUpdateSet({ status, note: note ?? null, updated_by: by ?? null, updated_at: when }))
        .execute();
    },
    async progressOf(unit) {
      const rows = await db.selectFrom('progress').selectAll().where('unit', '=', unit).orderBy('file').orderBy('item').execute();
      return rows.map(progressRecord);
    },
    async progress() {
      const rows = await db.selectFrom('progress').selectAll().orderBy('unit').orderBy('file').orderBy('item').execute();
      return rows.map(progressRecord);
    },
    async conversation(platform, chatId, userId) {
      const k = turnKey(platform, chatId, userId);
      const waiting = pendingTurns.get(k);
      if (waiting) return waiting.turn;
      const known = turns.get(k);
      if (known !== undefined) return known ?? undefined;
      const r = await db
        .selectFrom('conversations')
        .select('turn_json')
        .where('platform', '=', platform)
        .where('chat_id', '=', chatId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const parsed = r && TurnSchema.safeParse(JSON.parse(r.turn_json));
      // A turn written by another version that no longer parses is simply forgotten: the next question stands alone.
      const turn = parsed && parsed.success ? parsed.data : undefined;
      turns.set(k, turn ?? null);
      return turn;
    },
    saveConversation(platform, chatId, userId, turn) {
      const k = turnKey(platform, chatId, userId);
      pendingTurns.set(k, { platform, chatId, userId, turn, at: now() });
      turns.set(k, turn);
      return flushTurns();
    },
    async close() {
      await flushing?.catch(() => undefined);
      await db.destroy();
    },
  };
}

/** Most distinct statements kept prepared (the store's queries are a few dozen shapes). */
const MAX_PREPARED = 256;

/**
 * The database as Kysely sees it, each SQL text prepared once and reused (Kysely prepares per query; the bot runs
 * a few queries per message). Statements run one at a time: better-sqlite3 is synchronous.
 */
function preparedOnce(database: import('better-sqlite3').Database): SqliteDatabase {
  const prepared = new Map<string, import('better-sqlite3').Statement>();
  return {
    close: () => void database.close(),
    prepare(sql: string) {
      let st = prepared.get(sql);
      if (!st) {
        st = database.prepare(sql);
        if (prepared.size < MAX_PREPARED) prepared.set(sql, st);
      }
      return st as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

export interface OpenStoreOptions {
  /** Directory of the SQLite file (yaodian.sqlite); ':memory:' for an in-memory database. */
  dataDir?: string;
  /** postgres://… — use a shared PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  clock?: () => Date;
}

export const SQLITE_FILE = 'yaodian.sqlite';

/** Where the SQLite store of a data directory lives. */
export function sqlitePath(dataDir: string): string {
  return dataDir === ':memory:' ? ':memory:' : join(dataDir, SQLITE_FILE);
}

/**
 * better-sqlite3's addon where its install puts it, loaded directly: left to itself it goes through `bindings`,
 * which tries a dozen paths at every start. Not there (another layout): the package finds it.
 */
function sqliteBinding(): { nativeBinding?: string } {
  const path = createRequire(import.meta.url).resolve('better-sqlite3/package.json').replace(/package\.json$/, 'build/Release/better_sqlite3.node');
  return existsSync(path) ? { nativeBinding: path } : {};
}

/** Is there a store to read (a DATABASE_URL, or the SQLite file in DATA_DIR)? */
export function storeExists(options: OpenStoreOptions): boolean {
  return Boolean(options.databaseUrl) || (options.dataDir !== undefined && options.dataDir !== ':memory:' && existsSync(sqlitePath(options.dataDir)));
}

/** Open (and migrate) the store: PostgreSQL when databaseUrl is set, else SQLite in dataDir (default ./data). */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  let db: Kysely<Database>;
  let notifications: Notifications | undefined;
  if (options.databaseUrl) {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 5 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    notifications = pgNotifications(pg, pool, options.databaseUrl);
  } else {
    const dataDir = options.dataDir ?? './data';
    if (dataDir !== ':memory:') mkdirSync(dataDir, { recursive: true });
    const Sqlite = (await import('better-sqlite3')).default;
    const database = new Sqlite(sqlitePath(dataDir), sqliteBinding());
    // WAL with synchronous=NORMAL: a commit is durable once the WAL is synced at checkpoints, never corrupts, and
    // does not fsync every conversation turn the bot writes.
    if (dataDir !== ':memory:') {
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
    }
    database.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(database) }) });
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return createStore(db, options.clock, notifications);
}
