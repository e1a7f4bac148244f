/**
 * How alike two items are. Words and character bigrams are weighted by their inverse document frequency over the
 * items of both plans (a word every item uses, 公开, weighs nothing; a word two items share, 权责清单, weighs most).
 * Two sentences compare by the weighted overlap (cosine) of their words, with bigrams as the backstop for rewording
 * and for words jieba cuts differently. Two items compare by their best sentence pair, by how much of each item the
 * other covers sentence by sentence, by the tf-idf cosine of their whole text, and weakly by their section titles.
 */
import type { ItemText, PlanText, Sentence } from './text.js';

/** A sentence as weighted term ids, sorted, for fast intersection. */
interface Bag {
  ids: Int32Array;
  weights: Float64Array;
  mass: number;
}

interface SentenceVec {
  text: string;
  words: Bag;
  grams: Bag;
}

export interface ItemVec {
  id: string;
  section: string;
  sentences: SentenceVec[];
  /** Share of the item's weight each sentence holds. */
  share: number[];
  /** tf-idf vector of the whole item, unit length. */
  tfidf: Map<number, number>;
}

export interface PairFeatures {
  /** Similarity of the best-matching sentence pair. */
  best: number;
  /** Index of that pair's sentence in a and in b. */
  bestA: number;
  bestB: number;
  /** How much of a's text some sentence of b matches (weighted by sentence weight), and the reverse. */
  coverA: number;
  coverB: number;
  /** tf-idf cosine of the two items' whole text. */
  tfidf: number;
  /** Similarity of the titles of the sections the items stand in. */
  section: number;
  /** For each sentence of a, its best similarity to a sentence of b; and the same for each sentence of b. */
  profileA: number[];
  profileB: number[];
}

export interface SimilarityMatrix {
  a: ItemVec[];
  b: ItemVec[];
  /** features[i][j] compares a's item i with b's item j. */
  features: PairFeatures[][];
}

class Vocabulary {
  private readonly ids = new Map<string, number>();
  private df: number[] = [];

  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(term, id);
      this.df.push(0);
    }
    return id;
  }

  /** Count each term once per item. */
  count(terms: Iterable<string>): void {
    for (const t of new Set(terms)) this.df[this.id(t)]! += 1;
  }

  /** ln(N / df): 0 for a term in every item, highest for a term in one or two. */
  idf(n: number): Float64Array {
    return Float64Array.from(this.df, (df) => Math.max(0, Math.log(n / Math.max(df, 1))));
  }
}

function bag(terms: string[], vocab: Vocabulary, idf: Float64Array): Bag {
  const ids = Int32Array.from(new Set(terms.map((t) => vocab.id(t)))).sort();
  const weights = Float64Array.from(ids, (id) => idf[id] ?? 0);
  let mass = 0;
  for (const w of weights) mass += w;
  return { ids, weights, mass };
}

/** Weighted set cosine: the weight of the shared terms over the geometric mean of the two weights. */
export function overlap(x: Bag, y: Bag): number {
  if (x.mass === 0 || y.mass === 0) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < x.ids.length && j < y.ids.length) {
    const a = x.ids[i]!;
    const b = y.ids[j]!;
    if (a === b) {
      shared += x.weights[i]!;
      i++;
      j++;
    } else if (a < b) i++;
    else j++;
  }
  return shared / Math.sqrt(x.mass * y.mass);
}

/** Word similarity of two sentences, with bigrams as a backstop weighted a little lower. */
export const GRAM_WEIGHT = 0.85;

function vectorize(items: ItemText[], words: Vocabulary, grams: Vocabulary, wIdf: Float64Array, gIdf: Float64Array): ItemVec[] {
  return items.map((it) => {
    const sentences = it.sentences.map((s: Sentence) => ({ text: s.text, words: bag(s.words, words, wIdf), grams: bag(s.grams, grams, gIdf) }));
    const total = sentences.reduce((n, s) => n + s.words.mass, 0) || 1;
    return {
      id: it.id,
      section: it.section,
      sentences,
      share: sentences.map((s) => s.words.mass / total),
      tfidf: tfidfOf(it.counts, words, wIdf),
    };
  });
}

function tfidfOf(counts: Map<string, number>, vocab: Vocabulary, idf: Float64Array): Map<number, number> {
  const v = new Map<number, number>();
  let norm = 0;
  for (const [w, n] of counts) {
    const id = vocab.id(w);
    const x = (1 + Math.log(n)) * (idf[id] ?? 0);
    if (x > 0) v.set(id, x);
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [k, x] of v) v.set(k, x / norm);
  return v;
}

