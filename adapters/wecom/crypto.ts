/**
 * WeCom callback encryption (加解密方案说明, developer.work.weixin.qq.com/document/path/91144) on the kept library
 * @wecom/crypto:
 *   msg_signature = sha1 of the sorted [token, timestamp, nonce, encrypted text], hex;
 *   the encrypted text is AES-256-CBC with key = base64(EncodingAESKey + "="), iv = the key's first 16 bytes,
 *   PKCS#7 to 32 bytes, over random(16) + msg_len(4, big-endian) + msg + receive id.
 * Decryption checks the receive id (the corp id for a self-built app): a message for another corp is refused.
 */
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { timingSafeEqual } from 'node:crypto';

export class WecomCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WecomCryptoError';
  }
}

export function wecomSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return getSignature(token, timestamp, nonce, encrypted);
}

export function verifyWecomSignature(token: string, q: { timestamp?: string; nonce?: string; signature?: string }, encrypted: string): boolean {
  if (!q.timestamp || !q.nonce || !q.signature || !encrypted) return false;
  const expected = Buffer.from(wecomSignature(token, q.timestamp, q.nonce, encrypted));
  const given = Buffer.from(q.signature.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The plain message inside `encrypted`; throws WecomCryptoError when it is not ours or not readable. */
export function wecomDecrypt(encodingAesKey: string, encrypted: string, receiveId: string): string {
  if (!BASE64.test(encrypted) || Buffer.from(encrypted, 'base64').length % 32 !== 0) throw new WecomCryptoError('not an encrypted message');
  let out: { message: string; id: string };
  try {
    out = decrypt(encodingAesKey, encrypted);
  } catch {
    throw new WecomCryptoError('could not decrypt');
  }
  if (out.id !== receiveId) throw new WecomCryptoError('receive id mismatch');
  return out.message;
}

/** Encrypt `message` for `receiveId` (replies in the passive mode; the tests' fake platform). */
export function wecomEncrypt(encodingAesKey: string, message: string, receiveId: string, random?: Buffer): string {
  return encrypt(encodingAesKey, message, receiveId, random);
}
