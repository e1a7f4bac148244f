import { describe, expect, it } from 'vitest';
import { createAnswerer, type AskContext } from '../../src/answer/index.js';
import { fixturePlans, plan } from '../helpers/plans.js';

const bot = createAnswerer(fixturePlans());
const ask = (q: string, ctx: AskContext = {}) => bot.answer(q, { today: '2021-08-01', ...ctx });
const cited = (q: string, ctx: AskContext = {}) => ask(q, ctx).citations.map((c) => `${c.file}#${c.item}`);

describe('unit questions', () => {
  it('cites exactly the items naming the unit, and counts category items apart', () => {
    const a = ask('青田县财政局负责哪些任务');
    expect(a.intent).toBe('unit_tasks');
    expect(cited('青田县财政局负责哪些任务')).toEqual(['qt.txt#一.2']);
    // 一.1 (各行政机关) and 四.1 (县直有关单位) concern every department but are not citations.
    expect(a.text).toMatch(/另有2项由.*各行政机关.*也涉及本单位/);
  });

  it('我局 is the asker’s unit, under any of its names', () => {
    expect(cited('我局有哪些任务', { unit: '青田县府办' })).toEqual(['qt.txt#一.2', 'qt.txt#二.1', 'qt.txt#三.1']);
    expect(cited('我们单位有哪些任务', { unit: '青田县政府办公室' })).toEqual(['qt.txt#一.2', 'qt.txt#二.1', 'qt.txt#三.1']);
    expect(ask('我局有哪些任务').text).toMatch(/单位/);
  });

  it('牵头 asks for the items the unit leads only', () => {
    expect(cited('青田县司法局牵头哪些工作')).toEqual(['qt.txt#一.1']);
    expect(cited('青田县司法局负责哪些任务')).toEqual(['qt.txt#一.1', 'qt.txt#三.2']);
    expect(ask('青田县司法局牵头哪些工作').text).toMatch(/另有1项该单位参与但不牵头/);
  });

  it('stays inside the unit’s region', () => {
    expect(cited('会同县财政局有哪些任务')).toEqual(['hs.txt#一.1']);
    expect(cited('会同县发改局负责什么')).toEqual(['hs.txt#一.1', 'hs.txt#一.2']);
    expect(cited('浙江省大数据局负责什么')).toEqual(['zj.txt#一.1', 'zj.txt#一.2']);
  });

  it('a category asked by name cites the items assigned to that category', () => {
    const a = ask('青田县县直有关单位有哪些任务');
    expect(a.intent).toBe('category_tasks');
    expect(a.citations.map((c) => c.item)).toEqual(['四.1']);
  });

  it('an unknown unit gets a helpful reply with the nearest names', () => {
    const a = ask('青田县财政厅负责哪些任务');
    expect(a.citations).toEqual([]);
    expect(a.text).toMatch(/您是不是要找：.*县财政局/);
  });
});

describe('deadline questions', () => {
  it('X月底前 means a deadline on or before the end of that month, in each plan’s work year', () => {
    expect(cited('9月底前要完成哪些任务')).toEqual(['hs.txt#一.1', 'qt.txt#一.2']);
    expect(cited('青田县2021年9月底前要完成哪些任务')).toEqual(['qt.txt#一.2']);
    expect(cited('2021年12月底到期的任务')).toEqual(['qt.txt#三.2']);
    // A day narrows the range: 2021-09-30 is after 9月15日.
    expect(cited('9月15日前要完成哪些任务')).toEqual(['hs.txt#一.1']);
    expect(cited('青田县2021年9月30日前要完成哪些任务')).toEqual(['qt.txt#一.2']);
  });

  it('本月, 下周 and 逾期 are relative to today', () => {
    expect(cited('本月到期的任务', { today: '2021-11-10' })).toEqual(['qt.txt#二.1']);
    // 2021-12-20 is a Monday: next week is 12-27 … 2022-01-02.
    expect(cited('下周到期的任务', { today: '2021-12-20' })).toEqual(['qt.txt#三.2']);
    expect(cited('逾期的任务', { today: '2021-10-15' })).toEqual(['hs.txt#一.1', 'qt.txt#一.2']);
    expect(cited('逾期的任务', { today: '2021-01-01' })).toEqual([]);
  });

  it('combines with the asker’s unit', () => {
    expect(cited('我局本月到期的任务', { unit: '青田县府办', today: '2021-11-02' })).toEqual(['qt.txt#二.1']);
  });

  it('持续推进 lists ongoing items', () => {
    expect(cited('有哪些持续推进的任务')).toEqual(['qt.txt#三.1']);
  });
});

describe('topic questions', () => {
  it('ranks the item about the topic first', () => {
    expect(ask('依申请公开有什么要求').citations[0]?.ref).toMatch(/三（一）/);
    expect(ask('政务新媒体怎么管理').citations[0]?.item).toBe('三.2');
    expect(ask('财政预决算公开').citations[0]?.item).toBe('一.2');
  });

  it('a named place narrows the search to its documents', () => {
    const a = ask('浙江省公共数据开放');
    expect(a.citations.length).toBeGreaterThan(0);
    expect(a.citations.every((c) => c.file === 'zj.txt')).toBe(true);
  });

  it('says so when nothing matches', () => {
    const a = ask('火星探测计划');
    expect(a.intent).toBe('no_match');
    expect(a.citations).toEqual([]);
    expect(a.text).toMatch(/没有/);
  });

  it('every reply line quotes the plans', () => {
    const a = ask('依申请公开有什么要求');
    const c = a.citations[0]!;
    expect(a.text).toContain(c.title);
    expect(a.text).toContain(`《${c.doc}》${c.ref}`);
  });
});

describe('documents, outline, item, help', () => {
  it('lists the documents', () => {
    const a = ask('有哪些文件');
    expect(a.intent).toBe('documents');
    expect(a.text).toMatch(/3份文件/);
  });

  it('an outline question cites the section’s items', () => {
    expect(cited('青田要点第三部分讲什么')).toEqual(['qt.txt#三.1', 'qt.txt#三.2']);
  });

  it('an item by reference', () => {
    expect(cited('浙江省要点一（二）是什么')).toEqual(['zj.txt#一.2']);
    expect(cited('青田 三(一)')).toEqual(['qt.txt#三.1']);
  });

  it('help explains what it can do', () => {
    expect(ask('你能做什么').intent).toBe('help');
    expect(ask('帮助').text).toMatch(/依申请公开/);
  });
});

describe('incremental plans', () => {
  it('adds and removes a plan', () => {
    const b = createAnswerer(fixturePlans());
    b.addPlan(plan('jd.txt', '旌德县', 2021, [['一.1', '推进政府公报数字化。', ['县数据资源局'], ['2021-09-30']]]));
    expect(b.answer('旌德县数据资源局有哪些任务').citations.map((c) => c.file)).toEqual(['jd.txt']);
    expect(b.answer('政府公报', {}).citations[0]?.file).toBe('jd.txt');
    expect(b.removePlan('jd.txt')).toBe(true);
    expect(b.answer('旌德县数据资源局有哪些任务').citations).toEqual([]);
    expect(b.directory.findRegion('旌德县')).toBeUndefined();
    expect(b.answer('政府公报').citations.every((c) => c.file !== 'jd.txt')).toBe(true);
  });
});
