/**
 * A minimal zip writer, for building .docx files in tests.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import type { ZipEntry } from '../../src/ingest/zip.js';

/** An entry already deflated: its bytes, CRC and uncompressed size. */
export interface RawZipEntry {
  name: string;
  /** Deflated bytes. */
  deflated: Buffer;
  crc: number;
  size: number;
}

/** Write a ZIP archive (deflated entries). */
export function writeZip(entries: ZipEntry[]): Buffer {
  return writeRawZip(entries.map((e) => ({ name: e.name, deflated: deflateRawSync(e.data), crc: crc32(e.data), size: e.data.length })));
}

/**
 * A ZIP of already deflated entries, each declaring `declare(size)` as its uncompressed size (a bomb may declare
 * its real size or lie about it).
 */
export function writeRawZip(entries: RawZipEntry[], declare: (size: number) => number = (s) => s): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const size = declare(e.size) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.deflated.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.deflated);
    centrals.push(central, name);
    offset += 30 + name.length + e.deflated.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
