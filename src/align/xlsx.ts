/**
 * The 对照表 as an Excel workbook, the form offices hand in: sheet 对照表 (a title row, a header row, then one row per
 * pair in A's order, A's cells merged over its pairs, A's items without counterpart and then B's), and sheet 说明
 * (the two documents, their relation, the counts).
 */
import type { Alignment } from './index.js';
import { byId, summaryLine } from './render.js';

export const SHEET = '对照表';
export const INFO_SHEET = '说明';
/** Row of the column headers on the 对照表 sheet (row 1 is the title). */
export const HEADER_ROW = 2;

export async function alignmentToXlsx(al: Alignment): Promise<Buffer> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = '要点助手';
  wb.created = new Date(0);
  wb.title = `${al.a.short}与${al.b.short}要点对照表`;
  const itemsA = byId(al.a);
  const itemsB = byId(al.b);

  const sheet = wb.addWorksheet(SHEET, { views: [{ state: 'frozen', ySplit: HEADER_ROW }] });
  const headers = [
    `${al.a.short}编号`,
    `${al.a.short}事项`,
    `${al.b.short}编号`,
    `${al.b.short}事项`,
    '相似度',
    '对照情况',
    `依据（${al.a.short}）`,
    `依据（${al.b.short}）`,
  ];
  sheet.columns = [10, 40, 10, 40, 8, 18, 48, 48].map((width) => ({ width }));
  sheet.mergeCells(1, 1, 1, headers.length);
  const title = sheet.getCell(1, 1);
  title.value = `《${al.a.title}》与《${al.b.title}》对照表`;
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  const header = sheet.getRow(HEADER_ROW);
  header.values = headers;
  header.font = { bold: true };

  const wrap = { wrapText: true, vertical: 'top' } as const;
  const gap = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } } as const;
  for (const it of al.a.items) {
    const mine = al.pairs.filter((p) => p.a === it.id);
    const first = sheet.rowCount + 1;
    if (mine.length === 0) {
      const row = sheet.addRow([it.ref, it.title, null, null, null, al.names.onlyA, null, null]);
      for (let c = 1; c <= headers.length; c++) row.getCell(c).fill = gap;
    }
    for (const p of mine) {
      const b = itemsB.get(p.b);
      sheet.addRow([it.ref, it.title, b?.ref ?? p.b, b?.title ?? '', p.score, p.kind === 'split' ? `${al.names.pairs}（分项）` : al.names.pairs, p.why.a, p.why.b]);
    }
    if (mine.length > 1) {
      sheet.mergeCells(first, 1, first + mine.length - 1, 1);
      sheet.mergeCells(first, 2, first + mine.length - 1, 2);
    }
  }
  for (const id of al.onlyB) {
    const b = itemsB.get(id);
    const row = sheet.addRow([null, null, b?.ref ?? id, b?.title ?? null, null, al.names.onlyB, null, null]);
    for (let c = 1; c <= headers.length; c++) row.getCell(c).fill = gap;
  }
  for (let r = HEADER_ROW + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    row.alignment = wrap;
    row.getCell(5).numFmt = '0.00';
  }
  sheet.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW, column: headers.length } };

  const info = wb.addWorksheet(INFO_SHEET);
  info.columns = [{ width: 14 }, { width: 70 }];
  const doc = (d: Alignment['a']) => `《${d.title}》（${[d.region, d.level, d.year ? `${d.year}年` : ''].filter(Boolean).join('，')}；${d.file}）`;
  info.addRows([
    ['甲方', doc(al.a)],
    ['乙方', doc(al.b)],
    ['对照关系', al.relation.text],
    ['统计', summaryLine(al)],
    ['说明', '相似度按两条要点的逐句文字比对计算（0–1）；“分项”表示一条要点的任务由对方多条要点分别落实。'],
  ]);
  info.getColumn(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
