/**
 * .xlsx → one markdown table row per worksheet row (exceljs), which the parser reads like any other table:
 * a task table (序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限) becomes items, a two-column sheet of facts
 * (发文机关 | …) becomes "key：value" lines. Merged cells: a cell merged across columns keeps its text in the first
 * column only; a cell merged down rows repeats its text on every row it covers (a section spanning its items).
 */
import { YaodianError } from '../errors.js';
import type { Converted, SourceLine } from './source.js';
import { openZip } from './zip.js';

interface CellLike {
  value: unknown;
  address: string;
  row: number | string;
  isMerged: boolean;
  master: { address: string; row: number | string };
}

/** A date cell as printed in documents: 2021年7月25日 (exceljs gives dates at UTC midnight). */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** The text a cell shows, for every kind of value exceljs returns. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as Array<{ text?: string }>).map((r) => r.text ?? '').join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
    if ('error' in v) return '';
  }
  return String(value);
}

const escapeCell = (s: string) => s.replace(/\r\n|\r|\n/g, ' ').replace(/\|/g, '｜').trim();

export async function xlsxToLines(buf: Buffer, file = 'workbook.xlsx'): Promise<Converted> {
  // exceljs inflates the whole package without limits: read it through the bounded reader first.
  const zip = openZip(buf, file);
  for (const name of zip.names) zip.read(name);
  if (!zip.has('xl/workbook.xml')) throw new YaodianError('FILE_BINARY', `${file}：不是 Excel 工作簿（缺少 xl/workbook.xml）。`);
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (cause) {
    throw new YaodianError('FILE_BINARY', `${file}：无法读取 Excel 文件（${cause instanceof Error ? cause.message : String(cause)}），请重新导出后再导入。`, { cause });
  }
  const lines: SourceLine[] = [];
  let sheets = 0;
  for (const ws of wb.worksheets) {
    if (ws.state && ws.state !== 'visible') continue;
    const rows: SourceLine[] = [];
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell: CellLike, col: number) => {
        const slave = cell.isMerged && cell.master.address !== cell.address;
        // Merged across columns: text in the first column only; merged down rows: repeated on each row.
        const text = slave && Number(cell.master.row) === Number(cell.row) ? '' : cellText(cell.value);
        cells[col - 1] = escapeCell(text);
      });
      const filled = Array.from({ length: cells.length }, (_, i) => cells[i] ?? '');
      if (filled.some((c) => c)) rows.push({ text: `| ${filled.join(' | ')} |`, sheet: ws.name, row: r });
    });
    if (rows.length === 0) continue;
    sheets++;
    if (lines.length) lines.push({ text: '' });
    lines.push(...rows);
  }
  if (lines.length === 0) throw new YaodianError('FILE_EMPTY', `${file}：工作簿中没有内容。`);
  return { format: 'xlsx', lines, notes: [`读取工作表 ${sheets} 张`] };
}
