import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { alignPlans } from '../../src/align/index.js';
import { alignmentToXlsx, HEADER_ROW, INFO_SHEET, SHEET } from '../../src/align/xlsx.js';
import { Tokenizer } from '../../src/search/tokenizer.js';
import { samplePlan, SAMPLE } from './derive.js';

const dir = mkdtempSync(join(tmpdir(), 'yaodian-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('alignmentToXlsx', () => {
  it('writes a workbook that opens: one row per pair in A’s order, merged A cells for one-to-many, gap rows marked', async () => {
    const a = samplePlan(SAMPLE.zhejiang);
    const b = samplePlan(SAMPLE.lucheng);
    const al = alignPlans(a, b, new Tokenizer());
    const file = join(dir, '对照表.xlsx');
    writeFileSync(file, await alignmentToXlsx(al));

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((s) => s.name)).toEqual([SHEET, INFO_SHEET]);
    const ws = wb.getWorksheet(SHEET)!;
    expect(String(ws.getCell(1, 1).value)).toBe('《2020年浙江省政务公开工作要点》与《2020年温州市鹿城区政务公开工作要点》对照表');
    expect(ws.getRow(HEADER_ROW).values).toEqual([undefined, '浙江编号', '浙江事项', '鹿城编号', '鹿城事项', '相似度', '对照情况', '依据（浙江）', '依据（鹿城）']);

    const rows: (string | number | null)[][] = [];
    for (let r = HEADER_ROW + 1; r <= ws.rowCount; r++) {
      rows.push([1, 2, 3, 4, 5, 6].map((c) => ws.getCell(r, c).value as string | number | null));
    }
    // Every pair, every A item without counterpart, every B item without counterpart: one row each.
    expect(rows).toHaveLength(al.pairs.length + al.onlyA.length + al.onlyB.length);

    // 浙江 一（二） is carried out by two 鹿城 items: two rows, the A cells merged over both.
    const split = rows.flatMap((row, k) => (row[2] === '一、第1条' || row[2] === '一、第3条' ? [k] : []));
    expect(split).toHaveLength(2);
    const first = HEADER_ROW + 1 + split[0]!;
    expect(ws.getCell(first, 1).value).toBe('一（二）');
    expect(ws.getCell(first + 1, 1).isMerged).toBe(true);
    expect(ws.getCell(first + 1, 2).value).toBe('动态调整、及时公开权责清单和行政规范性文件');
    expect(typeof rows[split[0]!]![4]).toBe('number');

    // The gap rows name the list they belong to and are filled.
    const gapA = rows.findIndex((row) => row[0] === '四（四）');
    expect(rows[gapA]).toEqual(['四（四）', '推动政府公报创新发展', null, null, null, '鹿城缺项']);
    expect(ws.getCell(HEADER_ROW + 1 + gapA, 1).fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    const gapB = rows.filter((row) => row[5] === '鹿城自有').map((row) => row[2]);
    expect(gapB).toEqual(['四、第17条', '五、第18条', '五、第19条', '五、第20条']);

    const info = wb.getWorksheet(INFO_SHEET)!;
    expect(info.getCell('A3').value).toBe('对照关系');
    expect(String(info.getCell('B3').value)).toContain('上下级对照');
    expect(String(info.getCell('B4').value)).toBe(`共 ${al.pairs.length} 组对应；鹿城缺项 1 条；鹿城自有 4 条。`);
  });
});
