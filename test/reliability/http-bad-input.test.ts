/**
 * The HTTP bad-input table: requests a careless user or an attacker sends, as raw bytes over a socket to a
 * started server (so that Node's own parser and fastify's router are in the path). None may get a 5xx; each gets
 * a JSON answer whose message is Chinese, names the field at fault where there is one, and has no English error
 * text (Client Error, must match …, anyOf).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../adapters/serve.js';
import { silentLogger } from '../../src/logger.js';
import { samplesDir } from '../helpers/samples.js';
import { figure, rawRequest, SKIP_QUICK } from './support.js';

const ADMIN = 'bad-input-admin';
const dataDir = mkdtempSync(join(tmpdir(), 'yaodian-badinput-'));
let server: ServerHandle;
let port: number;

beforeAll(async () => {
  server = await startServer({ env: { PORT: '0', DATA_DIR: dataDir, DIGEST_ENABLED: 'false', ADMIN_TOKEN: ADMIN }, docsDir: samplesDir, logger: silentLogger(), platforms: false });
  port = (server.app.server.address() as { port: number }).port;
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const enc = encodeURIComponent;
const UNIT = enc('县财政局');

function req(method: string, target: string, headers: Record<string, string> = {}, body: string | Buffer = ''): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const h = { host: 'localhost', connection: 'close', ...(b.length || method === 'POST' ? { 'content-length': String(b.length) } : {}), ...headers };
  const head = `${method} ${target} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), b]);
}
const json = (target: string, body: string, headers: Record<string, string> = {}) => req('POST', target, { 'content-type': 'application/json', ...headers }, body);
const multipart = (name: string, content: string, boundary = 'yd') =>
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n--${boundary}--\r\n`;
const admin = { authorization: `Bearer ${ADMIN}` };

/** [what, request, expected status, the message]. */
const TABLE: [string, Buffer, number, RegExp][] = [
  ['unencoded Chinese in the query', req('GET', '/api/digest?unit=县财政局'), 400, /参数 unit 含有未编码的字符.*unit=%E5%8E%BF%E8%B4%A2%E6%94%BF%E5%B1%80/],
  ['unencoded Chinese in the path', req('GET', '/api/documents/青田.txt'), 400, /路径含有未编码的字符.*\/api\/documents\/%E9%9D%92%E7%94%B0\.txt/],
  ['a month 13', req('GET', `/api/digest?unit=${UNIT}&date=2021-13-01`), 400, /^请求参数不正确：日期 date 的格式应为 YYYY-MM-DD（如 2021-09-01）$/],
  ['a day that does not exist', req('GET', `/api/digest?unit=${UNIT}&date=2021-02-30`), 400, /^日期 date：没有 2021-02-30 这一天/],
  ['no unit', req('GET', '/api/digest'), 400, /缺少单位 unit/],
  ['a unit two regions have', req('GET', `/api/digest?unit=${UNIT}`), 400, /县财政局/],
  ['a bad % escape in the path', req('GET', '/api/documents/%zz'), 400, /% 编码不正确/],
  ['an overlong % sequence', req('GET', '/%c0%af'), 400, /编码不正确|没有这个地址/],
  ['an unknown route', req('GET', '/api/nothing'), 404, /没有这个地址：GET \/api\/nothing/],
  ['text/plain to the chat', req('POST', '/api/ask', { 'content-type': 'text/plain' }, 'hi'), 415, /不支持的内容类型 text\/plain.*application\/json/],
  ['no content type', req('POST', '/api/ask', {}, 'hi'), 415, /不支持的内容类型/],
  ['an empty JSON body', json('/api/ask', ''), 400, /缺少问题 q/],
  ['JSON null', json('/api/ask', 'null'), 400, /请求体应为 JSON 对象/],
  ['a JSON list', json('/api/ask', '[]'), 400, /请求体应为 JSON 对象/],
  ['broken JSON', json('/api/ask', '{"q":'), 400, /不是合法的 JSON/],
  ['JSON nested 5,000 deep', json('/api/ask', `${'['.repeat(5000)}${']'.repeat(5000)}`), 400, /JSON 对象/],
  ['a question over 500 characters', json('/api/ask', JSON.stringify({ q: '问'.repeat(501) })), 400, /问题 q 过长（最多 500 个字符）/],
  ['a blank question', json('/api/ask', JSON.stringify({ q: '   ' })), 400, /问题 q/],
  ['a question that is not text', json('/api/ask', JSON.stringify({ q: { a: 1 } })), 400, /问题 q 应为文字/],
  ['today that is not a date', json('/api/ask', JSON.stringify({ q: '问', today: 'tomorrow' })), 400, /日期 today 的格式应为 YYYY-MM-DD/],
  ['a chat id with spaces', json('/api/ask', JSON.stringify({ q: '问', chat: 'a b' })), 400, /对话 chat 的格式不正确/],
  ['a body over the route limit', json('/api/ask', JSON.stringify({ q: 'x'.repeat(40_000) })), 413, /请求内容过大（上限 16 KB）/],
  ['a Content-Length that is not a number', req('GET', '/', { 'content-length': 'abc' }), 400, /请求格式不正确/],
  ['headers too large', req('GET', '/api/documents', { cookie: `a=${'x'.repeat(20_000)}` }), 431, /请求头过大/],
  ['a ledger date that is not a date', req('GET', '/api/ledger?from=abc'), 400, /开始日期 from 的格式应为 YYYY-MM-DD/],
  ['a ledger flag that is not a flag', req('GET', '/api/ledger?lead=maybe'), 400, /lead 应为 true 或 false/],
  ['a ledger status that does not exist', req('GET', '/api/ledger?status=late'), 400, /状态 status 应为 [a-z_、]+ 之一/],
  ['an Excel export for a day that does not exist', req('GET', '/api/ledger.xlsx?today=2021-02-30'), 400, /日期 today：没有 2021-02-30 这一天/],
  ['a document id over 100 characters', req('GET', `/api/documents/${'a'.repeat(300)}`), 414, /地址过长.*文件编号 id/],
  ['a document that is not there', req('GET', `/api/documents/${enc('没有.txt')}`), 404, /没有这份文件：没有\.txt/],
  ['a deletion without the admin token', req('DELETE', '/api/documents/x'), 401, /需要管理口令/],
  ['an upload with a wrong token', req('POST', '/api/documents', { authorization: 'Bearer wrong', 'content-type': 'multipart/form-data; boundary=yd' }, multipart('a.txt', 'x')), 401, /管理口令不正确/],
  ['an upload that is JSON', json('/api/documents', '{}', admin), 400, /multipart\/form-data/],
  ['a boundary over 256 characters', req('POST', '/api/documents', { ...admin, 'content-type': `multipart/form-data; boundary=${'b'.repeat(300)}` }, multipart('a.txt', 'x', 'b'.repeat(300))), 400, /上传内容不完整或格式不对/],
  ['multipart without a boundary', req('POST', '/api/documents', { ...admin, 'content-type': 'multipart/form-data' }, 'abc'), 400, /multipart\/form-data/],
  ['multipart cut short', req('POST', '/api/documents', { ...admin, 'content-type': 'multipart/form-data; boundary=yd' }, '--yd\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello'), 400, /上传内容不完整/],
  ['an upload of an .exe', req('POST', '/api/documents', { ...admin, 'content-type': 'multipart/form-data; boundary=yd' }, multipart('setup.exe', 'MZ')), 415, /不支持的文件类型：setup\.exe/],
  ['an upload of an empty file', req('POST', '/api/documents', { ...admin, 'content-type': 'multipart/form-data; boundary=yd' }, multipart('空.txt', '')), 422, /空\.txt：文件为空/],
  ['an upload of a file name that is only dots', req('POST', '/api/documents', { ...admin, 'content-type': 'multipart/form-data; boundary=yd' }, multipart('...', 'x')), 415, /文件名不可用/],
  ['a push run for a day that does not exist', json('/api/admin/digests/run', JSON.stringify({ date: '2021-02-30' }), admin), 400, /^日期 date：没有 2021-02-30 这一天/],
  ['a push run for a day that is not a date', json('/api/admin/digests/run', JSON.stringify({ date: 'today' }), admin), 400, /日期 date 的格式应为 YYYY-MM-DD/],
  ['push results for too many days', req('GET', '/api/admin/digests?days=400', admin), 400, /天数 days 应不大于 90/],
  ['a resend without its fields', json('/api/admin/digests/resend', '{}', admin), 400, /缺少平台 platform/],
  ['a push run without the admin token', json('/api/admin/digests/run', '{}'), 401, /需要管理口令/],
  ['a spreadsheet link that never existed', req('GET', '/api/files/abcdefghijklmnop'), 404, /下载链接已失效/],
  ['a spreadsheet link that is not a link', req('GET', '/api/files/x'), 400, /格式不正确/],
  ['sign-in while no viewer token is set', req('POST', '/login', { 'content-type': 'application/x-www-form-urlencoded' }, 'token=x'), 404, /没有这个地址/],
];

