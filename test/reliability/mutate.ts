/**
 * Seeded document mutations for the suite: the sample documents in every format the loader reads, and the damage
 * files meet in real life and in attacks — flipped, inserted and deleted bytes, cuts, repeated and spliced slices,
 * runs of NUL or 0xFF, control and bidi characters, headings and numbering dropped in at random, enormous lines,
 * and, inside packages, damage behind the ZIP directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseBuffer } from '../../src/parse/index.js';
import { encodeGb18030 } from '../helpers/gbk.js';
import { govSiteHtml, layoutModel, markdownTaskTable, printBlocks } from '../helpers/layouts.js';
import { writeOfd } from '../helpers/ofd-writer.js';
import { writePdf } from '../helpers/pdf-writer.js';
import { samplesDir } from '../helpers/samples.js';
import { typeset } from '../helpers/typeset.js';
import { openZip } from '../../src/ingest/zip.js';
import { writeZip } from '../helpers/zip-writer.js';
import { buildDocx, sampleDocxParagraphs } from '../ingest/docx-builder.js';

/** The same entries in a ZIP without the writer's timestamps (exceljs stamps each entry with the time). */
function rezip(buf: Buffer): Buffer {
  const zip = openZip(buf);
  return writeZip(zip.names.map((name) => ({ name, data: zip.read(name) as Buffer })));
}

export interface Sample {
  name: string;
  bytes: Buffer;
  /** How often it is picked. */
  weight: number;
}

/** The five samples as text, and one of them in every other format. */
export async function sampleDocuments(): Promise<Sample[]> {
  const texts = ['2020-浙江省政务公开工作要点.txt', '2020-温州市鹿城区政务公开工作要点.txt', '2021-义乌市政务公开工作要点.txt', '2021-旌德县政务公开工作要点.txt', '2021-青田县政务公开工作要点.txt'];
  const out: Sample[] = texts.map((name) => ({ name, bytes: readFileSync(join(samplesDir, name)), weight: 10 }));
  const base = out[3] as Sample;
  const doc = layoutModel(parseBuffer(base.bytes, base.name));
  const wb = new ExcelJS.Workbook();
  // Fixed dates, so the workbook's bytes (and every mutation drawn from the seed after it) are the same each run.
  wb.created = wb.modified = new Date('2021-09-01T00:00:00Z');
  const ws = wb.addWorksheet('任务');
  for (const line of markdownTaskTable(doc).split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length && !cells.every((c) => /^-+$/.test(c))) ws.addRow(cells);
  }
  out.push(
    { name: '旌德要点.gbk.txt', bytes: Buffer.from(encodeGb18030(base.bytes.toString('utf8'))), weight: 4 },
    { name: '旌德要点任务表.md', bytes: Buffer.from(markdownTaskTable(doc)), weight: 4 },
    { name: '旌德要点.html', bytes: Buffer.from(govSiteHtml(doc)), weight: 5 },
    { name: '测试县要点.docx', bytes: buildDocx(sampleDocxParagraphs()), weight: 8 },
    { name: '旌德要点.pdf', bytes: writePdf(typeset(printBlocks(doc), { header: doc.title })), weight: 6 },
    { name: '旌德要点.ofd', bytes: writeOfd(typeset(printBlocks(doc)), doc.title), weight: 4 },
    { name: '旌德任务表.xlsx', bytes: rezip(Buffer.from(await wb.xlsx.writeBuffer())), weight: 4 },
  );
  return out;
}

const HEADINGS = ['一、', '二、', '（一）', '（三）', '1.', '12．', '第一条', '责任单位：', '（县府办牵头，各乡镇配合）', '完成时限：2021年13月底', '2021年2月30日前', '牵头单位：'];
const NOISE = ['\u0000', '\u0007', '\u001b[31m', '\u202e', '\u200b', '\ufeff', '\ufffd', '\r', '\t', '　', '𠀀', '👍', '\\', '<w:t>', '%PDF-', 'PK\u0003\u0004'];

