/**
 * The admin push routes (ADMIN_TOKEN as a bearer token):
 *   POST /api/admin/digests/run     { date? }  deliver the day's digests now to every subscribed chat not yet sent;
 *                                   one row per chat { platform, chat, unit, status: sent | failed | skipped, error? }
 *   GET  /api/admin/digests?days=7             the delivery log of the last days (state, tries, the platform's code)
 *   POST /api/admin/digests/resend  { platform, chat, date }  one click: resend an uncertain or failed chat-day
 *   GET / POST / DELETE /api/admin/subscriptions              digest subscriptions set by an admin (subscriptions.ts)
 * The web page's 推送 tab shows the log and the subscriptions and calls these.
 */
import type { FastifyInstance } from 'fastify';
import type { DeliveryResult, Scheduler } from '../../src/digest/schedule.js';
import type { DeliveryRecord, Store } from '../../src/store/index.js';
import { addDays, shanghaiDate } from '../../src/time.js';
import { adminGuard, fail } from './api.js';
import { DATE_PATTERN, fieldName, formatValidation, isRealDate } from './normalize.js';
import { registerSubscriptionRoutes, type SubscriptionAdmin } from './subscriptions.js';

export interface PushAdmin {
  scheduler: Pick<Scheduler, 'runNow' | 'resend'>;
  store: Pick<Store, 'digestLog'>;
  /** Subscriptions set by an admin (serve gives them; without, those routes are not mounted). */
  subscriptions?: SubscriptionAdmin;
}

/** A delivery row as the page shows it. */
export function logRow(r: DeliveryRecord) {
  return {
    date: r.date,
    platform: r.platform,
    chat: r.chatId,
    unit: r.unit,
    state: r.state,
    attempts: r.attempts,
    errorCode: r.errorCode,
    error: r.error,
    nextAt: r.nextAt,
    sentAt: r.sentAt,
    updatedAt: r.updatedAt,
  };
}

export const resultRow = (r: DeliveryResult) => ({ platform: r.platform, chat: r.chat, unit: r.unit, status: r.status, ...(r.error ? { error: r.error } : {}) });

const dateString = { type: 'string', pattern: DATE_PATTERN, maxLength: 10 } as const;

export async function registerAdminRoutes(app: FastifyInstance, options: { adminToken: string | undefined; pushes: PushAdmin; now: () => Date }): Promise<void> {
  const { pushes } = options;
  const route = { onRequest: adminGuard(options.adminToken), schemaErrorFormatter: formatValidation };

  app.post<{ Body: { date?: string } | undefined }>(
    '/api/admin/digests/run',
    { ...route, schema: { body: { type: ['object', 'null'], additionalProperties: false, properties: { date: dateString } } } },
    async (request, reply) => {
      const date = request.body?.date ?? shanghaiDate(options.now());
      if (!isRealDate(date)) return fail(reply, 400, 'bad_date', `${fieldName('date')}：没有 ${date} 这一天，请检查月份和日期。`);
      const results = await pushes.scheduler.runNow(date);
      return { date, results: results.map(resultRow) };
    },
  );

  app.get<{ Querystring: { days?: number } }>(
    '/api/admin/digests',
    { ...route, schema: { querystring: { type: 'object', additionalProperties: false, properties: { days: { type: 'integer', minimum: 1, maximum: 90 } } } } },
    async (request) => {
      const to = shanghaiDate(options.now());
      const from = addDays(to, -((request.query.days ?? 7) - 1));
      return { from, to, rows: (await pushes.store.digestLog({ from, to })).map(logRow) };
    },
  );

  app.post<{ Body: { platform: string; chat: string; date: string } }>(
    '/api/admin/digests/resend',
    {
      ...route,
      schema: {
        body: {
          type: 'object',
          required: ['platform', 'chat', 'date'],
          additionalProperties: false,
          properties: { platform: { type: 'string', minLength: 1, maxLength: 20 }, chat: { type: 'string', minLength: 1, maxLength: 200 }, date: dateString },
        },
      },
    },
    async (request, reply) => {
      const { platform, chat, date } = request.body;
      if (!isRealDate(date)) return fail(reply, 400, 'bad_date', `${fieldName('date')}：没有 ${date} 这一天，请检查月份和日期。`);
      const r = await pushes.scheduler.resend(platform, chat, date);
      return { ...resultRow(r), date };
    },
  );

  if (pushes.subscriptions) await registerSubscriptionRoutes(app, { adminToken: options.adminToken, subscriptions: pushes.subscriptions });
}
