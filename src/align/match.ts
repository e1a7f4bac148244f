/**
 * Which item pairs count as "the same task", from the similarity of every pair.
 *
 * - Two items that are each other's best counterpart pair when their score reaches MUTUAL_MIN.
 * - One-to-many: an item whose best counterpart is x also pairs with x when x's own best counterpart is another
 *   item, provided it carries a part of x that x's best counterpart does not (the sentences of x it matches beat
 *   what x's best counterpart matches by SPLIT_GAIN of x's text). 浙江 一.2 (权责清单 and 行政规范性文件) thus pairs
 *   with both 鹿城 一.1 (权责清单) and 一.3 (行政规范性文件), while an item that only repeats a sentence x's best
 *   counterpart already covers does not.
 * Thresholds were set on pairs of documents annotated by hand (test/align/fixtures), in a wide flat region.
 */
import type { PairFeatures, SimilarityMatrix } from './similarity.js';

/** The score of a pair (0–1): best sentence pair, sentence coverage, whole-item tf-idf, and the section titles. */
export function pairScore(f: PairFeatures): number {
  return 0.24 * f.best + 0.24 * Math.max(f.coverA, f.coverB) + 0.48 * f.tfidf + 0.04 * f.section;
}

export const MUTUAL_MIN = 0.13;
export const SPLIT_MIN = 0.15;
export const SPLIT_GAIN = 0.06;

export interface Match {
  /** Indices into the plans' items. */
  i: number;
  j: number;
  score: number;
  /** `best`: each other's best counterpart; `split`: one item's task spread over several items of the other side. */
  kind: 'best' | 'split';
}

function argmax(values: number[]): number {
  let k = 0;
  for (let x = 1; x < values.length; x++) if (values[x]! > values[k]!) k = x;
  return k;
}

/** Coverage that profile `p` adds over `base`, weighted by each sentence's share of the item. */
function gain(p: number[], base: number[], share: number[]): number {
  let g = 0;
  for (let k = 0; k < p.length; k++) g += (share[k] ?? 0) * Math.max(0, p[k]! - (base[k] ?? 0));
  return g;
}

export function matchItems(m: SimilarityMatrix): Match[] {
  const nA = m.a.length;
  const nB = m.b.length;
  if (nA === 0 || nB === 0) return [];
  const S = m.features.map((row) => row.map(pairScore));
  const bestB = S.map(argmax);
  const bestA = Array.from({ length: nB }, (_, j) => argmax(S.map((row) => row[j]!)));
  const out: Match[] = [];
  for (let i = 0; i < nA; i++) {
    for (let j = 0; j < nB; j++) {
      const score = S[i]![j]!;
      const f = m.features[i]![j]!;
      if (bestB[i] === j && bestA[j] === i) {
        if (score >= MUTUAL_MIN) out.push({ i, j, score, kind: 'best' });
        continue;
      }
      if (score < SPLIT_MIN) continue;
      let g = -1;
      if (bestA[j] === i) {
        // b's best is a, a's best is another b: does b carry a part of a that the other does not?
        g = gain(f.profileA, m.features[i]![bestB[i]!]!.profileA, m.a[i]!.share);
      } else if (bestB[i] === j) {
        g = gain(f.profileB, m.features[bestA[j]!]![j]!.profileB, m.b[j]!.share);
      }
      if (g >= SPLIT_GAIN) out.push({ i, j, score, kind: 'split' });
    }
  }
  return out;
}
