/**
 * Lark Open API calls through the SDK's client, with the platform's failures classified: a non-zero `code` or an
 * HTTP error becomes a PlatformError carrying the code (99991400 rate limit, 230020 per-chat limit, 230002 bot not
 * in the chat, …), whether to retry, and how long the platform asked to wait (HTTP 429 with x-ogw-ratelimit-reset).
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import { PlatformError, retryableStatus, retryAfterHeader } from '../shared/queue.js';
import { readLimited } from '../shared/files.js';

/** Open API codes that mean "slow down / try later". */
export const LARK_RETRY_CODES = new Set([99991400, 99991401, 230020, 11232, 11233, 1000004, 1000005, 90235, 2200]);

/** Lark drops a second message with the same uuid within one hour. */
export const LARK_UUID_WINDOW_MS = 3600_000;

export interface ApiResult<D = unknown> {
  code?: number;
  msg?: string;
  data?: D;
}

const AMBIGUOUS = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE']);

/** An axios error from the SDK → PlatformError. */
export function larkError(err: unknown): PlatformError {
  const e = err as { response?: { status?: number; data?: ApiResult; headers?: Record<string, unknown> }; code?: string; message?: string };
  const status = e.response?.status;
  const code = e.response?.data?.code;
  if (status === undefined) {
    const ambiguous = e.code === undefined || AMBIGUOUS.has(e.code);
    return new PlatformError(`lark request failed: ${e.code ?? e.message ?? 'no answer'}`, { retryable: true, ambiguous });
  }
  const retryAfterMs = retryAfterHeader(e.response?.headers?.['x-ogw-ratelimit-reset']) ?? retryAfterHeader(e.response?.headers?.['retry-after']);
  const retryable = (code !== undefined && LARK_RETRY_CODES.has(code)) || retryableStatus(status);
  const msg = e.response?.data?.msg;
  return new PlatformError(`lark api failed (HTTP ${status})${code !== undefined ? ` code ${code}` : ''}${msg ? `: ${msg}` : ''}`, {
    status,
    ...(code !== undefined ? { code } : {}),
    retryable,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Run an Open API call; a non-zero code or HTTP failure becomes a classified PlatformError. Returns `data`. */
export async function larkCall<D = unknown>(fn: () => Promise<ApiResult<D> | undefined | null>): Promise<D | undefined> {
  let res: ApiResult<D> | undefined | null;
  try {
    res = await fn();
  } catch (err) {
    throw larkError(err);
  }
  if (res && typeof res.code === 'number' && res.code !== 0) {
    throw new PlatformError(`lark api code ${res.code}: ${res.msg ?? ''}`, { code: res.code, retryable: LARK_RETRY_CODES.has(res.code) });
  }
  return res?.data;
}

/** Upload a file for a file message (im/v1/files); returns its file_key. */
export async function uploadFile(client: lark.Client, name: string, bytes: Buffer): Promise<string> {
  const type = /\.xlsx?$/i.test(name) ? 'xls' : /\.pdf$/i.test(name) ? 'pdf' : /\.docx?$/i.test(name) ? 'doc' : 'stream';
  // The SDK hands back the body's `data` for this multipart endpoint ({ file_key }), not the whole { code, data }.
  let res: (ApiResult<{ file_key?: string }> & { file_key?: string }) | null;
  try {
    res = (await client.im.v1.file.create({ data: { file_type: type, file_name: name, file: bytes } })) as typeof res;
  } catch (err) {
    throw larkError(err);
  }
  if (res && typeof res.code === 'number' && res.code !== 0) throw new PlatformError(`lark api code ${res.code}: ${res.msg ?? ''}`, { code: res.code, retryable: LARK_RETRY_CODES.has(res.code) });
  const key = res?.file_key ?? res?.data?.file_key;
  if (!key) throw new PlatformError('lark file upload returned no file_key', { retryable: false });
  return key;
}

/** Download a file sent in a message (im/v1/messages/:id/resources/:key?type=file), at most `limit` bytes. */
export async function downloadResource(client: lark.Client, messageId: string, fileKey: string, limit?: number): Promise<Buffer> {
  let res: { getReadableStream(): AsyncIterable<Uint8Array> };
  try {
    res = (await client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type: 'file' } })) as unknown as typeof res;
  } catch (err) {
    throw larkError(err);
  }
  return readLimited(res.getReadableStream(), limit);
}
