/**
 * Every HTTP error in plain Chinese: fastify's, its plugins' and Node's own (a request line the HTTP parser
 * refuses, a URL with bad escapes), with the parameter named where one is at fault. Nothing in English reaches
 * the client.
 */

/** Chinese for the errors fastify and @fastify/multipart raise, by code. */
const BY_CODE: Record<string, (e: { message: string }, ctx: { contentType?: string | undefined; limit?: number | undefined }) => string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (_e, c) => `不支持的内容类型${c.contentType ? ` ${c.contentType}` : ''}：请以 application/json 发送（上传文件用 multipart/form-data，字段名 file）。`,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => '请求头 Content-Length 与实际内容的长度不符。',
  FST_ERR_CTP_BODY_TOO_LARGE: (_e, c) => `请求内容过大${c.limit ? `（上限 ${sizeOf(c.limit)}）` : ''}。`,
  FST_ERR_CTP_EMPTY_JSON_BODY: () => '请求体为空：请发送一个 JSON 对象。',
  FST_ERR_CTP_INVALID_TYPE: () => '请求头 Content-Type 不正确。',
  FST_ERR_BAD_URL: () => '地址中的 % 编码不正确：参数请用 URL 编码（如 encodeURIComponent）后再发送。',
  FST_ERR_MAX_PARAM_LENGTH: () => '地址过长：路径中的参数（如文件编号 id）最多 100 个字符。',
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => '请以 multipart/form-data 上传文件（字段名 file）。',
  FST_REQ_FILE_TOO_LARGE: (_e, c) => `文件过大${c.limit ? `（上限 ${sizeOf(c.limit)}）` : ''}。`,
  FST_PARTS_LIMIT: () => '上传的表单字段过多：一次只上传一个文件（字段名 file）。',
  FST_FILES_LIMIT: () => '一次只能上传一个文件（字段名 file）。',
  FST_FIELDS_LIMIT: () => '上传的表单字段过多：一次只上传一个文件（字段名 file）。',
  FST_PROTO_VIOLATION: () => '上传的表单字段名不允许（__proto__ 等）。',
  FST_ERR_NOT_FOUND: () => '没有这个地址。',
};

/** Messages of the multipart parser (busboy) for a body that is not well-formed multipart. */
const MULTIPART = /^(Multipart: Boundary not found|Boundary required|Unexpected end of (multipart data|form)|.* terminated early due to unexpected end of multipart data|Malformed part header|The needle cannot)/i;

const HAS_CHINESE = /[\u3400-\u9fff]/;

function sizeOf(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

export interface HttpErrorReply {
  status: number;
  error: string;
  message: string;
}

/**
 * The reply for an error a route or fastify raised: its status (a malformed upload is the client's 400, not a 500)
 * and a Chinese message. Undefined for a server fault (the caller logs it and apologises).
 */
export function clientErrorReply(
  error: Error & { statusCode?: number; code?: string; validation?: unknown },
  ctx: { contentType?: string | undefined; limit?: number | undefined } = {},
): HttpErrorReply | undefined {
  let status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500 && MULTIPART.test(error.message)) status = 400;
  if (status >= 500) return undefined;
  const code = error.code ?? (MULTIPART.test(error.message) ? 'bad_multipart' : 'bad_request');
  if (error.validation) return { status, error: 'bad_request', message: `请求参数不正确：${error.message}` };
  const known = error.code ? BY_CODE[error.code] : undefined;
  if (known) return { status, error: code, message: known(error, ctx) };
  if (code === 'bad_multipart') return { status, error: code, message: '上传内容不完整或格式不对（multipart/form-data）：请重新选择文件上传。' };
  if (status === 413) return { status, error: code, message: BY_CODE['FST_ERR_CTP_BODY_TOO_LARGE']?.(error, ctx) ?? '请求内容过大。' };
  if (HAS_CHINESE.test(error.message)) return { status, error: code, message: error.message };
  return { status, error: code, message: `请求有误（HTTP ${status}）。` };
}

/** The request line of a raw packet Node's parser refused, if it has one: method, target and version. */
function requestLine(raw: unknown): { target: string } | undefined {
  if (!Buffer.isBuffer(raw) || !raw.length) return undefined;
  const end = raw.indexOf('\r\n');
  const line = raw.subarray(0, end < 0 ? Math.min(raw.length, 8192) : end).toString('utf8');
  const m = /^[A-Z]+ (\S+) HTTP\/\d\.\d$/.exec(line);
  return m ? { target: m[1] as string } : undefined;
}

const NEEDS_ENCODING = /[^\x21-\x7e]/;

/**
 * What to tell a client whose request Node's HTTP parser refused (the handler never sees it): a URL with
 * unencoded Chinese names the parameter and shows it encoded; headers too large, a timeout and other damage get
 * their own sentence.
 */
export function parserErrorReply(err: Error & { code?: string }): HttpErrorReply {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, error: 'timeout', message: '请求超时：在规定时间内没有收到完整的请求。' };
  if (err.code === 'HPE_HEADER_OVERFLOW') return { status: 431, error: 'header_overflow', message: '请求头过大（包括 Cookie）。' };
  const line = requestLine((err as { rawPacket?: unknown }).rawPacket);
  if (line && NEEDS_ENCODING.test(line.target)) {
    const [path = '', query = ''] = line.target.split(/\?(.*)/s);
    const bad = query
      .split('&')
      .map((pair) => pair.split(/=(.*)/s) as [string, string?])
      .find(([k, v]) => NEEDS_ENCODING.test(k) || NEEDS_ENCODING.test(v ?? ''));
    if (bad) {
      const [name, value = ''] = bad;
      const shown = NEEDS_ENCODING.test(name) ? encodeURIComponent(name) : name;
      return {
        status: 400,
        error: 'unencoded_url',
        message: `地址中的参数 ${shown} 含有未编码的字符（如中文）：请对参数做 URL 编码后再发送，例如 ${shown}=${encodeURIComponent(value)}（curl 可用 -G --data-urlencode "${shown}=${value}"）。`,
      };
    }
    if (NEEDS_ENCODING.test(path)) {
      return { status: 400, error: 'unencoded_url', message: `地址的路径含有未编码的字符（如中文）：请写成 ${path.split('/').map((s) => (NEEDS_ENCODING.test(s) ? encodeURIComponent(s) : s)).join('/')}。` };
    }
  }
  return { status: 400, error: 'bad_request', message: '请求格式不正确（HTTP 请求行或请求头有误），无法处理。' };
}
