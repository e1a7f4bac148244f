import { samplePlans, sampleEngine } from '../helpers/samples.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import { buildDigest, digestJson, firstWorkingDay, isFirstWorkingDay } from '../../src/digest/build.js';
import { renderDigest } from '../../src/digest/render.js';
import { progressLookup } from '../../src/ledger/rows.js';
import { unitTasks } from '../../src/ledger/unit.js';
import { canonicalUnitName, lookupUnit, requireUnit } from '../../src/ledger/units.js';
import type { WorkPlan } from '../../src/model.js';
import type { ProgressRecord } from '../../src/store/index.js';

const JD = '2021-旌德县政务公开工作要点.txt';
let plans: WorkPlan[];
let answerer: Answerer;

beforeAll(async () => {
  plans = await samplePlans();
  answerer = await sampleEngine();
});

const ids = (entries: { item: string }[]) => entries.map((e) => e.item);
/** As the digest service does it: the unit's tasks on the day with its progress, then the buckets. */
function digest(unit: string, date: string, progress: ProgressRecord[] = [], last?: string, addedAt?: Map<string, string>) {
  const found = requireUnit(answerer.directory, unit);
  const tasks = unitTasks(plans, answerer.directory, found, { today: date, progress: progressLookup(progress, () => found.unit.key) });
  return buildDigest(tasks, date, { ...(addedAt ? { addedAt } : {}), ...(last ? { lastDigestDate: last } : {}) });
}

describe('working days', () => {
  it('finds the first Monday–Friday of the month', () => {
    expect(firstWorkingDay('2021-12-15')).toBe('2021-12-01');
    expect(firstWorkingDay('2022-01-20')).toBe('2022-01-03');
    expect(firstWorkingDay('2021-05-09')).toBe('2021-05-03');
    expect(isFirstWorkingDay('2021-12-01')).toBe(true);
    expect(isFirstWorkingDay('2021-12-02')).toBe(false);
  });
});

describe('unit lookup', () => {
  it('resolves aliases and region forms to one canonical name, and suggests for a typo', () => {
    const found = lookupUnit(answerer.directory, '旌德县财政局');
    expect(found.kind === 'found' && found.name).toBe('旌德县财政局');
    const alias = lookupUnit(answerer.directory, '青田县政府办公室');
    expect(alias.kind === 'found' && alias.name).toBe('青田县府办');
    const amb = lookupUnit(answerer.directory, '县财政局');
    expect(amb.kind).toBe('ambiguous');
    expect(amb.kind === 'ambiguous' && amb.candidates.sort()).toEqual(['旌德县财政局', '青田县财政局']);
    const typo = lookupUnit(answerer.directory, '旌德县财正局');
    expect(typo.kind === 'unknown' && typo.suggestions).toContain('旌德县财政局');
    const r = answerer.directory.resolve('鹿城区司法局')[0]!;
    expect(canonicalUnitName(r)).toBe('温州市鹿城区司法局');
  });

  it('every unit’s canonical name reads back as that unit (市场监管局 in 义乌市 keeps its 市)', () => {
    const entries = answerer.directory.unitsOf();
    expect(entries.length).toBeGreaterThan(90);
    for (const e of entries) {
      const name = canonicalUnitName({ region: e.region, local: e.names[0]!, key: e.key, entry: e });
      const back = lookupUnit(answerer.directory, name);
      expect(back.kind === 'found' && back.unit.key, name).toBe(e.key);
      expect(back.kind === 'found' && back.name).toBe(name);
    }
    const yw = lookupUnit(answerer.directory, '义乌市市场监督管理局');
    expect(yw.kind === 'found' && yw.name).toBe('义乌市市场监管局');
  });
});

