/**
 * The web adapter: the page (adapters/web/public: one HTML, its scripts, one stylesheet and the icon, no build
 * step) and its JSON API, mounted on the shared fastify server. The page's chat is a platform like the others: its questions
 * go through the bot. It cannot start a conversation, so it takes no pushes (scheduled digests).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../../src/logger.js';
import type { Adapter } from '../../src/model.js';
import { PlatformError } from '../shared/queue.js';
import { type AdapterDeps, type MessageHandler } from '../shared/shell.js';
import { registerAdminRoutes } from './admin.js';
import { registerAlignRoutes } from './align.js';
import { registerWebApi, type WebApiOptions, type WebOptions } from './api.js';
import { registerViewerGuard } from './auth.js';
import { createFileLinks } from './files.js';
import { formatValidation } from './normalize.js';

export type { WebOptions } from './api.js';

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
  'align.js': 'text/javascript; charset=utf-8',
  'chart.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'favicon.ico': 'image/x-icon',
};

/** The page, its script and stylesheet, and the JSON API. */
export async function registerWeb(app: FastifyInstance, options: WebApiOptions): Promise<void> {
  registerViewerGuard(app, options);
  // Every route's validation errors in Chinese, the routes other modules add (files, admin) included.
  app.setSchemaErrorFormatter(formatValidation);
  const dir = publicDir();
  const files = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(join(dir, name))]));
  const security = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  };
  for (const [name, type] of Object.entries(ASSETS)) {
    const cache = name === 'favicon.ico' ? 'public, max-age=86400' : 'no-cache';
    const handler = async (_req: unknown, reply: FastifyReply) => reply.headers({ ...security, 'content-type': type, 'cache-control': cache }).send(files.get(name));
    app.get(`/${name}`, handler);
    if (name === 'index.html') app.get('/', handler);
  }
  await registerWebApi(app, options);
  registerAlignRoutes(app, { library: options.library });
}

export function createWebAdapter(options: WebOptions, deps: AdapterDeps): Adapter {
  const log: Logger = deps.logger.child({ adapter: 'web' });
  let handle: MessageHandler | undefined;
  let mounted = false;
  const now = options.now ?? (() => new Date());
  return {
    platform: 'web',
    async start(h) {
      if (!deps.http) throw new Error('the web adapter needs the HTTP server');
      if (!mounted) {
        const files = deps.services ? createFileLinks(deps.services) : undefined;
        await registerWeb(deps.http, { ...options, logger: deps.logger, handler: () => handle, ...(files ? { answerFiles: files.attach } : {}) });
        files?.register(deps.http);
        if (options.pushes) await registerAdminRoutes(deps.http, { adminToken: options.adminToken, pushes: options.pushes, now });
        mounted = true;
      }
      handle = h;
      log.info('web chat started');
    },
    async stop() {
      handle = undefined;
    },
    async send(chatId) {
      throw new PlatformError(`the web page cannot receive pushes (chat ${chatId}); use 今日摘要 on the page`, { retryable: false });
    },
  };
}
