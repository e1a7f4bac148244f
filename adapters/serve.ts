/**
 * `yaodian serve [--docs DIR]`: one process, one port. Loads the documents (DOCS_DIR / --docs, the uploads kept in
 * DATA_DIR/documents, else the bundled samples), builds the answerer and the bot, and serves the web page, its
 * JSON API and the platform adapters' webhooks on one fastify server. Stops cleanly on SIGINT / SIGTERM.
 */
import { resolve } from 'node:path';
import { loadBindingsFile } from '../src/bindings.js';
import { createBot } from '../src/bot.js';
import { parseArgs } from '../src/cli/args.js';
import { type CliIO, writeLine } from '../src/cli/io.js';
import { type CoreConfig, coreConfigSchema, type Env, loadConfig } from '../src/config.js';
import { createLogger, type Logger } from '../src/logger.js';
import type { Adapter, WorkPlan } from '../src/model.js';
import { createHttpServer } from '../src/server/http.js';
import type { FastifyInstance } from 'fastify';
import { createDigestServices } from '../src/digest/services.js';
import { syncDocuments } from '../src/store/bindings.js';
import { startAdapters } from './registry.js';
import { registerWeb } from './web/index.js';
import { bundledSamplesDir, DocumentLibrary } from '../src/library.js';

export interface ServerHandle {
  app: FastifyInstance;
  library: DocumentLibrary;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  config: CoreConfig;
  docsDir?: string;
  logger: Logger;
  /** The environment as the entry read it (process.env over ./.env), for the platform adapters' settings. */
  env?: Env;
  /** Start platform adapters from adapters/registry (default true). */
  adapters?: boolean;
  now?: () => Date;
}

/**
 * Build and start the server; resolves once it listens. Order: documents, the store (bindings, commands,
 * scheduler), the bot, the web routes, the platform adapters (webhook routes mount before listen), listen,
 * then the digest scheduler.
 */
export async function startServer(options: StartOptions): Promise<ServerHandle> {
  const { config, logger } = options;
  const env = options.env ?? {};
  const docsDir = options.docsDir ?? config.DOCS_DIR;
  // The library calls back on uploads; the store exists only after the library has loaded.
  let onDocumentsChanged: (plans: WorkPlan[]) => Promise<void> = async () => undefined;
  const library = await DocumentLibrary.open({
    uploadDir: resolve(config.DATA_DIR, 'documents'),
    ...(docsDir ? { docsDir: resolve(docsDir) } : {}),
    ...(bundledSamplesDir() ? { samplesDir: bundledSamplesDir() as string } : {}),
    answerer: { ...(config.USER_DICT ? { userDictPath: config.USER_DICT } : {}), ...(config.UNIT_ALIASES ? { aliasPath: config.UNIT_ALIASES } : {}) },
    logger,
    onChange: (plans) => onDocumentsChanged(plans),
  });
  const platforms = new Map<string, Adapter>();
  const services = await createDigestServices({
    engine: library,
    adapters: platforms,
    logger,
    fileBindings: loadBindingsFile(config.UNIT_BINDINGS),
    config,
    ...(options.now ? { clock: options.now } : {}),
  });
  onDocumentsChanged = async (plans) => void (await syncDocuments(services.store, plans, { by: 'upload' }));
  const bot = createBot({
    engine: library,
    logger,
    bindings: services.bindings,
    commands: services.commands,
    ...(options.now ? { now: options.now } : {}),
  });
  let adapters: Adapter[] = [];
  const app = createHttpServer({ health: () => ({ documents: library.list().length, adapters: adapters.map((a) => a.platform) }) }, { logger });
  await registerWeb(app, { library, ledger: services.ledger, digests: services.digests, logger, adminToken: config.ADMIN_TOKEN, ...(options.now ? { now: options.now } : {}) });
  const stopAdapters = () => Promise.allSettled(adapters.map((a) => a.stop()));
  try {
    if (options.adapters !== false) adapters = await startAdapters(env, { logger, bot, http: app });
    for (const a of adapters) platforms.set(a.platform, a);
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (e) {
    await stopAdapters();
    await services.close().catch(() => undefined);
    throw e;
  }
  if (config.DIGEST_ENABLED) services.scheduler.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  let closed = false;
  return {
    app,
    library,
    url: `http://${host}:${port}/`,
    async close() {
      if (closed) return;
      closed = true;
      services.scheduler.stop();
      await stopAdapters();
      await app.close();
      await services.close().catch((err: unknown) => logger.error({ err }, 'closing the store failed'));
    },
  };
}

export async function runServe(argv: string[], io: CliIO, env: Env = {}): Promise<number> {
  const args = parseArgs(argv, { values: ['docs', 'port', 'host'] });
  const config = loadConfig(coreConfigSchema, env, { PORT: args.values.get('port'), HOST: args.values.get('host') });
  const logger = createLogger({ level: config.LOG_LEVEL });
  const handle = await startServer({ config, logger, env, ...(args.values.has('docs') ? { docsDir: args.values.get('docs') as string } : {}) });
  const docs = handle.library.list().length;
  writeLine(io.stdout, `要点助手已启动：${handle.url}（已载入 ${docs} 份文件${handle.library.loadErrors.length ? `，${handle.library.loadErrors.length} 份无法读取，见日志` : ''}）`);
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
