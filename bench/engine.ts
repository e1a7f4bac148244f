/**
 * The engine run, in a fresh process: build the answerer over the corpus (tokenizer, unit directory, index), answer
 * the bench's questions one at a time (p50, p99, by intent), and the process's resident memory once it has (right
 * after, and once idle).
 */
import { createAnswerer } from '../src/answer/index.js';
import type { WorkPlan } from '../src/model.js';
import { benchQuestions, itemText } from './corpus.js';
import { percentile, rssMB, settledRssMB, time } from './stats.js';

export interface EngineResult {
  documents: number;
  items: number;
  chars: number;
  buildMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  byIntent: Record<string, { n: number; p50Ms: number; p99Ms: number }>;
  /** Resident memory right after answering, and once idle (see settledRssMB). */
  rssAfterMB: number;
  rssMB: number;
  heapMB: number;
}

export async function runEngine(corpus: WorkPlan[], questions: number): Promise<EngineResult> {
  const chars = corpus.reduce((s, p) => s + p.items.reduce((t, it) => t + itemText(it).length, 0), 0);
  // Uncached: the bench repeats its topics, and the latency measured is the engine's, not the memory's.
  const [answerer, buildMs] = time(() => createAnswerer(corpus, { answerCache: 0 }));
  const qs = benchQuestions(corpus, questions);
  for (const q of qs.slice(0, 50)) answerer.answer(q.q, q);
  const lat: number[] = [];
  const intents = new Map<string, number[]>();
  for (const q of qs) {
    const [a, t] = time(() => answerer.answer(q.q, q));
    lat.push(t);
    const list = intents.get(a.intent) ?? intents.set(a.intent, []).get(a.intent)!;
    list.push(t);
  }
  const rss = rssMB();
  const settled = (await settledRssMB()) ?? rss;
  const byIntent = Object.fromEntries([...intents].map(([k, v]) => [k, { n: v.length, p50Ms: percentile(v, 50), p99Ms: percentile(v, 99) }]));
  return {
    documents: corpus.length,
    items: corpus.reduce((s, p) => s + p.items.length, 0),
    chars,
    buildMs,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    maxMs: Math.max(...lat),
    byIntent,
    rssAfterMB: rss,
    rssMB: settled,
    heapMB: process.memoryUsage().heapUsed / 1048576,
  };
}
