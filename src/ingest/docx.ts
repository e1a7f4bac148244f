/**
 * .docx → text, one paragraph per line, keeping Word's automatic list numbering.
 *
 * Word stores 一、 / （一） / 1. of auto-numbered paragraphs in numbering.xml, not in the text runs, and mammoth's
 * raw text drops them. So the package is read here: document.xml paragraphs (numPr or a numbered paragraph style),
 * numbering.xml levels (start, numFmt, lvlText, overrides) and styles.xml, and each paragraph's label is rebuilt
 * with per-list counters. mammoth is the fallback when the package cannot be read this way.
 */
import { YaodianError } from '../errors.js';
import { formatNumber, type Numbering, readNumbering, readStyleNumbering } from './word-numbering.js';
import { attr, decodeXml, val } from './xml.js';
import { openZip } from './zip.js';

/** Text of one paragraph's runs: w:t, tabs and breaks; field codes and deleted text skipped. */
function paragraphText(xml: string): string {
  let out = '';
  for (const m of xml.matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>|<w:(tab|br|cr)(?:\s[^>]*)?\/>/g)) {
    if (m[1] !== undefined) out += decodeXml(m[1]);
    else if (m[2] === 'tab') out += '\t';
    else out += '\n';
  }
  return out;
}

export interface DocxText {
  text: string;
  /** Paragraphs whose automatic number was rebuilt. */
  numbered: number;
  /** Tables written out as markdown rows. */
  tables: number;
}

interface Context {
  numbering: Numbering;
  styleNums: Map<string, { numId: string; ilvl: number }>;
  counters: Map<string, number[]>;
  numbered: number;
}

const BOLD_ON = /<w:b(?:\s+w:val="(?:1|true|on)")?\s*\/>/;

/**
 * The length of a bold run-in heading at the start of a paragraph (**深化重要政府信息公开**建立完善…): bold text
 * that ends no sentence, followed by plain text. 0 when there is none.
 */
function runInHeading(runsXml: string): number {
  let bold = '';
  for (const r of runsXml.matchAll(/<w:r(?:\s[^>]*)?>([\s\S]*?)<\/w:r>/g)) {
    const body = r[1] as string;
    const text = paragraphText(body);
    if (!text.trim()) {
      bold += text;
      continue;
    }
    const rPr = /<w:rPr>([\s\S]*?)<\/w:rPr>/.exec(body)?.[1] ?? '';
    if (!BOLD_ON.test(rPr)) break;
    bold += text;
  }
  const head = bold.trim();
  return head.length >= 2 && !/[。！？；;：:，,、（(“《—\-]$/.test(head) ? bold.length : 0;
}

/** One paragraph's text with its automatic number (if any) put back in front, a bold run-in title on a line of its own. */
function paragraph(p: string, ctx: Context): string {
  const pPr = /<w:pPr>([\s\S]*?)<\/w:pPr>/.exec(p)?.[1] ?? '';
  const runs = (pPr ? p.replace(/<w:pPr>[\s\S]*?<\/w:pPr>/, '') : p).replace(/<w:del\s[\s\S]*?<\/w:del>/g, '').replace(/<w:instrText[\s\S]*?<\/w:instrText>/g, '');
  let text = paragraphText(runs);
  const heading = runInHeading(runs);
  if (heading > 0 && heading < text.length && text.slice(heading).trim()) text = `${text.slice(0, heading).trimEnd()}\n${text.slice(heading).trimStart()}`;
  let numId: string | undefined;
  let ilvl = 0;
  const numPr = /<w:numPr>([\s\S]*?)<\/w:numPr>/.exec(pPr)?.[1];
  const styleId = val(pPr, 'pStyle');
  const fromStyle = styleId ? ctx.styleNums.get(styleId) : undefined;
  if (numPr) {
    numId = val(numPr, 'numId') ?? fromStyle?.numId;
    ilvl = Number(val(numPr, 'ilvl') ?? fromStyle?.ilvl ?? 0);
  } else if (fromStyle) {
    numId = fromStyle.numId;
    ilvl = fromStyle.ilvl;
  }
  const def = numId && numId !== '0' ? ctx.numbering.nums.get(numId) : undefined;
  const levels = def ? ctx.numbering.abstracts.get(def.abstractId) : undefined;
  const level = levels?.get(ilvl);
  if (def && levels && level && numId && text.trim()) {
    const startOf = (l: number) => def.overrides.get(l) ?? levels.get(l)?.start ?? 1;
    let c = ctx.counters.get(numId);
    if (!c) {
      c = [];
      ctx.counters.set(numId, c);
    }
    c[ilvl] = c[ilvl] === undefined ? startOf(ilvl) : (c[ilvl] as number) + 1;
    c.length = ilvl + 1; // deeper levels restart
    if (level.fmt !== 'bullet') {
      const label = level.text.replace(/%(\d)/g, (_, d: string) => {
        const l = Number(d) - 1;
        const n = c[l] ?? startOf(l);
        const f = l === ilvl ? level.fmt : (levels.get(l)?.fmt ?? 'decimal');
        return formatNumber(n, f);
      });
      if (label) {
        text = label + text.replace(/^\s+/, '');
        ctx.numbered++;
      }
    }
  }
  return text;
}

/** Top-level children of an element's inner XML that are paragraphs or tables, in document order. */
function blocks(xml: string): Array<{ kind: 'p' | 'tbl'; xml: string }> {
  const out: Array<{ kind: 'p' | 'tbl'; xml: string }> = [];
  const re = /<w:(p|tbl)(?=[\s>/])[^>]*?(\/?)>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const kind = m[1] as 'p' | 'tbl';
    if (m[2] === '/') {
      out.push({ kind, xml: '' });
      continue;
    }
    const end = closing(xml, kind, re.lastIndex);
    out.push({ kind, xml: xml.slice(re.lastIndex, end) });
    re.lastIndex = end;
  }
  return out;
}

