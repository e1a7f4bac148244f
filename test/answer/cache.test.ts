import { beforeAll, describe, expect, it } from 'vitest';
import { createAnswerer, type Answerer } from '../../src/answer/index.js';
import { turnOf, type Turn, type WorkPlan } from '../../src/model.js';
import { conversation, extraLines as lines } from '../helpers/conversation.js';
import { plan } from '../helpers/plans.js';
import { samplePlans } from '../helpers/samples.js';

describe('answers remembered for repeated questions', () => {
  let plans: WorkPlan[];
  beforeAll(async () => {
    plans = await samplePlans();
  });

  it('are the answers a fresh engine gives, follow-ups included, asked twice over', () => {
    const remembering = createAnswerer(plans);
    const fresh = createAnswerer(plans, { answerCache: 0 });
    // The second round finds the first round's answers remembered; follow-ups must still read their own turn.
    const twice = [...lines, ...lines];
    expect(conversation(remembering, twice)).toEqual(conversation(fresh, twice));
  });

  it('serve a question standing on its own from memory, never one that reads the conversation', () => {
    const engine = createAnswerer(plans);
    const ctx = { today: '2021-06-01' };
    const first = engine.answer('青田县财政局负责哪些任务', ctx);
    const again = engine.answer('青田县财政局负责哪些任务', ctx);
    expect(again).toEqual(first);
    expect(again.citations).toBe(first.citations); // the remembered answer, not a new one
    // With a previous turn the question still stands on its own: the same answer.
    const previous = turnOf(engine.answer('义乌市财政局负责哪些任务', ctx), 1) as Turn;
    expect(engine.answer('青田县财政局负责哪些任务', { ...ctx, previous }).citations).toBe(first.citations);
    // A follow-up depends on its turn: computed each time, and different turns give different answers.
    const qt = turnOf(first, 2) as Turn;
    const f1 = engine.answer('牵头的呢', { ...ctx, previous: qt });
    const f2 = engine.answer('牵头的呢', { ...ctx, previous: qt });
    expect(f2).toEqual(f1);
    expect(f2.citations).not.toBe(f1.citations);
    expect(engine.answer('牵头的呢', { ...ctx, previous }).text).not.toEqual(f1.text);
  });

  it('keep the asker and the day apart', () => {
    const engine = createAnswerer(plans);
    const a = engine.answer('我局负责哪些任务', { unit: '青田县财政局', today: '2021-06-01' });
    const b = engine.answer('我局负责哪些任务', { unit: '义乌市财政局', today: '2021-06-01' });
    expect(a.text).not.toEqual(b.text);
    expect(engine.answer('我局负责哪些任务', { unit: '青田县财政局', today: '2021-06-01' })).toEqual(a);
    const june = engine.answer('本月到期的任务有哪些', { today: '2021-06-01' });
    const nov = engine.answer('本月到期的任务有哪些', { today: '2021-11-01' });
    expect(june.text).not.toEqual(nov.text);
  });

  it('search a topic once per list of plans for a version of the documents, however often it is asked', () => {
    const engine = createAnswerer(plans);
    const searches = () => engine.index.stats.searches;
    const first = engine.answer('旌德县政务新媒体怎么管理', { today: '2021-06-01' });
    const once = searches();
    // Another day (not an answer remembered) and a follow-up asking the same topic over the same documents.
    expect(engine.answer('旌德县政务新媒体怎么管理', { today: '2021-07-01' }).citations).toEqual(first.citations);
    const previous = turnOf(engine.answer('义乌市政务新媒体怎么管理', { today: '2021-06-01' }), 1) as Turn;
    const afterYiwu = searches();
    expect(afterYiwu).toBeGreaterThan(once);
    expect(engine.answer('那旌德呢', { today: '2021-06-01', previous }).citations).toEqual(first.citations);
    expect(searches()).toBe(afterYiwu);
    // A change of the documents forgets them.
    engine.addPlan(plan('jd-new.txt', '旌德县', 2021, [['一.1', '加强政务新媒体管理。', ['县数据资源局']]]));
    engine.answer('旌德县政务新媒体怎么管理', { today: '2021-07-01' });
    expect(searches()).toBeGreaterThan(afterYiwu);
  });

  it('are forgotten when the documents change', () => {
    const engine = createAnswerer(plans);
    const before = engine.answer('政府公报数字化', { today: '2021-06-01' });
    const version = engine.version;
    engine.addPlan(plan('jd-new.txt', '旌德县', 2021, [['一.1', '推进政府公报数字化转型。建设政府公报数字化平台。', ['县数据资源局']]]));
    expect(engine.version).toBeGreaterThan(version);
    const after = engine.answer('政府公报数字化', { today: '2021-06-01' });
    expect(after.citations.map((c) => c.file)).toContain('jd-new.txt');
    expect(before.citations.map((c) => c.file)).not.toContain('jd-new.txt');
    expect(engine.removePlan('jd-new.txt')).toBe(true);
    expect(engine.answer('政府公报数字化', { today: '2021-06-01' }).citations.map((c) => c.file)).not.toContain('jd-new.txt');
  });
});