/** English error wording that must never reach a user. */
const ENGLISH = /\b(error|must|should|invalid|not found|unsupported|expected|schema|anyOf|client|bad request)\b/i;

describe.skipIf(SKIP_QUICK)('the HTTP bad-input table', () => {
  it('no request gets a 5xx; each gets its status and a Chinese message naming what is wrong', async () => {
    let fivexx = 0;
    const failures: string[] = [];
    for (const [what, request, status, message] of TABLE) {
      const r = await rawRequest(port, request);
      if (r.status >= 500) fivexx++;
      let body: { error?: string; message?: string } = {};
      try {
        body = JSON.parse(r.body) as typeof body;
      } catch {
        failures.push(`${what}: not JSON (${r.status} ${r.body.slice(0, 80)})`);
        continue;
      }
      const text = body.message ?? '';
      if (r.status !== status) failures.push(`${what}: status ${r.status}, expected ${status} (${text})`);
      if (!message.test(text)) failures.push(`${what}: message ${JSON.stringify(text)} does not match ${message}`);
      if (!/[\u4e00-\u9fff]/.test(text) || ENGLISH.test(text)) failures.push(`${what}: not plain Chinese: ${JSON.stringify(text)}`);
      if (!/json/.test(r.headers['content-type'] ?? '')) failures.push(`${what}: content-type ${r.headers['content-type']}`);
    }
    figure('HTTP bad input', 'requests', TABLE.length);
    figure('HTTP bad input', '5xx answers', fivexx);
    expect(failures).toEqual([]);
    expect(fivexx).toBe(0);
    // The server is still up and answering.
    const ok = await rawRequest(port, json('/api/ask', JSON.stringify({ q: '有哪些文件' })));
    expect(ok.status).toBe(200);
  });

  it('a file name with a path in it is kept under its own name in the upload folder', async () => {
    for (const name of ['../../etc/passwd.txt', '..\\..\\passwd.txt', '/etc/passwd.txt']) {
      const r = await rawRequest(port, req('POST', '/api/documents', { ...admin, 'content-type': 'multipart/form-data; boundary=yd' }, multipart(name, '一、总体要求\n（一）测试条目。')));
      expect(r.status, name).toBeLessThan(300);
      expect(JSON.parse(r.body).document.file).toBe('passwd.txt');
    }
    expect(existsSync(join(dataDir, 'documents', 'passwd.txt'))).toBe(true);
    expect(existsSync(join(dataDir, 'passwd.txt'))).toBe(false);
  });
});
