import { describe, expect, it } from 'vitest';
import { cnNumber, findBodyDates, parseDeadline } from '../../src/parse/deadlines.js';

const ctx = { year: 2021, issuedDate: '2021-08-27' };
const date = (s: string, c = ctx) => {
  const d = parseDeadline(s, c);
  return d && 'date' in d ? d.date : d?.kind;
};

describe('deadlines', () => {
  it('month ends and year ends', () => {
    expect(date('2021年11月底')).toBe('2021-11-30');
    expect(date('2021 年11月底')).toBe('2021-11-30');
    expect(date('2024年2月底前')).toBe('2024-02-29');
    expect(date('2021年底前')).toBe('2021-12-31');
    expect(date('年底前')).toBe('2021-12-31');
    expect(date('9月底前')).toBe('2021-09-30');
    expect(date('2021年6月30日')).toBe('2021-06-30');
    expect(date('2021年上半年')).toBe('2021-06-30');
    expect(date('2021年第三季度')).toBe('2021-09-30');
    expect(date('十二月底')).toBe('2021-12-31');
  });

  it('ongoing', () => {
    expect(parseDeadline('持续推进', ctx)).toEqual({ kind: 'ongoing', text: '持续推进' });
    expect(parseDeadline('持\n续推进', ctx)).toEqual({ kind: 'ongoing', text: '持续推进' });
  });

  it('relative to the issue date, or kept as text', () => {
    expect(parseDeadline('本要点印发后一个月内', ctx)).toEqual({ kind: 'relative', text: '本要点印发后一个月内', date: '2021-09-27' });
    expect(parseDeadline('印发之日起30日内', ctx)).toMatchObject({ date: '2021-09-26' });
    expect(parseDeadline('本要点印发后一个月内', { year: 2021, issuedDate: null })).toEqual({
      kind: 'relative',
      text: '本要点印发后一个月内',
    });
  });

  it('rejects impossible dates and non-deadlines', () => {
    expect(parseDeadline('2021年2月30日', ctx)).toBeNull();
    expect(parseDeadline('按要求', ctx)).toBeNull();
    expect(parseDeadline('', ctx)).toBeNull();
  });

  it('body dates', () => {
    const found = findBodyDates('2020年9月底前，完成标准目录编制，年底前全面完成发布实施。', { year: 2020, issuedDate: null });
    expect(found.map((d) => ('date' in d ? d.date : ''))).toEqual(['2020-09-30', '2020-12-31']);
  });

  it('Chinese numerals', () => {
    expect(cnNumber('十二')).toBe(12);
    expect(cnNumber('二十六')).toBe(26);
    expect(cnNumber('三')).toBe(3);
    expect(cnNumber('12')).toBe(12);
    expect(cnNumber('abc')).toBeNull();
  });
});
