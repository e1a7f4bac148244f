import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/time.js';
import { defaultUnitMatch, digestFor, statusOf, filterRows, ledgerRows, timeline, toCsv, unitStats } from '../../src/ledger/index.js';
import { parseText } from '../../src/parse/index.js';
import type { WorkPlan } from '../../src/model.js';

const DOC = `测试县人民政府办公室关于印发2021年测试县政务公开工作要点的通知
测试县人民政府办公室
2021年6月1日
2021年测试县政务公开工作要点
一、强化政策解读
（一）做好重大政策解读。开展解读。（牵头单位：县府办；责任单位：县司法局，完成时限：2021年8月底）
（二）推进档案数字化。完成归档。（责任单位：县档案馆，完成时限：2021年9月5日）
（三）规范依申请公开。提高答复效率。（牵头单位：县司法局，完成时限：持续推进）
（四）加强培训。组织培训。（责任单位：县府办，完成时限：2021年12月底）
（五）其他工作。=SUM(A1)，没有分工。
`;

const plan: WorkPlan = parseText(DOC, '测试.txt');
const today = '2021-09-01';

describe('ledger rows and status', () => {
  it('one row per item and unit, with status against today', () => {
    const rows = ledgerRows([plan], { today });
    const byItem = (id: string) => rows.filter((r) => r.item === id);
    expect(byItem('一.1').map((r) => [r.unit, r.lead, r.status])).toEqual([
      ['县府办', true, 'overdue'],
      ['县司法局', false, 'overdue'],
    ]);
    expect(byItem('一.2')[0]?.status).toBe('due_soon');
    expect(byItem('一.3')[0]?.status).toBe('ongoing');
    expect(byItem('一.4')[0]?.status).toBe('upcoming');
    expect(byItem('一.5')).toHaveLength(1);
    expect(byItem('一.5')[0]?.unit).toBe('');
  });

  it('filters, stats and timeline', () => {
    const rows = ledgerRows([plan], { today });
    expect(filterRows(rows, { unit: '司法局', lead: true }).map((r) => r.item)).toEqual(['一.3']);
    expect(filterRows(rows, { from: '2021-09-01', to: '2021-09-30' }).map((r) => r.item)).toEqual(['一.2']);
    expect(filterRows(rows, { status: 'overdue' })).toHaveLength(2);
    const stats = unitStats(rows);
    expect(stats[0]).toMatchObject({ unit: '县府办', total: 2, lead: 1, overdue: 1 });
    expect(timeline(rows).map((b) => [b.month, b.items, b.overdue])).toEqual([
      ['2021-08', 1, 1],
      ['2021-09', 1, 0],
      ['2021-12', 1, 0],
    ]);
  });

  it('CSV has a BOM, quotes and neutralizes formulas', () => {
    const csv = toCsv(ledgerRows([plan], { today }));
    expect(csv.startsWith('\uFEFF文件,')).toBe(true);
    expect(csv).not.toMatch(/,=SUM/);
    expect(addDays('2021-12-30', 3)).toBe('2022-01-02');
    // 7天内到期 is the digest's window: today … today+6.
    const due = (d: string) => statusOf({ ...plan.items[0]!, deadlines: [d], bodyDates: [] }, today).status;
    expect(due(addDays(today, 6))).toBe('due_soon');
    expect(due(addDays(today, 7))).toBe('upcoming');
  });
});

describe('digest', () => {
  it('overdue, due within 7 days and ongoing for a unit', () => {
    const d = digestFor([plan], '测试县司法局', today);
    expect(d.total).toBe(2);
    expect(d.overdue.map((e) => e.item)).toEqual(['一.1']);
    expect(d.ongoing.map((e) => e.item)).toEqual(['一.3']);
    expect(d.ongoing[0]?.lead).toBe(true);
    const archive = digestFor([plan], '县档案馆', today);
    expect(archive.dueSoon.map((e) => e.item)).toEqual(['一.2']);
  });

  it('matches unit names across region prefixes but not other regions', () => {
    expect(defaultUnitMatch(plan, '县司法局', '测试县司法局')).toBe(true);
    expect(defaultUnitMatch(plan, '县司法局', '司法局')).toBe(true);
    expect(defaultUnitMatch(plan, '县司法局', '义乌市司法局')).toBe(false);
  });

  it('works on a bundled sample', () => {
    const text = readFileSync(join(import.meta.dirname, '../../samples/2021-青田县政务公开工作要点.txt'), 'utf8');
    const qt = parseText(text, 'qt.txt');
    expect(digestFor([qt], '青田县司法局', '2021-09-01').total).toBeGreaterThan(0);
  });
});