/** One mutation of `bytes`, chosen and placed by `rnd`; also says what it did, for a failure report. */
export function mutate(bytes: Buffer, rnd: () => number): { bytes: Buffer; what: string } {
  const at = (n = bytes.length) => Math.floor(rnd() * Math.max(1, n));
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const kind = Math.floor(rnd() * 12);
  const b = Buffer.from(bytes);
  switch (kind) {
    case 0: {
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) b[at()] = Math.floor(rnd() * 256);
      return { bytes: b, what: `flip ${n} bytes` };
    }
    case 1: {
      const cut = at();
      return { bytes: b.subarray(0, cut), what: `cut at ${cut}` };
    }
    case 2: {
      const from = at();
      const len = Math.floor(rnd() * 4096);
      return { bytes: Buffer.concat([b.subarray(0, from), b.subarray(from + len)]), what: `delete ${len} at ${from}` };
    }
    case 3: {
      const from = at();
      const len = 1 + Math.floor(rnd() * 2048);
      const times = 1 + Math.floor(rnd() * 50);
      const slice = b.subarray(from, from + len);
      return { bytes: Buffer.concat([b.subarray(0, from), ...Array.from({ length: times }, () => slice), b.subarray(from)]), what: `repeat ${len} bytes ×${times} at ${from}` };
    }
    case 4: {
      const from = at();
      const len = 1 + Math.floor(rnd() * 512);
      b.fill(rnd() < 0.5 ? 0x00 : 0xff, from, Math.min(b.length, from + len));
      return { bytes: b, what: `fill ${len} at ${from}` };
    }
    case 5: {
      const n = 1 + Math.floor(rnd() * 20);
      const parts: Buffer[] = [];
      let last = 0;
      const cuts = Array.from({ length: n }, () => at()).sort((x, y) => x - y);
      for (const c of cuts) {
        parts.push(b.subarray(last, c), Buffer.from(pick(NOISE)));
        last = c;
      }
      parts.push(b.subarray(last));
      return { bytes: Buffer.concat(parts), what: `insert ${n} control/odd characters` };
    }
    case 6: {
      // A heading or a clause where a line starts.
      const text = b.toString('utf8').split('\n');
      const n = 1 + Math.floor(rnd() * 10);
      for (let i = 0; i < n; i++) {
        const line = at(text.length);
        text[line] = `${pick(HEADINGS)}${text[line] ?? ''}`;
      }
      return { bytes: Buffer.from(text.join('\n')), what: `add ${n} headings` };
    }
    case 7: {
      // Lines shuffled in a window.
      const text = b.toString('utf8').split('\n');
      const from = at(text.length);
      const win = text.splice(from, 1 + Math.floor(rnd() * 30));
      for (let i = win.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [win[i], win[j]] = [win[j] as string, win[i] as string];
      }
      text.splice(from, 0, ...win);
      return { bytes: Buffer.from(text.join('\n')), what: `shuffle lines at ${from}` };
    }
    case 8: {
      // One enormous line: no breaks, repeated heading text.
      const len = 10_000 + Math.floor(rnd() * 300_000);
      const filler = Buffer.alloc(len, pick(['要', '（一）', '、', 'a', ' ', '，']));
      const from = at();
      return { bytes: Buffer.concat([b.subarray(0, from), filler, b.subarray(from)]), what: `insert a ${len}-byte line at ${from}` };
    }
    case 9: {
      // Two places of the file swapped.
      const x = at();
      const y = at();
      const [lo, hi] = x < y ? [x, y] : [y, x];
      const len = Math.min(1 + Math.floor(rnd() * 4096), hi - lo, b.length - hi);
      const first = Buffer.from(b.subarray(lo, lo + len));
      b.copy(b, lo, hi, hi + len);
      first.copy(b, hi);
      return { bytes: b, what: `swap ${len} bytes at ${lo} and ${hi}` };
    }
    case 10: {
      // Damage where a package keeps its directory (the last kilobytes) or where a PDF keeps its xref.
      const tail = Math.max(0, b.length - 1 - Math.floor(rnd() * 2048));
      const n = 1 + Math.floor(rnd() * 6);
      for (let i = 0; i < n; i++) b[Math.min(b.length - 1, tail + Math.floor(rnd() * 64))] = Math.floor(rnd() * 256);
      return { bytes: b, what: `flip ${n} bytes in the tail at ${tail}` };
    }
    default: {
      // Two mutations in a row.
      const first = mutate(bytes, rnd);
      const second = mutate(first.bytes, rnd);
      return { bytes: second.bytes, what: `${first.what}, then ${second.what}` };
    }
  }
}

/** A sample by weight. */
export function pickSample(samples: Sample[], rnd: () => number): Sample {
  const total = samples.reduce((n, s) => n + s.weight, 0);
  let r = rnd() * total;
  for (const s of samples) {
    r -= s.weight;
    if (r < 0) return s;
  }
  return samples[samples.length - 1] as Sample;
}
