/**
 * Ledger exports: CSV (UTF-8 BOM, CRLF, formula cells neutralised) and an Excel workbook. One column set for the
 * web page's exports and `yaodian ledger --csv`.
 */
import { STATUS_LABELS } from './due.js';
import type { LedgerRow } from './rows.js';
import { unitStats } from './stats.js';

type Column = keyof LedgerRow | 'statusLabel' | 'leadLabel';

const COLUMNS: Array<[Column, string, number]> = [
  ['doc', '文件', 16],
  ['region', '地区', 12],
  ['ref', '条目', 10],
  ['title', '任务', 48],
  ['unit', '责任单位', 22],
  ['leadLabel', '牵头', 6],
  ['deadlines', '时限', 18],
  ['due', '最早到期日', 12],
  ['statusLabel', '状态', 10],
  ['progress', '进展', 8],
  ['note', '进展说明', 24],
  ['updatedBy', '登记人', 16],
  ['updatedAt', '登记时间', 20],
  ['file', '来源文件', 30],
  ['lines', '原文行号', 10],
];

function cellOf(r: LedgerRow, key: Column): string {
  if (key === 'statusLabel') return STATUS_LABELS[r.status];
  if (key === 'leadLabel') return r.lead ? '是' : '';
  if (key === 'deadlines') return r.deadlines.join('、');
  if (key === 'lines') return `${r.lines[0]}-${r.lines[1]}`;
  const v = r[key];
  return v === null || v === undefined ? '' : String(v);
}

/** A CSV cell; one a spreadsheet would run as a formula (= + - @ tab CR) is prefixed with ' (CSV injection). */
export function csvCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV with a UTF-8 BOM and CRLF line ends, so that Excel opens the Chinese text correctly. */
export function toCsv(rows: LedgerRow[]): string {
  const lines = [COLUMNS.map(([, h]) => h).join(',')];
  for (const r of rows) lines.push(COLUMNS.map(([k]) => csvCell(cellOf(r, k))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** An Excel workbook: 任务台账 (the rows) and 单位统计 (per unit counts). */
export async function toXlsx(rows: LedgerRow[], options: { title?: string } = {}): Promise<Buffer> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = '要点助手';
  wb.created = new Date(0);
  const sheet = wb.addWorksheet('任务台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map(([k, h, width]) => ({ header: h, key: k, width }));
  for (const r of rows) sheet.addRow(Object.fromEntries(COLUMNS.map(([k]) => [k, cellOf(r, k)])));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  const stats = wb.addWorksheet('单位统计', { views: [{ state: 'frozen', ySplit: 1 }] });
  stats.columns = [
    { header: '地区', key: 'region', width: 14 },
    { header: '单位', key: 'unit', width: 26 },
    { header: '任务数', key: 'total', width: 10 },
    { header: '牵头', key: 'lead', width: 8 },
    { header: '已逾期', key: 'overdue', width: 10 },
    { header: '7天内到期', key: 'dueSoon', width: 12 },
    { header: '已完成', key: 'done', width: 10 },
  ];
  for (const s of unitStats(rows)) stats.addRow(s);
  stats.getRow(1).font = { bold: true };
  if (options.title) wb.title = options.title;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
