/**
 * Hostile office files for the suite: zip bombs as the probes built them (a 2.3 MB .docx of 12 × 190 MiB deflated
 * entries, sizes declared honestly or as lies), a bomb behind a main part the fast reader does not know (so only
 * the fallback reader would open it), an .xlsx bomb, and office files cut short.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { buildDocx, sampleDocxParagraphs } from '../ingest/docx-builder.js';
import { type RawZipEntry, writeRawZip, writeZip } from '../helpers/zip-writer.js';

let cached: { mib: number; entry: Omit<RawZipEntry, 'name'> } | undefined;

/** `mib` MiB of spaces, deflated once (about 1,000:1, deflate's best) and reused for every bomb entry. */
function bombEntry(mib: number): Omit<RawZipEntry, 'name'> {
  if (cached?.mib === mib) return cached.entry;
  const size = mib * 1024 * 1024;
  const data = Buffer.alloc(size, 0x20);
  const entry = { deflated: deflateRawSync(data, { level: 9 }), crc: crc32(data), size };
  cached = { mib, entry };
  return entry;
}

function parts(zip: Buffer): RawZipEntry[] {
  // The small, honest parts of a real .docx, re-deflated.
  const out: RawZipEntry[] = [];
  let p = zip.length - 22;
  while (zip.readUInt32LE(p) !== 0x06054b50) p--;
  const count = zip.readUInt16LE(p + 10);
  let c = zip.readUInt32LE(p + 16);
  for (let n = 0; n < count; n++) {
    const nameLen = zip.readUInt16LE(c + 28);
    const name = zip.subarray(c + 46, c + 46 + nameLen).toString('utf8');
    const local = zip.readUInt32LE(c + 42);
    const compressed = zip.readUInt32LE(c + 20);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out.push({ name, deflated: zip.subarray(start, start + compressed), crc: zip.readUInt32LE(c + 16), size: zip.readUInt32LE(c + 24) });
    c += 46 + nameLen + zip.readUInt16LE(c + 30) + zip.readUInt16LE(c + 32);
  }
  return out;
}

export interface BombOptions {
  /** Bomb entries (default 12). */
  entries?: number;
  /** Uncompressed MiB each (default 190). */
  mib?: number;
  /** Declare small sizes, as a bomb that wants to get past size checks would (default false). */
  lie?: boolean;
}

/**
 * The probes' .docx bomb: word/document.xml and eleven more parts each inflating to 190 MiB (about 2.3 MB in
 * all), with the package's other parts intact.
 */
export function docxBomb(options: BombOptions = {}): Buffer {
  const n = options.entries ?? 12;
  const e = bombEntry(options.mib ?? 190);
  const keep = parts(buildDocx(sampleDocxParagraphs())).filter((p) => p.name !== 'word/document.xml');
  const bombs = ['word/document.xml', 'word/styles.xml', 'word/numbering.xml', ...Array.from({ length: Math.max(0, n - 3) }, (_, i) => `word/media/image${i + 1}.emf`)]
    .slice(0, n)
    .map((name) => ({ name, ...e }));
  return writeRawZip([...keep, ...bombs], options.lie ? () => 4096 : (s) => s);
}

/**
 * A .docx whose main part is word/document2.xml (named in the relationships, as Word allows): the fast reader
 * finds no word/document.xml, so only the fallback reader (mammoth) would open the 190 MiB part.
 */
export function renamedMainPartBomb(options: BombOptions = {}): Buffer {
  const e = bombEntry(options.mib ?? 190);
  const keep = parts(buildDocx(sampleDocxParagraphs()))
    .filter((p) => p.name !== 'word/document.xml' && p.name !== '_rels/.rels')
    .concat(
      parts(
        writeZip([
          {
            name: '_rels/.rels',
            data: Buffer.from(
              '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document2.xml"/></Relationships>',
            ),
          },
        ]),
      ),
    );
  return writeRawZip([...keep, { name: 'word/document2.xml', ...e }], options.lie ? () => 4096 : (s) => s);
}

/** An .xlsx whose worksheets inflate to 190 MiB each. */
export function xlsxBomb(options: BombOptions = {}): Buffer {
  const e = bombEntry(options.mib ?? 190);
  const head = parts(
    writeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook><sheets><sheet name="任务" sheetId="1" r:id="rId1"/></sheets></workbook>') },
    ]),
  );
  const sheets = Array.from({ length: options.entries ?? 4 }, (_, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, ...e }));
  return writeRawZip([...head, ...sheets], options.lie ? () => 4096 : (s) => s);
}

/** A file cut at `fraction` of its length (a broken download). */
export function truncated(file: Buffer, fraction: number): Buffer {
  return file.subarray(0, Math.max(1, Math.floor(file.length * fraction)));
}
