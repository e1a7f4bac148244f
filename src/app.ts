/**
 * The composition root of the core: from the validated configuration, build the store, the library of
 * documents, the ledger and digest services, the unit bindings, the chat commands, the bot and the digest
 * scheduler — once, in one place. `yaodian serve` (adapters/serve.ts) adds the HTTP server and the platform
 * adapters around it; `yaodian digest | ledger | chat` use it read-only.
 */
import { resolve } from 'node:path';
import { createBindings, readBindingsFile, type UnitBindings } from './bindings.js';
import { type Conversations, createBot, memoryConversations, type Bot, type SeenMessages } from './bot.js';
import { type Admins, createCommands, parseAdminIds, type Commands } from './commands/index.js';
import type { CoreConfig } from './config.js';
import { createDeduper } from './dedupe.js';
import { createScheduler, type DigestSender, type Scheduler } from './digest/schedule.js';
import { createDigestService, type DigestService } from './digest/service.js';
import { createProgressReporter } from './ledger/progress.js';
import { createLedgerService, type LedgerService } from './ledger/service.js';
import { createParseIsolate, readTableHeaders } from './ingest/index.js';
import { bundledSamplesDir, type Catalog, DocumentLibrary } from './library.js';
import type { Logger } from './logger.js';
import type { AnswerEngine, Turn } from './model.js';
import { recordChanged, syncDocuments, uploadStore } from './store/documents.js';
import { openStore, storeExists, type Store } from './store/index.js';
import { storedSeenSet } from './store/seen.js';

/** The snapshot of the documents' plans and index, in DATA_DIR. */
export const SNAPSHOT_FILE = 'index.snapshot';

export interface AppOptions {
  config: CoreConfig;
  logger: Logger;
  /** Folder of documents; default config.DOCS_DIR; neither (and no uploads): the bundled samples. */
  docsDir?: string;
  /**
   * serve: uploads kept in DATA_DIR/documents, the store in DATA_DIR or DATABASE_URL (created and migrated), each
   * loaded document recorded for the digest's 新增.
   * read: no uploads; the store when one exists (never created, documents not recorded), else an empty one in
   * memory that lasts as long as the process.
   */
  mode: 'serve' | 'read';
  /** Clock, for tests. */
  now?: () => Date;
}

/** The services over a store and a set of documents, wired once. */
export interface Core {
  /** ADMIN_IDS: who may use the admin commands, send documents in chat, and resend pushes. */
  admins: Admins;
  units: UnitBindings;
  ledger: LedgerService;
  digests: DigestService;
  commands: Commands;
  bot: Bot;
  scheduler: Scheduler;
  /** The platforms the scheduler sends digests through; the serve entry adds each adapter it starts. */
  senders: Map<string, DigestSender>;
}

export interface CoreDeps {
  store: Store;
  /** The documents: their plans and unit directory, and the engine that answers questions over them. */
  documents: Catalog & AnswerEngine;
  admins: Admins;
  /** The UNIT_BINDINGS file, `platform:userId` → unit. */
  fileBindings?: Record<string, string>;
  logger: Logger;
  /** Pause between two scheduled digest sends (DIGEST_PACE_MS). */
  paceMs?: number;
  /** How long a digest send's claim lasts without renewal before another instance may settle it (DIGEST_LEASE_SECONDS). */
  leaseMs?: number;
  /** How long a conversation's last question counts for follow-ups (FOLLOW_UP_MINUTES). */
  followUpMinutes?: number;
  /** The command line: conversations stay in memory (the store, if any, is read, never written). */
  readOnly?: boolean;
  now?: () => Date;
}

/**
 * Where the bot catches redeliveries: a chat platform's message ids in the store, so its retry after a restart is
 * not answered twice; the web page's and the console's ids (made here, never redelivered) in memory.
 */
function seenMessages(store: Store, now?: () => Date): SeenMessages {
  const stored = storedSeenSet(store, now);
  const local = createDeduper();
  return { first: (key) => (/^(web|cli):/.test(key) ? local.first(key) : stored.first(key)) };
}

