/**
 * What a started server exposes: by default it listens on this machine only; with VIEW_TOKEN the page and every
 * read route need the token (a form on the page sets a cookie; scripts send a bearer token), while the script,
 * stylesheet, icon, /healthz and webhooks stay open; a port in use is said in Chinese with how to pick another.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServe, startServer, type ServerHandle } from '../../adapters/serve.js';
import { YaodianError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { captureIO } from '../helpers/io.js';
import { samplesDir } from '../helpers/samples.js';

const VIEW = 'view-token-for-tests';
const ADMIN = 'admin-token-for-tests';
const dataDir = mkdtempSync(join(tmpdir(), 'yaodian-exposure-'));
let server: ServerHandle;

beforeAll(async () => {
  server = await startServer({
    env: { PORT: '0', DATA_DIR: dataDir, DIGEST_ENABLED: 'false', VIEW_TOKEN: VIEW, ADMIN_TOKEN: ADMIN },
    docsDir: samplesDir,
    logger: silentLogger(),
    platforms: false,
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local start', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    const address = server.app.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});

describe('VIEW_TOKEN', () => {
  const reads = ['/api/documents', '/api/units', '/api/ledger', '/api/ledger.csv', '/api/digest?unit=%E5%8E%BF%E8%B4%A2%E6%94%BF%E5%B1%80', `/api/documents/${encodeURIComponent('2021-青田县政务公开工作要点.txt')}`];

  it('every read route answers 401 in Chinese without it, and works with it as a bearer token', async () => {
    for (const url of reads) {
      const denied = await server.app.inject({ url });
      expect(denied.statusCode, url).toBe(401);
      expect(denied.json()).toMatchObject({ error: 'view_token_required' });
      expect(denied.json().message).toMatch(/查看口令/);
      const ok = await server.app.inject({ url, headers: { authorization: `Bearer ${VIEW}` } });
      expect(ok.statusCode, url).not.toBe(401);
      expect(ok.statusCode, url).toBeLessThan(500);
    }
    const ask = await server.app.inject({ method: 'POST', url: '/api/ask', payload: { q: '有哪些文件' } });
    expect(ask.statusCode).toBe(401);
    const wrong = await server.app.inject({ url: '/api/documents', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('the admin token opens the read routes too', async () => {
    const r = await server.app.inject({ url: '/api/documents', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(r.statusCode).toBe(200);
    expect(r.json().documents.length).toBe(5);
  });

  it('the page shows a sign-in form; the right token sets a cookie that opens the page and the API', async () => {
    const page = await server.app.inject({ url: '/' });
    expect(page.statusCode).toBe(401);
    expect(page.body).toMatch(/<form method="post" action="\/login">/);
    expect(page.body).not.toContain('app.js');
    const bad = await server.app.inject({ method: 'POST', url: '/login', payload: 'token=wrong', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toMatch(/口令不正确/);
    expect(bad.headers['set-cookie']).toBeUndefined();
    const good = await server.app.inject({ method: 'POST', url: '/login', payload: `token=${VIEW}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/');
    const cookie = String(good.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).not.toContain(VIEW);
    const pair = cookie.split(';')[0] as string;
    const again = await server.app.inject({ url: '/', headers: { cookie: pair } });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('app.js');
    const api = await server.app.inject({ url: '/api/ledger', headers: { cookie: `other=1; ${pair}` } });
    expect(api.statusCode).toBe(200);
    expect(api.json().total).toBeGreaterThan(0);
    const forged = await server.app.inject({ url: '/api/ledger', headers: { cookie: 'yaodian_view=abc' } });
    expect(forged.statusCode).toBe(401);
    expect(cookie).not.toMatch(/Secure/);
    const proxied = await server.app.inject({ method: 'POST', url: '/login', payload: `token=${VIEW}`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' } });
    expect(String(proxied.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('the script, stylesheet, icon and /healthz stay open', async () => {
    for (const url of ['/app.js', '/style.css', '/favicon.ico', '/healthz']) {
      expect((await server.app.inject({ url })).statusCode, url).toBe(200);
    }
  });
});

describe('a port in use', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => blocker.close(() => done())));

  it('stops with a Chinese message naming the port and how to pick another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-port-'));
    try {
      let error: unknown;
      await startServer({ env: { PORT: String(port), DATA_DIR: dir, DIGEST_ENABLED: 'false' }, docsDir: samplesDir, logger: silentLogger(), platforms: false }).catch((e) => {
        error = e;
      });
      expect(error).toBeInstanceOf(YaodianError);
      expect((error as YaodianError).code).toBe('CONFIG');
      expect((error as YaodianError).message).toMatch(new RegExp(`端口 ${port} 已被占用.*--port ${port + 1}.*PORT=0`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the serve command prints it without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-port-'));
    const cap = captureIO();
    try {
      const { main } = await import('../../src/cli/index.js');
      const code = await main(["serve", "--port", String(port), "--docs", samplesDir], cap.io, {
        env: { DATA_DIR: dir, DIGEST_ENABLED: 'false', LOG_LEVEL: 'silent' },
        commands: { serve: { run: async () => runServe, help: 'serve' } },
      });
      expect(code).toBe(2);
      expect(cap.err()).toMatch(new RegExp(`^错误：端口 ${port} 已被占用`));
      expect(cap.err()).not.toMatch(/\bat .*\.js:\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
