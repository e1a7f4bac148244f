/**
 * The restart run, in a fresh process: open the library over a folder of documents (the way `serve` does, with
 * its DATA_DIR) and answer a first question; then upload a few new documents one at a time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocumentLibrary } from '../src/library.js';
import { silentLogger } from '../src/logger.js';
import { median, timeAsync } from './stats.js';

export interface RestartResult {
  documents: number;
  /** From opening the library to the first answer. */
  firstAnswerMs: number;
  /** Each upload of one new document, until the new index answers. */
  addMs: number[];
  addOneDocMs: number;
}

export async function runRestart(options: { docsDir: string; dataDir: string; question: string; uploads: string[] }): Promise<RestartResult> {
  const [lib, openMs] = await timeAsync(async () => {
    const l = await DocumentLibrary.open({ docsDir: options.docsDir, uploadDir: join(options.dataDir, 'documents'), logger: silentLogger() });
    l.answer(options.question);
    return l;
  });
  const addMs: number[] = [];
  for (const path of options.uploads) {
    const bytes = readFileSync(path);
    const name = path.slice(path.lastIndexOf('/') + 1).replace(/^synthetic/, 'upload');
    const [, ms] = await timeAsync(() => lib.put(name, bytes));
    addMs.push(ms);
  }
  return { documents: lib.list().length, firstAnswerMs: openMs, addMs, addOneDocMs: addMs.length ? median(addMs) : NaN };
}
