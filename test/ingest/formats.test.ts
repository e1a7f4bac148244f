/**
 * Every sample written in each office format — Word with automatic numbering, a Word task table with merged cells,
 * an Excel 任务分解表 with a sheet of facts, a printed PDF and an OFD with running headers and page numbers — loads
 * to the same items, units, leads, deadlines and metadata as its plain text. The files are generated here.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/ingest/index.js';
import type { WorkPlan } from '../../src/model.js';
import { parseBuffer } from '../../src/parse/index.js';
import { type LayoutDoc, layoutModel, printBlocks, taskTableRows, withBrackets } from '../helpers/layouts.js';
import { writeOfd } from '../helpers/ofd-writer.js';
import { writePdf } from '../helpers/pdf-writer.js';
import { planDifferences } from '../helpers/plan-diff.js';
import { samplesDir } from '../helpers/samples.js';
import { typeset } from '../helpers/typeset.js';
import { buildDocx, type DocxBlock, type DocxCell } from './docx-builder.js';

const samples = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => ({ file: f, plan: parseBuffer(readFileSync(join(samplesDir, f)), f) }));

/** Word with automatic numbers; each item's title in bold, with its full stop or (runIn) as a run-in heading without. */
function autonumberedDocx(doc: LayoutDoc, runIn = false): Buffer {
  const blocks: DocxBlock[] = doc.preamble.map((text) => ({ text }));
  doc.sections.forEach((s, si) => {
    blocks.push({ text: s.title, level: 0, viaStyle: si % 2 === 0 });
    for (const it of s.items) blocks.push({ bold: runIn ? it.title : `${it.title}。`, text: withBrackets(it), itemList: si + 1 });
    for (const p of s.paragraphs) blocks.push({ text: p });
  });
  blocks.push(...doc.closing.map((text) => ({ text })));
  return buildDocx(blocks);
}

/** A Word 任务分解表: section rows merged across the table, or a section column merged down its items. */
function docxTaskTable(doc: LayoutDoc, sections: 'rows' | 'column'): Buffer {
  const rows = taskTableRows(doc, { sections });
  const width = (rows[0] as string[]).length;
  let lastSection = '';
  const table = rows.map((r, i): Array<string | DocxCell> => {
    if (r.length === 1) return [{ text: r[0] as string, span: width }];
    if (sections === 'column' && i > 0) {
      const [section, ...rest] = r as [string, ...string[]];
      const cell: DocxCell = section === lastSection ? { text: '', vMerge: 'continue' } : { text: section, vMerge: 'restart' };
      lastSection = section;
      return [cell, ...rest];
    }
    return r;
  });
  return buildDocx([...doc.preamble.map((text) => ({ text })), { table }, ...doc.closing.map((text) => ({ text }))]);
}

/** An Excel workbook: a sheet of facts (说明) and the task sheet with a merged title row and merged section rows. */
async function taskWorkbook(doc: LayoutDoc): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const facts = wb.addWorksheet('说明');
  const notice = doc.preamble.find((l) => /关于印发/.test(l)) ?? doc.title;
  const [y, m, d] = doc.issuedDate.split('-').map(Number) as [number, number, number];
  facts.addRows([
    ['文件名称', notice],
    ['发文机关', doc.issuer],
    ['文号', doc.docNumber],
    ['印发日期', new Date(Date.UTC(y, m - 1, d))],
    ['公开方式', '主动公开'],
  ]);
  facts.getCell('B4').numFmt = 'yyyy"年"m"月"d"日"';
  const ws = wb.addWorksheet('重点任务分解表');
  const [head, ...rows] = taskTableRows(doc, { headers: ['序号', '重点任务', '工作内容', '牵头单位', '责任单位', '完成时限'] });
  const width = (head as string[]).length;
  ws.addRow([doc.title]);
  ws.mergeCells(1, 1, 1, width);
  ws.addRow(head);
  for (const r of rows) {
    if (r.length === 1) {
      const row = ws.addRow([r[0]]);
      ws.mergeCells(row.number, 1, row.number, width);
    } else ws.addRow([Number(r[0]), ...r.slice(1)]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const formats: Array<{ name: string; ext: string; write: (d: LayoutDoc) => Buffer | Promise<Buffer>; metadata?: boolean }> = [
  { name: 'Word with automatic numbering restarting per section', ext: 'docx', write: (d) => autonumberedDocx(d) },
  { name: 'Word with run-in bold titles without a full stop', ext: 'docx', write: (d) => autonumberedDocx(d, true) },
  { name: 'a Word task table with section rows merged across', ext: 'docx', write: (d) => docxTaskTable(d, 'rows') },
  { name: 'a Word task table with a section column merged down', ext: 'docx', write: (d) => docxTaskTable(d, 'column') },
  { name: 'an Excel task table with a sheet of facts', ext: 'xlsx', write: taskWorkbook },
  { name: 'a printed PDF', ext: 'pdf', write: (d) => writePdf(typeset(printBlocks(d), { header: `${d.docNumber}  ${d.title}` })) },
  { name: 'an OFD file', ext: 'ofd', write: (d) => writeOfd(typeset(printBlocks(d), { header: d.title, seed: 11 }), d.title) },
];

describe.each(formats)('$name', ({ ext, write }) => {
  it.each(samples)('$file loads to the same plan', async ({ file, plan }: { file: string; plan: WorkPlan }) => {
    const bytes = await write(layoutModel(plan));
    const loaded = await loadDocument(bytes, file.replace(/\.txt$/, `.${ext}`));
    expect(loaded.format).toBe(ext);
    expect(planDifferences(plan, loaded.plan)).toEqual([]);
  });
});

// Word 97-2003 files cannot be written here; the shared eval data has one (鹿城, the 2020 sample) when present.
const sharedDoc = join(samplesDir, '..', '..', 'shared', 'eval', 'formats', 'docs', 'fmt_lucheng.doc');
describe('a Word 97-2003 .doc', () => {
  it.skipIf(!existsSync(sharedDoc))('loads to the plan of its text, page headers and footers left out', async () => {
    const sample = samples.find((s) => s.file.includes('鹿城')) as (typeof samples)[number];
    const loaded = await loadDocument(readFileSync(sharedDoc), 'fmt_lucheng.doc');
    expect(loaded.format).toBe('doc');
    expect(planDifferences(sample.plan, loaded.plan)).toEqual([]);
    expect(loaded.plan.lines.some((l) => /^[-—]\s*\d+\s*[-—]$/.test(l))).toBe(false);
  });
});
