/**
 * The text an alignment compares: an item cut into sentences (its assignment parentheticals removed, since the
 * units of two offices never share names), each sentence as a set of words and a set of character bigrams.
 */
import type { Item, WorkPlan } from '../model.js';
import { normalizeText, type Tokenizer } from '../search/tokenizer.js';

export interface Sentence {
  /** The sentence as printed (trimmed, final 。 dropped). */
  text: string;
  words: string[];
  grams: string[];
}

export interface ItemText {
  id: string;
  section: string;
  sentences: Sentence[];
  /** Every word and bigram of the item, deduplicated. */
  words: string[];
  grams: string[];
  /** How often each word occurs in the item. */
  counts: Map<string, number>;
}

export interface PlanText {
  items: ItemText[];
  /** Section number → section title's words. */
  sections: Map<string, string[]>;
}

/** Sentences shorter than this (in characters of text) are joined to the one before them. */
const MIN_SENTENCE = 6;
const CJK = /[\u4e00-\u9fff]/;

/** The item's body without its assignment parentheticals (责任单位：…, 县府办牵头负责, 完成时限：…). */
export function taskText(item: Item): string {
  let text = item.body;
  for (const a of item.assignments) {
    if (a.raw.length < 2) continue;
    text = text.split(a.raw).join('');
  }
  // PDF spacing goes; line breaks stay, as sentence ends for items written as lists.
  return text.replace(/[（(]\s*[)）]/g, '').replace(/[^\S\n]+/g, '');
}

/** Sentences ending in 。；！？ or a line break; short fragments join the sentence before. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/(?<=[。；;！!？?])|\n/)) {
    const s = raw.replace(/[。；;！!？?\s]+$/u, '').trim();
    if (!s) continue;
    const size = [...s].filter((c) => CJK.test(c) || /[a-z0-9]/i.test(c)).length;
    if (size < MIN_SENTENCE && out.length > 0) out[out.length - 1] += `，${s}`;
    else out.push(s);
  }
  return out;
}

/** Character bigrams inside runs of Chinese characters (never across punctuation). */
export function bigrams(text: string): string[] {
  const out = new Set<string>();
  for (const run of normalizeText(text).match(/[\u4e00-\u9fff]+/g) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) out.add(run.slice(i, i + 2));
  }
  return [...out];
}

/** Index words (jieba search mode: 政务新媒体 also gives 新媒体), years left out: 2020年底前 vs 2021年11月底. */
function tokensOf(text: string, tokenizer: Tokenizer): string[] {
  return tokenizer.tokenize(text).filter((w) => !/^(19|20)\d\d$/.test(w));
}

export function itemText(item: Item, tokenizer: Tokenizer): ItemText {
  const parts = splitSentences(taskText(item));
  if (parts.length === 0) parts.push(item.title);
  const counts = new Map<string, number>();
  const sentences = parts.map((text): Sentence => {
    const tokens = tokensOf(text, tokenizer);
    for (const w of tokens) counts.set(w, (counts.get(w) ?? 0) + 1);
    return { text, words: [...new Set(tokens)], grams: bigrams(text) };
  });
  return {
    id: item.id,
    section: item.section,
    sentences,
    words: [...new Set(sentences.flatMap((s) => s.words))],
    grams: [...new Set(sentences.flatMap((s) => s.grams))],
    counts,
  };
}

export function planText(plan: WorkPlan, tokenizer: Tokenizer): PlanText {
  return {
    items: plan.items.map((it) => itemText(it, tokenizer)),
    sections: new Map(plan.sections.map((s) => [s.number, [...new Set(tokensOf(s.title, tokenizer))]])),
  };
}
