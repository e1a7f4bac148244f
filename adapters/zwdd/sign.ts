/**
 * The GovDD gateway's request signature (专有钉钉 / 浙政钉 open platform, as its Java SDK zwdd-sdk-java signs:
 * com.alibaba.xxpt.gateway.shared.client.sign.Signature):
 *   X-Hmac-Auth-Signature = base64(HMAC-SHA256(key = app secret,
 *       METHOD + "\n" + TIMESTAMP + "\n" + NONCE + "\n" + PATH [+ "\n" + k1=v1&k2=v2…]))
 * The parameters (query or form fields) are sorted by name ignoring case, a name given several values appears once
 * per value with the values sorted, empty values are left out, and nothing is URL-encoded. The timestamp is
 * ISO-8601 with milliseconds in +08:00; the nonce is the time and four random digits. Every request also carries
 * apiKey, X-Hmac-Auth-Version 1.0 and the caller's X-Hmac-Auth-IP and X-Hmac-Auth-MAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type ZwddParams = Record<string, string | string[] | undefined>;

/** 2024-05-01T10:00:00.000+08:00 (Asia/Shanghai has no daylight saving: a fixed +08:00). */
export function zwddTimestamp(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
}

export function zwddNonce(ms: number, random: () => number = Math.random): string {
  return `${ms}${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
}

/** The sorted k=v&… string of the signature (empty when there are no parameters). */
export function canonicalParams(params: ZwddParams): string {
  const names = Object.keys(params)
    .filter((k) => k !== '')
    .sort((a, b) => {
      const x = a.toLowerCase();
      const y = b.toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const pairs: string[] = [];
  for (const name of names) {
    const raw = params[name];
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && v !== '');
    for (const v of values.length > 1 ? [...values].sort() : values) pairs.push(`${name}=${v}`);
  }
  return pairs.join('&');
}

export function zwddSignature(secret: string, method: string, timestamp: string, nonce: string, path: string, params: ZwddParams = {}): string {
  const canonical = canonicalParams(params);
  const text = [method.toUpperCase(), timestamp, nonce, path, ...(canonical ? [canonical] : [])].join('\n');
  return createHmac('sha256', secret).update(text, 'utf8').digest('base64');
}

export interface SignInput {
  appKey: string;
  secret: string;
  method: string;
  path: string;
  params?: ZwddParams;
  now: number;
  ip: string;
  mac: string;
  nonce?: string;
}

export function zwddHeaders(s: SignInput): Record<string, string> {
  const timestamp = zwddTimestamp(s.now);
  const nonce = s.nonce ?? zwddNonce(s.now);
  return {
    apiKey: s.appKey,
    'X-Hmac-Auth-Timestamp': timestamp,
    'X-Hmac-Auth-Version': '1.0',
    'X-Hmac-Auth-Nonce': nonce,
    'X-Hmac-Auth-IP': s.ip,
    'X-Hmac-Auth-MAC': s.mac,
    'X-Hmac-Auth-Signature': zwddSignature(s.secret, s.method, timestamp, nonce, s.path, s.params ?? {}),
  };
}

export interface VerifyInput {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  path: string;
  params: ZwddParams;
  appKey: string;
  secret: string;
  now: number;
  /** Largest clock difference accepted (default 5 minutes). */
  maxSkewMs?: number;
}

export type VerifyResult = { ok: true; nonce: string } | { ok: false; reason: string };

const header = (h: VerifyInput['headers'], name: string): string | undefined => {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Check a request signed as above (callbacks from the gateway; the tests' fake gateway). */
export function verifyZwddSignature(v: VerifyInput): VerifyResult {
  const apiKey = header(v.headers, 'apiKey');
  const timestamp = header(v.headers, 'X-Hmac-Auth-Timestamp');
  const nonce = header(v.headers, 'X-Hmac-Auth-Nonce');
  const signature = header(v.headers, 'X-Hmac-Auth-Signature');
  if (!apiKey || !timestamp || !nonce || !signature) return { ok: false, reason: 'missing signature headers' };
  if (apiKey !== v.appKey) return { ok: false, reason: 'unknown apiKey' };
  if (header(v.headers, 'X-Hmac-Auth-Version') !== '1.0') return { ok: false, reason: 'unsupported version' };
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?\+08:00$/.test(timestamp)) return { ok: false, reason: 'bad timestamp' };
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at) || Math.abs(v.now - at) > (v.maxSkewMs ?? 300_000)) return { ok: false, reason: 'timestamp out of range' };
  const expected = Buffer.from(zwddSignature(v.secret, v.method, timestamp, nonce, v.path, v.params));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true, nonce };
}
