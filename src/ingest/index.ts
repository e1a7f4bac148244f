/**
 * The one loader: any document's bytes → a WorkPlan, whatever its format (.txt/.md in UTF-8 or GBK, .docx, .doc,
 * .wps, .pdf, .ofd, .html, .xlsx), and a folder of documents with a report per file. Every entry point (parse,
 * ask, chat, digest, ledger, ingest, serve, the web upload) loads through here, so a document reads the same
 * everywhere. A file that cannot be read throws a YaodianError naming the file and the problem; nothing
 * half-converted reaches the parser.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { YaodianError, isYaodianError } from '../errors.js';
import type { WorkPlan } from '../model.js';
import { NOT_DOCUMENTS, type ParseOptions, parseLines } from '../parse/index.js';
import { decodeBuffer, MAX_FILE_BYTES } from '../parse/load.js';
import { docToLines } from './doc.js';
import { docxToText, docxToTextWithMammoth } from './docx.js';
import { planHash } from '../plan-hash.js';
import { duplicateOf } from './duplicates.js';
import { type DocumentFormat, detectFormat, formatOf, INGEST_EXTENSIONS, unsupported } from './formats.js';
import { htmlToText } from './html.js';
import type { ParseIsolate } from './isolate.js';
import { ofdToLines } from './ofd.js';
import { pdfToLines } from './pdf.js';
import { rtfToText } from './rtf.js';
import { type Converted, joinLines, plainLines } from './source.js';
import { xlsxToLines } from './xlsx.js';
import { openZip } from './zip.js';

export { duplicateOf } from './duplicates.js';
export { docxToText } from './docx.js';
export { htmlToText } from './html.js';
export { fixPdfText, pdfToText } from './pdf.js';
export { type DocumentFormat, formatOf, INGEST_EXTENSIONS, READABLE_FORMATS } from './formats.js';
export { readTableHeaders, tableHeadersFrom } from './headers.js';
export { createParseIsolate, type ParseIsolate, parseLimitOf } from './isolate.js';
export type { Converted, SourceLine } from './source.js';

/**
 * A file name the loader reads: one of its endings, and not a readme, licence or hidden file (NOT_DOCUMENTS). One
 * pattern rather than extname, basename and a lookup: a folder of thousands is listed at every start.
 */
const INGESTIBLE = new RegExp(`^(?!(?:${NOT_DOCUMENTS.source})).*(?:${INGEST_EXTENSIONS.map((e) => e.replace('.', '\\.')).join('|')})$`, 'i');

export function isIngestible(file: string): boolean {
  return INGESTIBLE.test(file.includes('/') ? basename(file) : file);
}

function decodeHtml(buf: Uint8Array): string {
  const head = Buffer.from(buf.subarray(0, 2048)).toString('latin1');
  const charset = /charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
  if (charset && /^(gb2312|gbk|gb18030)$/.test(charset)) return new TextDecoder('gb18030').decode(buf);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
}

async function docx(b: Buffer, file: string): Promise<Converted> {
  if (b.length < 4 || b.readUInt32LE(0) !== 0x04034b50) {
    throw new YaodianError('FILE_BINARY', `${file}：不是 .docx 文件（旧版 .doc 请在 Word 中另存为 .docx，或直接上传 .doc）。`);
  }
  try {
    const r = docxToText(b, file);
    const notes: string[] = [];
    if (r.numbered) notes.push(`已恢复 Word 自动编号 ${r.numbered} 处`);
    if (r.tables) notes.push(`读取表格 ${r.tables} 个`);
    return { format: 'docx', lines: plainLines(r.text), notes };
  } catch (e) {
    // A zip bomb or an encrypted package is final; other damage gets a second reader, once every part of the
    // package has inflated within the limits (mammoth inflates whatever it reads without any).
    if (isYaodianError(e) && e.code === 'FILE_TOO_LARGE') throw e;
    try {
      const zip = openZip(b, file);
      for (const name of zip.names) zip.read(name);
    } catch (bounded) {
      throw isYaodianError(bounded) && bounded.code === 'FILE_TOO_LARGE' ? bounded : e;
    }
    try {
      const text = await docxToTextWithMammoth(b);
      return { format: 'docx', lines: plainLines(text), notes: ['按简化方式读取（Word 自动编号可能丢失）'] };
    } catch {
      throw e;
    }
  }
}

