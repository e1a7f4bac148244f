/**
 * Which reader a file needs: by its name first, then by its bytes (a .doc that is really a web page or a .docx,
 * a .wps that is a Word package), so that a mislabelled file is still read by the right reader.
 */
import { extname } from 'node:path';
import { YaodianError } from '../errors.js';
import { openZip } from './zip.js';

export type DocumentFormat = 'text' | 'docx' | 'doc' | 'wps' | 'pdf' | 'html' | 'ofd' | 'xlsx' | 'rtf';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  '.txt': 'text',
  '.md': 'text',
  '.markdown': 'text',
  '.text': 'text',
  '.docx': 'docx',
  '.doc': 'doc',
  '.wps': 'wps',
  '.pdf': 'pdf',
  '.ofd': 'ofd',
  '.html': 'html',
  '.htm': 'html',
  '.xlsx': 'xlsx',
  '.rtf': 'rtf',
};

/** Every file ending the loader reads. */
export const INGEST_EXTENSIONS = Object.keys(BY_EXTENSION);

/** The endings as users read them in messages: .txt、.md、.docx、… */
export const READABLE_FORMATS = '.txt、.md、.docx、.doc、.wps、.pdf、.ofd、.html、.xlsx';

/** The format a file name announces, or undefined when the loader reads no such files. */
export function formatOf(file: string): DocumentFormat | undefined {
  return BY_EXTENSION[extname(file).toLowerCase()];
}

export function unsupported(file: string): YaodianError {
  const ext = extname(file).toLowerCase();
  const hint =
    ext === '.xls' || ext === '.et'
      ? '旧版 Excel 表格请另存为 .xlsx；'
      : ext === '.ppt' || ext === '.pptx'
        ? '演示文稿请导出为 PDF；'
        : ext === '.zip' || ext === '.rar' || ext === '.7z'
          ? '压缩包请先解压；'
          : '';
  return new YaodianError('BAD_ARGUMENT', `${file}：不支持的文件类型${ext ? `（${ext}）` : ''}。${hint}可读取的格式：${READABLE_FORMATS}。`);
}

const startsWith = (buf: Uint8Array, sig: number[]) => sig.every((b, i) => buf[i] === b);

/** The format the bytes themselves show, when they show one. */
function sniff(buf: Uint8Array, file: string): DocumentFormat | 'ole' | 'zip' | 'image' | undefined {
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) {
    try {
      const zip = openZip(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), file);
      if (zip.has('word/document.xml')) return 'docx';
      if (zip.has('xl/workbook.xml')) return 'xlsx';
      if (zip.has('OFD.xml')) return 'ofd';
    } catch {
      /* the reader for the announced format reports the damage */
    }
    return 'zip';
  }
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47]) || startsWith(buf, [0xff, 0xd8, 0xff]) || startsWith(buf, [0x47, 0x49, 0x46, 0x38])) return 'image';
  const head = Buffer.from(buf.subarray(0, 1024)).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (/^\{\\rtf/.test(head)) return 'rtf';
  if (/^(<!doctype html|<html|<\?xml[^>]*>\s*<html)/i.test(head) || /<(body|p|div)[\s>]/i.test(head.slice(0, 512))) return 'html';
  return undefined;
}

/** The reader for a file: its name's format, corrected by what its bytes are. Throws for formats it cannot read. */
export function detectFormat(buf: Uint8Array, file: string): DocumentFormat {
  const named = formatOf(file);
  if (!named) throw unsupported(file);
  const seen = sniff(buf, file);
  if (seen === 'image') {
    throw new YaodianError('FILE_BINARY', `${file}：这是图片文件，没有可读取的文字；请上传文字版文件（${READABLE_FORMATS}）。`);
  }
  if (seen === 'ole') {
    if (named === 'doc' || named === 'wps') return named;
    if (named === 'text' || named === 'docx') return 'doc';
    throw new YaodianError('FILE_BINARY', `${file}：这是旧版 Office 文件，不是 ${named.toUpperCase()} 文件；Word 文件请另存为 .docx 或 .doc，表格请另存为 .xlsx。`);
  }
  if (seen === 'zip') {
    if (named === 'docx' || named === 'xlsx' || named === 'ofd' || named === 'wps') return named === 'wps' ? 'docx' : named;
    throw new YaodianError('FILE_BINARY', `${file}：这是一个压缩包，不是 ${named === 'text' ? '文本' : named.toUpperCase()} 文件；请先解压，或上传 ${READABLE_FORMATS} 文件。`);
  }
  if (seen) {
    // A .doc saved by a website is often a web page, a .wps often a Word package: read what the bytes are.
    if (named === 'text' && (seen === 'html' || seen === 'rtf')) return named;
    return seen;
  }
  if (named === 'doc' || named === 'wps' || named === 'rtf') return 'text';
  return named;
}