/** Wire the bindings, the ledger and digest services, the commands, the bot and the scheduler. */
export function wireCore(deps: CoreDeps): Core {
  const { store, documents, logger } = deps;
  const units = createBindings(store, deps.fileBindings);
  const ledger = createLedgerService({ catalog: documents, store });
  const digests = createDigestService({ ledger, store });
  const commands = createCommands({ store, catalog: documents, engine: documents, units, digests, ledger, admins: deps.admins, logger });
  // Serving: conversations in the store, so a restart keeps them (see store.conversation for what it remembers).
  // The command line reads a store it never writes.
  const conversations: Conversations = deps.readOnly
    ? memoryConversations()
    : { get: (p, c, u) => store.conversation(p, c, u), set: (p, c, u, t) => store.saveConversation(p, c, u, t) };
  const reporter = createProgressReporter({ ledger, digests });
  const bot = createBot({
    engine: documents,
    reporter,
    logger,
    units,
    commands,
    conversations,
    ...(deps.readOnly ? {} : { seen: seenMessages(store, deps.now) }),
    ...(deps.followUpMinutes !== undefined ? { followUpTtlMs: deps.followUpMinutes * 60_000 } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const senders = new Map<string, DigestSender>();
  const scheduler = createScheduler({
    store,
    digests,
    adapters: senders,
    logger,
    ...(deps.paceMs !== undefined ? { paceMs: deps.paceMs } : {}),
    ...(deps.leaseMs !== undefined ? { delivery: { leaseMs: deps.leaseMs } } : {}),
    ...(deps.now ? { clock: deps.now } : {}),
  });
  return { admins: deps.admins, units, ledger, digests, commands, bot, scheduler, senders };
}

export interface App extends Core {
  config: CoreConfig;
  logger: Logger;
  store: Store;
  library: DocumentLibrary;
  close(): Promise<void>;
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, logger, mode } = options;
  const clock = options.now ? { now: options.now } : {};
  const storeAt = { dataDir: config.DATA_DIR, ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}) };
  const admins = parseAdminIds(config.ADMIN_IDS);
  const fileBindings = readBindingsFile(config.UNIT_BINDINGS);
  const store = mode === 'serve' || storeExists(storeAt) ? await openStore(storeAt) : await openStore({ dataDir: ':memory:' });
  // serve parses documents (start-up and uploads) in a worker, off the event loop, within memory and time limits.
  const isolate = mode === 'serve' ? createParseIsolate({ logger }) : undefined;
  try {
    const docsDir = options.docsDir ?? config.DOCS_DIR;
    const samplesDir = bundledSamplesDir();
    const library = await DocumentLibrary.open({
      // serve: uploads shared through the store, a snapshot of plans and index in DATA_DIR for fast restarts.
      ...(mode === 'serve'
        ? { uploadDir: resolve(config.DATA_DIR, 'documents'), store: uploadStore(store, clock), snapshotPath: resolve(config.DATA_DIR, SNAPSHOT_FILE) }
        : {}),
      ...(docsDir ? { docsDir: resolve(docsDir) } : {}),
      ...(samplesDir ? { samplesDir } : {}),
      answerer: {
        ...(config.USER_DICT ? { userDictPath: config.USER_DICT } : {}),
        ...(config.UNIT_ALIASES ? { aliasPath: config.UNIT_ALIASES } : {}),
        ...(config.THESAURUS ? { thesaurusPath: config.THESAURUS } : {}),
      },
      load: { ...(config.TABLE_HEADERS ? { tableHeaders: await readTableHeaders(config.TABLE_HEADERS) } : {}), ...(isolate ? { isolate } : {}) },
      logger,
      // Only the document a change brought is recorded (an upload is not worth reading every recorded version).
      onChange: async (_plans, { added }) => {
        await recordChanged(store, added, { by: 'upload', ...clock });
      },
    });
    if (mode === 'serve') {
      const added = await syncDocuments(store, library.plans(), { by: 'docs', ...clock });
      if (added.length) logger.info({ count: added.length, files: added.slice(0, 20) }, 'documents recorded in the store');
      if (!admins.size) logger.warn('ADMIN_IDS is empty: nobody can use 本群绑定/订阅/取消订阅');
    }
    const core = wireCore({
      store,
      documents: library,
      admins,
      fileBindings,
      logger,
      paceMs: config.DIGEST_PACE_MS,
      leaseMs: config.DIGEST_LEASE_SECONDS * 1000,
      followUpMinutes: config.FOLLOW_UP_MINUTES,
      readOnly: mode === 'read',
      ...(options.now ? { now: options.now } : {}),
    });
    return {
      ...core,
      config,
      logger,
      store,
      library,
      async close() {
        core.scheduler.stop();
        await library.close();
        await isolate?.close();
        await store.close();
      },
    };
  } catch (e) {
    await isolate?.close();
    await store.close();
    throw e;
  }
}
