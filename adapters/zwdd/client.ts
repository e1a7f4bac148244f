/**
 * A signed client for the GovDD gateway (浙政钉 / 专有钉钉 open platform), as much as the adapter uses:
 *   GET  /gettoken.json?appkey&appsecret                         the app's access token (content.data.accessToken,
 *                                                                expiresIn seconds), cached until it expires;
 *   POST /message/workNotification                               a work notification (工作通知) to accounts
 *                                                                (receiverIds) or organisations (organizationCodes),
 *                                                                bizMsgId the idempotency key: the platform's
 *                                                                documentation says a bizMsgId used again is refused
 *                                                                as 重复 (a duplicate), so that refusal means the
 *                                                                notification was delivered before and counts as
 *                                                                accepted (its code is not published: it is read
 *                                                                from the message);
 *   POST /chat/sendMsg                                           a message to a group chat (chatType 2), with the token;
 *   POST /openplatform/message/register_event_callback           where the gateway posts an event (eventTag, callbackUrl).
 * Every request is signed (sign.ts); POST parameters are form-encoded. An answer is
 *   { success: true, content: { success, data, responseCode, responseMessage } }
 * or, when the gateway itself refuses (bad signature, unknown apiKey), { success: false, … } with its code under
 * errorCode / Code / bizErrorCode. Both kinds of refusal become PlatformErrors carrying the code; HTTP 5xx, 429 and
 * network failures are retryable. A call the gateway refuses for its access token is retried once with a new token
 * (assumed: the refusal's code or message names the token; the gateway's codes are not published).
 */
import { PlatformError, retryableStatus, transportError } from '../shared/queue.js';
import { type ZwddParams, zwddHeaders } from './sign.js';

export interface ZwddClientOptions {
  apiBase: string;
  appKey: string;
  appSecret: string;
  tenantId: string;
  hostIp: string;
  hostMac: string;
  now?: () => number;
  tokenMarginMs?: number;
  timeoutMs?: number;
}

export interface WorkNotification {
  /** Account ids (accountId), comma-joined on the wire. */
  receiverIds?: string[];
  organizationCodes?: string[];
  /** The idempotency key: the gateway delivers one notification per bizMsgId. */
  bizMsgId: string;
  /** The message object ({ msgtype: 'markdown', markdown: { title, text } } …), sent as a JSON string. */
  msg: unknown;
}

export interface ZwddClient {
  /** POST (form) or GET a signed request; resolves with content.data. */
  request(method: 'GET' | 'POST', path: string, params?: ZwddParams): Promise<unknown>;
  accessToken(): Promise<string>;
  /** Resolves once the gateway accepted it, or refused its bizMsgId as a repeat ({ duplicate: true }). */
  workNotification(n: WorkNotification): Promise<unknown>;
  chatSendMsg(chatId: string, msg: unknown): Promise<unknown>;
  registerEventCallback(eventTag: string, callbackUrl: string): Promise<unknown>;
  readonly tokenFetches: number;
}

interface Envelope {
  success?: boolean;
  content?: { success?: boolean; data?: unknown; responseCode?: string | number; responseMessage?: string };
  errorCode?: string | number;
  errorMsg?: string;
  Code?: string | number;
  Message?: string;
  bizErrorCode?: string | number;
}

/** The gateway's refusal of a bizMsgId it has seen: the notification went out the first time. */
export function isDuplicateError(err: unknown): boolean {
  return err instanceof PlatformError && /重复|duplicat/i.test(`${err.code ?? ''} ${err.message}`);
}

export function isTokenError(err: unknown): boolean {
  return err instanceof PlatformError && /token/i.test(`${err.code ?? ''} ${err.message}`);
}

export function createZwddClient(o: ZwddClientOptions): ZwddClient {
  const now = o.now ?? Date.now;
  const margin = o.tokenMarginMs ?? 300_000;
  const timeoutMs = o.timeoutMs ?? 10_000;
  let cached: { token: string; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  let fetches = 0;

  async function request(method: 'GET' | 'POST', path: string, params: ZwddParams = {}): Promise<unknown> {
    const headers = zwddHeaders({ appKey: o.appKey, secret: o.appSecret, method, path, params, now: now(), ip: o.hostIp, mac: o.hostMac });
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && x !== '') form.append(k, x);
    const query = form.toString();
    const url = method === 'GET' && query ? `${o.apiBase}${path}?${query}` : `${o.apiBase}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: method === 'POST' ? { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } : headers,
        body: method === 'POST' ? query : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      // No answer: ambiguous (the notification may have been delivered) unless the connection was never made.
      throw transportError(`zwdd ${path}`, cause);
    }
    let data: Envelope | undefined;
    try {
      data = (await res.json()) as Envelope;
    } catch {
      /* not JSON: judged by the status */
    }
    if (!data || data.success !== true) {
      const code = data?.errorCode ?? data?.Code ?? data?.bizErrorCode ?? res.status;
      const message = data?.errorMsg ?? data?.Message ?? `HTTP ${res.status}`;
      throw new PlatformError(`zwdd ${path} refused (${code}): ${message}`, { status: res.status, code, retryable: retryableStatus(res.status) });
    }
    const content = data.content;
    if (content && content.success === false) {
      const code = content.responseCode ?? 'unknown';
      throw new PlatformError(`zwdd ${path} error ${code}: ${content.responseMessage ?? ''}`.trim(), { status: res.status, code, retryable: false });
    }
    return content?.data;
  }

  async function fetchToken(): Promise<string> {
    fetches++;
    const data = (await request('GET', '/gettoken.json', { appkey: o.appKey, appsecret: o.appSecret })) as { accessToken?: unknown; expiresIn?: unknown } | undefined;
    if (!data || typeof data.accessToken !== 'string') throw new PlatformError('zwdd /gettoken.json: no accessToken', { retryable: false });
    const ttl = Number(data.expiresIn) > 0 ? Number(data.expiresIn) * 1000 : 7200_000;
    cached = { token: data.accessToken, expiresAt: now() + ttl - Math.min(margin, ttl / 2) };
    return data.accessToken;
  }

  async function accessToken(): Promise<string> {
    if (cached && cached.expiresAt > now()) return cached.token;
    inflight ??= fetchToken().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  async function withToken(path: string, params: ZwddParams): Promise<unknown> {
    const token = await accessToken();
    try {
      return await request('POST', path, { ...params, access_token: token });
    } catch (err) {
      if (!isTokenError(err)) throw err;
      if (cached?.token === token) cached = undefined;
      return request('POST', path, { ...params, access_token: await accessToken() });
    }
  }

  return {
    request,
    accessToken,
    async workNotification(n) {
      try {
        return await request('POST', '/message/workNotification', {
          tenantId: o.tenantId,
          receiverIds: n.receiverIds?.join(','),
          organizationCodes: n.organizationCodes?.join(','),
          bizMsgId: n.bizMsgId,
          msg: JSON.stringify(n.msg),
        });
      } catch (err) {
        if (isDuplicateError(err)) return { duplicate: true, bizMsgId: n.bizMsgId };
        throw err;
      }
    },
    chatSendMsg: (chatId, msg) => withToken('/chat/sendMsg', { tenantId: o.tenantId, chatType: '2', chatId, msg: JSON.stringify(msg) }),
    registerEventCallback: (eventTag, callbackUrl) => request('POST', '/openplatform/message/register_event_callback', { eventTag, callbackUrl }),
    get tokenFetches() {
      return fetches;
    },
  };
}
