/**
 * Bad input never crashes the loader: zip bombs stop at their first breach, truncated and mislabelled files get
 * a Chinese message naming the file, GBK files decode, broken tables keep the rows that read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { YaodianError } from '../../src/errors.js';
import { loadDocument } from '../../src/ingest/index.js';
import { openZip } from '../../src/ingest/zip.js';
import { parseBuffer } from '../../src/parse/index.js';
import { encodeGb18030 } from '../helpers/gbk.js';
import { govSiteHtml, layoutModel, markdownTaskTable, printBlocks } from '../helpers/layouts.js';
import { writeOfd } from '../helpers/ofd-writer.js';
import { writePdf } from '../helpers/pdf-writer.js';
import { planDifferences } from '../helpers/plan-diff.js';
import { samplesDir } from '../helpers/samples.js';
import { typeset } from '../helpers/typeset.js';
import { writeZip } from '../helpers/zip-writer.js';
import { buildDocx, sampleDocxParagraphs } from './docx-builder.js';

const sampleFile = '2021-旌德县政务公开工作要点.txt';
const plan = parseBuffer(readFileSync(join(samplesDir, sampleFile)), sampleFile);
const doc = layoutModel(plan);

async function failure(p: Promise<unknown>): Promise<YaodianError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof YaodianError) return e;
    throw e;
  }
  throw new Error('expected a YaodianError');
}

/** Rewrite the sizes an archive declares for `name` (central directory and local header), as a bomb would. */
function declareSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let p = 0; p < out.length - 4; p++) {
    const sig = out.readUInt32LE(p);
    if (sig === 0x02014b50 && out.subarray(p + 46, p + 46 + out.readUInt16LE(p + 28)).toString() === name) out.writeUInt32LE(size, p + 24);
    if (sig === 0x04034b50 && out.subarray(p + 30, p + 30 + out.readUInt16LE(p + 26)).toString() === name) out.writeUInt32LE(size, p + 22);
  }
  return out;
}

describe('zip bombs', () => {
  const zeros = Buffer.alloc(40 * 1024 * 1024);
  const docx = buildDocx(sampleDocxParagraphs());
  const parts = [...openZip(docx).names].map((name) => ({ name, data: openZip(docx).read(name) as Buffer }));
  const bomb = (declared?: number) => {
    const zip = writeZip([...parts.filter((p) => p.name !== 'word/document.xml'), { name: 'word/document.xml', data: zeros }]);
    return declared === undefined ? zip : declareSize(zip, 'word/document.xml', declared);
  };

  it('a .docx whose document.xml inflates a thousandfold is refused before it is inflated', async () => {
    const e = await failure(loadDocument(bomb(), '年度报告.docx'));
    expect(e.code).toBe('FILE_TOO_LARGE');
    expect(e.message).toMatch(/^年度报告\.docx：.*压缩比超过 200 倍.*压缩炸弹/);
  });

  it('one that lies about its size is stopped by the bytes inflation produces, at the ratio cap', async () => {
    const e = await failure(loadDocument(bomb(2048), '年度报告.docx'));
    expect(e.code).toBe('FILE_TOO_LARGE');
    expect(e.message).toMatch(/压缩比超过 200 倍/);
  });

  it('the total across entries is capped and reading stops at the first entry that breaches it', () => {
    const mb = Buffer.alloc(1024 * 1024, 0x20);
    const zip = writeZip([1, 2, 3].map((n) => ({ name: `part${n}.xml`, data: mb })));
    const archive = openZip(zip, 'x.xlsx', { maxTotalBytes: 2.5 * 1024 * 1024, maxRatio: 100_000, ratioFloorBytes: 0 });
    expect(archive.read('part1.xml')?.length).toBe(mb.length);
    expect(archive.read('part2.xml')?.length).toBe(mb.length);
    expect(() => archive.read('part3.xml')).toThrow(/x\.xlsx：解压后总大小超过 3 MB/);
    const lying = declareSize(zip, 'part3.xml', 10);
    const again = openZip(lying, 'x.xlsx', { maxTotalBytes: 2.5 * 1024 * 1024, maxRatio: 100_000, ratioFloorBytes: 0 });
    again.read('part1.xml');
    again.read('part2.xml');
    expect(() => again.read('part3.xml')).toThrow(/解压后总大小超过/);
  });

  it('a small entry may compress well', () => {
    const zip = writeZip([{ name: 'a.xml', data: Buffer.alloc(512 * 1024, 0x20) }]);
    expect(openZip(zip).read('a.xml')?.length).toBe(512 * 1024);
  });

  it('an .xlsx and an .ofd are read through the same caps', async () => {
    const xlsx = writeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: zeros },
    ]);
    expect((await failure(loadDocument(xlsx, '任务表.xlsx'))).code).toBe('FILE_TOO_LARGE');
    const ofd = writeZip([
      { name: 'OFD.xml', data: Buffer.from('<ofd:OFD><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>') },
      { name: 'Doc_0/Document.xml', data: zeros },
    ]);
    expect((await failure(loadDocument(ofd, '文件.ofd'))).code).toBe('FILE_TOO_LARGE');
  });
});

