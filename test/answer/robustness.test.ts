/** Any text at all gets an answer: no exception, a non-empty Chinese reply, citations that exist. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import type { Turn } from '../../src/model.js';
import { turnOf } from '../../src/model.js';
import { sampleEngine } from '../helpers/samples.js';

let engine: Answerer;
let items: Set<string>;
beforeAll(async () => {
  engine = await sampleEngine();
  items = new Set(engine.plans().flatMap((p) => p.items.map((i) => `${p.file}#${i.id}`)));
});

const pieces = ['依申请公开', '青田', '县财政局', '我局', '牵头', '9月底前', '第三部分', '第2条', '那义乌呢', '对照', '几项', '哪个单位最多', '呢', '？', '（', '）', '一', '、', '导出', '完成得怎么样', '最近', ' ', '2021年', 'Q3', '倒数第', '逾期', '这条'];

describe('robustness of the answerer', () => {
  it('random text, random pieces of real questions and a random previous turn never break it', () => {
    let previous: Turn | undefined;
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((xs) => xs.join(''))),
        fc.constantFrom(undefined, '青田县财政局', '义乌市数管中心', '不存在的单位'),
        fc.constantFrom(undefined, '2021-01-01', '2021-12-31', '2024-02-29'),
        (q, unit, today) => {
          const a = engine.answer(q, { ...(unit ? { unit } : {}), ...(today ? { today } : {}), ...(previous ? { previous } : {}) });
          expect(typeof a.text).toBe('string');
          expect(a.text.length).toBeGreaterThan(0);
          for (const c of a.citations) expect(items.has(`${c.file}#${c.item}`)).toBe(true);
          previous = turnOf(a, Date.now(), previous) ?? previous;
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a very long question is answered without error', () => {
    expect(engine.answer('依申请公开'.repeat(400)).citations.length).toBeGreaterThan(0);
  });
});
