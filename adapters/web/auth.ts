/**
 * Who may read and who may change. VIEW_TOKEN, when set, guards the page and every /api/ route: a browser signs in
 * once (POST /login with the token from a form) and reads with an HttpOnly cookie; scripts send
 * `Authorization: Bearer <token>`. ADMIN_TOKEN guards uploads and deletions (api.ts) and opens the read routes too.
 * The page's script, stylesheet and icon, /healthz and the platforms' webhooks (signed by each platform) stay open.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time token check over equal-length digests. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The bearer token of a request, if it sends one. */
export function bearerOf(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
}

export const VIEW_COOKIE = 'yaodian_view';

/** What the cookie holds: derived from the token, so the token itself is never stored in the browser. */
export function viewCookieValue(viewToken: string): string {
  return createHmac('sha256', viewToken).update('yaodian-view-cookie-v1').digest('base64url');
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The page and the JSON API; everything else (script, stylesheet, icon, /healthz, webhooks) is open. */
export function isReadRoute(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === '/' || path === '/index.html' || path === '/api' || path.startsWith('/api/');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(message: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>要点助手 · 输入查看口令</title><link rel="stylesheet" href="/style.css"><link rel="icon" href="/favicon.ico"></head>
<body><main class="login"><h1>要点助手</h1><p>${esc(message)}</p>
<form method="post" action="/login"><label>查看口令 <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">进入</button></form></main></body></html>
`;
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
};

export interface ViewerOptions {
  viewToken?: string | undefined;
  adminToken?: string | undefined;
}

/** When VIEW_TOKEN is set: the sign-in route and a hook refusing unauthenticated reads (401, in Chinese). */
export function registerViewerGuard(app: FastifyInstance, options: ViewerOptions): void {
  const view = options.viewToken;
  if (!view) return;
  const admin = options.adminToken;
  const cookie = viewCookieValue(view);
  const allowed = (request: FastifyRequest) => {
    const bearer = bearerOf(request);
    if (bearer && (tokenMatches(bearer, view) || (admin !== undefined && tokenMatches(bearer, admin)))) return true;
    const given = cookieOf(request, VIEW_COOKIE);
    return given !== undefined && tokenMatches(given, cookie);
  };

  // The sign-in form's body is parsed by the shared server (src/server/http.ts: form bodies as their fields).
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isReadRoute(request.url) || allowed(request)) return;
    const path = request.url.split('?')[0];
    if (request.method === 'GET' && (path === '/' || path === '/index.html')) {
      return reply.code(401).headers(PAGE_HEADERS).send(loginPage('请输入查看口令（VIEW_TOKEN，向管理员索取）。'));
    }
    reply.header('www-authenticate', 'Bearer realm="yaodian"');
    return reply.code(401).send({ error: 'view_token_required', message: '需要查看口令：请在网页上输入查看口令，或以 Authorization: Bearer <VIEW_TOKEN> 发送。' });
  });

  app.post<{ Body: { token?: unknown } }>('/login', { bodyLimit: 4096 }, async (request, reply) => {
    const token = typeof request.body?.token === 'string' ? request.body.token.trim() : '';
    if (!token || !tokenMatches(token, view)) return reply.code(401).headers(PAGE_HEADERS).send(loginPage('查看口令不正确，请重新输入。'));
    // Secure when the page is served over HTTPS (directly, or by the reverse proxy the README asks for).
    const https = request.protocol === 'https' || String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https';
    return reply
      .header('set-cookie', `${VIEW_COOKIE}=${cookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 24 * 3600}${https ? '; Secure' : ''}`)
      .header('cache-control', 'no-store')
      .redirect('/', 303);
  });
}
