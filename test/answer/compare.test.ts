/** 对标 in chat: the answers cite exactly what the alignment finds, on the samples and on a derived document. */
import { beforeAll, describe, expect, it } from 'vitest';
import { alignPlans } from '../../src/align/index.js';
import { createAnswerer, type Answerer } from '../../src/answer/index.js';
import type { WorkPlan } from '../../src/model.js';
import { samplePlans } from '../helpers/samples.js';

let plans: WorkPlan[];
let engine: Answerer;
const byRegion = (r: string) => plans.find((p) => p.title.includes(r))!;

beforeAll(async () => {
  plans = await samplePlans();
  // 东阳: 义乌's work points with 一（四） left out, renumbered — an office that has not taken up one task.
  const yw = byRegion('义乌');
  const kept = yw.items.filter((it) => it.id !== '一.4');
  const dy: WorkPlan = {
    ...yw,
    file: 'dongyang.txt',
    title: yw.title.replace('义乌', '东阳'),
    shortName: '东阳要点',
    region: { name: '东阳市', short: '东阳', level: 'city' },
    items: kept.map((it) => {
      const ordinal = kept.filter((x) => x.section === it.section && kept.indexOf(x) <= kept.indexOf(it)).length;
      return { ...it, id: `${it.section}.${ordinal}`, ordinal };
    }),
  };
  plans = [...plans, dy];
  engine = createAnswerer(plans);
});

const cited = (q: string) => engine.answer(q).citations.map((c) => `${c.file}#${c.item}`);

describe('对标 in chat', () => {
  it('X对照Y少了哪些 cites the items of Y that X has no counterpart for', () => {
    const [qt, dy] = [byRegion('青田'), plans.find((p) => p.file === 'dongyang.txt')!];
    const al = alignPlans(qt, dy, engine.tokenizer);
    expect(cited('东阳要点对照青田要点少了哪些')).toEqual(al.onlyA.map((id) => `${qt.file}#${id}`));
    // The task 东阳 left out (义乌 一（四） 财政信息公开 ↔ 青田 一（四）) is among them.
    expect(al.onlyA).toContain('一.4');
  });

  it('Y的一条在X要点里对应哪条 cites X’s items paired with it', () => {
    const [qt, yw] = [byRegion('青田'), byRegion('义乌')];
    const al = alignPlans(qt, yw, engine.tokenizer);
    const want = al.pairs.filter((p) => p.a === '一.4').map((p) => `${yw.file}#${p.b}`);
    expect(want.length).toBeGreaterThan(0);
    expect(cited('青田 一（四）在义乌要点里对应哪条')).toEqual(want);
    expect(engine.answer('青田一(四)在义乌要点里对应哪几条').text).toMatch(/相似度/);
  });

  it('省要点 is the document of the level above', () => {
    const a = engine.answer('鹿城要点对照省要点还缺哪些');
    expect(a.intent).toBe('compare');
    expect(a.citations.every((c) => c.file === byRegion('浙江').file)).toBe(true);
    expect(a.text).toMatch(/对照《浙江/);
  });

  it('a document that is not loaded is named in the reply', () => {
    expect(engine.answer('青田要点对照市要点还缺哪些').text).toMatch(/没有找到“市级要点”/);
  });
});
