/**
 * A fake GovDD gateway (浙政钉 / 专有钉钉 open platform) on 127.0.0.1. Every request is checked as the gateway
 * checks it — apiKey known, X-Hmac-Auth-Version 1.0, an ISO-8601 +08:00 timestamp within 15 minutes, a nonce used
 * once, the IP and MAC headers present, and X-Hmac-Auth-Signature recomputed here, independently of the adapter's
 * code, as the platform's Java SDK computes it (parameter names sorted ignoring case, a name's several values
 * sorted, empty values left out). A request that fails is refused with HTTP 401 and
 *   { success: false, errorCode, errorMsg }
 * (the refusal's exact code and status are not published: this shape is the fake's choice; the adapter reads
 * errorCode, Code or bizErrorCode).
 *   GET  /gettoken.json                     appkey / appsecret checked; tokens expire (expireTokens());
 *   POST /message/workNotification          tenantId, receivers and msg checked; one delivery per bizMsgId: a resend
 *                                           with the same bizMsgId delivers nothing and is refused as 重复, as the
 *                                           platform's documentation says (“同样的ID调用多次会提示重复错误”; the
 *                                           code, BIZ_MSG_ID_DUPLICATE, is the fake's choice);
 *   POST /chat/sendMsg                      needs a valid access_token;
 *   POST /openplatform/message/register_event_callback   records eventTag and callbackUrl.
 * Answers are { success: true, content: { success, data, responseCode, responseMessage } }.
 * Also the gateway's side of a callback: a signed, form-encoded event for the adapter's URL.
 */
import Fastify from 'fastify';
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface ZwddFakeOptions {
  appKey: string;
  appSecret: string;
  tenantId: string;
  /** False: work notifications refuse markdown (content.success false). */
  markdown?: boolean;
}

type Fields = Record<string, string | string[]>;

export interface GatewayCall {
  method: string;
  path: string;
  params: Fields;
  headers: Record<string, string | undefined>;
  /** Why the gateway refused it, or undefined when it passed the signature check. */
  rejected?: string;
}

export interface Delivery {
  path: string;
  bizMsgId?: string;
  receiverIds?: string[];
  organizationCodes?: string[];
  chatId?: string;
  msg: { msgtype: string; markdown?: { title: string; text: string }; text?: { content: string } };
}

export interface ZwddFake {
  url: string;
  calls: GatewayCall[];
  delivered: Delivery[];
  registrations: { eventTag: string; callbackUrl: string }[];
  tokenRequests: number;
  /**
   * HTTP failures for the next work notifications, in order. `afterDelivery`: the notification is delivered and
   * only the answer is lost (a 502 from a proxy; status 0: the connection dropped with no answer at all), so the
   * sender cannot know it arrived.
   */
  failures: { status: number; afterDelivery?: boolean }[];
  /** Refusals (content.success false with this responseCode) for the next work notifications, in order. */
  refusals: { code: string; message: string }[];
  expireTokens(): void;
  close(): Promise<void>;
}

// ---- the signature, written out again from the SDK's description (not imported from the adapter) ----

function canonical(params: Fields): string {
  // Java's String.CASE_INSENSITIVE_ORDER: character by character, lower-cased.
  const names = Object.keys(params).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  const out: string[] = [];
  for (const n of names) {
    const vs = ([] as string[]).concat(params[n]!).filter((v) => v !== '');
    for (const v of vs.length > 1 ? vs.sort() : vs) out.push(`${n}=${v}`);
  }
  return out.join('&');
}

export function gatewaySignature(secret: string, method: string, timestamp: string, nonce: string, path: string, params: Fields): string {
  const c = canonical(params);
  return createHmac('sha256', secret)
    .update(`${method}\n${timestamp}\n${nonce}\n${path}${c ? `\n${c}` : ''}`)
    .digest('base64');
}

