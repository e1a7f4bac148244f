/**
 * Lark event security: the request signature and the AES-256-CBC body encryption.
 *   X-Lark-Signature = hex(sha256(timestamp + nonce + encryptKey + rawBody))
 *   encrypt = base64(iv(16) + AES-256-CBC(key = sha256(encryptKey), iv, json))
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function larkSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

export function verifyLarkSignature(
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer,
  encryptKey: string,
): boolean {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const timestamp = one(headers['x-lark-request-timestamp']);
  const nonce = one(headers['x-lark-request-nonce']);
  const signature = one(headers['x-lark-signature']);
  if (!timestamp || !nonce || !signature) return false;
  const expected = Buffer.from(larkSignature(timestamp, nonce, encryptKey, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const keyOf = (encryptKey: string) => createHash('sha256').update(encryptKey).digest();

export function larkDecrypt(encrypted: string, encryptKey: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32) throw new Error('encrypted body too short');
  const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** The inverse of larkDecrypt (what the platform does), for tests and tools. */
export function larkEncrypt(plain: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}
