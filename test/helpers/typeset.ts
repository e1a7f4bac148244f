/**
 * A small typesetter for test fixtures: lays paragraphs out on A4 pages the way printed 公文 are set (16pt body,
 * 27 characters a line, first lines indented two characters, centred titles and headings that wrap, 避头尾),
 * with a running header from page 2 and a page number on every page. Each printed line is cut into runs of 1–8
 * characters at arbitrary points, as PDF and OFD producers emit them. Units are millimetres, y grows downwards.
 */

export type BlockStyle = 'redhead' | 'center' | 'title' | 'heading' | 'body' | 'flush' | 'right' | 'pagebreak';

export interface Block {
  text: string;
  style: BlockStyle;
}

export interface PlacedRun {
  text: string;
  x: number;
  /** Baseline from the top of the page. */
  y: number;
  size: number;
  width: number;
}

export interface TypesetPage {
  number: number;
  runs: PlacedRun[];
}

export const PAGE = { width: 210, height: 297 };
const LEFT = 28;
const MEASURE = 156;
const TOP = 37;
const BOTTOM = 262;
const PT = 25.4 / 72;

const SIZES: Record<BlockStyle, number> = { pagebreak: 16 * PT, redhead: 30 * PT, title: 22 * PT, heading: 20 * PT, center: 16 * PT, body: 16 * PT, flush: 16 * PT, right: 16 * PT };
/** Headings are set in a narrow centred measure, so long ones wrap onto a second line. */
const HEADING_CHARS = 9;

const NO_LINE_START = /[，。、；：！？）》”」』,.;:!?)]/;

export function charWidth(ch: string, size: number): number {
  return /[\x20-\x7e]/.test(ch) ? size / 2 : size;
}

const textWidth = (s: string, size: number) => [...s].reduce((w, c) => w + charWidth(c, size), 0);

/** Break a paragraph into lines no wider than `measure` (the first `indent` narrower), never starting one with closing punctuation. */
function wrap(text: string, size: number, measure: number, indent: number): string[] {
  const lines: string[] = [];
  let cur = '';
  let width = indent;
  for (const ch of text) {
    const w = charWidth(ch, size);
    if (width + w > measure + 0.01 && cur) {
      if (NO_LINE_START.test(ch) && cur.length > 1) {
        // 避头尾: carry the last character down with the punctuation.
        const last = [...cur].pop() as string;
        lines.push([...cur].slice(0, -1).join(''));
        cur = last;
        width = charWidth(last, size);
      } else {
        lines.push(cur);
        cur = '';
        width = 0;
      }
    }
    cur += ch;
    width += w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** A tiny deterministic generator, so fixtures are the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function cutRuns(text: string, x: number, y: number, size: number, rand: () => number): PlacedRun[] {
  const chars = [...text];
  const runs: PlacedRun[] = [];
  let i = 0;
  let cx = x;
  while (i < chars.length) {
    const n = 1 + Math.floor(rand() * 8);
    const part = chars.slice(i, i + n).join('');
    const w = textWidth(part, size);
    runs.push({ text: part, x: cx, y, size, width: w });
    cx += w;
    i += n;
  }
  return runs;
}

export interface TypesetOptions {
  /** Running header text on pages after the first (right-aligned), e.g. the document number and title. */
  header?: string;
  seed?: number;
}

export function typeset(blocks: Block[], o: TypesetOptions = {}): TypesetPage[] {
  const rand = prng(o.seed ?? 7);
  const pages: TypesetPage[] = [];
  let page: TypesetPage = { number: 1, runs: [] };
  let y = TOP;
  const newPage = () => {
    pages.push(page);
    page = { number: page.number + 1, runs: [] };
    y = TOP;
  };
  for (const b of blocks) {
    if (b.style === 'pagebreak') {
      if (page.runs.length) newPage();
      continue;
    }
    const size = SIZES[b.style];
    const pitch = b.style === 'redhead' ? size * 1.6 : b.style === 'heading' || b.style === 'title' ? size * 1.5 : 10.2;
    const indent = b.style === 'body' ? 2 * size : 0;
    const measure = b.style === 'heading' ? HEADING_CHARS * size : MEASURE;
    const lines = wrap(b.text, size, measure, indent);
    if (b.style === 'title' || b.style === 'heading' || b.style === 'redhead') y += size * 0.6;
    lines.forEach((line, li) => {
      if (y + pitch > BOTTOM) newPage();
      y += pitch;
      const w = textWidth(line, size);
      let x = LEFT + (li === 0 ? indent : 0);
      if (b.style === 'title' || b.style === 'heading' || b.style === 'center' || b.style === 'redhead') x = LEFT + (MEASURE - w) / 2;
      if (b.style === 'right') x = LEFT + MEASURE - w - 2 * size;
      page.runs.push(...cutRuns(line, x, y, size, rand));
    });
  }
  pages.push(page);
  const small = 10.5 * PT;
  for (const p of pages) {
    const num = `— ${p.number} —`;
    const nw = textWidth(num, 14 * PT);
    const nx = p.number % 2 ? LEFT + MEASURE - nw : LEFT;
    p.runs.push({ text: num, x: nx, y: 280, size: 14 * PT, width: nw });
    if (p.number > 1 && o.header) {
      const hw = textWidth(o.header, small);
      p.runs.unshift(...cutRuns(o.header, LEFT + MEASURE - hw, 22, small, rand));
    }
  }
  return pages;
}
