/**
 * The parser: text lines → a WorkPlan (metadata, sections, items, assignments, deadlines). The lines come from any
 * reader in src/ingest (which is what every entry point calls) or, for plain text files, from the bytes here.
 * Numbered paragraphs and task tables (markdown rows, as every reader writes tables) both become items.
 */
import { basename } from 'node:path';
import { YaodianError } from '../errors.js';
import type { ParseWarning, Section, SourceLocation, WorkPlan } from '../model.js';
import type { DateContext } from './deadlines.js';
import { buildItem, buildTableItem } from './items.js';
import { decodeBuffer } from './load.js';
import { extractMetadata, workPointsTitleAt } from './metadata.js';
import { toLines } from './normalize.js';
import { type RawItem, segment } from './structure.js';
import { findPipeBlocks, flattenRow, mergeHeaders, readTaskTable, type TableHeaders, type TableItem, type TaskTable } from './table.js';

export { DEFAULT_TABLE_HEADERS, type TableHeaders, type TableRole } from './table.js';

export { decodeBuffer } from './load.js';

/** Files that sit beside documents but are none: README.md, SOURCES.md, LICENSE, CHANGELOG, hidden files. */
export const NOT_DOCUMENTS = /^(readme|sources|license|licence|changelog|notice)(\.|$)|^\./i;


function shortNameOf(title: string, region: WorkPlan['region'], year: number | null): string {
  if (region) return `${region.short}${year ?? ''}要点`;
  return title.replace(/工作要点$/, '要点');
}

/** Where a line of the text came from, besides its number (page, sheet and row), as the reader reported it. */
export type LineOrigin = Omit<SourceLocation, 'line'>;

export interface ParseOptions {
  encoding?: string;
  /** The reader that produced the text (text, docx, pdf, …), reported as the plan's format. */
  format?: string;
  /** For each line of the text (0-based), where it came from. */
  origins?: LineOrigin[];
  /** Extra header words for task-table columns (序号, 工作任务, 牵头单位, 责任单位, 完成时限 …). */
  tableHeaders?: TableHeaders;
  /** Warnings from reading the file (pages skipped), put before the parser's own. */
  warnings?: ParseWarning[];
}

interface Tables {
  /** The lines structure and metadata read: task tables blanked, other tables flattened to text. */
  view: string[];
  tables: TaskTable[];
}

function readTables(lines: string[], headers: TableHeaders | undefined): Tables {
  const view = [...lines];
  const tables: TaskTable[] = [];
  const words = mergeHeaders(headers);
  for (const block of findPipeBlocks(lines)) {
    const table = readTaskTable(block, words);
    for (let i = block.start; i <= block.end; i++) view[i] = '';
    if (table) {
      tables.push(table);
      for (const b of table.before) view[b.line] = b.text;
    } else {
      for (const row of block.rows) view[row.line] = flattenRow(row.cells);
    }
  }
  return { view, tables };
}

type Entry = { kind: 'text'; raw: RawItem; line: number } | { kind: 'table'; item: TableItem; line: number };

