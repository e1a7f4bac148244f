/**
 * The web adapter: the page (adapters/web/public: one HTML, one script, one stylesheet, no build step) and its
 * JSON API, mounted on the shared fastify server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { registerWebApi, type WebApiOptions } from './api.js';


/** adapters/web/public, found from the source tree or from dist/ (which tsc does not copy it into). */
export function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'public')];
  let dir = here;
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, 'adapters', 'web', 'public'));
    dir = dirname(dir);
  }
  const found = candidates.find((c) => existsSync(join(c, 'index.html')));
  if (!found) throw new Error(`web page files not found (looked in ${candidates.join(', ')})`);
  return found;
}

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

export async function registerWeb(app: FastifyInstance, options: WebApiOptions): Promise<void> {
  const dir = publicDir();
  const files = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(join(dir, name))]));
  const security = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  };
  for (const [name, type] of Object.entries(ASSETS)) {
    const handler = async (_req: unknown, reply: import('fastify').FastifyReply) =>
      reply.headers({ ...security, 'content-type': type, 'cache-control': 'no-cache' }).send(files.get(name));
    app.get(`/${name}`, handler);
    if (name === 'index.html') app.get('/', handler);
  }
  await registerWebApi(app, options);
}