/** Bytes → lines with their sources, by the reader the file needs. */
export async function convertDocument(buf: Uint8Array, file: string, options: LoadOptions = {}): Promise<Converted & { encoding: string }> {
  if (buf.length === 0) throw new YaodianError('FILE_EMPTY', `${file}：文件为空，没有可读取的内容。`);
  if (buf.length > MAX_FILE_BYTES) {
    throw new YaodianError('FILE_TOO_LARGE', `${file}：文件过大（超过 ${MAX_FILE_BYTES >> 20} MB），请确认是否为工作要点文件。`);
  }
  const format = detectFormat(buf, file);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let out: Converted;
  switch (format) {
    case 'text': {
      const { text, encoding, warnings } = decodeBuffer(buf, file);
      return { format, lines: plainLines(text), notes: encoding === 'utf-8' ? [] : [`编码：${encoding}`], encoding, ...(warnings ? { warnings } : {}) };
    }
    case 'html':
      out = { format, lines: plainLines(htmlToText(decodeHtml(buf), options.tableHeaders)), notes: [] };
      break;
    case 'rtf':
      out = { format, lines: plainLines(rtfToText(b)), notes: [] };
      break;
    case 'pdf':
      out = await pdfToLines(buf, file);
      break;
    case 'ofd':
      out = ofdToLines(b, file);
      break;
    case 'xlsx':
      out = await xlsxToLines(b, file);
      break;
    case 'doc':
    case 'wps':
      out = await docToLines(b, file, format);
      break;
    case 'docx':
      out = await docx(b, file);
      break;
  }
  if (!out.lines.some((l) => l.text.trim())) throw new YaodianError('FILE_EMPTY', `${file}：文件中没有可读取的文字。`);
  return { ...out, encoding: format };
}

export interface LoadedDocument {
  plan: WorkPlan;
  format: DocumentFormat;
  /** What the reader did (numbers rebuilt, headers dropped, encoding), for reports. */
  notes: string[];
}

export interface LoadOptions extends Pick<ParseOptions, 'tableHeaders'> {
  /**
   * Load bytes (loadDocument: uploads) in this worker instead of on the event loop (see isolate.ts). Files read
   * from disk (loadFile, ingestDirectory: start-up) load in the process: nothing is served yet then, and the
   * worker's start and copies made start-up slower (samples 41 → 261 ms, 200 files 1.1 → 1.9 s on 2 cores).
   */
  isolate?: ParseIsolate | undefined;
}

/** Load one document from its bytes: the function every entry point calls. */
export async function loadDocument(bytes: Uint8Array, fileName: string, options: LoadOptions = {}): Promise<LoadedDocument> {
  const file = basename(fileName);
  if (!formatOf(file)) throw unsupported(file);
  const { isolate, ...rest } = options;
  if (isolate) return isolate.load(bytes, file, rest);
  const converted = await convertDocument(bytes, file, options);
  const plan = parseLines(converted.lines, file, {
    ...options,
    encoding: converted.encoding,
    format: converted.format,
    ...(converted.warnings ? { warnings: converted.warnings } : {}),
  });
  return { plan, format: converted.format, notes: converted.notes };
}

/** Load one document from disk. */
export async function loadFile(path: string, options: LoadOptions = {}): Promise<LoadedDocument> {
  const file = basename(path);
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new YaodianError('FILE_NOT_FOUND', `${file}：找不到文件（${path}）。`, { cause });
  }
  if (!info.isFile()) throw new YaodianError('FILE_NOT_FOUND', `${file}：不是普通文件。`);
  if (info.size > MAX_FILE_BYTES) {
    throw new YaodianError('FILE_TOO_LARGE', `${file}：文件过大（超过 ${MAX_FILE_BYTES >> 20} MB），请确认是否为工作要点文件。`);
  }
  const { isolate: _inProcess, ...inProcess } = options;
  return loadDocument(await readFile(path), file, inProcess);
}

