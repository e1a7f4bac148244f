/**
 * Suggestions never repeat the question just asked: after 青田县司法局负责哪些任务 the bot suggests 牵头的呢;
 * asking 牵头的呢 must not suggest 牵头的呢 again (nor with other spacing or punctuation), while the other
 * suggestions stay.
 */
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../src/model.js';
import { sampleBot } from '../helpers/samples.js';

let n = 0;
const message = (text: string, chatId = 'followups'): IncomingMessage => ({
  id: `fu-${++n}`,
  platform: 'web',
  chatId,
  chatType: 'direct',
  senderId: chatId,
  text,
  mentionedBot: true,
  time: Date.now(),
});

describe('follow-up suggestions', () => {
  it('a suggestion that repeats the question just asked is left out; the others stay', async () => {
    const { bot } = await sampleBot();
    const first = await bot.handle(message('青田县司法局负责哪些任务', 'a'));
    expect(first?.followUps).toContain('牵头的呢');
    const second = await bot.handle(message('牵头的呢', 'a'));
    expect(second?.intent).toBe('unit_lead');
    expect(second?.followUps).not.toContain('牵头的呢');
    expect(second?.followUps).toContain('本月到期的');
  });

  it('the same with other spacing, width and a question mark', async () => {
    const { bot } = await sampleBot();
    await bot.handle(message('鹿城区司法局负责哪些任务', 'b'));
    const again = await bot.handle(message(' 牵头的呢？', 'b'));
    expect(again?.followUps.some((f) => f.startsWith('牵头的呢'))).toBe(false);
  });

  it('every suggestion of a topic answer, asked in turn, never suggests itself', async () => {
    const { bot } = await sampleBot();
    const topic = await bot.handle(message('依申请公开有什么要求', 'c'));
    for (const f of topic?.followUps ?? []) {
      const a = await bot.handle(message(f, 'c'));
      expect(a?.followUps ?? []).not.toContain(f);
    }
  });
});
