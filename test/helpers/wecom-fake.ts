/**
 * A fake WeCom server API on 127.0.0.1 that checks what the real one checks (global error codes:
 * developer.work.weixin.qq.com/document/path/90455):
 *   GET  /cgi-bin/gettoken       corpid (40013) and corpsecret (40001) checked; tokens expire (expireTokens());
 *   POST /cgi-bin/message/send   access_token missing (41001), unknown (40014) or expired (42001); agentid (40056),
 *                                msgtype (40008; markdown refused too when `markdown: false`, as on a 政务微信
 *                                deployment without it), content over 2048 bytes refused; enable_duplicate_check
 *                                drops the same content to the same members within duplicate_check_interval;
 *   POST /cgi-bin/webhook/send   key unknown (93000), markdown over 4096 bytes refused, 20 a minute per robot (45009).
 * `failures` answers the next message/send or webhook calls with the given body first (e.g. { errcode: 45009 }).
 * The over-length code (40058, 不合法的参数) is this fake's choice; the documents only give the limits.
 * Also: the platform's side of the callback (an encrypted, signed message for the adapter's URL).
 */
import Fastify from 'fastify';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { wecomEncrypt, wecomSignature } from '../../adapters/wecom/crypto.js';

export interface WecomFakeOptions {
  corpId: string;
  secret: string;
  agentId: number;
  robotKey?: string;
  /** False: message/send refuses markdown with 40008, as deployments without markdown do. */
  markdown?: boolean;
}

export interface AppCall {
  token?: string;
  body: { touser?: string; toparty?: string; totag?: string; agentid?: number; msgtype?: string; markdown?: { content: string }; text?: { content: string }; enable_duplicate_check?: number; duplicate_check_interval?: number };
  errcode: number;
}

export interface RobotCall {
  key?: string;
  body: { msgtype?: string; markdown?: { content: string } };
  errcode: number;
}

