/**
 * The platform adapters: one entry per platform (its settings, and its factory). Every platform's settings are
 * validated together, so one CONFIG error lists every bad value; an adapter is created only when its credentials
 * are set (none set → none; the web chat still runs). Adding a platform is one entry here plus its folder.
 * Start adapters before the HTTP server listens: webhook modes mount their routes on it. A platform's SDK is
 * imported only when that platform is configured (with none configured, none is loaded).
 */
import type { Bot } from '../src/bot.js';
import { type Env, loadConfig } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import type { Adapter, Platform } from '../src/model.js';
import { dingtalkConfigFrom, dingtalkConfigSchema } from './dingtalk/config.js';
import { larkConfigFrom, larkConfigSchema } from './lark/config.js';
import type { AdapterDeps } from './shared/shell.js';
import { wechatConfigFrom, wechatConfigSchema } from './wechat/config.js';
import { wecomConfigFrom, wecomConfigSchema } from './wecom/config.js';
import { zwddConfigFrom, zwddConfigSchema } from './zwdd/config.js';

/** Every adapter variable, validated together so one CONFIG error lists all bad values. */
export const adaptersConfigSchema = larkConfigSchema.and(dingtalkConfigSchema).and(wechatConfigSchema).and(wecomConfigSchema).and(zwddConfigSchema);
export type AdaptersEnv = ReturnType<typeof adaptersConfigSchema.parse>;

interface PlatformEntry<C> {
  platform: Platform;
  /** The platform's settings, or undefined when its credentials are not set. */
  configFrom(env: AdaptersEnv): C | undefined;
  create(config: C, deps: AdapterDeps): Adapter | Promise<Adapter>;
}

const entry = <C>(e: PlatformEntry<C>) => e;

const PLATFORMS = {
  lark: entry({ platform: 'lark', configFrom: larkConfigFrom, create: async (config, deps) => (await import('./lark/index.js')).createLarkAdapter(config, deps) }),
  dingtalk: entry({ platform: 'dingtalk', configFrom: dingtalkConfigFrom, create: async (config, deps) => (await import('./dingtalk/index.js')).createDingtalkAdapter(config, deps) }),
  wechat: entry({
    platform: 'wechat',
    configFrom: wechatConfigFrom,
    // wechaty loads its puppet module on start; import it only when configured.
    create: async (config, deps) => (await import('./wechat/index.js')).createWechatAdapter(config, deps),
  }),
  wecom: entry({ platform: 'wecom', configFrom: wecomConfigFrom, create: async (config, deps) => (await import('./wecom/index.js')).createWecomAdapter(config, deps) }),
  zwdd: entry({ platform: 'zwdd', configFrom: zwddConfigFrom, create: async (config, deps) => (await import('./zwdd/index.js')).createZwddAdapter(config, deps) }),
};

export type PlannedAdapters = { [K in keyof typeof PLATFORMS]?: NonNullable<ReturnType<(typeof PLATFORMS)[K]['configFrom']>> };

/** Which adapters the validated settings ask for. */
export function plannedAdapters(env: AdaptersEnv): PlannedAdapters {
  const plan: Record<string, unknown> = {};
  for (const [name, e] of Object.entries(PLATFORMS)) {
    const config = (e as PlatformEntry<unknown>).configFrom(env);
    if (config !== undefined) plan[name] = config;
  }
  return plan as PlannedAdapters;
}

/** Validate the environment (throws the CONFIG error naming the variable) and say which adapters would run. */
export function planAdapters(env: Env): PlannedAdapters {
  return plannedAdapters(loadConfig(adaptersConfigSchema, env));
}

/** Create the planned adapters (not started). */
export async function createAdapters(plan: PlannedAdapters, deps: AdapterDeps): Promise<Adapter[]> {
  const adapters: Adapter[] = [];
  for (const [name, config] of Object.entries(plan)) {
    const e = PLATFORMS[name as keyof typeof PLATFORMS] as PlatformEntry<unknown>;
    if (config !== undefined) adapters.push(await e.create(config, deps));
  }
  return adapters;
}

/** Start each adapter with the bot's handler; if one fails, stop those already started and throw. */
export async function startAdapters(adapters: Adapter[], bot: Pick<Bot, 'handle'>, logger: Logger): Promise<Adapter[]> {
  const log = logger.child({ component: 'adapters' });
  const handle = (m: Parameters<Bot['handle']>[0]) => bot.handle(m);
  const started: Adapter[] = [];
  try {
    for (const adapter of adapters) {
      await adapter.start(handle);
      started.push(adapter);
    }
  } catch (err) {
    log.error({ err: err instanceof Error ? { message: err.message } : String(err) }, 'adapter failed to start');
    await Promise.allSettled(started.map((a) => a.stop()));
    throw err;
  }
  log.info({ adapters: started.map((a) => a.platform) }, 'adapters started');
  return started;
}
