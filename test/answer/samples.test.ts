/** The answerer on the bundled sample documents, parsed by the real parser: questions as a chat user asks them. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnswerer, type Answerer, type AskContext } from '../../src/answer/index.js';
import type { Answer, WorkPlan } from '../../src/model.js';
import { loadDirectory } from '../../src/parse/index.js';

let bot: Answerer;
let plans: WorkPlan[];
const ask = (q: string, ctx: AskContext = {}): Answer => bot.answer(q, ctx);
const planOf = (region: string) => plans.find((p) => p.title.includes(region))!;

beforeAll(async () => {
  ({ plans } = await loadDirectory(join(import.meta.dirname, '../../samples')));
  bot = createAnswerer(plans);
});

describe('answers on the samples', () => {
  it('topic: the first citation is about the topic', () => {
    expect(ask('依申请公开有什么要求').citations[0]?.title).toMatch(/依申请公开/);
    expect(ask('政务新媒体怎么管理').citations[0]?.title).toMatch(/政务新媒体/);
    expect(ask('政府网站集约化建设').citations[0]?.title).toMatch(/集约化/);
  });

  it('unit: only items of that region naming the unit', () => {
    const a = ask('鹿城区司法局负责哪些任务');
    const file = planOf('鹿城').file;
    expect(a.citations.length).toBeGreaterThan(0);
    for (const c of a.citations) {
      expect(c.file).toBe(file);
      expect(c.units).toContain('区司法局');
    }
  });

  it('deadline: 2021年底前 / 年底前 / 今年年底 cover dated deadlines up to the end of that year', () => {
    const jd = planOf('旌德').file;
    const dated = planOf('旌德').items.filter((i) => i.deadlines.some((d) => /^2021-/.test(d))).map((i) => i.id).sort();
    for (const [q, today] of [['2021年底前要完成哪些工作', undefined], ['年底前要完成哪些任务', undefined], ['今年年底前要完成哪些任务', '2021-06-01']] as const) {
      const a = ask(q, today ? { today } : {});
      expect(a.intent, q).toBe('deadline');
      expect(a.citations.filter((c) => c.file === jd).map((c) => c.item).sort(), q).toEqual(dated);
    }
    expect(ask('今年年底前要完成哪些任务', { today: '2020-03-01' }).citations.every((c) => c.deadlines.some((d) => d <= '2020-12-31'))).toBe(true);
  });

  it('topic: a bracketed alternative is found under each reading (村（居）务公开 → 村务公开, 居务公开)', () => {
    for (const q of ['村务公开', '居务公开怎么衔接']) {
      const a = ask(q);
      expect(a.citations.length, q).toBeGreaterThan(0);
      for (const c of a.citations) {
        const item = plans.find((p) => p.file === c.file)!.items.find((i) => i.id === c.item)!;
        expect(item.body.replace(/\(/g, '（').replace(/\)/g, '）')).toContain('村（居）');
      }
    }
  });

  it('unit: the passive form (哪些任务由…负责) asks the same as the active one', () => {
    const passive = ask('哪些任务由鹿城区司法局负责');
    expect(passive.intent).toBe(ask('鹿城区司法局负责哪些任务').intent);
    expect(passive.citations.map((c) => c.item)).toEqual(ask('鹿城区司法局负责哪些任务').citations.map((c) => c.item));
    expect(ask('哪些工作由青田县府办牵头').citations.every((c) => c.leadUnits.includes('县府办'))).toBe(true);
  });

  it('unit: a misspelt name is read as the unit it sounds like, and a name in several regions asks back', () => {
    const a = ask('县财正局负责哪些任务');
    expect(a.text).toMatch(/已按“县财政局”查找/);
    // 县财政局 stands in 青田 and 旌德: both regions' items, and the question back names each region once.
    expect(new Set(a.citations.map((c) => c.file))).toEqual(new Set([planOf('青田').file, planOf('旌德').file]));
    for (const c of a.citations) expect(c.units).toContain('县财政局');
    expect(a.text).toMatch(/您问的是哪个地区的财政局：(青田县 \/ 旌德县|旌德县 \/ 青田县)？/);
    // With the asker bound to a unit in 旌德, the same name means 旌德's.
    const mine = ask('县财政局负责哪些任务', { unit: '旌德县数据资源局' });
    expect(new Set(mine.citations.map((c) => c.file))).toEqual(new Set([planOf('旌德').file]));
    expect(mine.text).not.toMatch(/哪个地区/);
  });

  it('unit: a name the documents do not know suggests the nearest, each once with its region', () => {
    const a = ask('县财务局负责哪些任务');
    expect(a.citations).toEqual([]);
    expect(a.text).toMatch(/您是不是要找：.*青田县财政局/);
    expect(a.text).toMatch(/旌德县财政局/);
    const suggested = a.text.split('您是不是要找：')[1]!.replace(/？.*$/, '').split('、');
    expect(new Set(suggested).size).toBe(suggested.length);
  });

  it('unit: 我们单位 with a bare-name city plan (义乌 prints 数管中心)', () => {
    const a = ask('我们单位有哪些任务', { unit: '义乌市数管中心' });
    expect(a.citations.length).toBeGreaterThan(0);
    for (const c of a.citations) expect(c.units).toContain('数管中心');
  });

  it('deadline: every cited item has a date within the range, in the named county', () => {
    const a = ask('旌德县2021年9月底前要完成哪些任务');
    expect(a.citations.length).toBeGreaterThan(0);
    for (const c of a.citations) {
      expect(c.file).toBe(planOf('旌德').file);
      expect(c.deadlines.some((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d <= '2021-09-30')).toBe(true);
    }
  });

  it('outline and item by reference', () => {
    const six = ask('旌德要点第六部分有哪些任务');
    expect(six.citations.length).toBe(planOf('旌德').items.filter((i) => i.section === '六').length);
    expect(ask('浙江省要点二（三）是什么').citations.map((c) => c.item)).toEqual(['二.3']);
    expect(ask('鹿城第16条').citations.map((c) => c.printed.replace(/\D/g, ''))).toEqual(['16']);
  });
});
