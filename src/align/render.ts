/**
 * The 对照表 as text: A's items in order, each with the items of B that carry it out (score and the sentence pair
 * that shows why), then the two lists of items without counterpart.
 */
import type { AlignedDoc, AlignedItem, Alignment } from './index.js';

const clip = (s: string, n: number) => ([...s].length > n ? `${[...s].slice(0, n).join('')}…` : s);

function itemLine(doc: AlignedDoc, it: AlignedItem | undefined, id: string): string {
  return `${doc.short} ${it?.ref ?? id} ${it?.title ?? ''}`.trimEnd();
}

export function byId(doc: AlignedDoc): Map<string, AlignedItem> {
  return new Map(doc.items.map((it) => [it.id, it]));
}

/** One line of counts: 共 16 组对应；鹿城缺项 1 条；鹿城自有 4 条. */
export function summaryLine(al: Alignment): string {
  return `共 ${al.pairs.length} 组${al.names.pairs}；${al.names.onlyA} ${al.onlyA.length} 条；${al.names.onlyB} ${al.onlyB.length} 条。`;
}

export function alignmentText(al: Alignment): string {
  const itemsA = byId(al.a);
  const itemsB = byId(al.b);
  const out: string[] = [];
  out.push(`对标：《${al.a.title}》（${al.a.short}） ↔ 《${al.b.title}》（${al.b.short}）`);
  out.push(al.relation.text);
  out.push(summaryLine(al));
  out.push('');
  out.push(`一、对照表（按${al.a.short}要点顺序）`);
  for (const it of al.a.items) {
    out.push(itemLine(al.a, it, it.id));
    const mine = al.pairs.filter((p) => p.a === it.id);
    if (mine.length === 0) out.push(`    → 无对应：${al.names.onlyA}`);
    for (const p of mine) {
      const kind = p.kind === 'split' ? '，分项对应' : '';
      out.push(`    → ${itemLine(al.b, itemsB.get(p.b), p.b)}（相似度 ${p.score.toFixed(2)}${kind}）`);
      out.push(`       依据：「${clip(p.why.a, 40)}」↔「${clip(p.why.b, 40)}」`);
    }
  }
  out.push('');
  out.push(`二、${al.names.onlyA}（${al.a.short}有、${al.b.short}无）：${al.onlyA.length ? '' : '无'}`);
  for (const id of al.onlyA) out.push(`  ${itemLine(al.a, itemsA.get(id), id)}`);
  out.push(`三、${al.names.onlyB}（${al.b.short}有、${al.a.short}无）：${al.onlyB.length ? '' : '无'}`);
  for (const id of al.onlyB) out.push(`  ${itemLine(al.b, itemsB.get(id), id)}`);
  return out.join('\n');
}

/** The contract's JSON (../shared/eval/README.md) with the extra fields. */
export function alignmentJson(al: Alignment): Record<string, unknown> {
  const itemsA = byId(al.a);
  const itemsB = byId(al.b);
  const doc = (d: AlignedDoc) => ({ file: d.file, title: d.title, short: d.short, issuer: d.issuer, year: d.year, region: d.region, level: d.level });
  return {
    a: doc(al.a),
    b: doc(al.b),
    relation: al.relation,
    names: al.names,
    pairs: al.pairs.map((p) => ({
      a: p.a,
      b: p.b,
      score: p.score,
      kind: p.kind,
      why: p.why,
      aRef: itemsA.get(p.a)?.ref,
      aTitle: itemsA.get(p.a)?.title,
      bRef: itemsB.get(p.b)?.ref,
      bTitle: itemsB.get(p.b)?.title,
    })),
    onlyA: al.onlyA,
    onlyB: al.onlyB,
    /** Every item of each side in document order (id, ref, title), for a side-by-side view. */
    items: { a: al.a.items, b: al.b.items },
  };
}
