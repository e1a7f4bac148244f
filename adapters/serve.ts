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
import { YaodianError } from '../src/errors.js';
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
        viewToken: config.VIEW_TOKEN,
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
    throw listenError(e, config);
  }
  if (!isLoopback(config.HOST) && !config.VIEW_TOKEN) {
    logger.warn({ host: config.HOST }, 'listening on a public interface without VIEW_TOKEN: anyone who can reach this port can read the ledger');
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

/** 127.0.0.1, ::1, localhost: this machine only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/** A port in use or not allowed, or an address not on this machine: said in Chinese with how to choose another. */
export function listenError(e: unknown, config: Pick<CoreConfig, 'PORT' | 'HOST'>): unknown {
  const code = (e as { code?: string }).code;
  const other = config.PORT === 3000 ? 3001 : config.PORT + 1 > 65535 ? 3000 : config.PORT + 1;
  const choose = `请换一个端口：yaodian serve --port ${other}（或环境变量 PORT=${other}；PORT=0 表示任选空闲端口）。`;
  if (code === 'EADDRINUSE') return new YaodianError('CONFIG', `端口 ${config.PORT} 已被占用（地址 ${config.HOST}），可能已有一个要点助手或其他程序在运行。${choose}`, { cause: e });
  if (code === 'EACCES') return new YaodianError('CONFIG', `没有权限使用端口 ${config.PORT}（1024 以下的端口需要管理员权限）。${choose}`, { cause: e });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new YaodianError('CONFIG', `无法在地址 ${config.HOST} 上监听：本机没有这个地址。请检查 HOST（或 --host），本机访问用 127.0.0.1，对外开放用 0.0.0.0。`, { cause: e });
  }
  return e;
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
  const { HOST, VIEW_TOKEN } = handle.core.config;
  if (isLoopback(HOST)) writeLine(io.stdout, '只接受本机访问；要让其他电脑访问，请设置 HOST=0.0.0.0（并设置查看口令 VIEW_TOKEN）。');
  else if (!VIEW_TOKEN) writeLine(io.stdout, `注意：正在 ${HOST} 上对外提供服务且没有设置查看口令 VIEW_TOKEN，能访问这个端口的人都能看到台账。`);
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
