/**
 * WeCom callback crypto against the platform's published vectors, and the pure parts of the adapter: config,
 * normalize (decrypted XML → IncomingMessage) and render (byte limits, snippets).
 * The vectors are the platform's own: the message example of 加解密方案说明 → 举例说明
 * (developer.work.weixin.qq.com/document/path/91144) and the URL-verification example of the official WXBizMsgCrypt
 * samples (Sample.php / Sample.cs, 使用示例一：验证回调URL); the values, with details, are in test/helpers/wecom-fake.ts.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { wecomConfigFrom, wecomConfigSchema } from '../../adapters/wecom/config.js';
import { verifyWecomSignature, WecomCryptoError, wecomDecrypt, wecomEncrypt, wecomSignature } from '../../adapters/wecom/crypto.js';
import { normalizeWecom, parseWecomXml } from '../../adapters/wecom/normalize.js';
import { byteLength, splitBytes, wecomMarkdown, wecomRobotMarkdown, wecomText } from '../../adapters/wecom/render.js';
import type { Answerer } from '../../src/answer/index.js';
import type { Answer, Citation } from '../../src/model.js';
import { sampleEngine } from '../helpers/samples.js';
import { GET_VECTOR, OFFICIAL, POST_VECTOR } from '../helpers/wecom-fake.js';

describe('wecom crypto: the published vectors', () => {
  it('computes the documented msg_signature of the example message and decrypts it for the documented corp', () => {
    expect(wecomSignature(OFFICIAL.token, POST_VECTOR.timestamp, POST_VECTOR.nonce, POST_VECTOR.encrypt)).toBe(POST_VECTOR.signature);
    expect(verifyWecomSignature(OFFICIAL.token, POST_VECTOR, POST_VECTOR.encrypt)).toBe(true);
    const xml = wecomDecrypt(OFFICIAL.encodingAesKey, POST_VECTOR.encrypt, OFFICIAL.corpId);
    const m = normalizeWecom(xml, { agentId: 218 });
    expect(m).toMatchObject({ id: '4561255354251345929', chatId: 'mycreate', senderId: 'mycreate', text: 'hello', chatType: 'direct', time: 1409659813000 });
  });

  it('verifies and decrypts the sample URL-verification echostr', () => {
    const echostr = decodeURIComponent(GET_VECTOR.echostrUrlEncoded);
    expect(verifyWecomSignature(OFFICIAL.token, GET_VECTOR, echostr)).toBe(true);
    expect(wecomDecrypt(OFFICIAL.encodingAesKey, echostr, OFFICIAL.corpId)).toBe(GET_VECTOR.plain);
  });

  it('refuses another corp, another token, a tampered text and garbage', () => {
    expect(() => wecomDecrypt(OFFICIAL.encodingAesKey, POST_VECTOR.encrypt, 'ww0000000000000000')).toThrow(WecomCryptoError);
    expect(verifyWecomSignature('QDG6eL', POST_VECTOR, POST_VECTOR.encrypt)).toBe(false);
    const tampered = `A${POST_VECTOR.encrypt.slice(1)}`;
    expect(verifyWecomSignature(OFFICIAL.token, POST_VECTOR, tampered)).toBe(false);
    expect(() => wecomDecrypt(OFFICIAL.encodingAesKey, tampered, OFFICIAL.corpId)).toThrow(WecomCryptoError);
    for (const junk of ['', 'not base64!', 'AAAA', Buffer.alloc(31).toString('base64')]) {
      expect(() => wecomDecrypt(OFFICIAL.encodingAesKey, junk, OFFICIAL.corpId)).toThrow(WecomCryptoError);
    }
    expect(verifyWecomSignature(OFFICIAL.token, { ...POST_VECTOR, signature: undefined }, POST_VECTOR.encrypt)).toBe(false);
  });

  it('round-trips any message for any receive id, and only that receive id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.stringMatching(/^[a-z0-9]{4,20}$/), (message, id) => {
        const enc = wecomEncrypt(OFFICIAL.encodingAesKey, message, id);
        expect(wecomDecrypt(OFFICIAL.encodingAesKey, enc, id)).toBe(message);
        expect(() => wecomDecrypt(OFFICIAL.encodingAesKey, enc, `${id}x`)).toThrow(WecomCryptoError);
      }),
      { numRuns: 60 },
    );
  });
});

describe('wecom normalize', () => {
  const xml = (over: Record<string, string>) =>
    `<xml>${Object.entries({ ToUserName: 'ww1', FromUserName: 'zhangsan', CreateTime: '1700000000', MsgType: 'text', Content: ' 依申请公开\n有什么要求 ', MsgId: '7', AgentID: '1000002', ...over })
      .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
      .join('')}</xml>`;

  it('reads a text message as a direct chat with the member', () => {
    expect(normalizeWecom(xml({}), { agentId: 1000002 })).toEqual({
      id: '7',
      platform: 'wecom',
      chatId: 'zhangsan',
      chatType: 'direct',
      senderId: 'zhangsan',
      text: '依申请公开 有什么要求',
      mentionedBot: true,
      time: 1_700_000_000_000,
    });
  });

  it('ignores events, other message types, other apps and broken XML', () => {
    expect(normalizeWecom(xml({ MsgType: 'event' }))).toBeUndefined();
    expect(normalizeWecom(xml({ MsgType: 'image' }))).toBeUndefined();
    expect(normalizeWecom(xml({ AgentID: '1000003' }), { agentId: 1000002 })).toBeUndefined();
    expect(normalizeWecom('<xml><MsgType>text</MsgType>')).toBeUndefined();
    expect(normalizeWecom('not xml at all')).toBeUndefined();
    expect(parseWecomXml('<other/>')).toBeUndefined();
  });

  it('keeps a 19-digit MsgId exactly', () => {
    expect(normalizeWecom(xml({ MsgId: '4561255354251345929' }))?.id).toBe('4561255354251345929');
  });
});

describe('wecom config', () => {
  const parse = (env: Record<string, string>) => wecomConfigSchema.safeParse(env);

  it('defaults the API base and lets a 政务微信 deployment set its own', () => {
    const app = { WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's' };
    expect(wecomConfigFrom(parse(app).data!)?.apiBase).toBe('https://qyapi.weixin.qq.com');
    expect(wecomConfigFrom(parse({ ...app, WECOM_API_BASE: 'https://zwwx.example.gov.cn/' }).data!)?.apiBase).toBe('https://zwwx.example.gov.cn');
    expect(wecomConfigFrom(parse({}).data!)).toBeUndefined();
  });

  it('takes the robot key or its whole webhook URL', () => {
    const c = wecomConfigFrom(parse({ WECOM_ROBOT_KEY: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' }).data!);
    expect(c?.robotKey).toBe('693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa');
    expect(c?.app).toBeUndefined();
  });

  it('names what is missing or malformed, without echoing secrets', () => {
    const r = parse({ WECOM_CORP_ID: 'ww1', WECOM_SECRET: 'top-secret', WECOM_TOKEN: 't', WECOM_ENCODING_AES_KEY: 'short-secret-key' });
    expect(r.success).toBe(false);
    const text = JSON.stringify(r.error!.issues);
    expect(text).toContain('WECOM_AGENT_ID');
    expect(text).toContain('EncodingAESKey');
    expect(text).not.toContain('short-secret-key');
    expect(parse({ WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: 'abc', WECOM_SECRET: 's' }).success).toBe(false);
  });
});

describe('wecom render', () => {
  let engine: Answerer;
  beforeAll(async () => {
    engine = await sampleEngine();
  });

  const many = (a: Answer, n: number): Answer => ({ ...a, citations: Array.from({ length: n }, (_, i) => a.citations[i % a.citations.length]!) });

  it('puts the cited items under the answer, with the matching sentence when it says more than the title', () => {
    const a = engine.answer('依申请公开有什么要求');
    expect(a.citations.length).toBeGreaterThan(0);
    const out = wecomMarkdown(a);
    for (const c of a.citations.filter((_, i) => out.includes(`**${i + 1}. `))) {
      expect(out).toContain(c.ref);
      const more = c.snippet && !c.title.includes(c.snippet.replace(/[。；;]$/, ''));
      if (more) expect(out).toContain(c.snippet.replace(/[。；;]$/, '').slice(0, 10));
    }
    const withSnippet: Citation = { ...a.citations[0]!, title: '短标题', snippet: '这一句比标题说得更多，说明为什么命中。' };
    expect(wecomMarkdown({ ...a, citations: [withSnippet] })).toContain('> “这一句比标题说得更多，说明为什么命中”');
    expect(wecomText({ ...a, citations: [withSnippet] })).toContain('“这一句比标题说得更多，说明为什么命中”');
    const sameAsTitle: Citation = { ...a.citations[0]!, title: '短标题', snippet: '短标题。' };
    expect(wecomMarkdown({ ...a, citations: [sameAsTitle] })).not.toContain('> “');
  });

  it('keeps message/send bodies within 2048 bytes and says how many items were left out', () => {
    const a = engine.answer('依申请公开有什么要求');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.string({ maxLength: 3000 }), (n, text) => {
        const b = { ...many(a, n), text: text || a.text };
        for (const out of [wecomMarkdown(b), wecomText(b)]) {
          expect(byteLength(out)).toBeLessThanOrEqual(2048);
          const shown = (out.match(/^(\*\*\d+\. |\[\d+\] )/gm) ?? []).length;
          if (shown < n) expect(out).toContain(`另有 ${n - shown} 条相关条目未列出`);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('splits a long robot answer into messages of at most 4096 bytes that together hold all of it', () => {
    const a = many(engine.answer('依申请公开有什么要求'), 40);
    const parts = wecomRobotMarkdown(a);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(byteLength(p)).toBeLessThanOrEqual(4096);
    const joined = parts.join('\n');
    for (let i = 1; i <= 40; i++) expect(joined).toContain(`**${i}. `);
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), fc.integer({ min: 4, max: 300 }), (text, limit) => {
        const chunks = splitBytes(text, limit);
        for (const c of chunks) expect(byteLength(c)).toBeLessThanOrEqual(limit);
        expect(chunks.join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
      }),
      { numRuns: 100 },
    );
  });
});
