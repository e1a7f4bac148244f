/**
 * Digest subscriptions set by an admin without going into each chat (ADMIN_TOKEN as a bearer token) — for chats where
 * the bot gets no messages to take 订阅 from: 浙政钉 work notifications to accounts or organisations, WeCom members
 * and departments, a group robot:
 *   GET    /api/admin/subscriptions                          every subscribed chat, with who set it and whether its
 *                                                            platform is running;
 *   POST   /api/admin/subscriptions  { platform, chat, unit, time }   subscribe (or change) a chat: the unit resolved as
 *                                                            绑定 resolves it, the time read as 订阅 reads it;
 *   DELETE /api/admin/subscriptions?platform=…&chat=…         stop it (the chat's unit is kept, as 取消订阅 does).
 * The subscription is the same store row a chat's 订阅 writes, so the scheduler, the once-per-chat-day delivery, the
 * platform's dedupe key and the failure handling are those of every other push.
 */
import type { FastifyInstance } from 'fastify';
import { parseTimeOfDay } from '../../src/commands/parse.js';
import { isYaodianError } from '../../src/errors.js';
import { PLATFORMS } from '../../src/model.js';
import type { ChatRecord, Store } from '../../src/store/index.js';
import { adminGuard, fail } from './api.js';
import { formatValidation } from './normalize.js';

/** Platforms that can take a push (the web page and the console cannot). */
export const PUSH_PLATFORMS: readonly string[] = PLATFORMS.filter((p) => p !== 'web' && p !== 'cli');

/** Who an admin's subscription is recorded as set by. */
export const ADMIN_API_BY = 'api:admin';

export interface SubscriptionAdmin {
  store: Pick<Store, 'subscribedChats' | 'setSubscription' | 'unsubscribe' | 'chat'>;
  /** A typed unit → the canonical name the store keeps; throws a user error (您是不是要找…) when unknown or ambiguous. */
  resolveUnit(text: string): string;
  /** The platforms whose adapters are running now (a subscription for another waits until it runs). */
  activePlatforms(): string[];
}

const row = (c: ChatRecord, active: ReadonlySet<string>) => ({
  platform: c.platform,
  chat: c.chatId,
  unit: c.unit,
  time: c.time,
  updatedAt: c.updatedAt,
  updatedBy: c.updatedBy,
  active: active.has(c.platform),
});

const chatString = { type: 'string', minLength: 1, maxLength: 200 } as const;
const platformString = { type: 'string', minLength: 1, maxLength: 20 } as const;

export async function registerSubscriptionRoutes(app: FastifyInstance, options: { adminToken: string | undefined; subscriptions: SubscriptionAdmin }): Promise<void> {
  const subs = options.subscriptions;
  const route = { onRequest: adminGuard(options.adminToken), schemaErrorFormatter: formatValidation };
  const active = () => new Set(subs.activePlatforms());
  const badPlatform = (p: string) => `没有平台“${p}”：应为 ${PUSH_PLATFORMS.join('、')} 之一（网页和命令行不接收推送）。`;

  app.get('/api/admin/subscriptions', route, async () => {
    const running = active();
    return { platforms: PUSH_PLATFORMS.filter((p) => running.has(p)), subscriptions: (await subs.store.subscribedChats()).map((c) => row(c, running)) };
  });

  app.post<{ Body: { platform: string; chat: string; unit: string; time?: string } }>(
    '/api/admin/subscriptions',
    {
      ...route,
      schema: {
        body: {
          type: 'object',
          required: ['platform', 'chat', 'unit'],
          additionalProperties: false,
          properties: { platform: platformString, chat: chatString, unit: { type: 'string', minLength: 1, maxLength: 100 }, time: { type: 'string', maxLength: 20 } },
        },
      },
    },
    async (request, reply) => {
      const platform = request.body.platform.trim();
      const chat = request.body.chat.trim();
      if (!PUSH_PLATFORMS.includes(platform)) return fail(reply, 400, 'bad_platform', badPlatform(platform));
      if (!chat) return fail(reply, 400, 'bad_chat', '群或接收人 chat 不能为空。');
      const time = parseTimeOfDay(request.body.time ?? '');
      if (!time) return fail(reply, 400, 'bad_time', `没看懂时间“${request.body.time}”：请写成 8:30、08:30 或“下午5点”（北京时间）。`);
      let unit: string;
      try {
        unit = subs.resolveUnit(request.body.unit);
      } catch (e) {
        if (isYaodianError(e) && e.user) return fail(reply, 400, 'bad_unit', e.message);
        throw e;
      }
      await subs.store.setSubscription(platform, chat, unit, time, ADMIN_API_BY);
      request.log.info({ platform, chat, unit, time }, 'admin subscription set');
      const saved = await subs.store.chat(platform, chat);
      return row(saved ?? { platform, chatId: chat, unit, time, updatedAt: '', updatedBy: ADMIN_API_BY }, active());
    },
  );

  app.delete<{ Querystring: { platform: string; chat: string } }>(
    '/api/admin/subscriptions',
    { ...route, schema: { querystring: { type: 'object', required: ['platform', 'chat'], additionalProperties: false, properties: { platform: platformString, chat: chatString } } } },
    async (request, reply) => {
      const { platform, chat } = request.query;
      if (!PUSH_PLATFORMS.includes(platform)) return fail(reply, 400, 'bad_platform', badPlatform(platform));
      if (!(await subs.store.unsubscribe(platform, chat, ADMIN_API_BY))) return fail(reply, 404, 'not_subscribed', `“${chat}”（${platform}）没有订阅每日摘要。`);
      request.log.info({ platform, chat }, 'admin subscription removed');
      return { platform, chat, removed: true };
    },
  );
}
