import { afterEach, describe, expect, it } from 'vitest';
import { createBindings, parseBindings } from '../../src/bindings.js';
import { APOLOGY, createBot } from '../../src/bot.js';
import { loadConfig, coreConfigSchema } from '../../src/config.js';
import { createDeduper } from '../../src/dedupe.js';
import { YaodianError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import type { AnswerEngine, AskContext, IncomingMessage } from '../../src/model.js';
import { openStore, type Store } from '../../src/store/index.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
async function memoryStore(): Promise<Store> {
  const s = await openStore({ dataDir: ':memory:' });
  stores.push(s);
  return s;
}

function message(over: Partial<IncomingMessage> = {}): IncomingMessage {
  return { id: 'm1', platform: 'lark', chatId: 'c1', chatType: 'direct', senderId: 'u1', text: '帮助', mentionedBot: false, time: 0, ...over };
}

/** Records what it was asked; answers with the question echoed in the intent. */
function recordingEngine(fail?: Error): AnswerEngine & { asked: Array<[string, AskContext | undefined]> } {
  const asked: Array<[string, AskContext | undefined]> = [];
  return {
    asked,
    answer(q, ctx) {
      asked.push([q, ctx]);
      if (fail) throw fail;
      return { intent: 'topic', text: `答：${q}`, citations: [], followUps: [] };
    },
  };
}

describe('bot', () => {
  it('answers a direct message with the asker’s bound unit and today in Shanghai', async () => {
    const engine = recordingEngine();
    const units = createBindings(await memoryStore(), { 'lark:u1': '青田县财政局' });
    const bot = createBot({ engine, logger: silentLogger(), units, now: () => new Date('2021-11-24T17:00:00Z') });
    const answer = await bot.handle(message({ text: ' 我局负责哪些任务 ' }));
    expect(answer?.text).toBe('答：我局负责哪些任务');
    expect(engine.asked).toEqual([['我局负责哪些任务', { unit: '青田县财政局', today: '2021-11-25' }]]);
  });

  it('honours a message’s declared unit and today on the web and the console only', async () => {
    const engine = recordingEngine();
    const store = await memoryStore();
    await store.bindUser('lark', 'u1', '旌德县财政局');
    await store.bindUser('web', 'u1', '旌德县财政局');
    const bot = createBot({ engine, logger: silentLogger(), units: createBindings(store), now: () => new Date('2021-11-24T17:00:00Z') });
    const declared = { unit: '青田县财政局', today: '2021-09-01' };
    await bot.handle(message({ id: 'w1', platform: 'web', text: '我局负责哪些任务', ...declared }));
    await bot.handle(message({ id: 'c1', platform: 'cli', text: '我局负责哪些任务', ...declared }));
    await bot.handle(message({ id: 'l1', platform: 'lark', text: '我局负责哪些任务', ...declared }));
    await bot.handle(message({ id: 'w2', platform: 'web', text: '我局负责哪些任务' }));
    expect(engine.asked.map(([, ctx]) => ctx)).toEqual([
      declared,
      declared,
      // A chat platform's message cannot declare them: the sender's binding and the Shanghai date.
      { unit: '旌德县财政局', today: '2021-11-25' },
      // Without a declared unit the web sender's binding counts.
      { unit: '旌德县财政局', today: '2021-11-25' },
    ]);
  });

  it('passes the day (declared or Shanghai) to the commands, which see only what the platform may declare', async () => {
    const seen: Array<[IncomingMessage, string]> = [];
    const bot = createBot({
      engine: recordingEngine(),
      logger: silentLogger(),
      commands: { handle: async (m, turn) => void seen.push([m, turn.today]) },
      now: () => new Date('2021-11-24T17:00:00Z'),
    });
    await bot.handle(message({ id: 'a', platform: 'lark', unit: 'X', today: '2020-01-01' }));
    await bot.handle(message({ id: 'b', platform: 'web', unit: ' X ', today: '2020-01-01' }));
    expect(seen.map(([m, today]) => [m.unit, m.today, today])).toEqual([
      [undefined, undefined, '2021-11-25'],
      ['X', '2020-01-01', '2020-01-01'],
    ]);
  });

  it('stays silent in a group unless mentioned, and answers a redelivered message once', async () => {
    const engine = recordingEngine();
    const bot = createBot({ engine, logger: silentLogger() });
    expect(await bot.handle(message({ chatType: 'group', mentionedBot: false }))).toBeUndefined();
    expect(await bot.handle(message({ id: 'g1', chatType: 'group', mentionedBot: true }))).toBeDefined();
    expect(await bot.handle(message({ id: 'g1', chatType: 'group', mentionedBot: true }))).toBeUndefined();
    // the same id on another platform is another message
    expect(await bot.handle(message({ id: 'g1', platform: 'dingtalk' }))).toBeDefined();
    expect(engine.asked).toHaveLength(2);
  });

  it('turns an internal failure into an apology without internals, and a user error into its message', async () => {
    const bot = createBot({ engine: recordingEngine(new Error('index corrupted at /var/secret')), logger: silentLogger() });
    const answer = await bot.handle(message());
    expect(answer).toEqual(APOLOGY);
    expect(answer?.text).not.toMatch(/secret|index/);
    const userBot = createBot({ engine: recordingEngine(new YaodianError('BAD_ARGUMENT', '日期格式不对，请用 2021-11-30')), logger: silentLogger() });
    expect((await userBot.handle(message()))?.text).toBe('日期格式不对，请用 2021-11-30');
  });
});

describe('deduper', () => {
  it('forgets after the TTL and stays bounded', () => {
    let t = 0;
    const d = createDeduper({ max: 3, ttlMs: 1000, now: () => t });
    expect(d.first('a')).toBe(true);
    expect(d.first('a')).toBe(false);
    t = 1500;
    expect(d.first('a')).toBe(true);
    for (const k of ['b', 'c', 'd', 'e']) d.first(k);
    expect(d.size).toBe(3);
  });
});

describe('bindings file', () => {
  it('accepts nested and flat forms, rejects other shapes with the variable named', () => {
    expect(parseBindings({ lark: { ou_1: '青田县财政局' }, 'dingtalk:x': '义乌市数管中心' })).toEqual({
      'lark:ou_1': '青田县财政局',
      'dingtalk:x': '义乌市数管中心',
    });
    expect(() => parseBindings([])).toThrow(/UNIT_BINDINGS/);
    expect(() => parseBindings({ lark: { ou_1: 3 } })).toThrow(/lark\.ou_1/);
  });
});

describe('config', () => {
  it('defaults, and a bad value names the variable and what it expects', () => {
    const cfg = loadConfig(coreConfigSchema, {});
    expect(cfg).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info' });
    expect(cfg.ADMIN_TOKEN).toBeUndefined();
    expect(cfg.VIEW_TOKEN).toBeUndefined();
    expect(() => loadConfig(coreConfigSchema, { PORT: 'abc' })).toThrow(/PORT.*"abc"/s);
    expect(() => loadConfig(coreConfigSchema, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});

describe('config secrets', () => {
  it('never shows the value of a secret variable in the error', async () => {
    const { z } = await import('zod');
    const schema = z.object({ LARK_APP_SECRET: z.string().min(10, '太短') });
    expect(() => loadConfig(schema, { LARK_APP_SECRET: 'abc' })).toThrow(/LARK_APP_SECRET：太短（当前值已隐藏）/);
    expect(() => loadConfig(schema, { LARK_APP_SECRET: 'abc' })).not.toThrow(/abc/);
  });
});
