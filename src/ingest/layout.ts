/**
 * Positioned text (PDF glyph runs, OFD text objects) → paragraphs in reading order.
 *
 * Runs are grouped into printed lines by baseline; running headers, running footers and page numbers are dropped
 * (lines in the page margins that repeat on several pages at the same height, and page-number lines); printed
 * lines are joined back into paragraphs using the page geometry: a paragraph starts where a line is indented, a
 * line starts with an outline number, the font size changes, or the line before stopped short of the measure.
 * Coordinates are in any unit with y growing downwards.
 */
import type { SourceLine } from './source.js';

export interface Run {
  text: string;
  /** Left edge. */
  x: number;
  /** Baseline, from the top of the page. */
  baseline: number;
  /** Font size (em height). */
  size: number;
  /** Advance width of the whole run. */
  width: number;
}

export interface PositionedPage {
  /** 1-based page number. */
  number: number;
  height: number;
  runs: Run[];
}

interface Line {
  text: string;
  x: number;
  end: number;
  baseline: number;
  size: number;
  page: number;
}

/** 一、 （一） (一) 1. 1、 （1） 第一部分: a line starting with one begins a paragraph. */
const OUTLINE_MARK = /^(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]|第[一二三四五六七八九十]{1,3}部分)/;
/** — 3 —, - 3 -, 第3页, 第 3 页 共 12 页, 3/12, a bare 3. */
const PAGE_NUMBER =
  /^[-—–－_~·•\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?(?:\s*共\s*\d{1,4}\s*页)?[-—–－_~·•\s]*$/;
const CLOSES_SENTENCE = /[。！？；;：:]$/;
/** Lines of the notice and colophon that always stand alone: 抄送：…, 附件：…, （此件公开发布）. */
const LINE_OF_ITS_OWN = /^(?:抄送|抄报|主送|附件[:：]|[（(]此件)/;

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

/** The value covering the most characters (font sizes, left margins), at the given rounding. */
function weightedMode(pairs: Array<[number, number]>, step: number): number {
  const w = new Map<number, number>();
  for (const [v, n] of pairs) {
    const k = Math.round(v / step) * step;
    w.set(k, (w.get(k) ?? 0) + n);
  }
  let best = 0;
  let bestW = -1;
  for (const [k, n] of w) if (n > bestW || (n === bestW && k < best)) [best, bestW] = [k, n];
  return best;
}

/** Printed lines of one page, top to bottom, each with its runs left to right. */
function pageLines(page: PositionedPage): Line[] {
  const runs = page.runs.filter((r) => r.text.trim() && r.size > 0).sort((a, b) => a.baseline - b.baseline || a.x - b.x);
  const groups: Run[][] = [];
  for (const r of runs) {
    const g = groups.find((grp) => Math.abs((grp[0] as Run).baseline - r.baseline) < 0.4 * Math.min((grp[0] as Run).size, r.size));
    if (g) g.push(r);
    else groups.push([r]);
  }
  return groups
    .map((g) => {
      g.sort((a, b) => a.x - b.x);
      let text = '';
      let end = -Infinity;
      for (const r of g) {
        if (text && r.x - end > 0.8 * r.size) text += ' ';
        text += r.text;
        end = Math.max(end, r.x + r.width);
      }
      const size = weightedMode(g.map((r) => [r.size, r.text.length]), 0.01);
      return { text: text.trim(), x: (g[0] as Run).x, end, baseline: median(g.map((r) => r.baseline)), size, page: page.number };
    })
    .filter((l) => l.text.length > 0)
    .sort((a, b) => a.baseline - b.baseline);
}

const furnitureKey = (text: string) => text.replace(/\s+/g, '').replace(/\d+/g, '#');

/**
 * Drop running headers, footers and page numbers: lines among the first or last two of a page, in the outer fifth
 * of its height, that are a page number or repeat at the same height on another page.
 */
function dropFurniture(pages: Line[][], heights: number[]): { pages: Line[][]; dropped: number } {
  const margin = (page: Line[], i: number, h: number) => {
    const l = page[i] as Line;
    const edge = i < 2 || i >= page.length - 2;
    return edge && (l.baseline < h * 0.2 || l.baseline > h * 0.8);
  };
  const seen = new Map<string, Array<{ page: number; baseline: number; size: number }>>();
  pages.forEach((page, p) =>
    page.forEach((l, i) => {
      if (!margin(page, i, heights[p] as number)) return;
      const key = furnitureKey(l.text);
      const list = seen.get(key) ?? [];
      list.push({ page: p, baseline: l.baseline, size: l.size });
      seen.set(key, list);
    }),
  );
  let dropped = 0;
  const out = pages.map((page, p) =>
    page.filter((l, i) => {
      if (!margin(page, i, heights[p] as number)) return true;
      const same = (seen.get(furnitureKey(l.text)) ?? []).filter((o) => o.page !== p && Math.abs(o.baseline - l.baseline) < l.size);
      const furniture = PAGE_NUMBER.test(l.text) || new Set(same.map((o) => o.page)).size >= 1;
      if (furniture) dropped++;
      return !furniture;
    }),
  );
  return { pages: out, dropped };
}

export interface LaidOut {
  lines: SourceLine[];
  /** Header, footer and page-number lines dropped. */
  furniture: number;
}

/** Paragraphs of a positioned document, one per line with a blank line between, each with its first page. */
export function paragraphsOf(pages: PositionedPage[]): LaidOut {
  const { pages: kept, dropped } = dropFurniture(pages.map(pageLines), pages.map((p) => p.height));
  const all = kept.flat();
  if (all.length === 0) return { lines: [], furniture: dropped };
  const body = weightedMode(all.map((l) => [l.size, l.text.length]), 0.05);
  const bodyLines = all.filter((l) => Math.abs(l.size - body) <= 0.1 * body);
  const left = quantile(bodyLines.map((l) => l.x), 0.1);
  const right = quantile(bodyLines.map((l) => l.end), 0.9);
  const steps: number[] = [];
  for (const page of kept) {
    for (let i = 1; i < page.length; i++) {
      const [a, b] = [page[i - 1] as Line, page[i] as Line];
      if (Math.abs(a.size - body) <= 0.1 * body && Math.abs(b.size - body) <= 0.1 * body) steps.push(b.baseline - a.baseline);
    }
  }
  const pitch = median(steps.filter((s) => s > 0)) || body * 1.5;

  const startsParagraph = (prev: Line | undefined, l: Line): boolean => {
    if (!prev) return true;
    if (OUTLINE_MARK.test(l.text) || LINE_OF_ITS_OWN.test(l.text)) return true;
    if (Math.abs(l.size - prev.size) > 0.12 * Math.max(l.size, prev.size)) return true;
    const samePage = l.page === prev.page;
    const gap = samePage ? l.baseline - prev.baseline : 0;
    if (l.size > body * 1.1) {
      // Headings and titles: lines of one size continue each other unless a sentence ended or space opened up.
      return CLOSES_SENTENCE.test(prev.text) || gap > 2.2 * l.size;
    }
    if (samePage && gap > Math.max(pitch, l.size) * 1.6) return true;
    if (l.x > left + 0.6 * l.size) return true;
    return prev.end < right - 2 * l.size;
  };

  const out: SourceLine[] = [];
  let cur: { text: string; page: number } | null = null;
  let prev: Line | undefined;
  for (const l of all) {
    if (startsParagraph(prev, l)) {
      if (cur) out.push(cur, { text: '', page: cur.page });
      cur = { text: l.text, page: l.page };
    } else if (cur) {
      cur.text += l.text;
    }
    prev = l;
  }
  if (cur) out.push(cur);
  return { lines: out, furniture: dropped };
}
