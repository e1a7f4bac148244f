/**
 * The pure parts of the 浙政钉 adapter: the gateway signature (written out by hand here from the SDK's rule),
 * config, normalize and render.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { zwddConfigFrom, zwddConfigSchema } from '../../adapters/zwdd/config.js';
import { zwddBizMsgId, zwddTarget } from '../../adapters/zwdd/index.js';
import { normalizeZwdd } from '../../adapters/zwdd/normalize.js';
import { zwddMarkdown, zwddText } from '../../adapters/zwdd/render.js';
import { canonicalParams, verifyZwddSignature, zwddHeaders, zwddNonce, zwddSignature, zwddTimestamp } from '../../adapters/zwdd/sign.js';
import type { Answerer } from '../../src/answer/index.js';
import type { Answer, Citation } from '../../src/model.js';
import { sampleEngine } from '../helpers/samples.js';
import { gatewaySignature } from '../helpers/zwdd-fake.js';

describe('zwdd signature', () => {
  it('signs METHOD, timestamp, nonce, path and the sorted parameters with HMAC-SHA256 of the secret, in base64', () => {
    const bytes = 'POST\n2021-11-25T09:30:00.000+08:00\n16378039800001234\n/message/workNotification\nbizMsgId=d1&msg={"msgtype":"text","text":{"content":"你好"}}&receiverIds=a1,a2&tenantId=196729';
    const expected = createHmac('sha256', 'app-secret').update(bytes).digest('base64');
    const params = { tenantId: '196729', receiverIds: 'a1,a2', msg: '{"msgtype":"text","text":{"content":"你好"}}', bizMsgId: 'd1' };
    expect(zwddSignature('app-secret', 'POST', '2021-11-25T09:30:00.000+08:00', '16378039800001234', '/message/workNotification', params)).toBe(expected);
    // No parameters: no trailing line.
    const bare = createHmac('sha256', 'app-secret').update('GET\n2021-11-25T09:30:00.000+08:00\n1\n/x').digest('base64');
    expect(zwddSignature('app-secret', 'get', '2021-11-25T09:30:00.000+08:00', '1', '/x')).toBe(bare);
  });

  it('sorts names ignoring case, sorts a name’s several values, and leaves out empty values', () => {
    expect(canonicalParams({ b: '2', A: '1', a_c: '3', empty: '', none: undefined, organizationCodes: ['z', 'x'] })).toBe('A=1&a_c=3&b=2&organizationCodes=x&organizationCodes=z');
    expect(canonicalParams({})).toBe('');
  });

  it('writes the time in ISO-8601 at +08:00 and the nonce as the time and four digits', () => {
    expect(zwddTimestamp(Date.UTC(2021, 10, 25, 1, 30, 0, 5))).toBe('2021-11-25T09:30:00.005+08:00');
    expect(zwddTimestamp(Date.UTC(2021, 11, 31, 16, 0))).toBe('2022-01-01T00:00:00.000+08:00');
    expect(zwddNonce(1637803800000, () => 0.0042)).toBe('16378038000000042');
  });

  it('agrees with the fake gateway’s own implementation on any parameters, and verifies only what it signed', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
    fc.assert(
      fc.property(fc.dictionary(name, fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 3 }))), (params) => {
        const lower = new Set<string>();
        // Names that differ only in case are not a real request.
        for (const k of Object.keys(params)) {
          if (lower.has(k.toLowerCase())) return;
          lower.add(k.toLowerCase());
        }
        const now = Date.UTC(2021, 10, 25);
        const h = zwddHeaders({ appKey: 'k', secret: 's', method: 'POST', path: '/p', params, now, ip: '1.1.1.1', mac: '00:00:00:00:00:01' });
        expect(h['X-Hmac-Auth-Signature']).toBe(gatewaySignature('s', 'POST', h['X-Hmac-Auth-Timestamp']!, h['X-Hmac-Auth-Nonce']!, '/p', params as Record<string, string | string[]>));
        const check = (over: Partial<Parameters<typeof verifyZwddSignature>[0]>) => verifyZwddSignature({ headers: h, method: 'POST', path: '/p', params, appKey: 'k', secret: 's', now, ...over }).ok;
        expect(check({})).toBe(true);
        expect(check({ secret: 't' })).toBe(false);
        expect(check({ path: '/q' })).toBe(false);
        expect(check({ params: { ...params, extra: 'x' } })).toBe(false);
        expect(check({ now: now + 10 * 60_000 })).toBe(false);
        expect(check({ appKey: 'other' })).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe('zwdd config', () => {
  const parse = (env: Record<string, string>) => zwddConfigSchema.safeParse(env);
  const creds = { ZWDD_APP_KEY: 'yaodian-abc', ZWDD_APP_SECRET: 'secret-xyz', ZWDD_TENANT_ID: '196729' };

  it('defaults the gateway to the public one and lets a deployment set its own', () => {
    expect(zwddConfigFrom(parse(creds).data!)?.apiBase).toBe('https://openplatform.dg-work.cn');
    expect(zwddConfigFrom(parse({ ...creds, ZWDD_API_BASE: 'https://openplatform-pro.ding.zj.gov.cn/' }).data!)?.apiBase).toBe('https://openplatform-pro.ding.zj.gov.cn');
    expect(zwddConfigFrom(parse({}).data!)).toBeUndefined();
  });

  it('needs key, secret and tenant together, and a callback URL with its event tag', () => {
    expect(JSON.stringify(parse({ ZWDD_APP_KEY: 'k' }).error!.issues)).toContain('ZWDD_TENANT_ID');
    expect(JSON.stringify(parse({ ...creds, ZWDD_CALLBACK_URL: 'https://h/zwdd/events' }).error!.issues)).toContain('ZWDD_EVENT_TAG');
    expect(parse({ ...creds, ZWDD_TENANT_ID: 'abc' }).success).toBe(false);
    const c = zwddConfigFrom(parse({ ...creds, ZWDD_CALLBACK_URL: 'https://h/zwdd/events', ZWDD_EVENT_TAG: 'robot_msg', ZWDD_HOST_IP: '10.1.2.3', ZWDD_HOST_MAC: '00:16:3e:01:02:03' }).data!);
    expect(c).toMatchObject({ callback: { url: 'https://h/zwdd/events', eventTag: 'robot_msg' }, hostIp: '10.1.2.3', hostMac: '00:16:3e:01:02:03' });
  });
});

describe('zwdd normalize and targets', () => {
  const robot = (over: Record<string, unknown> = {}) => ({ msgId: 'm1', msgtype: 'text', text: { content: ' 依申请公开\n有什么要求 ' }, senderId: 'acc-1', senderNick: '张三', conversationId: 'cid1', conversationType: '1', createAt: 1637803800000, chatbotUserId: 'bot-1', ...over });

  it('reads a message at the top level or inside content (object or JSON string)', () => {
    const expected = { id: 'm1', platform: 'zwdd', chatId: 'acc-1', chatType: 'direct', senderId: 'acc-1', senderName: '张三', text: '依申请公开 有什么要求', mentionedBot: true, time: 1637803800000 };
    expect(normalizeZwdd(robot())).toEqual(expected);
    expect(normalizeZwdd({ eventTag: 't', content: JSON.stringify(robot()) })).toEqual(expected);
    expect(normalizeZwdd({ eventTag: 't', content: robot() })).toEqual(expected);
  });

  it('makes a group chat of conversationType 2, honours isInAtList, and drops the bot, other types and junk', () => {
    expect(normalizeZwdd(robot({ conversationType: '2' }))).toMatchObject({ chatId: 'group:cid1', chatType: 'group', mentionedBot: true });
    expect(normalizeZwdd(robot({ conversationType: '2', isInAtList: false }))?.mentionedBot).toBe(false);
    expect(normalizeZwdd(robot({ senderId: 'bot-1' }))).toBeUndefined();
    expect(normalizeZwdd(robot({ msgtype: 'picture' }))).toBeUndefined();
    expect(normalizeZwdd(robot({ msgtype: 'richText', content: { richText: [{ text: '依申请' }, { text: '公开' }] } }))?.text).toBe('依申请公开');
    for (const junk of [undefined, null, 'x', 42, [], {}, { content: '{not json' }]) expect(normalizeZwdd(junk)).toBeUndefined();
  });

  it('routes group:, org: and account ids, and keeps bizMsgIds stable and short', () => {
    expect(zwddTarget('group:cid1')).toEqual({ group: 'cid1' });
    expect(zwddTarget('org:GO_1, GO_2')).toEqual({ organizationCodes: ['GO_1', 'GO_2'] });
    expect(zwddTarget('acc-1,acc-2')).toEqual({ receiverIds: ['acc-1', 'acc-2'] });
    expect(zwddBizMsgId('digest-2021-11-25-acc1')).toBe('digest-2021-11-25-acc1');
    const long = `digest:${'单位'.repeat(40)}:2021-11-25`;
    expect(zwddBizMsgId(long)).toBe(zwddBizMsgId(long));
    expect(zwddBizMsgId(long)).toMatch(/^yd-[0-9a-f]{40}$/);
    expect(zwddBizMsgId(long)).not.toBe(zwddBizMsgId(`${long}x`));
  });
});

describe('zwdd render', () => {
  let engine: Answerer;
  beforeAll(async () => {
    engine = await sampleEngine();
  });

  it('shows each cited item with the sentence that says more than its title, within the limits', () => {
    const a = engine.answer('依申请公开有什么要求');
    const c0: Citation = { ...a.citations[0]!, title: '短标题', snippet: '这一句比标题说得更多。' };
    expect(zwddMarkdown({ ...a, citations: [c0] })).toContain('“这一句比标题说得更多”');
    expect(zwddText({ ...a, citations: [c0] })).toContain('“这一句比标题说得更多”');
    expect(zwddMarkdown({ ...a, citations: [{ ...c0, snippet: '短标题。' }] })).not.toMatch(/\n   “/);
    const many: Answer = { ...a, citations: Array.from({ length: 80 }, (_, i) => a.citations[i % a.citations.length]!) };
    const md = zwddMarkdown(many);
    const text = zwddText(many);
    expect(md.length).toBeLessThanOrEqual(4500);
    expect(text.length).toBeLessThanOrEqual(2000);
    const shown = (text.match(/^\[\d+\] /gm) ?? []).length;
    expect(text).toContain(`另有 ${80 - shown} 条相关条目未列出`);
    expect(md).toContain(a.citations[0]!.ref);
  });
});
