/**
 * Sections (一、) and items (（一）, (一), 1.) from normalized lines, with page breaks rejoined.
 */

export interface RawSection {
  number: string;
  title: string;
  line: number;
}

export interface RawItem {
  section: string;
  printed: string;
  /** Body text after the printed number; paragraphs separated by \n, page breaks joined. */
  body: string;
  /** For each body offset where a source line starts, that 1-based line number. */
  lineStarts: Array<[number, number]>;
  firstLine: number;
  lastLine: number;
  /** Offsets in `body` where a new paragraph (after a blank line and a finished sentence) begins. */
  paragraphStarts: number[];
  /** The item's title when it is printed as a line of its own (（一）深化重要政府信息公开), apart from the body. */
  heading?: string;
}

export interface Structure {
  sections: RawSection[];
  items: RawItem[];
  /** 0-based index of the first section heading (or item), where the preamble ends. */
  bodyStart: number;
  /** The style the items use. */
  style: ItemStyle | null;
  /** True when the text stops in the middle of an item (no final punctuation, no colophon). */
  truncated: boolean;
  /** 0-based index where the body ends (the copy list or colophon), or the number of lines. */
  endLine: number;
}

const CN_NUM = '[一二三四五六七八九十]{1,3}';
export const SECTION_RE = new RegExp(`^(?:第(${CN_NUM})部分[、．.:：\\s]?|(${CN_NUM})[、．.])\\s*(.+)$`);
const PAREN_ITEM = new RegExp(`^([（(]\\s*(${CN_NUM})\\s*[）)])\\s*`);
const DIGIT_ITEM = /^((\d{1,2})\s*[.．、](?!\d))\s*/;
const PAREN_DIGIT_ITEM = /^([（(]\s*(\d{1,2})\s*[）)])\s*/;
const STYLES = { paren: PAREN_ITEM, digit: DIGIT_ITEM, 'paren-digit': PAREN_DIGIT_ITEM } as const;
export type ItemStyle = keyof typeof STYLES;
/** Lines that end the body: copy lists, colophon, attachments. */
const TRAILER_RE =
  /^(抄送|抄报|主送|附件[:：]|主题词|（此件|\(此件)|^\d{4}年\d{1,2}月\d{1,2}日(印发)?$|印发$|^[\u4e00-\u9fff]{2,30}(人民政府办公室|人民政府办公厅|人民政府)$/;
/**
 * Whether a line ends the body. A line ending in 印发 is the colophon (…办公室　2021年3月1日印发) only when it is no
 * sentence: a body line wrapped after 本要点印发 (…的重点工作，在本要点印发 / 后一个月内…) is not.
 */
function isTrailer(line: string): boolean {
  return TRAILER_RE.test(line) && !(/印发$/.test(line) && /[。；;，,、：:]/.test(line));
}
/** A numbered point inside an item (the level below the items): 1. 1、 （1） ①. */
const SUB_POINT = /^(\d{1,2}\s*[.．、](?!\d)|[（(]\s*\d{1,2}\s*[）)]|[①-⑳])/;
const SENTENCE_END = /[。！？!?；;）)\]】」』”"]$/;
/** A paragraph after the last item that speaks to the whole document, not to that item. */
const CLOSING = /本要点|本通知|结合实际|各.{0,12}要(切实|结合|认真|抓紧)/;

/** A section heading: its number and title, or null. */
export function isSectionHeading(line: string): { number: string; title: string } | null {
  const m = line.match(SECTION_RE);
  if (!m) return null;
  const title = m[3] as string;
  // A heading is short; a long line with a full stop inside is body text that happens to start with 一、.
  const head = title.split('。')[0] as string;
  if (head.length > 60 || head.length === 0) return null;
  return { number: (m[1] ?? m[2]) as string, title };
}

export function itemMarker(line: string, style: ItemStyle): RegExpMatchArray | null {
  return line.match(STYLES[style]);
}

