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

// 0100 onward: documents shared by instances (another engineer numbers theirs below 0100).
MIGRATIONS['0100_uploads'] = {
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

export const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Apply every pending migration; throws with the failing migration's name. Returns the names applied now. */
export async function migrate(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new Error(`store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