/** Index of the `</w:NAME>` that closes an element whose content starts at `from` (same-name nesting balanced). */
function closing(xml: string, name: string, from: number): number {
  const re = new RegExp(`<(/?)w:${name}(?=[\\s>/])[^>]*?(/?)>`, 'g');
  re.lastIndex = from;
  let depth = 1;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[1]) depth--;
    else if (!m[2]) depth++;
    if (depth === 0) return m.index;
  }
  return xml.length;
}

/** Children of `xml` named `w:NAME` at the top level (rows of a table, cells of a row). */
function children(xml: string, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<w:${name}(?=[\\s>/])[^>]*?(/?)>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[1]) {
      out.push('');
      continue;
    }
    const end = closing(xml, name, re.lastIndex);
    out.push(xml.slice(re.lastIndex, end));
    re.lastIndex = end;
  }
  return out;
}

/** A table cell's text: its paragraphs (and nested tables' text) joined on one line. */
function cellText(xml: string, ctx: Context): string {
  const parts: string[] = [];
  for (const b of blocks(xml)) {
    if (b.kind === 'p') parts.push(paragraph(b.xml, ctx).replace(/\n/g, ' '));
    else for (const row of tableRows(b.xml, ctx)) parts.push(row.join(' '));
  }
  return parts.map((s) => s.trim()).filter(Boolean).join(' ');
}

/**
 * Rows of a table as cell texts on the table grid: a cell spanning columns (gridSpan) is followed by empty cells,
 * a vertically merged cell (vMerge) repeats the text of the cell that starts the merge.
 */
function tableRows(xml: string, ctx: Context): string[][] {
  const rows: string[][] = [];
  const above: string[] = [];
  for (const tr of children(xml, 'tr')) {
    const row: string[] = [];
    for (const tc of children(tr, 'tc')) {
      const tcPr = /<w:tcPr>([\s\S]*?)<\/w:tcPr>/.exec(tc)?.[1] ?? '';
      const span = Math.max(1, Number(val(tcPr, 'gridSpan') ?? '1') || 1);
      const vMerge = /<w:vMerge(?:\s[^>]*)?\/?>/.exec(tcPr)?.[0];
      const continues = vMerge !== undefined && attr(vMerge, 'w:val') !== 'restart';
      const col = row.length;
      const text = continues ? (above[col] ?? '') : cellText(tc, ctx);
      row.push(text);
      above[col] = text;
      for (let i = 1; i < span; i++) {
        row.push('');
        above[col + i] = '';
      }
    }
    rows.push(row);
  }
  return rows;
}

/** A table as markdown rows (header, rule, body), the form the parser reads tables in. */
export function markdownTable(rows: string[][]): string[] {
  const width = Math.max(0, ...rows.map((r) => r.length));
  if (width === 0) return [];
  const cell = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '｜').trim();
  const line = (r: string[]) => `| ${Array.from({ length: width }, (_, i) => cell(r[i] ?? '')).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head as string[]), `|${' --- |'.repeat(width)}`, ...body.map(line)];
}

/** Convert a .docx package to text (one line per paragraph, automatic numbers put back in front, tables as rows). */
export function docxToText(buf: Buffer, file = 'document.docx'): DocxText {
  const zip = openZip(buf, file);
  const doc = zip.text('word/document.xml');
  if (!doc) throw new YaodianError('FILE_BINARY', `${file}：不是 Word 文档（缺少 word/document.xml）。`);
  const ctx: Context = {
    numbering: readNumbering(zip.text('word/numbering.xml')),
    styleNums: readStyleNumbering(zip.text('word/styles.xml')),
    counters: new Map(),
    numbered: 0,
  };
  const lines: string[] = [];
  let tables = 0;
  const body = /<w:body>([\s\S]*)<\/w:body>/.exec(doc)?.[1] ?? doc;
  for (const b of blocks(body)) {
    if (b.kind === 'p') {
      lines.push(...paragraph(b.xml, ctx).split('\n'));
      continue;
    }
    const rows = tableRows(b.xml, ctx).filter((r) => r.some((c) => c.trim()));
    if (rows.length === 0) continue;
    tables++;
    lines.push('', ...markdownTable(rows), '');
  }
  return { text: lines.join('\n'), numbered: ctx.numbered, tables };
}

/** mammoth's raw text, for packages the reader above cannot handle (automatic numbers may be missing). */
export async function docxToTextWithMammoth(buf: Buffer): Promise<string> {
  const mammoth = (await import('mammoth')).default;
  const result = await mammoth.extractRawText({ buffer: buf });
  return result.value.replace(/\n\n/g, '\n');
}
