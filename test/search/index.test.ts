import { describe, expect, it } from 'vitest';
import { ItemIndex } from '../../src/search/index.js';
import { Tokenizer } from '../../src/search/tokenizer.js';
import { fixturePlans, plan } from '../helpers/plans.js';

const ids = (index: ItemIndex, q: string) => index.search(q).map((h) => `${h.file}#${h.item}`);

describe('item index', () => {
  const tokenizer = new Tokenizer();
  const plans = fixturePlans();

  it('ranks the item whose title is about the topic first', () => {
    const index = new ItemIndex(tokenizer);
    plans.forEach((p) => index.addPlan(p));
    expect(ids(index, '依申请公开')[0]).toBe('qt.txt#三.1');
    expect(ids(index, '新媒体')[0]).toBe('qt.txt#三.2');
  });

  it('saves and restores to the same results', () => {
    const index = new ItemIndex(tokenizer);
    plans.forEach((p) => index.addPlan(p));
    const saved = JSON.stringify(index.toJSON());
    const restored = ItemIndex.loadJSON(saved, tokenizer);
    expect(restored.size).toBe(index.size);
    for (const q of ['依申请公开', '政府网站集约化', '预决算']) expect(ids(restored, q)).toEqual(ids(index, q));
    expect(restored.idf('预决算')).toBeCloseTo(index.idf('预决算'));
  });

  it('adds, replaces and removes a document incrementally', () => {
    const index = new ItemIndex(tokenizer);
    plans.forEach((p) => index.addPlan(p));
    const before = index.size;
    index.addPlan(plan('new.txt', '旌德县', 2021, [['一.1', '推进政府公报数字化。建设政府公报库。', ['县政府办']]]));
    expect(index.size).toBe(before + 1);
    expect(ids(index, '政府公报')[0]).toBe('new.txt#一.1');
    // Replacing a file drops its old items.
    index.addPlan(plan('new.txt', '旌德县', 2021, [['一.1', '做好政务舆情回应。', ['县政府办']]]));
    expect(ids(index, '公报')).toEqual([]);
    expect(index.removePlan('new.txt')).toBe(true);
    expect(index.size).toBe(before);
    expect(ids(index, '政务舆情').every((id) => !id.startsWith('new.txt'))).toBe(true);
    expect(index.removePlan('new.txt')).toBe(false);
  });

  it('filters by file', () => {
    const index = new ItemIndex(tokenizer);
    plans.forEach((p) => index.addPlan(p));
    expect(index.search('数据').some((h) => h.file !== 'zj.txt')).toBe(true);
    const hits = index.search('数据', { files: new Set(['zj.txt']) });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.file === 'zj.txt')).toBe(true);
  });
});
