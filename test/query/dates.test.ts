import { describe, expect, it } from 'vitest';
import { parseDeadline, rangeIn } from '../../src/query/dates.js';

const range = (q: string, today: string) => {
  const m = parseDeadline(q, today);
  return m ? rangeIn(m.range, 2021, today) : undefined;
};

describe('deadline wording relative to a fixed today', () => {
  it.each([
    // [question, today, from, to]
    ['今天到期的', '2021-03-31', '2021-03-31', '2021-03-31'],
    ['明天到期的', '2021-03-31', '2021-04-01', '2021-04-01'],
    ['明天到期的', '2021-12-31', '2022-01-01', '2022-01-01'],
    // 2021-12-29 is a Wednesday: the week is Monday 12-27 … Sunday 2022-01-02.
    ['本周到期的任务', '2021-12-29', '2021-12-27', '2022-01-02'],
    ['这周到期', '2021-12-29', '2021-12-27', '2022-01-02'],
    ['下周到期的任务', '2021-12-29', '2022-01-03', '2022-01-09'],
    ['本月到期的任务', '2021-02-10', '2021-02-01', '2021-02-28'],
    ['这个月到期的', '2024-02-10', '2024-02-01', '2024-02-29'],
    ['下月到期的', '2021-12-15', '2022-01-01', '2022-01-31'],
    ['下个月到期的', '2021-01-31', '2021-02-01', '2021-02-28'],
    // "…前" relative to today starts today: what is already past is 逾期.
    ['本月底前要完成的', '2021-11-10', '2021-11-10', '2021-11-30'],
    ['下个月底前到期的', '2021-09-20', '2021-09-20', '2021-10-31'],
    ['本季度到期', '2021-05-05', '2021-04-01', '2021-06-30'],
    ['下季度到期的', '2021-11-05', '2022-01-01', '2022-03-31'],
    ['逾期的任务', '2021-01-01', undefined, '2020-12-31'],
    ['快到期的任务', '2021-12-28', '2021-12-28', '2022-01-03'],
    ['7天内到期的', '2021-02-25', '2021-02-25', '2021-03-03'],
    ['今年年底前要完成的', '2022-06-01', undefined, '2022-12-31'],
    ['今年上半年', '2022-06-01', '2022-01-01', '2022-06-30'],
  ])('%s (today %s) → %s … %s', (q, today, from, to) => {
    expect(range(q, today)).toEqual({ ...(from ? { from } : {}), to });
  });

  it.each([
    // Without a year: each document's work year (2021 here), whatever today is.
    ['9月底前要完成哪些任务', undefined, '2021-09-30'],
    ['9月30日前', undefined, '2021-09-30'],
    ['9月15日前要完成的', undefined, '2021-09-15'],
    ['2月底前', undefined, '2021-02-28'],
    ['12月底到期的', '2021-12-01', '2021-12-31'],
    ['9月份到期的', '2021-09-01', '2021-09-30'],
    ['三季度到期的', '2021-07-01', '2021-09-30'],
    ['第三季度', '2021-07-01', '2021-09-30'],
    ['Q4到期的任务', '2021-10-01', '2021-12-31'],
    ['一季度末前要完成的', undefined, '2021-03-31'],
    ['上半年要完成的', '2021-01-01', '2021-06-30'],
    ['下半年', '2021-07-01', '2021-12-31'],
    ['年底前要完成哪些任务', undefined, '2021-12-31'],
    ['年内要完成的', undefined, '2021-12-31'],
    // With a year: that year.
    ['2020年9月底前要完成哪些任务', undefined, '2020-09-30'],
    ['2020年底前', undefined, '2020-12-31'],
    ['2022年第一季度', '2022-01-01', '2022-03-31'],
  ])('%s → %s … %s', (q, from, to) => {
    expect(range(q, '2026-11-29')).toEqual({ ...(from ? { from } : {}), to });
  });

  it('还有… starts today', () => {
    expect(range('年底前还有哪些任务要完成', '2021-12-01')).toEqual({ from: '2021-12-01', to: '2021-12-31' });
    expect(range('9月底前还没完成的', '2021-09-10')).toEqual({ from: '2021-09-10', to: '2021-09-30' });
  });

  it('持续推进 is its own bucket, and a month that is no deadline is no range', () => {
    expect(parseDeadline('有没有持续推进的任务', '2021-06-01')?.range).toMatchObject({ ongoing: true });
    expect(parseDeadline('长期坚持的工作有哪些', '2021-06-01')?.range).toMatchObject({ ongoing: true });
    expect(parseDeadline('2021年7月印发的要点', '2021-06-01')).toBeUndefined();
    expect(parseDeadline('依申请公开有什么要求', '2021-06-01')).toBeUndefined();
  });

  it('the wording it found is reported, so the topic can leave it out', () => {
    const m = parseDeadline('旌德县9月底前要完成的', '2021-06-01')!;
    expect('旌德县9月底前要完成的'.slice(m.start, m.end)).toBe('9月底');
    expect(m.range.label).toBe('9月底前');
  });
});
