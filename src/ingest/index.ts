/**
 * Document conversion: .docx / .pdf / .html → text → WorkPlan, and loading a folder of mixed documents
 * with a report per file. Text files (.txt, .md) go through the core parser unchanged.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { YaodianError, isYaodianError } from '../errors.js';
import type { WorkPlan } from '../model.js';
import { DOCUMENT_EXTENSIONS, NOT_DOCUMENTS, parseBuffer, parseText } from '../parse/index.js';
import { MAX_FILE_BYTES } from '../parse/load.js';
import { docxToText, docxToTextWithMammoth } from './docx.js';
import { htmlToText } from './html.js';

export { docxToText } from './docx.js';
export { htmlToText } from './html.js';

export const CONVERTED_EXTENSIONS = ['.docx', '.pdf', '.html', '.htm'];
/** Every file ending `yaodian ingest`, `serve` and the upload accept. */
export const INGEST_EXTENSIONS = [...DOCUMENT_EXTENSIONS, ...CONVERTED_EXTENSIONS];

export type DocumentFormat = 'text' | 'docx' | 'pdf' | 'html';

export function formatOf(file: string): DocumentFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (DOCUMENT_EXTENSIONS.includes(ext)) return 'text';
  if (ext === '.docx') return 'docx';
  if (ext === '.pdf') return 'pdf';
  if (ext === '.html' || ext === '.htm') return 'html';
  return undefined;
}

export function isIngestible(file: string): boolean {
  return formatOf(file) !== undefined && !NOT_DOCUMENTS.test(basename(file));
}

/** CJK Radicals Supplement characters that PDF fonts map common ideographs to (NFKC leaves most of them). */
const RADICALS: Record<string, string> = {
  '⺠': '民', '⺟': '母', '⻓': '长', '⻔': '门', '⻜': '飞', '⻛': '风', '⻢': '马', '⻆': '角', '⻅': '见', '⻋': '车',
  '⻉': '贝', '⻬': '齐', '⻥': '鱼', '⻦': '鸟', '⻩': '黄', '⻚': '页', '⻄': '西', '⻘': '青', '⻝': '食', '⻣': '骨', '⻤': '鬼',
  '⻨': '麦', '⻰': '龙', '⻳': '龟', '⺁': '厂', '⺇': '几', '⺊': '卜', '⺌': '小', '⺗': '心', '⺮': '竹', '⺶': '羊', '⻊': '足',
  '⻌': '辶', '⻈': '讠', '⻑': '長', '⻧': '卤', '⻮': '齿', '⺩': '王', '⺫': '目', '⺬': '示', '⺯': '糸',
  '⺰': '纟', '⺻': '聿', '⺼': '肉', '⻁': '虎', '⻂': '衤', '⻃': '覀', '⻏': '阝', '⻖': '阝', '⻗': '雨', '⻙': '韦', '⻟': '饣',
};

/**
 * PDF text extraction often yields Kangxi radicals (⼀ U+2F00, ⼈, ⼯) and radical-supplement forms (⺠) instead of
 * the ideographs 一 人 工 民, because the embedded font maps those glyphs there. Map them back.
 */
export function fixPdfText(text: string): string {
  return text
    .replace(/[\u2f00-\u2fdf]/g, (c) => c.normalize('NFKC'))
    .replace(/[\u2e80-\u2eff]\ufe00?/g, (c) => RADICALS[c] ?? RADICALS[c[0] as string] ?? c.normalize('NFKC'));
}

export async function pdfToText(buf: Uint8Array, file = 'document.pdf'): Promise<string> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  let pages: string[];
  try {
    const pdf = await getDocumentProxy(new Uint8Array(buf));
    pages = (await extractText(pdf, { mergePages: false })).text;
  } catch (cause) {
    throw new YaodianError('FILE_BINARY', `${file}：无法读取 PDF 文件（${cause instanceof Error ? cause.message : String(cause)}）。`, { cause });
  }
  const text = fixPdfText(pages.map((p) => p.trim()).join('\n\n'));
  if (!text.trim()) {
    throw new YaodianError('FILE_EMPTY', `${file}：PDF 中没有可提取的文字（可能是扫描件图片），请先做文字识别（OCR）或导出为文本。`);
  }
  return text;
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

export interface Converted {
  text: string;
  format: DocumentFormat;
  /** Conversion notes for the report (fallbacks used, numbers rebuilt). */
  notes: string[];
}

