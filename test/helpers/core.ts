/**
 * The core wired as serve wires it (src/app.ts wireCore), over an in-memory store and the given documents.
 */
import type { Answerer } from '../../src/answer/index.js';
import { type Core, wireCore } from '../../src/app.js';
import { parseAdminIds } from '../../src/commands/index.js';
import { silentLogger } from '../../src/logger.js';
import { openStore, type Store } from '../../src/store/index.js';

export interface TestCore extends Core {
  store: Store;
  close(): Promise<void>;
}

export async function memoryCore(documents: Answerer, options: { admins?: string; fileBindings?: Record<string, string>; now?: () => Date } = {}): Promise<TestCore> {
  const store = await openStore({ dataDir: ':memory:' });
  const core = wireCore({
    store,
    documents,
    admins: parseAdminIds(options.admins),
    logger: silentLogger(),
    paceMs: 0,
    ...(options.fileBindings ? { fileBindings: options.fileBindings } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { ...core, store, close: () => store.close() };
}