function cosine(x: Map<number, number>, y: Map<number, number>): number {
  let s = 0;
  for (const [k, v] of x) s += v * (y.get(k) ?? 0);
  return s;
}

/**
 * Similarity of every sentence of a with every sentence of b, through an inverted index over b's sentences (terms
 * of weight 0, those in every item, are skipped): rows are a's sentences in order, columns b's.
 */
function sentenceMatrix(xs: SentenceVec[], ys: SentenceVec[]): Float64Array[] {
  const rows = xs.map(() => new Float64Array(ys.length));
  const kinds: [(s: SentenceVec) => Bag, number][] = [
    [(s) => s.words, 1],
    [(s) => s.grams, GRAM_WEIGHT],
  ];
  for (const [pick, factor] of kinds) {
    const postings = new Map<number, number[]>();
    ys.forEach((y, j) => {
      const bag = pick(y);
      bag.ids.forEach((id, k) => {
        if (bag.weights[k]! <= 0) return;
        const list = postings.get(id);
        if (list) list.push(j);
        else postings.set(id, [j]);
      });
    });
    const shared = new Float64Array(ys.length);
    xs.forEach((x, i) => {
      const bag = pick(x);
      if (bag.mass === 0) return;
      shared.fill(0);
      bag.ids.forEach((id, k) => {
        const w = bag.weights[k]!;
        if (w > 0) for (const j of postings.get(id) ?? []) shared[j]! += w;
      });
      const row = rows[i]!;
      for (let j = 0; j < ys.length; j++) {
        if (shared[j] === 0) continue;
        const v = (factor * shared[j]!) / Math.sqrt(bag.mass * pick(ys[j]!).mass);
        if (v > row[j]!) row[j] = v;
      }
    });
  }
  return rows;
}

/** Compare every item of a with every item of b. */
export function similarity(a: PlanText, b: PlanText): SimilarityMatrix {
  const words = new Vocabulary();
  const grams = new Vocabulary();
  for (const it of [...a.items, ...b.items]) {
    words.count(it.words);
    grams.count(it.grams);
  }
  const n = a.items.length + b.items.length;
  const wIdf = words.idf(n);
  const gIdf = grams.idf(n);
  const va = vectorize(a.items, words, grams, wIdf, gIdf);
  const vb = vectorize(b.items, words, grams, wIdf, gIdf);
  const secA = new Map([...a.sections].map(([k, v]) => [k, bag(v, words, wIdf)]));
  const secB = new Map([...b.sections].map(([k, v]) => [k, bag(v, words, wIdf)]));

  // All sentences of each side in one list; start[k] is the first sentence of item k.
  const starts = (items: ItemVec[]) => {
    const start: number[] = [];
    let at = 0;
    for (const it of items) {
      start.push(at);
      at += it.sentences.length;
    }
    return start;
  };
  const startA = starts(va);
  const startB = starts(vb);
  const sims = sentenceMatrix(
    va.flatMap((it) => it.sentences),
    vb.flatMap((it) => it.sentences),
  );

  const features = va.map((x, xi) =>
    vb.map((y, yi) => {
      let best = 0;
      let bestA = 0;
      let bestB = 0;
      const rowMax = new Array<number>(x.sentences.length).fill(0);
      const colMax = new Array<number>(y.sentences.length).fill(0);
      for (let i = 0; i < x.sentences.length; i++) {
        const row = sims[startA[xi]! + i]!;
        for (let j = 0; j < y.sentences.length; j++) {
          const v = row[startB[yi]! + j]!;
          if (v > best) [best, bestA, bestB] = [v, i, j];
          if (v > rowMax[i]!) rowMax[i] = v;
          if (v > colMax[j]!) colMax[j] = v;
        }
      }
      const coverA = rowMax.reduce((s, v, i) => s + v * x.share[i]!, 0);
      const coverB = colMax.reduce((s, v, j) => s + v * y.share[j]!, 0);
      const sa = secA.get(x.section);
      const sb = secB.get(y.section);
      const section = sa && sb ? overlap(sa, sb) : 0;
      return { best, bestA, bestB, coverA, coverB, tfidf: cosine(x.tfidf, y.tfidf), section, profileA: rowMax, profileB: colMax };
    }),
  );
  return { a: va, b: vb, features };
}
