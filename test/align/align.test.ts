import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignPlans, type Alignment } from '../../src/align/index.js';
import { levelOf, relationOf } from '../../src/align/relation.js';
import type { WorkPlan } from '../../src/model.js';
import { Tokenizer } from '../../src/search/tokenizer.js';
import { plan } from '../helpers/plans.js';
import { derive, samplePlan, SAMPLE, SEED_TO_SAMPLE } from './derive.js';

let tokenizer: Tokenizer;
let qingtian: WorkPlan;
beforeAll(() => {
  tokenizer = new Tokenizer();
  qingtian = samplePlan(SAMPLE.qingtian);
});

const pairsOf = (al: Alignment) => al.pairs.map((p) => `${p.a}→${p.b}`).sort();

/** The pairs a derived document should give: each seed item with every derived item that carries it. */
function expectedPairs(origin: Map<string, string[]>): string[] {
  return [...origin].flatMap(([derivedId, from]) => from.map((id) => `${id}→${derivedId}`)).sort();
}

/** New wording for three 青田 items, keeping each task: a reader would say they ask for the same work. */
const REWORDED: Record<string, string> = {
  '一.2':
    '集中公开各类规划，促进规划落地见效。“十四五”规划纲要以及专项规划、国土空间规划、区域规划批准后，除涉密和法律法规另有规定外，及时向社会主动公开。各部门归集整理本部门以往的规划，公开在政府门户网站上。门户网站开设规划专栏，集中展示全县规划体系，引导社会各界关心和监督规划实施。（县发改局牵头负责）',
  '三.1':
    '提升依申请公开办理规范化水平。出台依申请公开办理指引，明确办理规则、优化办理流程，提高答复效率。请法律顾问参与答复的合法性审查，加强培训和案例指导。建立依申请公开转为主动公开的机制，对可以主动公开的信息及时转为主动公开。按标准和程序收取信息处理费。（县府办牵头负责）',
  '四.2':
    '加强政务新媒体管理。落实主管主办责任，依托全省统一的政务新媒体管理平台实施属地和条线管理，关停管理不善、无力运营的账号。提升运营能力，加大对政府公报、重要政策及解读的推送，畅通政民互动渠道，做好发布前的风险识别和实时监测。（县大数据中心牵头负责）',
};

