/**
 * .ofd (GB/T 33190, the national format for official documents) → paragraphs.
 *
 * An OFD file is a zip of XML: OFD.xml names the document root, Document.xml lists the pages, and each page's
 * Content.xml holds TextObjects (Boundary in mm, Size, TextCode runs with X/Y and DeltaX advances). The runs are
 * placed on the page and read like a PDF (layout.ts): lines by baseline, running headers and page numbers dropped,
 * lines joined into paragraphs. Page templates (where converters put headers and footers) are not read.
 */
import { posix } from 'node:path';
import { YaodianError } from '../errors.js';
import { attr, decodeXml } from './xml.js';
import { type PositionedPage, type Run, paragraphsOf } from './layout.js';
import type { Converted } from './source.js';
import { openZip, type ZipArchive } from './zip.js';

const numbers = (s: string | undefined) => (s ?? '').trim().split(/\s+/).filter(Boolean).map(Number);

/** DeltaX="g 6 3.7042 1.85": `g N v` stands for N copies of v. */
export function expandDeltas(s: string | undefined): number[] {
  const t = (s ?? '').trim().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] === 'g') {
      const n = Number(t[i + 1]);
      const v = Number(t[i + 2]);
      for (let k = 0; k < n && k < 10_000; k++) out.push(v);
      i += 2;
    } else out.push(Number(t[i]));
  }
  return out.filter((x) => Number.isFinite(x));
}

function fail(file: string, why: string): never {
  throw new YaodianError('FILE_BINARY', `${file}：无法读取 OFD 文件（${why}），请重新导出后再导入。`);
}

/** A path inside the package, relative to the part that names it (OFD paths may also start at the root). */
function resolve(base: string, ref: string): string {
  const clean = ref.replace(/\\/g, '/');
  if (clean.startsWith('/')) return clean.slice(1);
  return posix.normalize(posix.join(posix.dirname(base), clean));
}

function pageRuns(xml: string): Run[] {
  const runs: Run[] = [];
  for (const obj of xml.matchAll(/<(?:ofd:)?TextObject\b([^>]*)>([\s\S]*?)<\/(?:ofd:)?TextObject>/g)) {
    const head = obj[1] as string;
    const [bx = 0, by = 0, bw = 0] = numbers(attr(head, 'Boundary'));
    const ctm = numbers(attr(head, 'CTM'));
    const scale = ctm.length === 6 ? Math.hypot(ctm[0] as number, ctm[1] as number) || 1 : 1;
    const size = Number(attr(head, 'Size') ?? '0') * scale;
    const codes = [...(obj[2] as string).matchAll(/<(?:ofd:)?TextCode\b([^>]*)>([\s\S]*?)<\/(?:ofd:)?TextCode>/g)];
    for (const [i, code] of codes.entries()) {
      const text = decodeXml((code[2] as string).replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1'));
      if (!text) continue;
      const cx = Number(attr(code[1] as string, 'X') ?? '0');
      const cy = Number(attr(code[1] as string, 'Y') ?? '0');
      const deltas = expandDeltas(attr(code[1] as string, 'DeltaX'));
      const advance = deltas.slice(0, Math.max(0, [...text].length - 1)).reduce((a, b) => a + b, 0);
      const width = codes.length === 1 && bw > 0 ? bw - cx * scale : (advance + size) * scale;
      runs.push({ text, x: bx + cx * scale, baseline: by + cy * scale, size, width: i === codes.length - 1 ? width : advance * scale });
    }
  }
  return runs;
}

/** The pages of an OFD package as positioned runs, in the order Document.xml lists them. */
export function ofdPages(zip: ZipArchive, file: string): PositionedPage[] {
  const root = zip.text('OFD.xml');
  if (!root) fail(file, '缺少 OFD.xml');
  const docRoot = /<(?:ofd:)?DocRoot>([^<]+)<\/(?:ofd:)?DocRoot>/.exec(root)?.[1]?.trim();
  if (!docRoot) fail(file, 'OFD.xml 中没有 DocRoot');
  const docPath = resolve('OFD.xml', docRoot);
  const doc = zip.text(docPath);
  if (!doc) fail(file, `缺少 ${docPath}`);
  const box = numbers(/<(?:ofd:)?PhysicalBox>([^<]+)</.exec(doc)?.[1]);
  const defaultHeight = box[3] ?? 297;
  const pages: PositionedPage[] = [];
  const refs = [...doc.matchAll(/<(?:ofd:)?Page\b([^>]*)\/?>/g)].map((m) => attr(m[1] as string, 'BaseLoc')).filter((x): x is string => Boolean(x));
  for (const [i, ref] of refs.entries()) {
    const path = resolve(docPath, ref);
    const xml = zip.text(path) ?? zip.text(posix.join(path, 'Content.xml'));
    if (xml === undefined) continue;
    const own = numbers(/<(?:ofd:)?PhysicalBox>([^<]+)</.exec(xml)?.[1]);
    pages.push({ number: i + 1, height: own[3] ?? defaultHeight, runs: pageRuns(xml) });
  }
  if (refs.length === 0) fail(file, 'Document.xml 中没有页面');
  return pages;
}

export function ofdToLines(buf: Buffer, file = 'document.ofd'): Converted {
  const zip = openZip(buf, file);
  const pages = ofdPages(zip, file);
  const { lines, furniture } = paragraphsOf(pages);
  if (!lines.some((l) => l.text.trim())) {
    throw new YaodianError('FILE_EMPTY', `${file}：OFD 中没有可提取的文字（可能是扫描件图片），请先做文字识别（OCR）或导出为文本。`);
  }
  const notes = [`共 ${pages.length} 页`];
  if (furniture) notes.push(`已去除页眉、页脚和页码 ${furniture} 处`);
  return { format: 'ofd', lines, notes };
}
