/**
 * The restart run, in a fresh process: the core as `serve` builds it (store and snapshot in DATA_DIR, documents
 * from a folder) until it gives a first answer; then uploads of new documents one at a time, each until the new
 * index answers (parse, store, apply, record).
 */
import { readFileSync } from 'node:fs';
import { createApp } from '../src/app.js';
import { coreConfigSchema, loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { median, timeAsync } from './stats.js';

export interface RestartResult {
  documents: number;
  /** From building the core to the first answer (modules already imported). */
  firstAnswerMs: number;
  /** Documents the library took from the snapshot, and parsed. */
  fromSnapshot: number;
  parsed: number;
  /** Each upload of one new document, until the new index answers. */
  addMs: number[];
  addOneDocMs: number;
}

export async function runRestart(options: { docsDir: string; dataDir: string; question: string; uploads: string[] }): Promise<RestartResult> {
  // Modules are imported before the clock starts, the store's SQLite driver too (the store imports it only when
  // it opens, since an instance on PostgreSQL never needs it): loading code is not loading the snapshot.
  await import('better-sqlite3');
  const config = loadConfig(coreConfigSchema, { DATA_DIR: options.dataDir, LOG_LEVEL: 'silent' });
  const [app, firstAnswerMs] = await timeAsync(async () => {
    const a = await createApp({ config, logger: silentLogger(), mode: 'serve', docsDir: options.docsDir });
    a.library.answer(options.question);
    return a;
  });
  const addMs: number[] = [];
  for (const path of options.uploads) {
    const bytes = readFileSync(path);
    const name = path.slice(path.lastIndexOf('/') + 1).replace(/^synthetic/, 'upload');
    const [, ms] = await timeAsync(async () => {
      await app.library.put(name, bytes);
      app.library.answer(options.question);
    });
    addMs.push(ms);
  }
  const { fromSnapshot, parsed } = app.library.startup;
  const documents = app.library.list().length;
  await app.close();
  return { documents, firstAnswerMs, fromSnapshot, parsed, addMs, addOneDocMs: addMs.length ? median(addMs) : NaN };
}
