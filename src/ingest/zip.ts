/**
 * A minimal ZIP reader and writer (stored and deflated entries), enough for .docx packages.
 * Reading walks the central directory; writing is used by tests and fixtures.
 */
import { inflateRawSync } from 'node:zlib';
import { YaodianError } from '../errors.js';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

function fail(file: string, why: string): never {
  throw new YaodianError('FILE_BINARY', `${file}：无法读取 Word 文件（${why}），请用 Word 另存为 .docx 或导出为文本后再导入。`);
}

/** Read every file entry of a ZIP archive into memory (names → bytes). */
export function readZip(buf: Buffer, file = 'archive'): Map<string, Buffer> {
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
  const out = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) fail(file, '目录损坏');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (flags & 1) fail(file, '文件已加密');
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) fail(file, '条目损坏');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    if (method === 0) out.set(name, Buffer.from(raw));
    else if (method === 8) {
      try {
        out.set(name, inflateRawSync(raw, { maxOutputLength: 200 * 1024 * 1024 }));
      } catch {
        fail(file, `无法解压 ${name}`);
      }
    } else fail(file, `不支持的压缩方式 ${method}`);
  }
  return out;
}

