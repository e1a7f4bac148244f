/**
 * The WeCom server API, as much as the adapter uses:
 *   GET  /cgi-bin/gettoken?corpid&corpsecret          access_token, cached until it expires (expires_in, less a margin);
 *   POST /cgi-bin/message/send?access_token           an app message to members (touser / toparty / totag);
 *   POST /cgi-bin/webhook/send?key                    a group robot's message.
 * Every answer is { errcode, errmsg, … }. A token the platform calls invalid or expired (40014, 42001, 42009) is
 * dropped, fetched again and the call retried once. Frequency limits (45009, 45033) and "system busy" (-1), like
 * HTTP 5xx/429, are retryable PlatformErrors for the outbox to back off on; every other errcode is a PlatformError
 * carrying the code. URLs hold the token or the robot key, so they are never logged.
 */
import { PlatformError, retryableStatus, transportError } from '../shared/queue.js';

/** access_token invalid (40014), expired (42001), or its suite token expired (42009): fetch a new one. */
export const WECOM_TOKEN_CODES = new Set([40014, 42001, 42009]);
/** System busy (-1), API frequency limit (45009), too many concurrent calls (45033). */
export const WECOM_RETRY_CODES = new Set([-1, 45009, 45033]);

export interface WecomResult {
  errcode?: number;
  errmsg?: string;
  [k: string]: unknown;
}

export interface WecomClientOptions {
  apiBase: string;
  corpId?: string;
  secret?: string;
  now?: () => number;
  /** Refresh this long before the platform's expiry (default 5 minutes). */
  tokenMarginMs?: number;
  timeoutMs?: number;
}

export interface WecomClient {
  /** A valid access_token (cached). */
  token(): Promise<string>;
  /** POST JSON to an access_token API (path like /cgi-bin/message/send); one refresh-and-retry on a token error. */
  post(path: string, body: unknown): Promise<WecomResult>;
  /** POST JSON to a group robot. */
  robot(key: string, body: unknown): Promise<WecomResult>;
  /** How many times a token was fetched (for logs and tests). */
  readonly tokenFetches: number;
}

function errorOf(what: string, res: WecomResult): PlatformError {
  const code = res.errcode ?? -1;
  return new PlatformError(`wecom ${what} errcode ${code}: ${res.errmsg ?? ''}`.trim(), { code, retryable: WECOM_RETRY_CODES.has(code) });
}

async function requestJson(url: string, init: RequestInit, what: string, timeoutMs: number): Promise<WecomResult> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    // No answer: ambiguous (the message may have arrived) unless the connection was never made.
    throw transportError(`wecom ${what}`, cause);
  }
  let data: WecomResult = {};
  try {
    data = (await res.json()) as WecomResult;
  } catch {
    /* not JSON: judged by the status */
  }
  if (!res.ok) {
    throw new PlatformError(`wecom ${what} HTTP ${res.status}`, { status: res.status, code: data.errcode, retryable: retryableStatus(res.status) || WECOM_RETRY_CODES.has(data.errcode ?? 0) });
  }
  return data;
}

export function createWecomClient(options: WecomClientOptions): WecomClient {
  const now = options.now ?? Date.now;
  const margin = options.tokenMarginMs ?? 300_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let cached: { token: string; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  let fetches = 0;

  async function fetchToken(): Promise<string> {
    if (!options.corpId || !options.secret) throw new PlatformError('wecom app credentials not set', { retryable: false });
    const url = `${options.apiBase}/cgi-bin/gettoken?corpid=${encodeURIComponent(options.corpId)}&corpsecret=${encodeURIComponent(options.secret)}`;
    fetches++;
    const res = await requestJson(url, { method: 'GET' }, 'gettoken', timeoutMs);
    if (res.errcode || typeof res.access_token !== 'string') throw errorOf('gettoken', res.errcode ? res : { errcode: -1, errmsg: 'no access_token' });
    const ttl = Number(res.expires_in) > 0 ? Number(res.expires_in) * 1000 : 7200_000;
    cached = { token: res.access_token, expiresAt: now() + ttl - Math.min(margin, ttl / 2) };
    return res.access_token;
  }

  async function token(): Promise<string> {
    if (cached && cached.expiresAt > now()) return cached.token;
    inflight ??= fetchToken().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  async function post(path: string, body: unknown): Promise<WecomResult> {
    for (let attempt = 1; ; attempt++) {
      const t = await token();
      const res = await requestJson(
        `${options.apiBase}${path}?access_token=${encodeURIComponent(t)}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
        path,
        timeoutMs,
      );
      if (!res.errcode) return res;
      if (WECOM_TOKEN_CODES.has(res.errcode) && attempt === 1) {
        if (cached?.token === t) cached = undefined;
        continue;
      }
      throw errorOf(path, res);
    }
  }

  async function robot(key: string, body: unknown): Promise<WecomResult> {
    const res = await requestJson(
      `${options.apiBase}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      'webhook/send',
      timeoutMs,
    );
    if (res.errcode) throw errorOf('webhook/send', res);
    return res;
  }

  return {
    token,
    post,
    robot,
    get tokenFetches() {
      return fetches;
    },
  };
}