function formFields(body: string): Fields {
  const out: Fields = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  }
  return out;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export async function startZwddFake(options: ZwddFakeOptions): Promise<ZwddFake> {
  const app = Fastify();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, formFields(body as string)));
  const usedNonces = new Set<string>();
  const tokens = new Map<string, { expired: boolean }>();
  const byBizMsgId = new Map<string, string>();
  const fake: ZwddFake = {
    url: '',
    calls: [],
    delivered: [],
    registrations: [],
    tokenRequests: 0,
    failures: [],
    refusals: [],
    expireTokens() {
      for (const t of tokens.values()) t.expired = true;
    },
    close: () => app.close(),
  };

  function check(method: string, path: string, params: Fields, h: Record<string, string | undefined>): string | undefined {
    if (h.apikey !== options.appKey) return 'unknown apiKey';
    if (h['x-hmac-auth-version'] !== '1.0') return 'bad version';
    const ts = h['x-hmac-auth-timestamp'] ?? '';
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/.test(ts) || Math.abs(Date.now() - Date.parse(ts)) > 15 * 60_000) return 'bad timestamp';
    const nonce = h['x-hmac-auth-nonce'];
    if (!nonce || usedNonces.has(nonce)) return 'nonce missing or reused';
    if (!h['x-hmac-auth-ip'] || !h['x-hmac-auth-mac']) return 'missing ip/mac';
    if (h['x-hmac-auth-signature'] !== gatewaySignature(options.appSecret, method, ts, nonce, path, params)) return 'signature mismatch';
    usedNonces.add(nonce);
    return undefined;
  }

  const ok = (data: unknown) => ({ success: true, content: { success: true, data, responseCode: '0', responseMessage: 'OK' } });
  const fail = (code: string, message: string) => ({ success: true, content: { success: false, responseCode: code, responseMessage: message } });

  app.addHook('preHandler', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    const params = req.method === 'GET' ? ((req.query ?? {}) as Fields) : ((req.body ?? {}) as Fields);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, one(v)]));
    const rejected = check(req.method, path, params, headers);
    fake.calls.push({ method: req.method, path, params, headers, rejected });
    if (rejected) return reply.code(401).send({ success: false, errorCode: 'INVALID_SIGNATURE', errorMsg: rejected });
  });

  app.get('/gettoken.json', async (req) => {
    fake.tokenRequests++;
    const q = req.query as Fields;
    if (q.appkey !== options.appKey || q.appsecret !== options.appSecret) return fail('100', 'appkey or appsecret invalid');
    const token = randomBytes(16).toString('hex');
    tokens.set(token, { expired: false });
    return ok({ accessToken: token, expiresIn: 7200 });
  });

  app.post('/message/workNotification', async (req, reply) => {
    const failure = fake.failures.shift();
    if (failure && !failure.afterDelivery) return reply.code(failure.status).send({ success: false, errorCode: String(failure.status), errorMsg: 'gateway busy' });
    const refusal = fake.refusals.shift();
    if (refusal) return fail(refusal.code, refusal.message);
    const p = req.body as Fields;
    if (one(p.tenantId) !== options.tenantId) return fail('400', 'tenantId invalid');
    const receiverIds = one(p.receiverIds)?.split(',').filter(Boolean);
    const organizationCodes = one(p.organizationCodes)?.split(',').filter(Boolean);
    if (!receiverIds?.length && !organizationCodes?.length) return fail('400', 'receiverIds or organizationCodes required');
    let msg: Delivery['msg'];
    try {
      msg = JSON.parse(one(p.msg) ?? '') as Delivery['msg'];
    } catch {
      return fail('400', 'msg is not JSON');
    }
    if (!['text', 'markdown'].includes(msg.msgtype) || (msg.msgtype === 'markdown' && options.markdown === false)) return fail('400', `msgtype ${msg.msgtype} not supported`);
    const bizMsgId = one(p.bizMsgId);
    if (bizMsgId && byBizMsgId.has(bizMsgId)) return fail('BIZ_MSG_ID_DUPLICATE', `bizMsgId重复：${bizMsgId}`);
    const msgId = `wn-${fake.delivered.length + 1}`;
    if (bizMsgId) byBizMsgId.set(bizMsgId, msgId);
    fake.delivered.push({ path: '/message/workNotification', bizMsgId, receiverIds, organizationCodes, msg });
    if (failure?.status === 0) {
      reply.raw.socket?.destroy();
      return reply;
    }
    if (failure) return reply.code(failure.status).send('Bad Gateway');
    return ok({ msgId });
  });

  app.post('/chat/sendMsg', async (req) => {
    const p = req.body as Fields;
    const token = tokens.get(one(p.access_token) ?? '');
    if (!token) return fail('401', 'access_token is invalid');
    if (token.expired) return fail('402', 'access_token is expired');
    if (one(p.tenantId) !== options.tenantId || one(p.chatType) !== '2' || !one(p.chatId)) return fail('400', 'bad parameters');
    const msg = JSON.parse(one(p.msg) ?? '{}') as Delivery['msg'];
    fake.delivered.push({ path: '/chat/sendMsg', chatId: one(p.chatId), msg });
    return ok({ messageId: `cm-${fake.delivered.length}` });
  });

  app.post('/openplatform/message/register_event_callback', async (req) => {
    const p = req.body as Fields;
    const eventTag = one(p.eventTag);
    const callbackUrl = one(p.callbackUrl);
    if (!eventTag || !callbackUrl) return fail('400', 'eventTag and callbackUrl required');
    fake.registrations.push({ eventTag, callbackUrl });
    return ok(true);
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  fake.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return fake;
}

/** 2024-05-01T10:00:00.000+08:00 */
export function shanghaiIso(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
}

/** The gateway's POST of an event to the adapter: form-encoded and signed with the app's key and secret. */
export function signedCallback(keys: { appKey: string; appSecret: string }, path: string, fields: Record<string, string>, opts: { nonce?: string; at?: number; url?: string } = {}) {
  const timestamp = shanghaiIso(opts.at ?? Date.now());
  const nonce = opts.nonce ?? `${Date.now()}${randomBytes(2).readUInt16BE() % 10_000}`;
  return {
    method: 'POST' as const,
    url: opts.url ?? path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      apiKey: keys.appKey,
      'X-Hmac-Auth-Timestamp': timestamp,
      'X-Hmac-Auth-Version': '1.0',
      'X-Hmac-Auth-Nonce': nonce,
      'X-Hmac-Auth-IP': '10.0.0.1',
      'X-Hmac-Auth-MAC': '00:16:3e:00:00:01',
      'X-Hmac-Auth-Signature': gatewaySignature(keys.appSecret, 'POST', timestamp, nonce, path, fields),
    },
    payload: new URLSearchParams(fields).toString(),
  };
}