export interface WecomFake {
  url: string;
  /** Every message/send call, with the errcode it got. */
  calls: AppCall[];
  /** Messages members actually received. */
  delivered: AppCall['body'][];
  robotCalls: RobotCall[];
  robotDelivered: RobotCall['body'][];
  tokenRequests: number;
  failures: Record<string, unknown>[];
  /** Every token issued so far is now expired (42001 on use). */
  expireTokens(): void;
  close(): Promise<void>;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export async function startWecomFake(options: WecomFakeOptions): Promise<WecomFake> {
  const app = Fastify();
  const tokens = new Map<string, { expired: boolean }>();
  const recent: { key: string; at: number }[] = [];
  const robotTimes: number[] = [];
  const fake: WecomFake = {
    url: '',
    calls: [],
    delivered: [],
    robotCalls: [],
    robotDelivered: [],
    tokenRequests: 0,
    failures: [],
    expireTokens() {
      for (const t of tokens.values()) t.expired = true;
    },
    close: () => app.close(),
  };

  app.get('/cgi-bin/gettoken', async (req) => {
    fake.tokenRequests++;
    const q = req.query as Record<string, string | undefined>;
    if (q.corpid !== options.corpId) return { errcode: 40013, errmsg: 'invalid corpid' };
    if (q.corpsecret !== options.secret) return { errcode: 40001, errmsg: 'invalid credential' };
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { expired: false });
    return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 };
  });

  app.post('/cgi-bin/message/send', async (req) => {
    const token = (req.query as Record<string, string | undefined>).access_token;
    const body = (req.body ?? {}) as AppCall['body'];
    const answer = (errcode: number, errmsg: string, extra: Record<string, unknown> = {}) => {
      fake.calls.push({ token, body, errcode });
      return { errcode, errmsg, ...extra };
    };
    if (!token) return answer(41001, 'access_token missing');
    const known = tokens.get(token);
    if (!known) return answer(40014, 'invalid access_token');
    if (known.expired) return answer(42001, 'access_token expired');
    const failure = fake.failures.shift();
    if (failure) return answer(Number(failure.errcode), String(failure.errmsg ?? 'injected'));
    if (body.agentid !== options.agentId) return answer(40056, 'invalid agentid');
    if (!body.touser && !body.toparty && !body.totag) return answer(40035, 'invalid parameter: no receiver');
    const content = body.msgtype === 'markdown' ? body.markdown?.content : body.msgtype === 'text' ? body.text?.content : undefined;
    if (content === undefined || (body.msgtype === 'markdown' && options.markdown === false)) return answer(40008, 'invalid message type');
    if (!content) return answer(44004, 'empty content');
    if (bytes(content) > 2048) return answer(40058, 'content exceed max length');
    if (body.enable_duplicate_check === 1) {
      const key = JSON.stringify([body.touser, body.toparty, body.totag, body.msgtype, content]);
      const window = (body.duplicate_check_interval ?? 1800) * 1000;
      const now = Date.now();
      if (recent.some((r) => r.key === key && now - r.at < window)) return answer(0, 'ok', { msgid: 'duplicate' });
      recent.push({ key, at: now });
    }
    fake.delivered.push(body);
    return answer(0, 'ok', { invaliduser: '', msgid: `msg-${fake.delivered.length}` });
  });

  app.post('/cgi-bin/webhook/send', async (req) => {
    const key = (req.query as Record<string, string | undefined>).key;
    const body = (req.body ?? {}) as RobotCall['body'];
    const answer = (errcode: number, errmsg: string) => {
      fake.robotCalls.push({ key, body, errcode });
      return { errcode, errmsg };
    };
    if (!key || key !== options.robotKey) return answer(93000, 'invalid webhook url');
    const failure = fake.failures.shift();
    if (failure) return answer(Number(failure.errcode), String(failure.errmsg ?? 'injected'));
    const now = Date.now();
    while (robotTimes.length && now - robotTimes[0]! > 60_000) robotTimes.shift();
    if (robotTimes.length >= 20) return answer(45009, 'api freq out of limit');
    if (body.msgtype !== 'markdown' || typeof body.markdown?.content !== 'string') return answer(40008, 'invalid message type');
    if (bytes(body.markdown.content) > 4096) return answer(40058, 'markdown.content exceed max length 4096');
    robotTimes.push(now);
    fake.robotDelivered.push(body);
    return answer(0, 'ok');
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  fake.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return fake;
}

/** What the platform sets on the app's “接收消息” page. */
export interface WecomCallbackKeys {
  token: string;
  encodingAesKey: string;
  corpId: string;
}

/** A member's text message to the app, as the decrypted callback XML. */
export function textMessageXml(m: { corpId: string; from: string; content: string; msgId: string; agentId: number; createTime?: number }): string {
  return (
    `<xml><ToUserName><![CDATA[${m.corpId}]]></ToUserName><FromUserName><![CDATA[${m.from}]]></FromUserName>` +
    `<CreateTime>${m.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[${m.content}]]></Content><MsgId>${m.msgId}</MsgId><AgentID>${m.agentId}</AgentID></xml>`
  );
}

/** The POST the platform makes: the message encrypted for the corp, signed, in its XML envelope. */
export function encryptedCallback(keys: WecomCallbackKeys, innerXml: string, opts: { agentId?: number; receiveId?: string; token?: string } = {}) {
  const encrypted = wecomEncrypt(keys.encodingAesKey, innerXml, opts.receiveId ?? keys.corpId);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const signature = wecomSignature(opts.token ?? keys.token, timestamp, nonce, encrypted);
  const payload = `<xml><ToUserName><![CDATA[${keys.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[${opts.agentId ?? ''}]]></AgentID></xml>`;
  return {
    method: 'POST' as const,
    url: `/wecom/callback?msg_signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`,
    headers: { 'content-type': 'text/xml' },
    payload,
  };
}

/**
 * The platform's published crypto vectors.
 *  - POST message: 加解密方案说明 → 举例说明, developer.work.weixin.qq.com/document/path/91144 (corpId
 *    wx5823bf96d3bd56c7, token QDG6eK, EncodingAESKey jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C, msg_signature
 *    477715d11cdb4164915debcba66cb864d751f3e6, timestamp 1409659813, nonce 1372623149; decrypts to the text
 *    message "hello" from "mycreate" to agent 218).
 *  - GET URL verification: the same keys in the official WXBizMsgCrypt samples (Sample.php / Sample.cs of the
 *    weworkapi callback library, “使用示例一：验证回调URL”): msg_signature 5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3,
 *    timestamp 1409659589, nonce 263014780, echostr P9nAzCzy…qQ== (URL-encoded in the sample's GET line).
 */
export const OFFICIAL = { corpId: 'wx5823bf96d3bd56c7', token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' };
export const POST_VECTOR = {
  signature: '477715d11cdb4164915debcba66cb864d751f3e6',
  timestamp: '1409659813',
  nonce: '1372623149',
  encrypt:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};
export const GET_VECTOR = {
  signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echostrUrlEncoded: 'P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D',
  plain: '1616140317555161061',
};

