/**
 * .doc (Word 97-2003) and .wps (WPS Office) → text, through word-extractor: the main document stream only, so
 * page headers, footers and their page-number fields stay out of the text.
 */
import { YaodianError } from '../errors.js';
import { type Converted, plainLines } from './source.js';

export async function docToLines(buf: Buffer, file: string, format: 'doc' | 'wps'): Promise<Converted> {
  const { default: WordExtractor } = await import('word-extractor');
  let body: string;
  try {
    const doc = await new WordExtractor().extract(buf);
    body = doc.getBody();
  } catch (cause) {
    const kind = format === 'wps' ? 'WPS 文字' : 'Word 97-2003';
    throw new YaodianError(
      'FILE_BINARY',
      `${file}：无法读取 ${kind} 文件（${cause instanceof Error ? cause.message : String(cause)}），文件可能已损坏或加密；请另存为 .docx 后再导入。`,
      { cause },
    );
  }
  // Word marks: \u0007 ends a table cell or row, \u000b is a manual line break, \u000c a page break.
  const text = body.replace(/\u0007/g, '\t').replace(/[\u000b\u000c]/g, '\n');
  if (!text.trim()) throw new YaodianError('FILE_EMPTY', `${file}：文件中没有可读取的文字。`);
  return { format, lines: plainLines(text), notes: [] };
}