describe('buildDigest', () => {
  it('puts 一.3 (due 2021-11-30) under 7日内到期 on 11-25 and under 逾期 on 12-02', () => {
    const before = digest('旌德县财政局', '2021-11-25');
    expect(ids(before.dueSoon)).toEqual(['一.3']);
    expect(before.dueSoon[0]).toMatchObject({ file: JD, due: '2021-11-30', days: 5, status: '未开始', deadlines: ['2021-11-30'] });
    expect(before.overdue).toEqual([]);
    const after = digest('旌德县财政局', '2021-12-02');
    expect(ids(after.overdue)).toEqual(['一.3']);
    expect(after.overdue[0]).toMatchObject({ due: '2021-11-30', days: 2 });
    expect(after.dueSoon).toEqual([]);
  });

  it('counts 7 days with today included: due today is due soon, due in 7 days is not yet', () => {
    expect(ids(digest('旌德县财政局', '2021-11-30').dueSoon)).toEqual(['一.3']);
    expect(digest('旌德县财政局', '2021-11-30').dueSoon[0]?.days).toBe(0);
    expect(ids(digest('旌德县财政局', '2021-11-24').dueSoon)).toEqual(['一.3']);
    expect(digest('旌德县财政局', '2021-11-23').dueSoon).toEqual([]);
  });

  it('leaves out items the unit has completed, and shows 进行中 with its note', () => {
    const done: ProgressRecord = { file: JD, item: '一.3', unit: '旌德县财政局', status: '已完成', note: null, by: 'lark:u1', at: '2021-11-29T00:00:00Z' };
    expect(digest('旌德县财政局', '2021-12-02', [done]).overdue).toEqual([]);
    const doing: ProgressRecord = { ...done, status: '进行中', note: '已公开部门预算' };
    const d = digest('旌德县财政局', '2021-12-02', [doing]);
    expect(d.overdue[0]).toMatchObject({ status: '进行中', note: '已公开部门预算' });
    expect(renderDigest(d).text).toContain('进行中：已公开部门预算');
  });

  it('keeps category-assigned items (县直有关单位) apart from the items that name the unit', () => {
    const d = digest('旌德县财政局', '2021-12-02');
    const named = new Set([...d.overdue, ...d.dueSoon, ...d.ongoing].map((e) => e.item));
    const cats = [...d.categories.overdue, ...d.categories.dueSoon, ...d.categories.ongoing];
    expect(cats.length).toBeGreaterThan(0);
    for (const c of cats) {
      expect(named.has(c.item)).toBe(false);
      expect(c.units).not.toContain('县财政局');
      expect(c.categories?.length).toBeGreaterThan(0);
    }
    const text = renderDigest(d).text;
    expect(text).toMatch(/另有由.*等类别承担.*逾期\d+项/);
    // Counted, not cited.
    expect(renderDigest(d).citations.map((c) => c.item)).toEqual(['一.3']);
  });

  it('lists 持续推进 items always in the JSON, in the message only on the first working day of the month', () => {
    const first = digest('旌德县政府办', '2021-12-01');
    const later = digest('旌德县政府办', '2021-12-02');
    expect(ids(first.ongoing)).toEqual(expect.arrayContaining(['六.2', '六.4']));
    expect(ids(later.ongoing)).toEqual(ids(first.ongoing));
    expect(first.showOngoing).toBe(true);
    expect(later.showOngoing).toBe(false);
    expect(renderDigest(first).text).toContain('【持续推进】');
    expect(renderDigest(later).text).not.toContain('【持续推进】');
    expect(renderDigest(later).text).toContain('每月第一个工作日列出');
    // An item with a passed date and 持续推进 is overdue, not ongoing.
    expect(ids(first.overdue)).toContain('三.2');
    expect(ids(first.ongoing)).not.toContain('三.2');
  });

  it('lists as 新增 the items of documents added since the last digest', () => {
    const added = new Map([[JD, '2021-11-24T02:00:00.000Z']]);
    expect(ids(digest('旌德县财政局', '2021-11-25', [], '2021-11-23', added).newItems)).toEqual(['一.3']);
    expect(digest('旌德县财政局', '2021-11-25', [], '2021-11-24', added).newItems).toEqual([]);
    // No digest before: only documents added today are new.
    expect(digest('旌德县财政局', '2021-11-24', [], undefined, added).newItems.length).toBe(1);
    expect(digest('旌德县财政局', '2021-11-25', [], undefined, added).newItems).toEqual([]);
    const text = renderDigest(digest('旌德县财政局', '2021-11-25', [], '2021-11-23', added)).text;
    expect(text).toContain('【新增】1项');
  });

  it('renders an Answer with intent digest, the unit, the date and citations shaped like ask', () => {
    const a = renderDigest(digest('旌德县财政局', '2021-11-25'));
    expect(a.intent).toBe('digest');
    expect(a.text).toContain('旌德县财政局');
    expect(a.text).toContain('2021-11-25');
    expect(a.text).toContain('【7日内到期】1项');
    expect(a.text).toContain('还剩5天');
    expect(Object.keys(a.citations[0]!).sort()).toEqual(['deadlines', 'doc', 'docTitle', 'file', 'item', 'leadUnits', 'lines', 'printed', 'ref', 'score', 'snippet', 'title', 'units']);
  });

  it('the JSON lists every bucket in full', () => {
    const j = digestJson(digest('旌德县政府办', '2021-12-02'));
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['unit', 'date', 'overdue', 'dueSoon', 'ongoing', 'newItems']));
    expect((j['ongoing'] as unknown[]).length).toBeGreaterThan(0);
  });

  it('says so when there is nothing today, and rejects an unknown unit with suggestions', () => {
    const a = renderDigest(digest('旌德县财政局', '2021-01-04'));
    expect(a.text).toContain('今天没有逾期、7日内到期或新增的任务');
    expect(a.citations).toEqual([]);
    expect(() => digest('旌德县财正局', '2021-11-25')).toThrow(/您是不是要找：旌德县财政局/);
    const none = renderDigest(digest('青田县财政局', '2021-11-25'));
    expect(none.text).toContain('今天没有逾期、7日内到期或新增的任务');
  });
});
