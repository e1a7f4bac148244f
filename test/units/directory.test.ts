import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkPlan } from '../../src/model.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { fixturePlans, plan } from '../helpers/plans.js';
import { samplePlans } from '../helpers/samples.js';

/** What a directory answers, as a comparable value. */
function view(dir: UnitDirectory, names: string[], texts: string[]) {
  return {
    words: dir.words(),
    regions: dir.allRegions().map((r) => r.name),
    units: dir.unitsOf().map((u) => [u.key, u.names]),
    byRegion: dir.allRegions().map((r) => dir.unitsOf(r.name).map((u) => u.key)),
    resolved: names.map((n) => dir.resolve(n).map((r) => [r.key, r.entry?.names[0]])),
    mentions: texts.map((t) => dir.mentions(t).map((m) => [m.text, m.units.map((u) => u.key)])),
    nearest: names.map((n) => dir.nearest(n).map((u) => u.key)),
  };
}

describe('unit directory', () => {
  let plans: WorkPlan[];
  let names: string[];
  const texts = ['青田县财政局负责哪些任务', '鹿城区司法局和县府办', '义乌市数管中心牵头的', '财政局有几项', '浙江省大数据局'];
  beforeAll(async () => {
    plans = [...(await samplePlans()), ...fixturePlans()];
    names = [...new Set(plans.flatMap((p) => p.items.flatMap((it) => it.units)))].slice(0, 40).concat(['青田县府办', '会同县发改委', '县财正局']);
  });

  it('grown, replaced and shrunk one plan at a time, answers as one built from the plans left, in their order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(plans.map((p) => p.file), { minLength: 1 }), fc.subarray(plans.map((p) => p.file)), (order, removed) => {
        const byFile = new Map(plans.map((p) => [p.file, p]));
        const grown = new UnitDirectory();
        for (const f of order) grown.addPlan(byFile.get(f) as WorkPlan);
        // A new version of a plan keeps its place.
        const replaced = order[0] as string;
        grown.addPlan({ ...(byFile.get(replaced) as WorkPlan) });
        for (const f of removed) grown.removePlan(f);
        const fresh = new UnitDirectory();
        for (const f of order) if (!removed.includes(f)) fresh.addPlan(byFile.get(f) as WorkPlan);
        expect(view(grown, names, texts)).toEqual(view(fresh, names, texts));
      }),
      { numRuns: 30 },
    );
  });

  it('restores from its state to the same answers, and keeps growing after', () => {
    const dir = new UnitDirectory([['青田县', ['县大数据中心', '县大数据局']]]);
    for (const p of plans) dir.addPlan(p);
    const restored = UnitDirectory.restore(JSON.parse(JSON.stringify(dir.state())), plans);
    expect(view(restored, names, texts)).toEqual(view(dir, names, texts));
    const extra = plan('tm.txt', '泰顺县', 2021, [['一.1', '做好信息公开。', ['县财政局*', '县大数据局']]]);
    dir.addPlan(extra);
    restored.addPlan(extra);
    expect(view(restored, [...names, '泰顺县财政局'], texts)).toEqual(view(dir, [...names, '泰顺县财政局'], texts));
    expect(restored.unitsOf('泰顺县').map((u) => u.names[0])).toEqual(['县财政局', '县大数据局']);
    // Region forms are taken as saved, a first character's list read when needed: a new region sharing one (青阳县
    // beside 青田县) goes into that list in its place.
    const again = UnitDirectory.restore(JSON.parse(JSON.stringify(dir.state())), [...plans, extra]);
    expect(again.state()).toEqual(dir.state());
    const sharing = plan('qy.txt', '青阳县', 2021, [['一.1', '做好政务公开。', ['县财政局*']]]);
    dir.addPlan(sharing);
    again.addPlan(sharing);
    const more = [...names, '泰顺县财政局', '青阳县财政局', '青阳财政局'];
    expect(view(again, more, [...texts, '青阳县财政局牵头哪些', '青田和青阳'])).toEqual(view(dir, more, [...texts, '青阳县财政局牵头哪些', '青田和青阳']));
    expect(again.regionsIn('青阳县和青田县').map((r) => r.region.name)).toEqual(['青阳县', '青田县']);
    expect(again.state()).toEqual(dir.state());
  });
});
