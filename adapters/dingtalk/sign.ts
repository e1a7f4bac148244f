/**
 * DingTalk robot signatures: sign = base64(HMAC-SHA256(key = secret, timestamp + "\n" + secret)).
 * The same formula checks outgoing-robot callbacks (headers timestamp, sign) and signs custom-robot pushes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function dingtalkSign(timestamp: string | number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export const MAX_CALLBACK_AGE_MS = 3600_000;

export function verifyDingtalkCallback(timestamp: string | undefined, sign: string | undefined, secret: string, now = Date.now()): boolean {
  if (!timestamp || !sign || !/^\d{10,16}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > MAX_CALLBACK_AGE_MS) return false;
  const expected = Buffer.from(dingtalkSign(timestamp, secret));
  const given = Buffer.from(sign);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The custom robot URL with &timestamp=&sign= appended. */
export function signedRobotUrl(webhook: string, secret: string | undefined, now = Date.now()): string {
  if (!secret) return webhook;
  const sep = webhook.includes('?') ? '&' : '?';
  return `${webhook}${sep}timestamp=${now}&sign=${encodeURIComponent(dingtalkSign(now, secret))}`;
}
