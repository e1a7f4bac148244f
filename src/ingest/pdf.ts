/**
 * .pdf → paragraphs: glyph runs with their positions (pdf.js through unpdf), running headers and page numbers
 * dropped, printed lines joined back into paragraphs (see layout.ts), font radicals mapped back to ideographs.
 */
import { YaodianError } from '../errors.js';
import { type PositionedPage, paragraphsOf } from './layout.js';
import type { Converted } from './source.js';

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

interface PdfTextItem {
  str?: string;
  transform?: number[];
  width?: number;
  height?: number;
}

interface PdfPage {
  getViewport(o: { scale: number }): { height: number };
  getTextContent(): Promise<{ items: unknown[] }>;
}

/** Read a PDF's pages as positioned runs; pages that cannot be read are counted, not fatal. */
async function readPages(buf: Uint8Array, file: string): Promise<{ pages: PositionedPage[]; total: number; failed: number }> {
  const { getDocumentProxy } = await import('unpdf');
  let pdf: { numPages: number; getPage(n: number): Promise<unknown> };
  try {
    pdf = (await getDocumentProxy(new Uint8Array(buf), { verbosity: 0 })) as unknown as typeof pdf;
  } catch (e) {
    throw new YaodianError('FILE_BINARY', `${file}：无法读取 PDF 文件，文件可能不完整（如下载中断）或已损坏；请重新获取原文件后再导入。`, { cause: e });
  }
  const pages: PositionedPage[] = [];
  let failed = 0;
  for (let n = 1; n <= pdf.numPages; n++) {
    try {
      const page = (await pdf.getPage(n)) as PdfPage;
      const height = page.getViewport({ scale: 1 }).height;
      const content = await page.getTextContent();
      const runs = (content.items as PdfTextItem[])
        .filter((it) => typeof it.str === 'string' && Array.isArray(it.transform))
        .map((it) => {
          const [a = 0, b = 0, , , e = 0, f = 0] = it.transform as number[];
          return { text: fixPdfText(it.str as string), x: e, baseline: height - f, size: Math.hypot(a, b) || it.height || 0, width: it.width ?? 0 };
        });
      pages.push({ number: n, height, runs });
    } catch {
      failed++;
    }
  }
  return { pages, total: pdf.numPages, failed };
}

export async function pdfToLines(buf: Uint8Array, file = 'document.pdf'): Promise<Converted> {
  if (Buffer.from(buf.subarray(0, 5)).toString('latin1') !== '%PDF-') throw new YaodianError('FILE_BINARY', `${file}：不是 PDF 文件。`);
  const { pages, total, failed } = await readPages(buf, file);
  const { lines, furniture } = paragraphsOf(pages);
  if (!lines.some((l) => l.text.trim())) {
    if (failed > 0) throw new YaodianError('FILE_BINARY', `${file}：无法读取 PDF 文件（${failed} 页已损坏），文件可能不完整。`);
    throw new YaodianError('FILE_EMPTY', `${file}：PDF 中没有可提取的文字（可能是扫描件图片），请先做文字识别（OCR）或导出为文本。`);
  }
  const notes = [`共 ${total} 页`];
  if (furniture) notes.push(`已去除页眉、页脚和页码 ${furniture} 处`);
  if (failed) notes.push(`${failed} 页无法读取，已跳过`);
  const warnings = failed ? [{ code: 'PAGES_SKIPPED', message: `${file}：PDF 共 ${total} 页，其中 ${failed} 页无法读取，已跳过；这些页上的条目可能缺失。` }] : [];
  return { format: 'pdf', lines, notes, warnings };
}

/** The PDF's text, one paragraph per line (kept for callers of the earlier API). */
export async function pdfToText(buf: Uint8Array, file = 'document.pdf'): Promise<string> {
  return (await pdfToLines(buf, file)).lines.map((l) => l.text).join('\n');
}
