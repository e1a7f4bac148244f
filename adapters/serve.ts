/**
 * `yaodian serve [--docs DIR] [--port N] [--host H]`: one process, one port. Reads the configuration once (core
 * and every platform, from the environment the entry read, the flags on top), builds the core (src/app.ts), and
 * serves the web page, its JSON API and the platform adapters' webhooks on one fastify server; the digest
 * scheduler starts once it listens. Stops cleanly on SIGINT / SIGTERM.
 */
import type { FastifyInstance } from 'fastify';
import { createApp, type App } from '../src/app.js';
import { parseArgs } from '../src/cli/args.js';
import { type CliIO, writeLine } from '../src/cli/io.js';
import { type CoreConfig, coreConfigSchema, type Env, loadConfig } from '../src/config.js';
import { requireUnit } from '../src/ledger/units.js';
import { createLogger, type Logger } from '../src/logger.js';
import type { Adapter } from '../src/model.js';
import { createHttpServer } from '../src/server/http.js';
import { adaptersConfigSchema, createAdapters, plannedAdapters, startAdapters } from './registry.js';
import { servicesOf } from './shared/services.js';
import { createWebAdapter } from './web/index.js';

export interface ServerHandle {
  app: FastifyInstance;
  core: App;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The environment as the entry read it (process.env over ./.env). */
  env: Env;
  /** Values that win over the environment (serve --port / --host). */
  overrides?: Env;
  /** Folder of documents (serve --docs); default DOCS_DIR. */
  docsDir?: string;
  /** Default: a pino logger at LOG_LEVEL. */
  logger?: Logger;
  /** Start the platform adapters (default true); the web chat always runs. */
  platforms?: boolean;
  now?: () => Date;
}

/**
 * Build and start the server; resolves once it listens. Order: configuration, the core (store, documents,
 * services, bot), the HTTP server, the adapters (the web chat first; webhook routes mount before listen), listen,
 * then the digest scheduler.
 */
export async function startServer(options: StartOptions): Promise<ServerHandle> {
  const settings = loadConfig(coreConfigSchema.and(adaptersConfigSchema), options.env, options.overrides);
  const config: CoreConfig = settings;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const core = await createApp({ config, logger, mode: 'serve', ...(options.docsDir ? { docsDir: options.docsDir } : {}), ...(options.now ? { now: options.now } : {}) });
  let adapters: Adapter[] = [];
  const http = createHttpServer({ health: () => healthOf(core, adapters) }, { logger });
  const services = servicesOf(core, options.now);
  const deps = { logger, http, services };
  try {
    const web = createWebAdapter(
      {
        library: core.library,
        ledger: core.ledger,
        digests: core.digests,
        adminToken: config.ADMIN_TOKEN,
        pushes: {
          scheduler: core.scheduler,
          store: core.store,
          subscriptions: {
            store: core.store,
            resolveUnit: (text) => requireUnit(core.library.directory, text).name,
            activePlatforms: () => [...core.senders.keys()],
          },
        },
        ...(options.now ? { now: options.now } : {}),
      },
      deps,
    );
    const platforms = options.platforms === false ? [] : await createAdapters(plannedAdapters(settings), deps);
    adapters = await startAdapters([web, ...platforms], core.bot, logger);
    for (const a of adapters) core.senders.set(a.platform, a);
    await http.listen({ port: config.PORT, host: config.HOST });
  } catch (e) {
    await Promise.allSettled(adapters.map((a) => a.stop()));
    await http.close().catch(() => undefined);
    await core.close().catch(() => undefined);
    throw e;
  }
  if (config.DIGEST_ENABLED) core.scheduler.start();
  // Cards older than a month no longer take clicks.
  void core.store.pruneCards(new Date(services.now().getTime() - 30 * 24 * 3600_000).toISOString()).catch((err: unknown) => logger.warn({ err }, 'pruning old cards failed'));
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  let closed = false;
  return {
    app: http,
    core,
    url: `http://${host}:${port}/`,
    async close() {
      if (closed) return;
      closed = true;
      core.scheduler.stop();
      await Promise.allSettled(adapters.map((a) => a.stop()));
      await http.close();
      await core.close().catch((err: unknown) => logger.error({ err }, 'closing the store failed'));
    },
  };
}

/** GET /healthz: documents, the adapters running, each platform's connection; degraded while one is down. */
export function healthOf(core: Pick<App, 'library'>, adapters: Adapter[]): Record<string, unknown> {
  const platforms = Object.fromEntries(adapters.flatMap((a) => (a.health ? [[a.platform, a.health()]] : [])));
  const degraded = Object.values(platforms).some((h) => h.state === 'down');
  return { documents: core.library.list().length, adapters: adapters.map((a) => a.platform), platforms, ...(degraded ? { degraded: true } : {}) };
}

export async function runServe(argv: string[], io: CliIO, env: Env = {}): Promise<number> {
  const args = parseArgs(argv, { values: ['docs', 'port', 'host'] });
  const handle = await startServer({
    env,
    overrides: { PORT: args.values.get('port'), HOST: args.values.get('host') },
    ...(args.values.has('docs') ? { docsDir: args.values.get('docs') as string } : {}),
  });
  const { library, logger } = handle.core;
  writeLine(io.stdout, `要点助手已启动：${handle.url}（已载入 ${library.list().length} 份文件${library.loadErrors.length ? `，${library.loadErrors.length} 份无法读取，见日志` : ''}）`);
  writeLine(io.stdout, '按 Ctrl+C 停止。');
  return new Promise<number>((done) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      logger.info({ signal }, 'shutting down');
      handle.close().then(
        () => {
          writeLine(io.stdout, '已停止。');
          done(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          done(1);
        },
      );
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