describe('damaged and mislabelled files', () => {
  const pdf = writePdf(typeset(printBlocks(doc), { header: doc.title }));

  it('a truncated PDF is refused with a message naming the file', async () => {
    for (const keep of [0.95, 0.6, 0.2]) {
      const e = await failure(loadDocument(pdf.subarray(0, Math.floor(pdf.length * keep)), '要点.pdf'));
      expect(e.code).toBe('FILE_BINARY');
      expect(e.message).toMatch(/^要点\.pdf：无法读取 PDF 文件，文件可能不完整/);
    }
  });

  it('the same PDF whole loads to the plan', async () => {
    const got = await loadDocument(pdf, '要点.pdf');
    expect(planDifferences(plan, got.plan)).toEqual([]);
    expect(got.plan.items.every((i) => (i.source?.page ?? 0) >= 2)).toBe(true);
  });

  it('formats it cannot read are named, with the formats it reads', async () => {
    const xls = await failure(loadDocument(Buffer.from('x'), '任务.xls'));
    expect(xls.code).toBe('BAD_ARGUMENT');
    expect(xls.message).toMatch(/^任务\.xls：不支持的文件类型.*\.docx.*\.ofd.*\.xlsx/);
    const png = await failure(loadDocument(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), '扫描件.pdf'));
    expect(png.message).toMatch(/^扫描件\.pdf：这是图片文件/);
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
    const doc97 = await failure(loadDocument(ole, '旧文件.doc'));
    expect(doc97.code).toBe('FILE_BINARY');
    expect(doc97.message).toMatch(/^旧文件\.doc：无法读取 Word 97-2003 文件/);
    const zipAsTxt = await failure(loadDocument(writeZip([{ name: 'a.txt', data: Buffer.from('x') }]), '要点.txt'));
    expect(zipAsTxt.message).toMatch(/压缩包/);
  });

  it('a .doc that is really a web page, and a .wps that is really a Word package, load by what they are', async () => {
    const html = await loadDocument(Buffer.from(govSiteHtml(doc)), '要点.doc');
    expect(html.format).toBe('html');
    expect(planDifferences(plan, html.plan)).toEqual([]);
    const wps = await loadDocument(buildDocx(sampleDocxParagraphs()), '要点.wps');
    expect(wps.format).toBe('docx');
    expect(wps.plan.items.map((i) => i.id)).toEqual(['一.1', '一.2', '二.1']);
  });

  it('an RTF file (Word exports, some sites publish them as .doc) loads', async () => {
    const esc = (s: string) => [...s].map((c) => (c.charCodeAt(0) > 127 ? `\\u${c.charCodeAt(0)}?` : c.replace(/[\\{}]/g, '\\$&'))).join('');
    const body = plan.lines.map((l) => `${esc(l)}\\par`).join('\n');
    const rtf = `{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 SimSun;}}{\\header 页眉文字\\par}\\f0 ${body}}`;
    const got = await loadDocument(Buffer.from(rtf), '要点.rtf');
    expect(got.format).toBe('rtf');
    expect(planDifferences(plan, got.plan)).toEqual([]);
    expect(got.plan.lines.join('\n')).not.toContain('页眉文字');
  });
});

describe('GBK files', () => {
  it('a GBK task table, a GBK text and a GBK web page load to the plan', async () => {
    const md = await loadDocument(encodeGb18030(markdownTaskTable(doc)), '任务表.md');
    expect(md.plan.encoding).toBe('gb18030');
    expect(planDifferences(plan, md.plan)).toEqual([]);
    const txt = await loadDocument(encodeGb18030(readFileSync(join(samplesDir, sampleFile), 'utf8')), '要点.txt');
    expect(planDifferences(plan, txt.plan)).toEqual([]);
    const page = govSiteHtml(doc).replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">');
    const html = await loadDocument(encodeGb18030(page), '要点.html');
    expect(planDifferences(plan, html.plan)).toEqual([]);
  });
});

