/**
 * The WeChat adapter on wechaty with wechaty-puppet-mock: @-mentions in rooms, private chats, own messages.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWechatAdapter, type WechatAdapter } from '../../adapters/wechat/index.js';
import type { Answerer } from '../../src/answer/index.js';
import type { Bot } from '../../src/bot.js';
import { silentLogger } from '../../src/logger.js';
import { createWechatWorld } from '../helpers/wechat-fake.js';
import { eventually, sampleBot } from '../helpers/samples.js';

let bot: Bot;
let engine: Answerer;
let world: ReturnType<typeof createWechatWorld>;
let adapter: WechatAdapter;

beforeAll(async () => {
  ({ bot, engine } = await sampleBot());
  world = createWechatWorld();
  adapter = createWechatAdapter({ puppet: 'wechaty-puppet-mock', name: 'yaodian-test' }, { logger: silentLogger() }, { puppet: world.puppet, outbox: { minIntervalMs: 0, baseDelayMs: 5 } });
  await adapter.start((m) => bot.handle(m));
  world.login();
  await eventually(() => adapter.wechaty.isLoggedIn);
});
afterAll(async () => {
  await adapter.stop();
});
afterEach(() => {
  world.sent.length = 0;
});

const settle = async () => {
  await new Promise((r) => setTimeout(r, 100));
  await adapter.idle();
};

describe('wechat adapter (wechaty-puppet-mock)', () => {
  it('answers a room message that @-mentions the bot, with numbered citations, mentioning the asker', async () => {
    const question = '依申请公开有什么要求';
    const expected = engine.answer(question);
    world.colleague.say(`@要点助手\u2005${question}`, [world.user]).to(world.room);
    await eventually(() => world.sent.length > 0);
    await settle();
    expect(world.sent.length).toBeGreaterThan(0);
    const all = world.sent.map((s) => s.text).join('\n');
    expect(world.sent.every((s) => s.conversationId === world.room.id)).toBe(true);
    expect(all).toContain('[1]');
    expect(all).toContain(expected.citations[0]!.ref);
    expect(world.sent[0]!.mentionIds).toContain(world.colleague.id);
    for (const s of world.sent) expect(s.text.length).toBeLessThanOrEqual(2000);
  });

  it('stays silent on a room message without the mention', async () => {
    world.colleague.say('依申请公开有什么要求').to(world.room);
    await settle();
    expect(world.sent).toHaveLength(0);
  });

  it('answers a private message', async () => {
    world.other.say('依申请公开有什么要求').to(world.user);
    await eventually(() => world.sent.length > 0);
    await settle();
    expect(world.sent[0]!.conversationId).toBe(world.other.id);
    expect(world.sent.map((s) => s.text).join('\n')).toContain(engine.answer('依申请公开有什么要求').citations[0]!.ref);
  });

  it('never answers its own messages', async () => {
    world.user.say('依申请公开有什么要求').to(world.other);
    await settle();
    // the only text "sent" is nothing from the adapter: the puppet emitted the bot's own message
    expect(world.sent).toHaveLength(0);
  });

  it('pushes with adapter.send to a room', async () => {
    await adapter.send(world.room.id, engine.answer('有哪些文件'));
    expect(world.sent.length).toBeGreaterThan(0);
    expect(world.sent[0]!.conversationId).toBe(world.room.id);
  });
});
