/**
 * Wiring for `serve`: open the store, record the loaded documents, and build the store-backed bindings, the chat
 * commands and the scheduler. serve then passes `bindings` and `commands` to createBot and calls
 * `scheduler.start()` once the adapters are started, and `close()` on shutdown.
 */
import type { UnitBindings } from '../bindings.js';
import { createCommands, parseAdminIds, type Commands } from '../commands/index.js';
import type { CoreConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { AnswerEngine, WorkPlan } from '../model.js';
import { storeBindings, syncDocuments, type AsyncUnitBindings } from '../store/bindings.js';
import { openStore, type Store } from '../store/index.js';
import type { UnitDirectory } from '../units/directory.js';
import { createLedgerService, type LedgerService } from '../ledger/service.js';
import { createScheduler, type DigestSender, type Scheduler } from './schedule.js';
import { createDigestService, type DigestService } from './service.js';

export interface DigestServices {
  store: Store;
  bindings: AsyncUnitBindings;
  commands: Commands;
  ledger: LedgerService;
  digests: DigestService;
  scheduler: Scheduler;
  close(): Promise<void>;
}

export async function createDigestServices(deps: {
  engine: AnswerEngine & { plans(): WorkPlan[]; readonly directory: UnitDirectory };
  adapters: ReadonlyMap<string, DigestSender>;
  logger: Logger;
  fileBindings?: UnitBindings;
  config: CoreConfig;
  clock?: () => Date;
}): Promise<DigestServices> {
  const { config } = deps;
  const admins = parseAdminIds(config.ADMIN_IDS);
  const store = await openStore({ dataDir: config.DATA_DIR, ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}) });
  const added = await syncDocuments(store, deps.engine.plans(), { by: 'docs', ...(deps.clock ? { now: deps.clock } : {}) });
  if (added.length) deps.logger.info({ files: added }, 'documents recorded in the store');
  if (!admins.size) deps.logger.warn('ADMIN_IDS is empty: nobody can use 本群绑定/订阅/取消订阅');
  const ledger = createLedgerService({ catalog: deps.engine, store });
  const digests = createDigestService({ ledger, store });
  const scheduler = createScheduler({ store, digests, adapters: deps.adapters, logger: deps.logger, paceMs: config.DIGEST_PACE_MS, ...(deps.clock ? { clock: deps.clock } : {}) });
  const commands = createCommands({ store, engine: deps.engine, admins, digests, ledger, logger: deps.logger, ...(deps.fileBindings ? { fallbackBindings: deps.fileBindings } : {}), ...(deps.clock ? { now: deps.clock } : {}) });
  return {
    store,
    bindings: storeBindings(store, deps.fileBindings),
    commands,
    ledger,
    digests,
    scheduler,
    async close() {
      scheduler.stop();
      await store.close();
    },
  };
}
