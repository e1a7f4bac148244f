/**
 * The core for the store-reading commands (digest, ledger, chat): the settings from the environment with the
 * command's flags on top, the documents of --docs (default the bundled samples/), and the store in DATA_DIR or
 * DATABASE_URL when there is one (never created; else an empty one in memory). Files that cannot be read are
 * reported on stderr; no readable document at all is an error.
 */
import { createApp, type App } from '../app.js';
import { coreConfigSchema, type Env, loadConfig } from '../config.js';
import { YaodianError } from '../errors.js';
import { bundledSamplesDir } from '../library.js';
import { silentLogger } from '../logger.js';
import type { ParsedArgs } from './args.js';
import { type CliIO, writeLine } from './io.js';

/** The flags these commands share. */
export const APP_VALUES = ['docs', 'unit', 'today', 'dict', 'aliases'];

/** How a command gets its core (tests reuse one already opened). */
export type OpenApp = (args: ParsedArgs, io: CliIO, env: Env) => Promise<App>;

export async function openCliApp(args: ParsedArgs, io: CliIO, env: Env): Promise<App> {
  const config = loadConfig(coreConfigSchema, env, { USER_DICT: args.values.get('dict'), UNIT_ALIASES: args.values.get('aliases') });
  const docsDir = args.values.get('docs') ?? bundledSamplesDir();
  const app = await createApp({ config, logger: silentLogger(), mode: 'read', ...(docsDir ? { docsDir } : {}) });
  for (const e of app.library.loadErrors) writeLine(io.stderr, `警告：${e.message.startsWith(e.file) ? e.message : `${e.file}：${e.message}`}`);
  if (!app.library.plans().length) {
    await app.close();
    throw new YaodianError('FILE_NOT_FOUND', `目录中没有可读取的工作要点文件：${docsDir ?? '（未指定）'}`);
  }
  return app;
}