describe('alignPlans on documents derived from a seed', () => {
  it('pairs every item with its renumbered, reordered, regrouped copy, and reports nothing missing', () => {
    const order = qingtian.items.map((it) => it.id).reverse();
    const { plan: b, origin } = derive(qingtian, { order, style: 'digit', perSection: 3 });
    const al = alignPlans(qingtian, b, tokenizer);
    expect(pairsOf(al)).toEqual(expectedPairs(origin));
    expect(al.onlyA).toEqual([]);
    expect(al.onlyB).toEqual([]);
    expect(al.pairs.every((p) => p.kind === 'best' && p.score > 0.9)).toBe(true);
  });

  it('still pairs reworded items that keep their task, with the sentence pair that shows why', () => {
    const { plan: b, origin } = derive(qingtian, { reword: REWORDED, order: qingtian.items.map((it) => it.id).sort().reverse() });
    const al = alignPlans(qingtian, b, tokenizer);
    expect(pairsOf(al)).toEqual(expectedPairs(origin));
    for (const id of Object.keys(REWORDED)) {
      const p = al.pairs.find((x) => x.a === id)!;
      expect(p.score).toBeLessThan(0.9);
      const itemA = qingtian.items.find((it) => it.id === id)!;
      const itemB = b.items.find((it) => it.id === p.b)!;
      expect(itemA.body.replace(/\s/g, '')).toContain(p.why.a.replace(/\s/g, ''));
      expect(itemB.body).toContain(p.why.b);
      expect(p.why.score).toBeGreaterThan(0);
    }
  });

  it('lists a removed item as missing on A and an added item as only in B', () => {
    const order = qingtian.items.map((it) => it.id).filter((id) => id !== '一.6' && id !== '三.2');
    const added = ['做好政府开放日活动组织工作。围绕群众关心的重点事项，每季度组织一次政府开放日活动，邀请市民代表走进机关、参与座谈、实地体验。（县府办牵头负责）'];
    const { plan: b, origin } = derive(qingtian, { order, added, reword: { '一.2': REWORDED['一.2']! } });
    const al = alignPlans(qingtian, b, tokenizer);
    expect(al.onlyA).toEqual(['一.6', '三.2']);
    const addedId = [...origin].find(([, from]) => from.length === 0)![0];
    expect(al.onlyB).toEqual([addedId]);
    expect(pairsOf(al)).toEqual(expectedPairs(origin));
  });

  it('pairs one item with each of the items it was split into (one-to-many)', () => {
    const item = qingtian.items.find((it) => it.id === '一.3')!;
    const sentences = item.body.replace(/\s/g, '').split('。');
    const split = {
      '一.3': [
        `做好政务服务信息公开。${sentences.slice(1, 3).join('。')}。`,
        `加强市场规则和监管执法信息公开。${sentences.slice(3).join('。')}`,
      ],
    };
    const { plan: b, origin } = derive(qingtian, { split });
    const al = alignPlans(qingtian, b, tokenizer);
    const mine = al.pairs.filter((p) => p.a === '一.3').map((p) => p.b);
    expect(mine).toHaveLength(2);
    expect(mine.every((id) => origin.get(id)?.includes('一.3'))).toBe(true);
    expect(pairsOf(al)).toEqual(expectedPairs(origin));
    expect(al.onlyA).toEqual([]);
    expect(al.onlyB).toEqual([]);
  });

  /** Common verbs and words replaced by their usual synonyms: the same task said differently. */
  const SYNONYMS: [RegExp, string][] = [
    [/加强/g, '强化'], [/推进/g, '推动'], [/做好/g, '抓好'], [/完善/g, '健全'], [/及时/g, '第一时间'], [/进一步/g, ''],
    [/全面/g, '全方位'], [/机制/g, '制度'], [/积极/g, '主动'], [/提升/g, '提高'], [/建立/g, '建设'], [/要/g, '应'],
  ];

  for (const name of Object.values(SAMPLE)) {
    it(`pairs ${name.slice(0, -4)} with a rewording of itself (synonyms, sentences in reverse order), every fifth item removed`, () => {
      const seed = samplePlan(name);
      const reword: Record<string, string> = {};
      for (const it of seed.items) {
        const [title, ...rest] = it.body.replace(/\s/g, '').split('。').filter(Boolean);
        let text = `${[title, ...rest.reverse()].join('。')}。`;
        for (const [re, to] of SYNONYMS) text = text.replace(re, to);
        reword[it.id] = text;
      }
      const ids = seed.items.map((it) => it.id);
      const order = ids.filter((_, k) => k % 5 !== 2);
      const { plan: b, origin } = derive(seed, { reword, order });
      const al = alignPlans(seed, b, tokenizer);
      expect(pairsOf(al)).toEqual(expectedPairs(origin));
      expect(al.onlyA).toEqual(ids.filter((id) => !order.includes(id)));
      expect(al.onlyB).toEqual([]);
    });
  }

  it('property: any reordering, renumbering and removal of items gives back exactly the copies and the removed items', () => {
    const ids = qingtian.items.map((it) => it.id);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: ids.length, maxLength: ids.length }),
        fc.subarray(ids, { maxLength: 3 }),
        fc.constantFrom('full' as const, 'ascii' as const, 'digit' as const),
        fc.integer({ min: 2, max: 6 }),
        (keys, removed, style, perSection) => {
          const order = ids.map((id, k) => [id, keys[k]!] as const).sort((x, y) => x[1] - y[1]).map(([id]) => id).filter((id) => !removed.includes(id));
          const { plan: b, origin } = derive(qingtian, { order, style, perSection });
          const al = alignPlans(qingtian, b, tokenizer);
          expect(pairsOf(al)).toEqual(expectedPairs(origin));
          expect(al.onlyA).toEqual(ids.filter((id) => removed.includes(id)));
          expect(al.onlyB).toEqual([]);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('alignPlans on real pairs of documents', () => {
  const f1 = (gold: Set<string>, got: Set<string>) => {
    const tp = [...got].filter((x) => gold.has(x)).length;
    return got.size + gold.size === 0 ? 1 : (2 * tp) / (got.size + gold.size);
  };

  // The hand-annotated gold of test/align/fixtures (the scorer's format): partial pairs count neither way.
  const fixtures = join(import.meta.dirname, 'fixtures');
  for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.json'))) {
    it(`reaches pairs F1 ≥ 0.9 and gaps F1 ≥ 0.9 on ${name}, and swapping the documents mirrors the result`, () => {
      const gold = JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as {
        a: string; b: string; pairs: [string, string][]; partial: [string, string][]; onlyA: string[]; onlyB: string[];
      };
      const a = samplePlan(SEED_TO_SAMPLE[gold.a]!);
      const b = samplePlan(SEED_TO_SAMPLE[gold.b]!);
      const al = alignPlans(a, b, tokenizer);
      const partial = new Set(gold.partial.map(([x, y]) => `${x}→${y}`));
      const got = new Set(pairsOf(al).filter((k) => !partial.has(k)));
      expect(f1(new Set(gold.pairs.map(([x, y]) => `${x}→${y}`)), got)).toBeGreaterThanOrEqual(0.9);
      const onlyPartA = (x: string) => gold.partial.some(([p]) => p === x) && !gold.pairs.some(([p]) => p === x);
      const onlyPartB = (x: string) => gold.partial.some(([, p]) => p === x) && !gold.pairs.some(([, p]) => p === x);
      const gotOnly = new Set([...al.onlyA.filter((x) => !onlyPartA(x)).map((x) => `a:${x}`), ...al.onlyB.filter((x) => !onlyPartB(x)).map((x) => `b:${x}`)]);
      expect(f1(new Set([...gold.onlyA.map((x) => `a:${x}`), ...gold.onlyB.map((x) => `b:${x}`)]), gotOnly)).toBeGreaterThanOrEqual(0.9);

      const back = alignPlans(b, a, tokenizer);
      expect(pairsOf(back)).toEqual(al.pairs.map((p) => `${p.b}→${p.a}`).sort());
      expect(back.onlyA).toEqual(al.onlyB);
      expect(back.onlyB).toEqual(al.onlyA);
    });
  }

  it('finds the two 鹿城 items that carry out 浙江 一.2 (权责清单 and 行政规范性文件)', () => {
    const al = alignPlans(samplePlan(SAMPLE.zhejiang), samplePlan(SAMPLE.lucheng), tokenizer);
    expect(al.pairs.filter((p) => p.a === '一.2').map((p) => p.b).sort()).toEqual(['一.1', '一.3']);
    expect(al.relation).toMatchObject({ kind: 'above', above: 'a' });
    expect(al.names.onlyA).toBe('鹿城缺项');
  });

  it('is a pure function: the same plans give the same alignment', () => {
    const a = samplePlan(SAMPLE.jingde);
    const b = samplePlan(SAMPLE.yiwu);
    expect(alignPlans(a, b, tokenizer)).toEqual(alignPlans(a, b, new Tokenizer()));
  });
});

describe('relation of the two documents', () => {
  const item: [string, string] = ['一.1', '做好政务公开工作。加强组织领导。'];

  it('reads the level above from the issuing regions (省 > 市 > 县/区), whichever side it is on', () => {
    const province = plan('p.txt', '浙江省', 2020, [item]);
    const district = plan('d.txt', '温州市鹿城区', 2020, [item]);
    expect(relationOf(province, district)).toMatchObject({ kind: 'above', above: 'a' });
    expect(relationOf(district, province)).toMatchObject({ kind: 'above', above: 'b' });
    const al = alignPlans(district, province, tokenizer);
    expect(al.names).toEqual({ pairs: '对应', onlyA: '鹿城自有', onlyB: '鹿城缺项' });
  });

  it('compares one office’s two years as this year against last: 延续, 新增, 删去', () => {
    const last = plan('2021.txt', '青田县', 2021, [item, ['一.2', '推进政务新媒体管理。关停无力运营的账号。']]);
    const now = plan('2022.txt', '青田县', 2022, [item, ['一.2', '做好政府开放日活动。每季度组织一次开放日。']]);
    const al = alignPlans(now, last, tokenizer);
    expect(al.relation).toMatchObject({ kind: 'years', newer: 'a' });
    expect(al.names).toEqual({ pairs: '延续', onlyA: '新增', onlyB: '删去' });
    expect(al.pairs.map((p) => `${p.a}→${p.b}`)).toEqual(['一.1→一.1']);
    expect(al.onlyA).toEqual(['一.2']);
    expect(al.onlyB).toEqual(['一.2']);
    expect([al.a.short, al.b.short]).toEqual(['青田2022', '青田2021']);
  });

  it('treats two counties, and a county-level 市 that assigns work to 镇街, as peers', () => {
    expect(relationOf(samplePlan(SAMPLE.qingtian), samplePlan(SAMPLE.jingde)).kind).toBe('peer');
    const yiwu = samplePlan(SAMPLE.yiwu);
    expect(levelOf(yiwu)).toBe(1);
    expect(relationOf(samplePlan(SAMPLE.qingtian), yiwu).kind).toBe('peer');
    const city = plan('c.txt', '温州市', 2021, [['一.1', '做好政务公开工作。指导各县（市、区）做好公开。', ['各县（市、区）政府']]]);
    expect(levelOf(city)).toBe(2);
    expect(relationOf(city, samplePlan(SAMPLE.qingtian))).toMatchObject({ kind: 'above', above: 'a' });
  });
});
