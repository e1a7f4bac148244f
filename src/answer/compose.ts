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

/** Longest snippet shown under a cited title. */
const SNIPPET_MAX = 60;

/**
 * The sentence of the body that holds most of the given words (longer words count more), shortened to a window
 * around the words it holds; the title when no sentence holds any.
 */
export function snippetOf(item: Item, words: string[]): string {
  const sentences = item.body
    .replace(/\n/g, '')
    .split(/(?<=[。；;！？])/)
    .map((s) => s.trim())
    .filter(Boolean);
  const ws = [...new Set(words.map((w) => w.toLowerCase()).filter(Boolean))];
  let best = item.title;
  let bestScore = 0;
  for (const s of sentences) {
    const norm = s.normalize('NFKC').toLowerCase();
    const score = ws.reduce((n, w) => n + (norm.includes(w) ? w.length : 0), 0);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  if (best.length <= SNIPPET_MAX) return best;
  // A window around the first word found, leaving some context before it.
  const norm = best.normalize('NFKC').toLowerCase();
  const at = Math.min(...ws.map((w) => norm.indexOf(w)).filter((i) => i >= 0), best.length);
  const start = at === best.length ? 0 : Math.max(0, Math.min(at - 12, best.length - SNIPPET_MAX));
  const cut = best.slice(start, start + SNIPPET_MAX);
  return `${start > 0 ? '…' : ''}${cut}${start + SNIPPET_MAX < best.length ? '…' : ''}`;
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

/** The snippet line under a cited title, when it says more than the title: why the item matched. */
export function snippetLine(c: Citation): string | undefined {
  const s = c.snippet.replace(/[。；;]$/, '');
  if (!s || c.title.includes(s) || s === c.title) return undefined;
  return `   “${s}”`;
}

/**
 * The list part of a reply: up to `max` lines in full (with the matching sentence when `snippets`), then 另有N项;
 * numbered from `first` (a list in several groups keeps counting, so 第三条 in a follow-up is unambiguous).
 */
export function listText(citations: Citation[], max: number, more: string, snippets = false, first = 1): string {
  const lines: string[] = [];
  citations.slice(0, max).forEach((c, i) => {
    lines.push(citationLine(c, first + i));
    const s = snippets ? snippetLine(c) : undefined;
    if (s) lines.push(s);
  });
  if (citations.length > max) lines.push(`另有${citations.length - max}项${more}`);
  return lines.join('\n');
}

export function answer(intent: string, text: string, citations: Citation[] = [], followUps: string[] = []): Answer {
  return { intent, text, citations, followUps };
}

/** 县府办（牵头）、县财政局 for the units line of an item in full. */
export function unitsLine(c: Citation): string {
  return unitsText(c);
}
