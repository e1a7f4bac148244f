/**
 * Decoding a text document: size and type checks, encoding detection (UTF-8, UTF-16 with or without BOM, GBK/GB18030).
 * A UTF-8 document with a few damaged bytes (a bad copy, a broken download) is read with U+FFFD in their place and
 * a warning naming each damaged line; it is not mistaken for GBK, nor refused.
 */
import { YaodianError } from '../errors.js';
import type { ParseWarning } from '../model.js';

export interface DecodedText {
  text: string;
  encoding: string;
  /** Damage the decoder worked around (invalid bytes replaced), one warning per line. */
  warnings?: ParseWarning[];
}

/** Largest file we accept; work-point documents are tens of kilobytes. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Binary formats a text file may really be: what they are, and how to load them. */
const MAGIC: Array<[number[], string]> = [
  [[0x25, 0x50, 0x44, 0x46], 'PDF 文件，请以 .pdf 为扩展名导入'],
  [[0x50, 0x4b, 0x03, 0x04], 'ZIP 格式的文件（如 .docx、.xlsx、.ofd），请以原扩展名导入'],
  [[0xd0, 0xcf, 0x11, 0xe0], '旧版 Office 文件，Word 文件请以 .doc 为扩展名导入'],
  [[0x89, 0x50, 0x4e, 0x47], 'PNG 图片，没有可读取的文字'],
  [[0xff, 0xd8, 0xff], 'JPEG 图片，没有可读取的文字'],
  [[0x1f, 0x8b], 'GZIP 压缩包，请先解压'],
];

function startsWith(buf: Uint8Array, sig: number[]): boolean {
  return sig.every((b, i) => buf[i] === b);
}

function tryDecode(buf: Uint8Array, label: string): string | null {
  try {
    return new TextDecoder(label, { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

/** Share of characters that are C0 controls other than tab, newline and carriage return. */
function controlRatio(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f || c === 0xfffd) n++;
  }
  return n / text.length;
}

/**
 * Decode a document's bytes. Throws a YaodianError naming the file when the bytes are empty,
 * binary, or in no encoding we can read.
 */
export function decodeBuffer(buf: Uint8Array, file: string): DecodedText {
  if (buf.length === 0 || /^[\s\u0000]*$/.test(Buffer.from(buf).toString('latin1'))) {
    throw new YaodianError('FILE_EMPTY', `${file}：文件为空，没有可读取的内容。`);
  }
  if (buf.length > MAX_FILE_BYTES) {
    throw new YaodianError('FILE_TOO_LARGE', `${file}：文件过大（超过 ${MAX_FILE_BYTES >> 20} MB），请确认是否为工作要点文本。`);
  }
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    const text = tryDecode(buf.subarray(3), 'utf-8') ?? decodeTruncatedUtf8(buf.subarray(3));
    if (text !== null) return { text, encoding: 'utf-8-bom' };
    // The BOM says UTF-8: whatever does not decode is damage.
    return withDamage(new TextDecoder('utf-8').decode(buf.subarray(3)), 'utf-8-bom', file);
  }
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  for (const [sig, kind] of MAGIC) {
    if (startsWith(buf, sig)) {
      throw new YaodianError('FILE_BINARY', `${file}：这不是文本文件，而是${kind}。`);
    }
  }
  const head = buf.subarray(0, 8192);
  const utf16 = utf16WithoutBom(head);
  if (utf16) return checkText(new TextDecoder(utf16).decode(buf), utf16, file);
  if (head.includes(0)) {
    throw new YaodianError('FILE_BINARY', `${file}：文件含有二进制数据（NUL 字节），不是文本文件。`);
  }
  const utf8 = tryDecode(buf, 'utf-8') ?? decodeTruncatedUtf8(buf);
  if (utf8 !== null) return checkText(utf8, 'utf-8', file);
  const damaged = mostlyUtf8(buf);
  if (damaged !== null) return checkText(damaged, 'utf-8', file, damageWarnings(damaged, file));
  const gb = tryDecode(buf, 'gb18030');
  if (gb !== null) return checkText(gb, 'gb18030', file);
  throw new YaodianError(
    'FILE_ENCODING',
    `${file}：无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030），请另存为 UTF-8 文本后再导入。`,
  );
}

/** UTF-16 saved without a BOM: NUL bytes in the head, and one byte order decodes to plausible Chinese text. */
function utf16WithoutBom(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (head.length < 16 || !head.includes(0)) return null;
  const even = head.subarray(0, head.length - (head.length % 2));
  for (const label of ['utf-16le', 'utf-16be'] as const) {
    const text = new TextDecoder(label).decode(even);
    const plausible = text.match(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\x20-\x7e\n\r\t“”‘’〈〉《》]/g)?.length ?? 0;
    if (plausible / text.length > 0.95) return label;
  }
  return null;
}

/** A UTF-8 file cut in the middle of its last character: decode all but the broken tail. */
function decodeTruncatedUtf8(buf: Uint8Array): string | null {
  for (let cut = 1; cut <= 3 && cut < buf.length; cut++) {
    const text = tryDecode(buf.subarray(0, buf.length - cut), 'utf-8');
    if (text !== null) return text;
  }
  return null;
}

function checkText(text: string, encoding: string, file: string, warnings: ParseWarning[] = []): DecodedText {
  if (controlRatio(text) > 0.02) {
    throw new YaodianError('FILE_BINARY', `${file}：文件含有大量控制字符，像是二进制文件而不是文本。`);
  }
  return warnings.length ? { text, encoding, warnings } : { text, encoding };
}

/**
 * UTF-8 with a few invalid bytes: decoded with replacement when the damage is rare among the characters that did
 * decode as multi-byte UTF-8 (GBK text read as UTF-8 is nearly all damage, so it is left to the GBK decoder).
 */
function mostlyUtf8(buf: Uint8Array): string | null {
  const text = new TextDecoder('utf-8').decode(buf);
  let bad = 0;
  let wide = 0;
  for (const c of text) {
    if (c === '\ufffd') bad++;
    else if (c.charCodeAt(0) > 0x7f) wide++;
  }
  return wide >= 20 && bad <= wide / 100 ? text : null;
}

function withDamage(text: string, encoding: string, file: string): DecodedText {
  return checkText(text, encoding, file, damageWarnings(text, file));
}

/** At most this many lines are named one by one; the rest are counted in one more warning. */
const MAX_DAMAGE_WARNINGS = 5;

/** One warning per line holding a replacement character: its number and its text around the damage. */
function damageWarnings(text: string, file: string): ParseWarning[] {
  const lines = text.split(/\r\n|\r|\n/);
  const damaged = lines.flatMap((l, i) => (l.includes('\ufffd') ? [i] : []));
  const out: ParseWarning[] = damaged.slice(0, MAX_DAMAGE_WARNINGS).map((i) => {
    const line = lines[i] as string;
    const at = line.indexOf('\ufffd');
    const around = line.slice(Math.max(0, at - 12), at + 13).trim();
    return {
      code: 'ENCODING_DAMAGE',
      line: i + 1,
      message: `${file}：第 ${i + 1} 行有无法识别的字节（不是有效的 UTF-8），已用“\ufffd”代替，其余内容照常读取；请核对原文：“${around}”。`,
    };
  });
  if (damaged.length > MAX_DAMAGE_WARNINGS) {
    out.push({ code: 'ENCODING_DAMAGE', message: `${file}：另有 ${damaged.length - MAX_DAMAGE_WARNINGS} 行有无法识别的字节，已用“\ufffd”代替。` });
  }
  return out;
}
