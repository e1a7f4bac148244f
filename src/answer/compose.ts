/**
 * Composing answers: citations from hits, and the short Chinese reply a chat user sees. Every line quotes the
 * plans (titles, units, deadlines as printed); nothing is made up.
 */
import type { Answer, Citation, Item, WorkPlan } from '../model.js';
import type { Hit } from './retrieve.js';
import { printedCore } from './retrieve.js';

/** 三（一） for （一）; 四、第16条 for 16. (numbered straight through, so the number alone finds it). */
export function itemRef(item: Item): string {
  const core = printedCore(item.printed);
  return /^[一二三四五六七八九十]+$/.test(core) ? `${item.section}（${core}）` : `${item.section}、第${core}条`;
}

const docName = (plan: WorkPlan) => plan.shortName || plan.title;

/** The sentence of the body that holds most of the given words (or the title), at most 90 characters. */
export function snippetOf(item: Item, words: string[]): string {
  const sentences = item.body
    .replace(/\n/g, '')
    .split(/(?<=[。；;！？])/)
    .map((s) => s.trim())
    .filter(Boolean);
  let best = item.title;
  let bestScore = 0;
  for (const s of sentences) {
    const norm = s.normalize('NFKC').toLowerCase();
    const score = words.reduce((n, w) => n + (w && norm.includes(w.toLowerCase()) ? w.length : 0), 0);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best.length > 90 ? `${best.slice(0, 89)}…` : best;
}

export function citationOf(hit: Hit, words: string[] = []): Citation {
  const { plan, item } = hit;
  return {
    file: plan.file,
    doc: docName(plan),
    docTitle: plan.title,
    item: item.id,
    printed: item.printed,
    ref: itemRef(item),
    title: item.title,
    units: item.units,
    leadUnits: item.leadUnits,
    deadlines: item.deadlines,
    snippet: snippetOf(item, words.length ? words : hit.matched),
    score: Math.round(hit.score * 1000) / 1000,
    lines: item.lines,
  };
}

/** 县府办（牵头）、县财政局 — at most six names. */
function unitsText(c: Citation): string {
  if (!c.units.length) return '未列责任单位';
  const names = c.units.map((u) => (c.leadUnits.includes(u) ? `${u}（牵头）` : u));
  return names.length > 6 ? `${names.slice(0, 6).join('、')}等${names.length}个单位` : names.join('、');
}

function deadlineText(c: Citation): string {
  return c.deadlines.length ? `时限：${c.deadlines.join('、')}` : '未列完成时限';
}

/** One line per citation: 《青田要点 2021》三（一）规范依申请公开工作 — 县府办（牵头） — 未列完成时限. */
export function citationLine(c: Citation, n: number): string {
  return `${n}. 《${c.doc}》${c.ref} ${c.title} — ${unitsText(c)} — ${deadlineText(c)}`;
}

/** The list part of a reply: up to `max` lines in full, then 另有N项. */
export function listText(citations: Citation[], max: number, more: string): string {
  const lines = citations.slice(0, max).map((c, i) => citationLine(c, i + 1));
  if (citations.length > max) lines.push(`另有${citations.length - max}项${more}`);
  return lines.join('\n');
}

export function answer(intent: string, text: string, citations: Citation[] = [], followUps: string[] = []): Answer {
  return { intent, text, citations, followUps };
}
