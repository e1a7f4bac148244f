import { describe, expect, it } from 'vitest';
import { isFollowUp, mergeFollowUp, type Turn } from '../../src/query/followup.js';
import { emptyQuery, type Query } from '../../src/query/schema.js';

const q = (over: Partial<Query>): Query => ({ ...emptyQuery('list'), ...over });
const turn = (query: Query, citations: string[] = []): Turn => ({ query, citations, at: 0 });

describe('follow-ups', () => {
  const unitQ = q({ regions: ['青田县'], units: [{ text: '青田县财政局', region: '青田县' }], rules: ['units'] });

  it('那义乌呢: the unit asked again in the other region', () => {
    const cur = q({ regions: ['义乌市'] });
    expect(isFollowUp(cur, true, turn(unitQ))).toBe(true);
    const m = mergeFollowUp(unitQ, cur);
    expect(m.regions).toEqual(['义乌市']);
    expect(m.units).toEqual([{ text: '财政局' }]);
  });

  it('牵头的呢 / 其中逾期的呢: one slot added, the rest kept', () => {
    expect(mergeFollowUp(unitQ, q({ role: 'lead' }))).toMatchObject({ role: 'lead', units: unitQ.units, regions: ['青田县'] });
    const overdue = mergeFollowUp(unitQ, q({ deadline: { label: '逾期', to: '2021-05-31', overdue: true } }));
    expect(overdue.deadline?.overdue).toBe(true);
    expect(overdue.units).toEqual(unitQ.units);
  });

  it('旌德的呢 after a topic: the topic in that region', () => {
    const topic = q({ topic: '依申请公开' });
    expect(mergeFollowUp(topic, q({ regions: ['旌德县'] }))).toMatchObject({ topic: '依申请公开', regions: ['旌德县'] });
  });

  it('第三条的责任单位是谁 after a list: a bare reference to the previous reply, asking for units', () => {
    const outline = q({ regions: ['温州市鹿城区'], ref: { section: '一' } });
    const cur = q({ ref: { item: 3, bare: true }, want: 'units' });
    expect(isFollowUp(cur, false, turn(outline, ['a#一.1', 'a#一.2', 'a#一.3']))).toBe(true);
    expect(mergeFollowUp(outline, cur)).toMatchObject({ want: 'units', ref: { item: 3, bare: true }, regions: ['温州市鹿城区'] });
  });

  it('a question that stands on its own is no follow-up', () => {
    const prev = turn(unitQ, ['a#一.1']);
    expect(isFollowUp(q({ topic: '政务新媒体' }), false, prev)).toBe(false);
    expect(isFollowUp(q({ units: [{ text: '鹿城区司法局', region: '温州市鹿城区' }] }), false, prev)).toBe(false);
    expect(isFollowUp(q({ want: 'help' }), true, prev)).toBe(false);
    expect(isFollowUp(q({ regions: ['义乌市'] }), true, undefined)).toBe(false);
  });

  it('an unmarked bare slot (a region alone, answering 您问的是哪个地区) is a follow-up', () => {
    expect(isFollowUp(q({ regions: ['青田县'] }), false, turn(unitQ))).toBe(true);
  });
});
