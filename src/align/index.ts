/**
 * 对标: line up the items of two 要点. An item of B carries out an item of A when they set the same task, whatever
 * the wording, numbering and order; one item may carry out several. A pure function of the two plans and a
 * tokenizer: items are compared sentence by sentence (similarity.ts), pairs are chosen by a mutual-best rule with a
 * one-to-many extension (match.ts), and the relation of the two documents (relation.ts) names the gaps.
 */
import { itemRef } from '../answer/compose.js';
import type { Item, WorkPlan } from '../model.js';
import type { Tokenizer } from '../search/tokenizer.js';
import { matchItems } from './match.js';
import { levelName, listNames, relationOf, shortOf, type Relation } from './relation.js';
import { similarity } from './similarity.js';
import { planText } from './text.js';

export { relationOf, levelOf, type Relation } from './relation.js';
export { alignmentJson, alignmentText } from './render.js';
export { alignmentToXlsx } from './xlsx.js';

export interface AlignedItem {
  id: string;
  /** 三（一）: the section and the printed number, as a reader finds it. */
  ref: string;
  title: string;
}

export interface AlignedDoc {
  file: string;
  title: string;
  /** 浙江, 鹿城: how the lists and the 对照表 name the document. */
  short: string;
  issuer: string | null;
  year: number | null;
  region: string | null;
  level: string;
  items: AlignedItem[];
}

export interface AlignedPair {
  /** Item ids of A and of B. */
  a: string;
  b: string;
  /** 0–1: how alike the two items are. */
  score: number;
  /** `best`: each other's best counterpart; `split`: one item's task spread over several items of the other side. */
  kind: 'best' | 'split';
  /** The sentence pair that shows why: the best-matching sentence of each item, and their similarity. */
  why: { a: string; b: string; score: number };
}

export interface Alignment {
  a: AlignedDoc;
  b: AlignedDoc;
  relation: Relation;
  /** Chinese names of the three lists (延续/新增/删去 across years; 缺项 against the level above). */
  names: { pairs: string; onlyA: string; onlyB: string };
  /** In A's item order, then B's. */
  pairs: AlignedPair[];
  /** Items with no counterpart on the other side (对照缺项), in document order. */
  onlyA: string[];
  onlyB: string[];
}

function alignedItem(item: Item): AlignedItem {
  return { id: item.id, ref: itemRef(item), title: item.title };
}

function alignedDoc(plan: WorkPlan, short: string): AlignedDoc {
  return {
    file: plan.file,
    title: plan.title,
    short,
    issuer: plan.issuer,
    year: plan.year,
    region: plan.region?.name ?? null,
    level: levelName(plan),
    items: plan.items.map(alignedItem),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Line up the items of plan A against plan B. */
export function alignPlans(a: WorkPlan, b: WorkPlan, tokenizer: Tokenizer): Alignment {
  const m = similarity(planText(a, tokenizer), planText(b, tokenizer));
  const matches = matchItems(m).sort((x, y) => x.i - y.i || x.j - y.j);
  const pairs = matches.map(({ i, j, score, kind }): AlignedPair => {
    const f = m.features[i]![j]!;
    const sa = m.a[i]!.sentences[f.bestA];
    const sb = m.b[j]!.sentences[f.bestB];
    return {
      a: m.a[i]!.id,
      b: m.b[j]!.id,
      score: round(score),
      kind,
      why: { a: sa?.text ?? '', b: sb?.text ?? '', score: round(f.best) },
    };
  });
  const pairedA = new Set(pairs.map((p) => p.a));
  const pairedB = new Set(pairs.map((p) => p.b));
  let [shortA, shortB] = [shortOf(a), shortOf(b)];
  if (shortA === shortB) {
    [shortA, shortB] = a.year && b.year && a.year !== b.year ? [`${shortA}${a.year}`, `${shortB}${b.year}`] : [`${shortA}（甲）`, `${shortB}（乙）`];
  }
  const relation = relationOf(a, b);
  return {
    a: alignedDoc(a, shortA),
    b: alignedDoc(b, shortB),
    relation,
    names: listNames(relation, shortA, shortB),
    pairs,
    onlyA: a.items.filter((it) => !pairedA.has(it.id)).map((it) => it.id),
    onlyB: b.items.filter((it) => !pairedB.has(it.id)).map((it) => it.id),
  };
}