/** Parse decoded text. Throws NO_STRUCTURE when no section or item can be recognized. */
export function parseText(text: string, file: string, options: ParseOptions = {}): WorkPlan {
  const lines = toLines(text);
  if (lines.every((l) => l.length === 0)) {
    throw new YaodianError('FILE_EMPTY', `${file}：文件只有空白，没有可读取的内容。`);
  }
  const { view, tables: allTables } = readTables(lines, options.tableHeaders);
  // Sections start after the work points' own title when there is one (the notice before it has no sections).
  const titleAt = view.map((_, i) => workPointsTitleAt(view, i)).find((t) => t !== null);
  const structure = segment(view, titleAt ? titleAt.end + 1 : 0);
  // A task table after the body's end (an annex repeating the items) adds nothing when the text has items.
  const tables = structure.items.length > 0 ? allTables.filter((t) => t.headerLine < structure.endLine) : allTables;
  const sections: Section[] = [...structure.sections];
  const entries: Entry[] = structure.items.map((raw) => ({ kind: 'text' as const, raw, line: raw.firstLine }));
  for (const t of tables) {
    const enclosing = [...structure.sections].reverse().find((s) => s.line - 1 < t.headerLine);
    for (const s of t.sections) sections.push({ number: s.number, title: s.title, line: s.line + 1 });
    for (const item of t.items) {
      if (!item.section) {
        if (enclosing) item.section = enclosing.number;
        else {
          if (!sections.some((s) => s.number === '一')) sections.push({ number: '一', title: '', line: item.firstLine + 1 });
          item.section = '一';
        }
      }
      entries.push({ kind: 'table', item, line: item.firstLine + 1 });
    }
  }
  sections.sort((a, b) => a.line - b.line);
  entries.sort((a, b) => a.line - b.line);
  if (entries.length === 0) {
    throw new YaodianError(
      'NO_STRUCTURE',
      `${file}：没有识别到工作要点的条目（应有“一、”形式的部分和“（一）”或“1.”形式的条目，或含“工作任务”“责任单位”等列的任务表），请确认这是一份工作要点文件。`,
    );
  }
  const bodyStart = Math.min(
    structure.items.length > 0 ? structure.bodyStart : Infinity,
    ...tables.map((t) => t.headerLine),
    structure.bodyStart,
  );
  const meta = extractMetadata(view, bodyStart);
  const warnings: ParseWarning[] = [...(options.warnings ?? [])];
  if (!meta.title) warnings.push({ code: 'NO_TITLE', message: `${file}：没有找到工作要点的标题，已用文件名代替。` });
  if (!meta.issuedDate) warnings.push({ code: 'NO_DATE', message: `${file}：没有找到印发日期，相对期限（如“印发后一个月内”）无法换算。` });
  if (!meta.region) warnings.push({ code: 'NO_REGION', message: `${file}：没有从标题中识别出地区。` });
  if (structure.truncated && tables.length === 0) {
    const last = structure.items.at(-1) as RawItem;
    warnings.push({
      code: 'TRUNCATED',
      message: `${file}：文件可能不完整，最后一项（第 ${last.firstLine}–${last.lastLine} 行）在句子中间结束。`,
      line: last.lastLine,
    });
  }
  const ctx: DateContext = { year: meta.year, issuedDate: meta.issuedDate };
  const notes: string[] = [];
  const ordinals = new Map<string, number>();
  const items = entries.map((e) => {
    const section = e.kind === 'text' ? e.raw.section : e.item.section;
    const n = (ordinals.get(section) ?? 0) + 1;
    ordinals.set(section, n);
    const item = e.kind === 'text' ? buildItem(e.raw, n, ctx, notes, warnings) : buildTableItem(e.item, n, ctx, notes, warnings);
    const origin = options.origins?.[item.lines[0] - 1];
    item.source = { line: item.lines[0], ...(origin ?? {}) };
    return item;
  });
  const title = meta.title ?? basename(file).replace(/\.[^.]+$/, '');
  return {
    file,
    title,
    shortName: shortNameOf(title, meta.region, meta.year),
    issuer: meta.issuer,
    docNumber: meta.docNumber,
    issuedDate: meta.issuedDate,
    year: meta.year,
    region: meta.region,
    sections: dedupeSections(sections),
    items,
    notes: [...new Set(notes)],
    warnings,
    encoding: options.encoding ?? 'utf-8',
    format: options.format ?? 'text',
    lines,
  };
}

/** A section number printed twice (a heading and a table's section row) is one section. */
function dedupeSections(sections: Section[]): Section[] {
  const out: Section[] = [];
  for (const s of sections) {
    const prev = out.find((o) => o.number === s.number);
    if (!prev) out.push(s);
    else if (!prev.title && s.title) prev.title = s.title;
  }
  return out;
}

/** Parse lines that carry their origin (page, sheet, row), as the format readers produce them. */
export function parseLines(lines: Array<{ text: string } & LineOrigin>, file: string, options: ParseOptions = {}): WorkPlan {
  const origins = lines.map(({ text: _text, ...origin }) => origin);
  return parseText(lines.map((l) => l.text.replace(/[\r\n]+/g, ' ')).join('\n'), file, { ...options, origins });
}

/** Parse raw bytes (upload or file). */
export function parseBuffer(buf: Uint8Array, file: string): WorkPlan {
  const { text, encoding, warnings } = decodeBuffer(buf, file);
  return parseText(text, file, { encoding, ...(warnings ? { warnings } : {}) });
}

/**
 * The loaders below are kept for callers of the earlier API (tests, the bench). They go through the one loader in
 * src/ingest, imported when called (src/ingest depends on this module, not the other way round at load time).
 */
const ingest = () => import('../ingest/index.js');

export async function parseFile(path: string): Promise<WorkPlan> {
  return (await (await ingest()).loadFile(path)).plan;
}

export interface LoadError {
  file: string;
  code: string;
  message: string;
}

export interface LoadResult {
  plans: WorkPlan[];
  errors: LoadError[];
}

/** Parse several files; a bad file becomes an error entry and the others still load. */
export async function loadFiles(paths: string[]): Promise<LoadResult> {
  const { ingestFile } = await ingest();
  const plans: WorkPlan[] = [];
  const errors: LoadError[] = [];
  for (const path of paths) {
    const { plan, report } = await ingestFile(path);
    if (plan) plans.push(plan);
    if (report.error) errors.push({ file: report.file, ...report.error });
  }
  return { plans, errors };
}

/** Every document in a directory (sorted by name), each loaded on its own. */
export async function loadDirectory(dir: string): Promise<LoadResult> {
  const { plans, errors } = await (await ingest()).ingestDirectory(dir);
  return { plans, errors };
}
