import { describe, expect, it } from 'vitest';
import { parseAliasFile } from '../../src/units/aliases.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { categoryCovers, isCategoryName } from '../../src/units/categories.js';
import { fixturePlans, plan } from '../helpers/plans.js';

function directory(groups: [string, string[]][] = []) {
  const dir = new UnitDirectory(groups);
  for (const p of fixturePlans()) dir.addPlan(p);
  return dir;
}

const keyOf = (dir: UnitDirectory, text: string) => dir.resolve(text)[0]?.entry?.key;

describe('unit aliases', () => {
  it('县府办, 县政府办 and 县政府办公室 are one body in one county', () => {
    const dir = directory();
    const k = keyOf(dir, '青田县府办');
    expect(k).toBeDefined();
    expect(keyOf(dir, '青田县政府办')).toBe(k);
    expect(keyOf(dir, '青田县政府办公室')).toBe(k);
    expect(dir.get(k as string)?.names).toEqual(expect.arrayContaining(['县府办', '县政府办公室', '县政府办']));
  });

  it('发改局 = 发展和改革局 and 大数据局 = 大数据发展管理局', () => {
    const dir = directory();
    expect(keyOf(dir, '会同县发改委')).toBe(keyOf(dir, '会同县发展和改革局'));
    expect(keyOf(dir, '浙江省大数据局')).toBe(keyOf(dir, '浙江省大数据发展管理局'));
  });

  it('different bodies stay different: 县大数据中心 is not 县大数据局', () => {
    const dir = directory();
    expect(keyOf(dir, '青田县大数据中心')).toBeDefined();
    expect(keyOf(dir, '青田县大数据中心')).not.toBe(keyOf(dir, '青田县大数据局'));
  });

  it('an admin alias file can join two names in one region only', () => {
    const groups = parseAliasFile('# 管理员别名\n青田县: 县大数据中心 = 县大数据局\n');
    const dir = directory(groups);
    expect(keyOf(dir, '青田县大数据中心')).toBe(keyOf(dir, '青田县大数据局'));
    expect(parseAliasFile('[["县数据资源局", "县大数据中心"]]')).toEqual([['*', ['县数据资源局', '县大数据中心']]]);
    expect(parseAliasFile('{"旌德县": [["县数据资源局", "县大数据局"]]}')).toEqual([['旌德县', ['县数据资源局', '县大数据局']]]);
  });

  it('identity is region + name: 青田县财政局 and 会同县财政局 are different units', () => {
    const dir = directory();
    const qt = keyOf(dir, '青田县财政局');
    const hs = keyOf(dir, '会同县财政局');
    expect(qt).toBeDefined();
    expect(hs).toBeDefined();
    expect(qt).not.toBe(hs);
    expect(keyOf(dir, '青田财政局')).toBe(qt);
  });

  it('a bare-name plan (义乌 prints 财政局) matches the region-prefixed question', () => {
    const dir = new UnitDirectory();
    dir.addPlan(plan('yw.txt', '义乌市', 2021, [['一.1', '完善财政信息公开机制。', ['财政局*', '市府办', '市场监管局', '数管中心']]]));
    expect(keyOf(dir, '义乌市财政局')).toBeDefined();
    expect(keyOf(dir, '义乌市政府办公室')).toBe(keyOf(dir, '义乌市府办'));
    // 市场监管局 starts with 市 but 市 is no level prefix here.
    expect(dir.resolve('义乌市市场监管局')[0]?.entry?.names).toEqual(['市场监管局']);
    expect(dir.resolve('义乌数管中心')[0]?.entry?.names).toEqual(['数管中心']);
  });

  it('suggests the nearest known units for a name it does not know', () => {
    const dir = directory();
    const near = dir.nearest('县财政厅', dir.findRegion('青田县'));
    expect(near.map((u) => u.names[0])).toContain('县财政局');
  });
});

describe('categories', () => {
  it('tells classes of bodies from bodies', () => {
    for (const c of ['各行政机关', '县直有关单位', '各镇人民政府', '其他区级有关单位', '区级各有关单位', '有关部门', '各有关单位', '各街镇', '省级有关单位']) {
      expect(isCategoryName(c), c).toBe(true);
    }
    for (const u of ['县财政局', '区司法局', '数管中心', '县府办', '省大数据局']) expect(isCategoryName(u), u).toBe(false);
  });

  it('a department category covers departments, a township category covers towns', () => {
    expect(categoryCovers('县直有关单位', '县财政局')).toBe(true);
    expect(categoryCovers('各行政机关', '县司法局')).toBe(true);
    expect(categoryCovers('各镇人民政府', '县财政局')).toBe(false);
    expect(categoryCovers('各街镇', '五马街道')).toBe(true);
  });
});
