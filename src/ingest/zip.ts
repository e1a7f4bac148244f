/**
 * A minimal ZIP reader (stored and deflated entries), enough for .docx, .xlsx and .ofd packages.
 *
 * Entries are inflated on demand and every inflation is bounded: the archive's total uncompressed size and each
 * entry's compression ratio have caps, checked against the bytes actually produced (never only the sizes the
 * archive declares), so a zip bomb stops at its first breach with a Chinese error instead of filling memory.
 */
import { extname } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { YaodianError } from '../errors.js';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export interface ZipLimits {
  /** Most bytes all inflated entries together may hold. */
  maxTotalBytes: number;
  /** Highest uncompressed/compressed ratio an entry may have once it is larger than `ratioFloorBytes`. */
  maxRatio: number;
  /** Entries up to this size may have any ratio (a small run of spaces compresses a thousandfold). */
  ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotalBytes: 64 * 1024 * 1024, maxRatio: 200, ratioFloorBytes: 1024 * 1024 };

const KIND: Record<string, string> = { '.docx': 'Word 文件', '.wps': 'WPS 文件', '.xlsx': 'Excel 文件', '.ofd': 'OFD 文件' };

function fail(file: string, why: string): never {
  const ext = extname(file).toLowerCase();
  const advice = ext === '.docx' ? '请用 Word 另存为 .docx 或导出为文本后再导入' : '请重新导出后再导入';
  throw new YaodianError('FILE_BINARY', `${file}：无法读取 ${KIND[ext] ?? 'ZIP 压缩包'}（${why}），${advice}。`);
}

function bomb(file: string, why: string): never {
  throw new YaodianError('FILE_TOO_LARGE', `${file}：${why}，疑似“压缩炸弹”，已停止读取。`);
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  compressed: number;
  declared: number;
  local: number;
}

export interface ZipArchive {
  /** Entry names (directories left out), in directory order. */
  names: string[];
  has(name: string): boolean;
  /** The entry's bytes, inflated within the limits; undefined when there is no such entry. */
  read(name: string): Buffer | undefined;
  /** The entry as UTF-8 text. */
  text(name: string): string | undefined;
}

/** Open a ZIP archive: the central directory is read now, entries when asked for. */
export function openZip(buf: Buffer, file = 'archive', limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipArchive {
  // End of central directory: last 22+ bytes, signature 0x06054b50.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail(file, '不是有效的 ZIP 包');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map<string, CentralEntry>();
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) fail(file, '目录损坏');
    const nameLen = buf.readUInt16LE(p + 28);
    const entry: CentralEntry = {
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      compressed: buf.readUInt32LE(p + 20),
      declared: buf.readUInt32LE(p + 24),
      local: buf.readUInt32LE(p + 42),
      name: buf.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
    };
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    if (!entry.name.endsWith('/')) entries.set(entry.name.replace(/^\/+/, ''), entry);
  }
  let used = 0;
  const cache = new Map<string, Buffer>();
  const read = (name: string): Buffer | undefined => {
    const key = name.replace(/^\/+/, '');
    const cached = cache.get(key);
    if (cached) return cached;
    const e = entries.get(key);
    if (!e) return undefined;
    if (e.flags & 1) fail(file, '文件已加密');
    const local = e.local;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) fail(file, '条目损坏');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, Math.min(buf.length, start + e.compressed));
    const remaining = limits.maxTotalBytes - used;
    const ratioCap = Math.max(limits.ratioFloorBytes, raw.length * limits.maxRatio);
    // What the archive declares is checked first; what inflation produces is checked below regardless.
    if (e.declared > remaining) bomb(file, `解压后总大小超过 ${mb(limits.maxTotalBytes)}`);
    if (e.declared > ratioCap) bomb(file, `${key} 的压缩比超过 ${limits.maxRatio} 倍`);
    let data: Buffer;
    if (e.method === 0) data = Buffer.from(raw);
    else if (e.method === 8) {
      const cap = Math.min(remaining, ratioCap);
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, cap) });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          if (cap === remaining) bomb(file, `解压后总大小超过 ${mb(limits.maxTotalBytes)}`);
          bomb(file, `${key} 的压缩比超过 ${limits.maxRatio} 倍`);
        }
        fail(file, `无法解压 ${key}`);
      }
    } else fail(file, `不支持的压缩方式 ${e.method}`);
    used += data.length;
    cache.set(key, data);
    return data;
  };
  return {
    names: [...entries.keys()],
    has: (name) => entries.has(name.replace(/^\/+/, '')),
    read,
    text: (name) => read(name)?.toString('utf8'),
  };
}

/** Read every file entry of a ZIP archive into memory (names → bytes), within the same limits. */
export function readZip(buf: Buffer, file = 'archive', limits: ZipLimits = DEFAULT_ZIP_LIMITS): Map<string, Buffer> {
  const zip = openZip(buf, file, limits);
  const out = new Map<string, Buffer>();
  for (const name of zip.names) out.set(name, zip.read(name) as Buffer);
  return out;
}