describe('broken tables', () => {
  const table = markdownTaskTable(doc).split('\n');
  const header = table.findIndex((l) => l.startsWith('| 序号'));

  it('rows with missing or extra cells, a missing rule row and a row cut short keep what reads', async () => {
    const rows = [...table];
    rows.splice(header + 1, 1); // no | --- | row
    const first = rows.findIndex((l, i) => i > header && /^\| 1 \|/.test(l));
    rows[first] = (rows[first] as string).replace(/ \| [^|]*\|$/, ' |'); // the 完成时限 cell lost
    const second = first + 1;
    rows[second] = `${rows[second] as string} 多余 | 单元格 |`;
    const last = rows.findLastIndex((l) => l.startsWith('| '));
    rows[last] = (rows[last] as string).slice(0, 40); // cut mid-row, no closing pipe
    const got = (await loadDocument(Buffer.from(rows.join('\n')), '任务表.md')).plan;
    const ids = plan.items.map((i) => i.id);
    expect(got.items.map((i) => i.id)).toEqual(ids);
    expect(got.items[0]?.units).toEqual(plan.items[0]?.units);
    expect(got.items[0]?.deadlines).toEqual([]);
    expect(got.items[1]?.units).toEqual(plan.items[1]?.units);
    expect(got.items.at(-1)?.title.length).toBeGreaterThan(0);
  });

  it('a table whose header names no task column is read as text, not as items', async () => {
    const text = ['2021年测试县政务公开工作要点', '', '| 项目 | 说明 |', '| --- | --- |', '| 甲 | 乙 |', '', '一、强化政策解读', '（一）做好解读。围绕决策部署开展解读。（县府办负责）'].join('\n');
    const got = (await loadDocument(Buffer.from(text), '混合.md')).plan;
    expect(got.items.map((i) => `${i.id}${i.title}${i.units.join()}`)).toEqual(['一.1做好解读县府办']);
    expect(got.lines.some((l) => l.replace(/\s/g, '') === '|甲|乙|')).toBe(true);
  });

  it('a Word table with a merge that never starts and a span past the grid still loads', async () => {
    const table = [
      ['序号', '工作任务', '责任单位', '完成时限'],
      [{ text: '一、强化政策解读', span: 9 }],
      [{ text: '', vMerge: 'continue' as const }, '做好解读', '县府办', '2021年9月底'],
      ['2', { text: '规范公开', span: 2 }, '持续推进'],
    ];
    const got = (await loadDocument(buildDocx([{ text: '2021年测试县政务公开工作要点' }, { table }]), '表格.docx')).plan;
    expect(got.items.map((i) => [i.id, i.title, i.units, i.deadlines])).toEqual([
      ['一.1', '做好解读', ['县府办'], ['2021-09-30']],
      ['一.2', '规范公开', [], ['持续推进']],
    ]);
  });
});

it('the deflate fixture is what a bomb looks like: tiny on disk', () => {
  expect(deflateRawSync(Buffer.alloc(40 * 1024 * 1024)).length).toBeLessThan(100 * 1024);
});

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('任务');
  ws.addRows([['序号', '工作任务', '责任单位', '完成时限'], ['一、强化政策解读'], [1, '做好重大政策解读', '县府办', '2021年9月底']]);
  ws.mergeCells('A2:D2');
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('damaged packages never crash the loader', async () => {
  const files: Array<[string, Buffer]> = [
    ['a.docx', buildDocx(sampleDocxParagraphs())],
    ['b.md', Buffer.from(markdownTaskTable(doc))],
    ['c.pdf', writePdf(typeset(printBlocks(doc)))],
    ['d.ofd', writeOfd(typeset(printBlocks(doc)))],
    ['e.xlsx', await workbook()],
  ];

  it('any truncation or overwritten bytes give a plan or a YaodianError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.boolean(),
        async (which, cut, writes, truncate) => {
          const [name, original] = files[which] as [string, Buffer];
          let bytes = Buffer.from(original);
          for (const [at, value] of writes) bytes[at % bytes.length] = value;
          if (truncate) bytes = bytes.subarray(0, cut % (bytes.length + 1));
          try {
            const { plan } = await loadDocument(bytes, name);
            expect(plan.items.length).toBeGreaterThan(0);
          } catch (e) {
            if (!(e instanceof YaodianError)) throw e;
            expect(e.message.startsWith(`${name}：`)).toBe(true);
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