/** Convert a non-text document to plain text (one paragraph per line). */
export async function convertToText(buf: Uint8Array, file: string): Promise<Converted> {
  const format = formatOf(file);
  if (!format || format === 'text') throw new YaodianError('BAD_ARGUMENT', `${file}：不支持的文件类型，请上传 ${INGEST_EXTENSIONS.join('、')} 文件。`);
  if (buf.length === 0) throw new YaodianError('FILE_EMPTY', `${file}：文件为空，没有可读取的内容。`);
  if (buf.length > MAX_FILE_BYTES) throw new YaodianError('FILE_TOO_LARGE', `${file}：文件过大（超过 ${MAX_FILE_BYTES >> 20} MB）。`);
  const notes: string[] = [];
  if (format === 'pdf') {
    if (Buffer.from(buf.subarray(0, 5)).toString('latin1') !== '%PDF-') throw new YaodianError('FILE_BINARY', `${file}：不是 PDF 文件。`);
    return { text: await pdfToText(buf, file), format, notes };
  }
  if (format === 'html') return { text: htmlToText(decodeHtml(buf)), format, notes };
  const b = Buffer.from(buf);
  if (b.readUInt32LE(0) !== 0x04034b50) {
    throw new YaodianError('FILE_BINARY', `${file}：不是 .docx 文件（旧版 .doc 请在 Word 中另存为 .docx）。`);
  }
  try {
    const r = docxToText(b, file);
    if (r.numbered) notes.push(`已恢复 Word 自动编号 ${r.numbered} 处`);
    return { text: r.text, format, notes };
  } catch (e) {
    try {
      const text = await docxToTextWithMammoth(b);
      notes.push('按简化方式读取（Word 自动编号可能丢失）');
      return { text, format, notes };
    } catch {
      throw e;
    }
  }
}

/** Parse any supported document's bytes into a WorkPlan. */
export async function parseDocument(buf: Uint8Array, file: string): Promise<WorkPlan & { conversionNotes?: string[] }> {
  const format = formatOf(file);
  if (!format) throw new YaodianError('BAD_ARGUMENT', `${file}：不支持的文件类型，请上传 ${INGEST_EXTENSIONS.join('、')} 文件。`);
  if (format === 'text') return parseBuffer(buf, file);
  const { text, notes } = await convertToText(buf, file);
  if (!text.trim()) throw new YaodianError('FILE_EMPTY', `${file}：文件中没有可读取的文字。`);
  const plan = parseText(text, file, { encoding: format });
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

/** Parse one file on disk and report on it. */
export async function ingestFile(path: string): Promise<{ plan?: WorkPlan; report: FileReport }> {
  const file = basename(path);
  const started = Date.now();
  const format = formatOf(file) ?? 'unknown';
  try {
    const info = await stat(path);
    if (info.size > MAX_FILE_BYTES) throw new YaodianError('FILE_TOO_LARGE', `${file}：文件过大（超过 ${MAX_FILE_BYTES >> 20} MB）。`);
    const plan = await parseDocument(await readFile(path), file);
    return { plan, report: reportOf(plan, format, Date.now() - started) };
  } catch (e) {
    return { report: { file, ok: false, format, items: 0, sections: 0, warnings: [], notes: [], error: errorOf(file, e), ms: Date.now() - started } };
  }
}

export function reportOf(plan: WorkPlan & { conversionNotes?: string[] }, format: FileReport['format'], ms: number): FileReport {
  return {
    file: plan.file,
    ok: true,
    format,
    items: plan.items.length,
    sections: plan.sections.length,
    title: plan.title,
    warnings: plan.warnings.map((w) => ({ ...w })),
    notes: plan.conversionNotes ?? [],
    ms,
  };
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

/** Load every document of a folder; each file parses on its own and a bad one is reported, not fatal. */
export async function ingestDirectory(dir: string, onFile?: (report: FileReport, index: number, total: number) => void): Promise<IngestResult> {
  const paths = await listDocuments(dir);
  const plans: WorkPlan[] = [];
  const reports: FileReport[] = [];
  const errors: IngestResult['errors'] = [];
  for (const [i, path] of paths.entries()) {
    const { plan, report } = await ingestFile(path);
    if (plan) plans.push(plan);
    if (report.error) errors.push({ file: report.file, ...report.error });
    reports.push(report);
    onFile?.(report, i, paths.length);
  }
  return { plans, reports, errors };
}