export function segment(lines: string[], startAt = 0): Structure {
  let bodyStart = -1;
  for (let i = startAt; i < lines.length; i++) {
    if (isSectionHeading(lines[i] as string)) {
      bodyStart = i;
      break;
    }
  }
  const from = bodyStart >= 0 ? bodyStart : startAt;
  // The item style is that of the first numbered line after the first heading (（一） comes before 1. in
  // three-level documents, so the 1. points stay inside their items).
  let style: Structure['style'] = null;
  for (let i = from; i < lines.length && !style; i++) {
    const l = lines[i] as string;
    style = (Object.keys(STYLES) as ItemStyle[]).find((k) => STYLES[k].test(l)) ?? null;
  }
  const sections: RawSection[] = [];
  const items: RawItem[] = [];
  let cur: RawItem | null = null;
  let blankBefore = false;
  let trailerSeen = false;
  let sectionNo = '';
  let endLine = lines.length;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line) {
      blankBefore = true;
      continue;
    }
    if (isTrailer(line)) {
      trailerSeen = true;
      endLine = i;
      break;
    }
    const heading = isSectionHeading(line);
    if (heading) {
      cur = null;
      sectionNo = heading.number;
      let title = heading.title.split('。')[0] as string;
      const headingLine = i + 1;
      const wrapped = headingContinuation(lines, i, style);
      if (wrapped) {
        title += lines[wrapped] as string;
        i = wrapped;
      }
      sections.push({ number: sectionNo, title: title.replace(/[：:]$/, ''), line: headingLine });
      blankBefore = false;
      continue;
    }
    const marker = style ? itemMarker(line, style) : null;
    if (marker) {
      if (!sectionNo) {
        sectionNo = '一';
        sections.push({ number: '一', title: '', line: i + 1 });
      }
      const printed = (marker[1] as string).replace(/\s+/g, '');
      const text = line.slice(marker[0].length);
      cur = { section: sectionNo, printed, body: text, lineStarts: [[0, i + 1]], firstLine: i + 1, lastLine: i + 1, paragraphStarts: [0] };
      items.push(cur);
      blankBefore = false;
      continue;
    }
    if (cur && cur.lineStarts.length === 1 && cur.heading === undefined && isOwnTitleLine(cur, line)) {
      // （一）深化重要政府信息公开 on a line of its own, the body on the next: the line is the title.
      cur.heading = cur.body.replace(/(?<![\s\u3000])[\s\u3000]+$/, '');
      cur.body = line;
      cur.lineStarts = [[0, i + 1]];
      cur.paragraphStarts = [0];
      cur.lastLine = i + 1;
      blankBefore = false;
      continue;
    }
    if (cur) {
      // A sub-point (1. / （1）) always starts its own paragraph; otherwise a line after a blank line and a
      // finished sentence does, and anything else is the same sentence cut by a page break.
      const subPoint = SUB_POINT.test(line);
      const newParagraph = subPoint || (blankBefore && SENTENCE_END.test(cur.body));
      const sep = newParagraph ? '\n' : '';
      cur.body += sep;
      cur.lineStarts.push([cur.body.length, i + 1]);
      if (newParagraph) cur.paragraphStarts.push(cur.body.length);
      cur.body += line;
      cur.lastLine = i + 1;
    }
    blankBefore = false;
  }
  dropClosingParagraphs(items.at(-1));
  const last = items.at(-1);
  const truncated = !trailerSeen && last !== undefined && !SENTENCE_END.test(last.body.trimEnd());
  return { sections, items, bodyStart: from, style, truncated, endLine };
}

/**
 * A section heading printed over two lines (一、深入推进重点领 / 域信息公开): the index of the line that continues
 * it, or 0. The continuation is short, ends no sentence, is no number of its own, and the next line after it starts
 * an item or another section (so a section's first paragraph is never taken for the rest of its heading).
 */
function headingContinuation(lines: string[], at: number, style: ItemStyle | null): number {
  const heading = lines[at] as string;
  if (/[。；;：:！？]$/.test(heading)) return 0;
  const nextIndex = (from: number) => {
    let j = from + 1;
    while (j < lines.length && j <= from + 2 && !lines[j]) j++;
    return j < lines.length && lines[j] ? j : -1;
  };
  const j = nextIndex(at);
  if (j < 0) return 0;
  const cont = lines[j] as string;
  if (cont.length > 24 || /[。；;！？，,、]/.test(cont) || isSectionHeading(cont) || SUB_POINT.test(cont) || isTrailer(cont)) return 0;
  if (Object.values(STYLES).some((re) => re.test(cont))) return 0;
  const k = nextIndex(j);
  if (k < 0) return 0;
  const after = lines[k] as string;
  return isSectionHeading(after) || (style !== null && itemMarker(after, style) !== null) ? j : 0;
}

/**
 * Is an item's first line a title of its own? It is a phrase (no sentence punctuation, nothing left open), and the
 * next line is clearly longer (a paragraph, not the rest of a wrapped line) and does not finish a sentence.
 */
function isOwnTitleLine(item: RawItem, next: string): boolean {
  const t = item.body;
  if (t.length < 2 || t.length > 50) return false;
  if (/[。！？；;!?]/.test(t) || /[，,、：:（(“《—\-]$/.test(t)) return false;
  if (/^[。，,、；;：:）)”》」』]/.test(next) || SUB_POINT.test(next)) return false;
  // 提 / 升。进一步…: a page break inside the title sentence leaves a fragment before the next full stop.
  const firstSentence = next.search(/[。！？；;!?]/);
  if (firstSentence >= 0 && firstSentence <= 3) return false;
  return next.length > (item.printed.length + t.length) * 1.3;
}

/** After the last item, unnumbered paragraphs addressed to everyone (各部门要结合本要点…) are not part of it. */
function dropClosingParagraphs(item: RawItem | undefined): void {
  if (!item) return;
  for (const start of item.paragraphStarts.slice(1)) {
    const para = item.body.slice(start).split('\n')[0] ?? '';
    if (CLOSING.test(para)) {
      item.body = item.body.slice(0, start).replace(/\n$/, '');
      item.lineStarts = item.lineStarts.filter(([off]) => off < start);
      item.paragraphStarts = item.paragraphStarts.filter((p) => p < start);
      item.lastLine = item.lineStarts.at(-1)?.[1] ?? item.firstLine;
      // the last kept line may continue over several source lines; keep the last one that starts before the cut
      return;
    }
  }
}
