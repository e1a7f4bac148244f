/**
 * The platform adapters: validate every platform's settings once, start each adapter whose credentials are
 * set, and return them (none set → [], the web chat still runs). Call before the HTTP server listens:
 * webhook modes mount their routes on it.
 */
import type { FastifyInstance } from 'fastify';
import type { Bot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import type { Adapter } from '../src/model.js';
import { dingtalkConfigFrom, dingtalkConfigSchema } from './dingtalk/config.js';
import { createDingtalkAdapter } from './dingtalk/index.js';
import { larkConfigFrom, larkConfigSchema } from './lark/config.js';
import { createLarkAdapter } from './lark/index.js';
import { wechatConfigFrom, wechatConfigSchema } from './wechat/config.js';

export interface AdapterDeps {
  logger: Logger;
  bot: Bot;
  http: FastifyInstance;
}

/** Every adapter variable, validated together so one CONFIG error lists all bad values. */
export const adaptersConfigSchema = larkConfigSchema.and(dingtalkConfigSchema).and(wechatConfigSchema);

export interface PlannedAdapters {
  lark?: ReturnType<typeof larkConfigFrom>;
  dingtalk?: ReturnType<typeof dingtalkConfigFrom>;
  wechat?: ReturnType<typeof wechatConfigFrom>;
}

/** Validate the environment (throws the CONFIG error naming the variable) and say which adapters would run. */
export function planAdapters(env: Record<string, string | undefined>): PlannedAdapters {
  const parsed = loadConfig(adaptersConfigSchema, env);
  return { lark: larkConfigFrom(parsed), dingtalk: dingtalkConfigFrom(parsed), wechat: wechatConfigFrom(parsed) };
}

export async function startAdapters(env: Record<string, string | undefined>, deps: AdapterDeps): Promise<Adapter[]> {
  const plan = planAdapters(env);
  const log = deps.logger.child({ component: 'adapters' });
  const adapters: Adapter[] = [];
  if (plan.lark) adapters.push(createLarkAdapter(plan.lark, deps));
  if (plan.dingtalk) adapters.push(createDingtalkAdapter(plan.dingtalk, deps));
  if (plan.wechat) {
    // wechaty loads its puppet module on start; import it only when configured.
    const { createWechatAdapter } = await import('./wechat/index.js');
    adapters.push(createWechatAdapter(plan.wechat, deps));
  }
  if (!adapters.length) {
    log.info('no platform credentials set; only the web chat runs');
    return [];
  }
  const handle = (m: Parameters<Bot['handle']>[0]) => deps.bot.handle(m);
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
  log.info({ adapters: started.map((a) => a.platform) }, 'platform adapters started');
  return started;
}
