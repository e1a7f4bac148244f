/**
 * normalize / render for each platform: pure functions over real payload shapes.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeDingtalk, replyTarget } from '../../adapters/dingtalk/normalize.js';
import { renderDingtalk } from '../../adapters/dingtalk/render.js';
import { dingtalkSign, signedRobotUrl, verifyDingtalkCallback } from '../../adapters/dingtalk/sign.js';
import { larkDecrypt, larkEncrypt, larkSignature, verifyLarkSignature } from '../../adapters/lark/crypto.js';
import { normalizeLark } from '../../adapters/lark/normalize.js';
import { larkCard, renderLark, renderLarkText } from '../../adapters/lark/render.js';
import { citationSnippet, splitText } from '../../adapters/shared/text.js';
import { renderAnswer } from '../../adapters/web/render.js';
import { maskSecrets, summarize } from '../../adapters/shared/sdk-logger.js';
import { normalizeWechat, type WechatSnapshot } from '../../adapters/wechat/normalize.js';
import { WECHAT_TEXT_LIMIT, renderWechat } from '../../adapters/wechat/render.js';
import type { Answer } from '../../src/model.js';
import { sampleEngine } from '../helpers/samples.js';

const larkFixture = JSON.parse(readFileSync(new URL('./fixtures/lark-message-group.json', import.meta.url), 'utf8'));
const dingFixture = JSON.parse(readFileSync(new URL('./fixtures/dingtalk-robot-group.json', import.meta.url), 'utf8'));
const BOT = larkFixture.event.message.mentions[0].id.open_id as string;

let answer: Answer;
let many: Answer;
beforeAll(async () => {
  const engine = await sampleEngine();
  answer = engine.answer('依申请公开有什么要求');
  many = engine.answer('县府办负责哪些任务');
});

describe('lark normalize', () => {
  it('reads a group text message that @-mentions the bot, stripping the mention', () => {
    const m = normalizeLark(larkFixture, { botOpenId: BOT })!;
    expect(m).toMatchObject({
      id: larkFixture.event.message.message_id,
      platform: 'lark',
      chatId: larkFixture.event.message.chat_id,
      chatType: 'group',
      senderId: larkFixture.event.sender.sender_id.open_id,
      text: '依申请公开有什么要求',
      mentionedBot: true,
      time: Number(larkFixture.event.message.create_time),
    });
  });

  it('reads the flattened form the SDK dispatcher passes', () => {
    const flat = { ...larkFixture.header, ...larkFixture.event, event_type: 'im.message.receive_v1' };
    expect(normalizeLark(flat, { botOpenId: BOT })?.text).toBe('依申请公开有什么要求');
  });

  it('a mention of someone else is not a mention of the bot and keeps the name', () => {
    const e = structuredClone(larkFixture);
    e.event.message.mentions[0].id.open_id = 'ou_someone';
    e.event.message.mentions[0].name = '张三';
    const m = normalizeLark(e, { botOpenId: BOT })!;
    expect(m.mentionedBot).toBe(false);
    expect(m.text).toBe('张三 依申请公开有什么要求');
  });

  it('p2p counts as addressed; app senders and non-text messages are ignored', () => {
    const p2p = structuredClone(larkFixture);
    p2p.event.message.chat_type = 'p2p';
    delete p2p.event.message.mentions;
    expect(normalizeLark(p2p)?.mentionedBot).toBe(true);
    expect(normalizeLark(p2p)?.chatType).toBe('direct');
    const app = structuredClone(larkFixture);
    app.event.sender.sender_type = 'app';
    expect(normalizeLark(app)).toBeUndefined();
    const image = structuredClone(larkFixture);
    image.event.message.message_type = 'image';
    image.event.message.content = '{"image_key":"img_x"}';
    expect(normalizeLark(image)).toBeUndefined();
    expect(normalizeLark({})).toBeUndefined();
    expect(normalizeLark(null)).toBeUndefined();
  });

  it('reads a rich-text (post) message', () => {
    const post = structuredClone(larkFixture);
    post.event.message.message_type = 'post';
    post.event.message.content = JSON.stringify({ title: '', content: [[{ tag: 'at', user_id: '@_user_1' }, { tag: 'text', text: '有哪些文件' }]] });
    expect(normalizeLark(post, { botOpenId: BOT })?.text).toBe('有哪些文件');
  });
});

describe('lark render', () => {
  it('a JSON 2.0 card with the answer, each cited item with units and deadline, and a collapsible sources panel', () => {
    const card = larkCard(answer) as { schema: string; body: { elements: { tag: string; content?: string; elements?: unknown[] }[] } };
    expect(card.schema).toBe('2.0');
    const [first, ...rest] = card.body.elements;
    expect(first!.tag).toBe('markdown');
    const items = rest.filter((e) => e.tag === 'markdown' && e.content?.startsWith('**'));
    expect(items.length).toBe(Math.min(answer.citations.length, 10));
    const withUnits = answer.citations.findIndex((c) => c.units.length);
    if (withUnits >= 0 && withUnits < 10) expect(items[withUnits]!.content).toContain(answer.citations[withUnits]!.units[0]!);
    const withDeadline = answer.citations.findIndex((c) => c.deadlines.length);
    if (withDeadline >= 0 && withDeadline < 10) expect(items[withDeadline]!.content).toContain(answer.citations[withDeadline]!.deadlines[0]!);
    const panel = card.body.elements.find((e) => e.tag === 'collapsible_panel')!;
    expect(panel.elements).toHaveLength(items.length);
    expect(JSON.stringify(panel)).toContain(answer.citations[0]!.file);
    expect(JSON.parse(renderLark(answer).content)).toEqual(card);
  });

  it('the text fallback names every cited item', () => {
    const p = renderLarkText(answer);
    expect(p.msg_type).toBe('text');
    const text = JSON.parse(p.content).text as string;
    for (const c of answer.citations) expect(text).toContain(c.ref);
  });

  it('an answer without citations is a card with no panel', () => {
    const card = larkCard({ intent: 'help', text: '你好', citations: [], followUps: [] }) as { body: { elements: { tag: string }[] } };
    expect(card.body.elements.some((e) => e.tag === 'collapsible_panel')).toBe(false);
  });
});

describe('lark crypto', () => {
  it('decrypts what the platform encrypts and checks the signature over the raw body', () => {
    const key = 'test-key';
    const plain = JSON.stringify({ challenge: 'x' });
    expect(larkDecrypt(larkEncrypt(plain, key), key)).toBe(plain);
    expect(() => larkDecrypt(larkEncrypt(plain, key), 'other')).toThrow();
    const raw = Buffer.from('{"encrypt":"abc"}');
    const headers = { 'x-lark-request-timestamp': '1700000000', 'x-lark-request-nonce': 'n', 'x-lark-signature': larkSignature('1700000000', 'n', key, raw) };
    expect(verifyLarkSignature(headers, raw, key)).toBe(true);
    expect(verifyLarkSignature(headers, Buffer.from('{"encrypt":"abd"}'), key)).toBe(false);
    expect(verifyLarkSignature({ ...headers, 'x-lark-signature': undefined }, raw, key)).toBe(false);
  });
});

describe('dingtalk normalize and render', () => {
  it('reads a group robot message', () => {
    const m = normalizeDingtalk(dingFixture)!;
    expect(m).toMatchObject({
      id: dingFixture.msgId,
      platform: 'dingtalk',
      chatId: dingFixture.conversationId,
      chatType: 'group',
      senderId: dingFixture.senderStaffId,
      senderName: dingFixture.senderNick,
      text: '依申请公开有什么要求',
      mentionedBot: true,
      time: dingFixture.createAt,
    });
    expect(replyTarget(dingFixture)).toEqual({ sessionWebhook: dingFixture.sessionWebhook, expiresAt: dingFixture.sessionWebhookExpiredTime, atUserId: 'manager01' });
  });

  it('a single chat is direct; the robot itself and other message types are ignored', () => {
    expect(normalizeDingtalk({ ...dingFixture, conversationType: '1' })?.chatType).toBe('direct');
    expect(normalizeDingtalk({ ...dingFixture, senderId: dingFixture.chatbotUserId })).toBeUndefined();
    expect(normalizeDingtalk({ ...dingFixture, msgtype: 'picture' })).toBeUndefined();
    expect(normalizeDingtalk({ ...dingFixture, senderStaffId: undefined })?.senderId).toBe(dingFixture.senderId);
    expect(normalizeDingtalk({ foo: 1 })).toBeUndefined();
  });

  it('renders markdown that @-s the asker and lists each citation with its source', () => {
    const md = renderDingtalk(answer, { atUserIds: ['manager01'] });
    expect(md.msgtype).toBe('markdown');
    expect(md.at.atUserIds).toEqual(['manager01']);
    expect(md.markdown.text.startsWith('@manager01')).toBe(true);
    for (const c of answer.citations) expect(md.markdown.text).toContain(c.ref);
    expect(renderDingtalk(answer).at.atUserIds).toEqual([]);
  });

  it('signs and verifies robot requests', () => {
    const secret = 'SECxyz';
    const ts = '1700000000000';
    const now = 1700000000000 + 60_000;
    expect(verifyDingtalkCallback(ts, dingtalkSign(ts, secret), secret, now)).toBe(true);
    expect(verifyDingtalkCallback(ts, dingtalkSign(ts, 'no'), secret, now)).toBe(false);
    expect(verifyDingtalkCallback(ts, dingtalkSign(ts, secret), secret, now + 3600_000)).toBe(false);
    expect(verifyDingtalkCallback(undefined, 'x', secret, now)).toBe(false);
    const url = new URL(signedRobotUrl('https://oapi.dingtalk.com/robot/send?access_token=t', secret, 1700000000000));
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe(dingtalkSign('1700000000000', secret));
    expect(signedRobotUrl('https://x/robot/send?access_token=t', undefined)).toBe('https://x/robot/send?access_token=t');
  });
});

describe('wechat normalize and render', () => {
  const base: WechatSnapshot = { id: 'm1', text: '@要点助手\u2005依申请公开有什么要求', self: false, isText: true, roomId: 'r1@chatroom', talkerId: 'wxid_a', talkerName: '李四', mentionSelf: true, mentionText: '依申请公开有什么要求', time: 1 };
  it('reads a room mention, a room message without it, a private message, and drops its own', () => {
    expect(normalizeWechat(base)).toMatchObject({ chatId: 'r1@chatroom', chatType: 'group', senderId: 'wxid_a', text: '依申请公开有什么要求', mentionedBot: true });
    expect(normalizeWechat({ ...base, mentionSelf: false, text: '依申请公开有什么要求', mentionText: '依申请公开有什么要求' })?.mentionedBot).toBe(false);
    expect(normalizeWechat({ ...base, mentionSelf: false, mentionText: '@要点助手\u2005依申请公开有什么要求', botName: '要点助手' })).toMatchObject({ mentionedBot: true, text: '依申请公开有什么要求' });
    expect(normalizeWechat({ ...base, roomId: undefined, mentionSelf: false, text: '有哪些文件' })).toMatchObject({ chatId: 'wxid_a', chatType: 'direct', mentionedBot: true, text: '有哪些文件' });
    expect(normalizeWechat({ ...base, self: true })).toBeUndefined();
    expect(normalizeWechat({ ...base, isText: false })).toBeUndefined();
  });

  it('renders numbered citations and splits long answers at line boundaries under the limit', () => {
    const chunks = renderWechat(answer);
    const joined = chunks.join('\n');
    answer.citations.forEach((c, i) => expect(joined).toContain(`[${i + 1}] ${c.doc} ${c.ref}`));
    const long = renderWechat(many, 300);
    expect(long.length).toBeGreaterThan(1);
    for (const c of long) expect(c.length).toBeLessThanOrEqual(300);
    expect(long.join('\n')).toBe(renderWechat(many, 100_000)[0]);
    for (const c of renderWechat(many)) expect(c.length).toBeLessThanOrEqual(WECHAT_TEXT_LIMIT);
  });

  it('splitText hard-splits a line longer than the limit', () => {
    expect(splitText('a'.repeat(25), 10)).toEqual(['a'.repeat(10), 'a'.repeat(10), 'a'.repeat(5)]);
    expect(splitText('ab\ncd\nef', 5)).toEqual(['ab\ncd', 'ef']);
  });
});

describe('sdk logger', () => {
  it('reduces axios-like errors to message, status and code and masks tokens', () => {
    const err = Object.assign(new Error('Request failed with status code 400'), {
      config: { headers: { Authorization: 'Bearer t-secret-token-123456' } },
      response: { status: 400, data: { code: 230099, msg: 'card' } },
    });
    const s = summarize([err]);
    expect(s).toContain('400');
    expect(s).toContain('230099');
    expect(s).not.toContain('t-secret');
    expect(maskSecrets('Authorization: Bearer abc.def')).not.toContain('abc.def');
    expect(maskSecrets('app_secret=xyz123&a=1')).not.toContain('xyz123');
  });
});

describe('every renderer shows the sentence that matched under its cited title, and buttons where there are cards', () => {
  let topic: Answer;
  let digest: Answer;
  beforeAll(async () => {
    const engine = await sampleEngine();
    topic = engine.answer('预决算公开');
    digest = { ...engine.answer('旌德2021要点一（三）是什么'), intent: 'digest' };
  });

  it('says the snippet only when it says more than the title', () => {
    const more = topic.citations.filter((c) => citationSnippet(c));
    expect(more.length).toBeGreaterThan(0);
    for (const c of topic.citations) {
      const s = citationSnippet(c);
      if (s) expect(c.title.includes(s.slice(1, -1))).toBe(false);
      else expect(c.title.includes(c.snippet.replace(/[。；;]$/, ''))).toBe(true);
    }
    const c = more[0]!;
    const quoted = citationSnippet(c)!;
    expect(JSON.stringify(larkCard(topic))).toContain(quoted);
    expect(JSON.parse(renderLarkText(topic).content).text).toContain(quoted);
    expect(renderDingtalk(topic).markdown.text).toContain(quoted);
    expect(renderWechat(topic).join('\n')).toContain(quoted);
    expect(renderAnswer(topic).citations.find((x) => x.item === c.item && x.file === c.file)?.matched).toBe(quoted);
  });

  it('draws item buttons on digests and item answers, follow-up choices on any card, and the card state in place', () => {
    const card = JSON.stringify(larkCard(digest));
    for (const label of ['标记完成', '登记进展', '查看详情']) expect(card).toContain(label);
    expect(JSON.stringify(larkCard(topic))).not.toContain('标记完成');
    const key = `${digest.citations[0]!.file}#${digest.citations[0]!.item}`;
    const done = JSON.stringify(larkCard(digest, { done: { [key]: '旌德县财政局' } }));
    expect(done).toContain('已标记完成（旌德县财政局）');
    expect(digest.citations).toHaveLength(1);
    expect(card).toContain('"a":"done"');
    expect(done).not.toContain('"a":"done"');
    const choice = { ...topic, followUps: ['旌德县', '青田县'] };
    expect(JSON.stringify(larkCard(choice))).toContain('"value":{"a":"choice","t":"青田县"}');
    expect(JSON.stringify(larkCard(choice, { chosen: '青田县' }))).toContain('已选择：青田县');
  });
});
