/**
 * Versioned migrations, kept in code (no files to ship). Names sort in order; a migration once released is never
 * edited — add the next one instead. Applied at start-up by `migrate()`; running them again is a no-op.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('documents')
        .ifNotExists()
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('plan_json', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text')
        .addPrimaryKeyConstraint('documents_pk', ['file', 'hash'])
        .execute();
      await db.schema
        .createTable('user_bindings')
        .ifNotExists()
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_bindings_pk', ['platform', 'user_id'])
        .execute();
      await db.schema
        .createTable('chats')
        .ifNotExists()
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('chat_id', 'text', (c) => c.notNull())
        .addColumn('unit', 'text')
        .addColumn('digest_time', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .addPrimaryKeyConstraint('chats_pk', ['platform', 'chat_id'])
        .execute();
      await db.schema
        .createTable('progress')
        .ifNotExists()
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('updated_by', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('progress_pk', ['file', 'item', 'unit'])
        .execute();
      await db.schema.createIndex('progress_unit').ifNotExists().on('progress').column('unit').execute();
      await db.schema
        .createTable('digests')
        .ifNotExists()
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('chat_id', 'text', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text')
        .addColumn('unit', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('digests_pk', ['platform', 'chat_id', 'date'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['digests', 'progress', 'chats', 'user_bindings', 'documents']) await db.schema.dropTable(t).ifExists().execute();
    },
  },
};

MIGRATIONS['0002_conversations'] = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('conversations')
      .ifNotExists()
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('turn_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversations_pk', ['platform', 'chat_id', 'user_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('conversations').ifExists().execute();
  },
};

MIGRATIONS['0003_platform_delivery'] = {
  async up(db: Kysely<any>) {
    // The digest send log becomes a delivery state machine: pending → sending → sent | failed, and uncertain for a
    // send cut off by a crash on a platform without an idempotency key. Rows written before keep their state.
    for (const column of ['error_code', 'error', 'next_at', 'lease_until', 'owner', 'sending_at', 'sent_at']) {
      await db.schema.alterTable('digests').addColumn(column, 'text').execute();
    }
    await db.schema.createIndex('digests_state').ifNotExists().on('digests').columns(['state', 'lease_until']).execute();
    // Message ids already answered (redeliveries after a restart are not answered twice).
    await db.schema
      .createTable('seen_messages')
      .ifNotExists()
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('seen_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('seen_messages_at').ifNotExists().on('seen_messages').column('seen_at').execute();
    // How an adapter reaches a chat it did not just hear from (DingTalk openConversationId, a WeChat room's topic).
    await db.schema
      .createTable('chat_routes')
      .ifNotExists()
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('route_json', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_routes_pk', ['platform', 'chat_id'])
      .execute();
    // Cards with buttons that were sent: the answer they show, and what was done on them, to update them in place.
    await db.schema
      .createTable('cards')
      .ifNotExists()
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('card_id', 'text', (c) => c.notNull())
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('answer_json', 'text', (c) => c.notNull())
      .addColumn('state_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cards_pk', ['platform', 'card_id'])
      .execute();
    await db.schema.createIndex('cards_created').ifNotExists().on('cards').column('created_at').execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['cards', 'chat_routes', 'seen_messages']) await db.schema.dropTable(t).ifExists().execute();
    await db.schema.dropIndex('digests_state').ifExists().execute();
    for (const column of ['error_code', 'error', 'next_at', 'lease_until', 'owner', 'sending_at', 'sent_at']) {
      await db.schema.alterTable('digests').dropColumn(column).execute();
    }
  },
};

// Documents shared by instances: uploads kept in the store, removals remembered there.
MIGRATIONS['0004_uploads'] = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('uploads')
      .ifNotExists()
      .addColumn('file', 'text', (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('content_base64', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('added_by', 'text')
      .execute();
    await db.schema
      .createTable('removed_documents')
      .ifNotExists()
      .addColumn('file', 'text', (c) => c.primaryKey())
      .addColumn('removed_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['removed_documents', 'uploads']) await db.schema.dropTable(t).ifExists().execute();
  },
};

// The documents list (start-up, every digest's 新增) read from an index: the table's rows hold each plan's JSON
// before the added time, so a sort by added time over the rows read every plan (20 MB at 1,000 documents).
MIGRATIONS['0005_documents_by_added'] = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('documents_by_added').ifNotExists().on('documents').columns(['added_at', 'file', 'hash', 'added_by']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('documents_by_added').ifExists().execute();
  },
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Apply every pending migration; throws with the failing migration's name. Returns the names applied now. */
export async function migrate(db: Kysely<any>): Promise<string[]> {
  // Every migration recorded already (the usual start): one read instead of the migrator's tables, lock and checks.
  try {
    const done = new Set((await db.selectFrom('kysely_migration').select('name').execute()).map((r) => r.name as string));
    if (Object.keys(MIGRATIONS).every((name) => done.has(name))) return [];
  } catch {
    // A new database: no migration table yet.
  }
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new Error(`store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