/** Convert a non-text document to plain text, one paragraph per line (kept for callers of the earlier API). */
export async function convertToText(buf: Uint8Array, file: string): Promise<{ text: string; format: DocumentFormat; notes: string[] }> {
  const format = formatOf(file);
  if (!format || format === 'text') throw unsupported(file);
  const c = await convertDocument(buf, file);
  return { text: joinLines(c.lines), format: c.format, notes: c.notes };
}

/** Parse any supported document's bytes into a WorkPlan (the loader's plan, with the reader's notes attached). */
export async function parseDocument(buf: Uint8Array, file: string, options: LoadOptions = {}): Promise<WorkPlan & { conversionNotes?: string[] }> {
  const { plan, notes } = await loadDocument(buf, file, options);
  return notes.length ? Object.assign(plan, { conversionNotes: notes }) : plan;
}

export interface FileReport {
  file: string;
  ok: boolean;
  format: DocumentFormat | 'unknown';
  items: number;
  sections: number;
  title?: string;
  warnings: { code: string; message: string; line?: number }[];
  notes: string[];
  error?: { code: string; message: string };
  ms: number;
}

export interface IngestResult {
  plans: WorkPlan[];
  reports: FileReport[];
  errors: { file: string; code: string; message: string }[];
}

export function errorOf(file: string, e: unknown): { code: string; message: string } {
  if (isYaodianError(e)) return { code: e.code, message: e.message };
  return { code: 'INTERNAL', message: `${file}：解析时出现内部错误（${e instanceof Error ? e.message : String(e)}）。` };
}

export function reportOf(plan: WorkPlan & { conversionNotes?: string[] }, format: FileReport['format'], ms: number): FileReport {
  return {
    file: plan.file,
    ok: true,
    format: (plan.format as DocumentFormat | undefined) ?? format,
    items: plan.items.length,
    sections: plan.sections.length,
    title: plan.title,
    warnings: plan.warnings.map((w) => ({ ...w })),
    notes: plan.conversionNotes ?? [],
    ms,
  };
}

/** Parse one file on disk and report on it. */
export async function ingestFile(path: string, options: LoadOptions = {}): Promise<{ plan?: WorkPlan; report: FileReport }> {
  const file = basename(path);
  const started = Date.now();
  try {
    const { plan, format, notes } = await loadFile(path, options);
    const withNotes = notes.length ? Object.assign(plan, { conversionNotes: notes }) : plan;
    return { plan: withNotes, report: reportOf(withNotes, format, Date.now() - started) };
  } catch (e) {
    const format = formatOf(file) ?? 'unknown';
    return { report: { file, ok: false, format, items: 0, sections: 0, warnings: [], notes: [], error: errorOf(file, e), ms: Date.now() - started } };
  }
}

/** Documents of a folder, sorted by name; README and hidden files skipped. */
export async function listDocuments(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new YaodianError('FILE_NOT_FOUND', `找不到文件目录：${dir}`, { cause });
  }
  return names.filter(isIngestible).sort().map((n) => join(dir, n));
}

/**
 * Load every document of a folder; each file parses on its own and a bad one is reported, not fatal. A file with
 * the same text as an earlier one (in name order) is reported as a duplicate and left out.
 */
export async function ingestDirectory(
  dir: string,
  onFile?: (report: FileReport, index: number, total: number) => void,
  options: LoadOptions = {},
): Promise<IngestResult> {
  const paths = await listDocuments(dir);
  const plans: WorkPlan[] = [];
  const reports: FileReport[] = [];
  const errors: IngestResult['errors'] = [];
  const seen = new Map<string, string>();
  for (const [i, path] of paths.entries()) {
    let { plan, report } = await ingestFile(path, options);
    const original = plan && seen.get(planHash(plan));
    if (plan && original) {
      // The same text under another name: the first (in name order) stays.
      report = { ...report, ok: false, items: 0, sections: 0, warnings: [], error: errorOf(report.file, duplicateOf(report.file, original)) };
      plan = undefined;
    }
    if (plan) {
      plans.push(plan);
      seen.set(planHash(plan), plan.file);
    }
    if (report.error) errors.push({ file: report.file, ...report.error });
    reports.push(report);
    onFile?.(report, i, paths.length);
  }
  return { plans, reports, errors };
}
