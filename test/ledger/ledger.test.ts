import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/time.js';
import { createAnswerer } from '../../src/answer/index.js';
import { createDigestService } from '../../src/digest/service.js';
import { createLedgerService, dueDates, dueState, filterRows, ledgerRows, progressLookup, timeline, toCsv, unitStats } from '../../src/ledger/index.js';
import { parseText } from '../../src/parse/index.js';
import type { Deadline, Item, WorkPlan } from '../../src/model.js';

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
    const due = (d: string) => dueState({ ...plan.items[0]!, deadlines: [d], bodyDates: [] }, today).status;
    expect(due(addDays(today, 6))).toBe('due_soon');
    expect(due(addDays(today, 7))).toBe('upcoming');
  });
});

describe('the due-date rule', () => {
  const item = (over: Partial<Item>): Item => ({ ...plan.items[0]!, deadlines: [], bodyDates: [], assignments: [], ...over });
  const text = (date: string): Deadline => ({ kind: 'date', date, text: `${date.slice(0, 4)}年底前` });

  it('counts the dates in an item’s text only when its assignments give none', () => {
    expect(dueDates(item({ deadlines: [], bodyDates: [text('2020-12-31')] }))).toEqual(['2020-12-31']);
    expect(dueDates(item({ deadlines: ['2021-11-30'], bodyDates: [text('2021-12-31')] }))).toEqual(['2021-11-30']);
    expect(dueDates(item({ deadlines: ['持续推进'], bodyDates: [{ kind: 'relative', text: '年底前', date: '2021-12-31' }] }))).toEqual(['2021-12-31']);
    expect(dueState(item({ bodyDates: [text('2020-12-31')] }), '2021-06-25')).toEqual({ status: 'overdue', due: '2020-12-31', days: 176 });
  });

  it('overdue: the latest date passed; due soon: the earliest date in today … today+6', () => {
    const two = item({ deadlines: ['2021-06-30', '2021-11-30'] });
    expect(dueState(two, '2021-12-05')).toEqual({ status: 'overdue', due: '2021-11-30', days: 5 });
    expect(dueState(two, '2021-07-01')).toEqual({ status: 'overdue', due: '2021-06-30', days: 1 });
    expect(dueState(two, '2021-06-24')).toEqual({ status: 'due_soon', due: '2021-06-30', days: 6 });
    expect(dueState(two, '2021-06-23')).toEqual({ status: 'upcoming', due: '2021-06-30', days: 7 });
    expect(dueState(two, '2021-06-30')).toEqual({ status: 'due_soon', due: '2021-06-30', days: 0 });
  });

  it('持续推进 with a date far ahead is ongoing; with a date passed or near, that date decides', () => {
    const both = item({ deadlines: ['2021-11-30', '持续推进'] });
    expect(dueState(both, '2021-06-25').status).toBe('ongoing');
    expect(dueState(both, '2021-11-25').status).toBe('due_soon');
    expect(dueState(both, '2021-12-01').status).toBe('overdue');
    expect(dueState(item({}), '2021-06-25')).toEqual({ status: 'no_deadline', due: null, days: null });
  });

  it('the ledger marks a row done when its unit recorded 已完成, whatever the date', () => {
    const progress = progressLookup([{ file: '测试.txt', item: '一.1', unit: '测试县司法局', status: '已完成', note: '已开展', by: 'lark:u', at: '2021-08-30T00:00:00Z' }], (u) => (u === '测试县司法局' ? '测试县|司法局' : undefined));
    const rows = ledgerRows([plan], { today, progress }).filter((r) => r.item === '一.1');
    expect(rows.map((r) => [r.unit, r.status, r.progress, r.note])).toEqual([
      ['县府办', 'overdue', '未开始', null],
      ['县司法局', 'done', '已完成', '已开展'],
    ]);
    expect(unitStats(rows).find((s) => s.unit === '县司法局')).toMatchObject({ overdue: 0, done: 1 });
  });
});

describe('digest over a plan', () => {
  const answerer = createAnswerer([plan]);
  const digests = createDigestService({ ledger: createLedgerService({ catalog: answerer }) });

  it('overdue, due within 7 days and ongoing for a unit', async () => {
    const d = await digests.digest('测试县司法局', today);
    expect(d.unit).toBe('测试县司法局');
    expect(d.overdue.map((e) => e.item)).toEqual(['一.1']);
    expect(d.ongoing.map((e) => e.item)).toEqual(['一.3']);
    const archive = await digests.digest('县档案馆', today);
    expect(archive.unit).toBe('测试县档案馆');
    expect(archive.dueSoon.map((e) => [e.item, e.due, e.days])).toEqual([['一.2', '2021-09-05', 4]]);
  });

  it('resolves unit names across region prefixes but not other regions', async () => {
    expect((await digests.digest('司法局', today)).unit).toBe('测试县司法局');
    await expect(digests.digest('义乌市司法局', today)).rejects.toThrow(/没有找到单位“义乌市司法局”/);
  });

  it('works on a bundled sample', async () => {
    const text = readFileSync(join(import.meta.dirname, '../../samples/2021-旌德县政务公开工作要点.txt'), 'utf8');
    const jd = createAnswerer([parseText(text, 'jd.txt')]);
    const d = await createDigestService({ ledger: createLedgerService({ catalog: jd }) }).digest('旌德县财政局', '2021-11-25');
    expect(d.dueSoon.map((e) => [e.item, e.due, e.days])).toEqual([['一.3', '2021-11-30', 5]]);
  });
});
