/**
 * Build throughput against raw jieba, in one process, the two taking turns (so that a busy machine slows both
 * alike): raw jieba loads its dictionary and cuts each item's text once, then the answerer is built over the same
 * plans from nothing (its dictionary too, the unit directory, the index); repeated, the medians kept. Both sides
 * load the dictionary, which costs about a tenth of the cutting. Raw jieba cuts in one thread; a build over 8 M
 * characters (the 10,000 documents, not the 1,000) cuts in a worker thread as well, as it would in production
 * (src/search/parallel-cut.ts), so its figure is wall time on two cores.
 */
import { Jieba } from '@node-rs/jieba';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createAnswerer } from '../src/answer/index.js';
import type { WorkPlan } from '../src/model.js';
import { itemText } from './corpus.js';
import { gc, median, time } from './stats.js';

export interface ThroughputResult {
  chars: number;
  jiebaMs: number;
  buildMs: number;
  jiebaRuns: number[];
  buildRuns: number[];
}

export function runThroughput(corpus: WorkPlan[], rounds: number): ThroughputResult {
  const texts = corpus.flatMap((p) => p.items.map(itemText));
  const chars = texts.reduce((s, t) => s + t.length, 0);
  const dict = readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt'));
  const warm = Jieba.withDict(dict);
  for (const t of texts.slice(0, 200)) warm.cut(t, false);
  const jiebaRuns: number[] = [];
  const buildRuns: number[] = [];
  for (let r = 0; r < rounds; r++) {
    gc();
    jiebaRuns.push(
      time(() => {
        const jieba = Jieba.withDict(dict);
        for (const t of texts) jieba.cut(t, false);
      })[1],
    );
    gc();
    buildRuns.push(time(() => createAnswerer(corpus, { answerCache: 0 }))[1]);
  }
  return { chars, jiebaMs: median(jiebaRuns), buildMs: median(buildRuns), jiebaRuns, buildRuns };
}
