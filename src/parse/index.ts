/**
 * The parser: a file's bytes → a WorkPlan (metadata, sections, items, assignments, deadlines).
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { YaodianError, isYaodianError } from '../errors.js';
import type { Deadline, Item, ParseWarning, WorkPlan } from '../model.js';
import { extractAssignments } from './assignments.js';
import { type DateContext, deadlineKey, findBodyDates } from './deadlines.js';
import { decodeBuffer, readDocument } from './load.js';
import { extractMetadata, workPointsTitleAt } from './metadata.js';
import { toLines } from './normalize.js';
import { type RawItem, segment } from './structure.js';

export { decodeBuffer, readDocument } from './load.js';

/** Files that sit beside documents but are none: README.md, SOURCES.md, LICENSE, CHANGELOG, hidden files. */
export const NOT_DOCUMENTS = /^(readme|sources|license|licence|changelog|notice)(\.|$)|^\./i;

/** File endings the loader reads as documents. */
export const DOCUMENT_EXTENSIONS = ['.txt', '.md', '.markdown', '.text'];

/** First sentence of an item: up to the first 。 or the first assignment, without the final 。. */
function titleOf(body: string): string {
  // 推进以下工作：\n1.… — a title that introduces sub-points ends at its colon.
  const intro = body.match(/^([^\n。]{2,80})[：:]\n/);
  if (intro) return (intro[1] as string).trim();
  const flat = body.replace(/\n/g, '');
  let end = flat.length;
  const stop = flat.search(/[。！？]/);
  if (stop >= 0) end = stop;
  const assignment = flat.search(/[（(【[](?:责任单位|牵头单位|责任部门)/);
  if (assignment >= 0 && assignment < end) end = assignment;
  return flat.slice(0, end).replace(/[；;：:，,\s]+$/, '').trim();
}

function lineFinder(raw: RawItem): (offset: number) => number {
  return (offset) => {
    let line = raw.firstLine;
    for (const [off, l] of raw.lineStarts) {
      if (off <= offset) line = l;
      else break;
    }
    return line;
  };
}

function buildItem(raw: RawItem, ordinal: number, ctx: DateContext, notes: string[], warnings: ParseWarning[]): Item {
  const found = extractAssignments(raw.body, ctx, lineFinder(raw));
  notes.push(...found.notes);
  const units: string[] = [];
  const leadUnits: string[] = [];
  const deadlineList: Deadline[] = [];
  for (const a of found.assignments) {
    for (const u of a.units) {
      if (!units.includes(u.name)) units.push(u.name);
      if (u.lead && !leadUnits.includes(u.name)) leadUnits.push(u.name);
    }
    deadlineList.push(...a.deadlines);
  }
  const id = `${raw.section}.${ordinal}`;
  if (found.fragments.length > 0) {
    warnings.push({
      code: 'DAMAGED_ASSIGNMENT',
      message: `${id}：有残缺的责任分工（只剩“时限”部分，责任单位无法识别），已保留其完成时限。`,
      line: raw.firstLine,
    });
    deadlineList.push(...found.fragments);
  }
  // Deadlines in order of first appearance in the body, deduplicated.
  const deadlines = [...new Set(deadlineList.map(deadlineKey))];
  const title = titleOf(raw.body);
  if (!title) warnings.push({ code: 'EMPTY_TITLE', message: `${id}：条目没有标题文字。`, line: raw.firstLine });
  return {
    id,
    section: raw.section,
    ordinal,
    printed: raw.printed,
    title,
    body: raw.body,
    lines: [raw.firstLine, raw.lastLine],
    assignments: found.assignments,
    units,
    leadUnits,
    deadlines,
    bodyDates: findBodyDates(found.rest, ctx),
  };
}

function shortNameOf(title: string, region: WorkPlan['region'], year: number | null): string {
  if (region) return `${region.short}${year ?? ''}要点`;
  return title.replace(/工作要点$/, '要点');
}

export interface ParseOptions {
  encoding?: string;
}

/** Parse decoded text. Throws NO_STRUCTURE when no section or item can be recognized. */
export function parseText(text: string, file: string, options: ParseOptions = {}): WorkPlan {
  const lines = toLines(text);
  if (lines.every((l) => l.length === 0)) {
    throw new YaodianError('FILE_EMPTY', `${file}：文件只有空白，没有可读取的内容。`);
  }
  // Sections start after the work points' own title when there is one (the notice before it has no sections).
  const titleAt = lines.map((_, i) => workPointsTitleAt(lines, i)).find((t) => t !== null);
  const structure = segment(lines, titleAt ? titleAt.end + 1 : 0);
  if (structure.items.length === 0) {
    throw new YaodianError(
      'NO_STRUCTURE',
      `${file}：没有识别到工作要点的条目（应有“一、”形式的部分和“（一）”或“1.”形式的条目），请确认这是一份工作要点文件。`,
    );
  }
  const meta = extractMetadata(lines, structure.bodyStart);
  const warnings: ParseWarning[] = [];
  if (!meta.title) warnings.push({ code: 'NO_TITLE', message: `${file}：没有找到工作要点的标题，已用文件名代替。` });
  if (!meta.issuedDate) warnings.push({ code: 'NO_DATE', message: `${file}：没有找到印发日期，相对期限（如“印发后一个月内”）无法换算。` });
  if (!meta.region) warnings.push({ code: 'NO_REGION', message: `${file}：没有从标题中识别出地区。` });
  if (structure.truncated) {
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
  const items = structure.items.map((raw) => {
    const n = (ordinals.get(raw.section) ?? 0) + 1;
    ordinals.set(raw.section, n);
    return buildItem(raw, n, ctx, notes, warnings);
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
    sections: structure.sections,
    items,
    notes: [...new Set(notes)],
    warnings,
    encoding: options.encoding ?? 'utf-8',
    lines,
  };
}

/** Parse raw bytes (upload or file). */
export function parseBuffer(buf: Uint8Array, file: string): WorkPlan {
  const { text, encoding } = decodeBuffer(buf, file);
  return parseText(text, file, { encoding });
}

export async function parseFile(path: string): Promise<WorkPlan> {
  const { file, text, encoding } = await readDocument(path);
  return parseText(text, file, { encoding });
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

function toLoadError(file: string, e: unknown): LoadError {
  if (isYaodianError(e)) return { file, code: e.code, message: e.message };
  const msg = e instanceof Error ? e.message : String(e);
  return { file, code: 'INTERNAL', message: `${file}：解析时出现内部错误（${msg}）。` };
}

/** Parse several files; a bad file becomes an error entry and the others still load. */
export async function loadFiles(paths: string[]): Promise<LoadResult> {
  const plans: WorkPlan[] = [];
  const errors: LoadError[] = [];
  for (const path of paths) {
    try {
      plans.push(await parseFile(path));
    } catch (e) {
      errors.push(toLoadError(basename(path), e));
    }
  }
  return { plans, errors };
}

/** Every document in a directory (sorted by name), each parsed on its own. */
export async function loadDirectory(dir: string): Promise<LoadResult> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new YaodianError('FILE_NOT_FOUND', `找不到文件目录：${dir}`, { cause });
  }
  const paths = names
    .filter((n) => DOCUMENT_EXTENSIONS.some((ext) => n.toLowerCase().endsWith(ext)) && !NOT_DOCUMENTS.test(n))
    .sort()
    .map((n) => join(dir, n));
  return loadFiles(paths);
}
