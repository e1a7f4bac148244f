/**
 * The DingTalk adapter: robot messages over the Stream SDK (dingtalk-stream, default) or the outgoing-robot
 * HTTP callback (POST /dingtalk/events, signature checked); answers go to the message's sessionWebhook as
 * markdown @-ing the asker. Pushes (digests) go through the custom robot webhook, signed, 20 a minute.
 */
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Adapter, IncomingMessage } from '../../src/model.js';
import { type Clock, PlatformError, createOutbox, describe, retryableStatus, type OutboxOptions } from '../shared/queue.js';
import { type AdapterDeps, createInbox, mountWebhook } from '../shared/shell.js';
import type { DingtalkConfig } from './config.js';
import { isRobotMessage, normalizeDingtalk, replyTarget, type DingtalkReplyTarget } from './normalize.js';
import { renderDingtalk, type DingtalkMarkdown } from './render.js';
import { signedRobotUrl, verifyDingtalkCallback } from './sign.js';

export type { DingtalkConfig } from './config.js';
export { dingtalkConfigSchema, dingtalkConfigFrom } from './config.js';

/** errcodes that mean "too fast / busy, try later". */
export const DINGTALK_RETRY_CODES = new Set([-1, 130101, 130102, 660026, 410100, 90018]);

export interface DingtalkOptions {
  clock?: Clock;
  outbox?: Partial<Omit<OutboxOptions, 'logger' | 'clock'>>;
  /** Build the Stream client (tests point a subclass at a local server). */
  streamClient?: (opts: { clientId: string; clientSecret: string }) => DWClient;
  /** Clock for signatures and webhook expiry. */
  now?: () => number;
}

export interface DingtalkAdapter extends Adapter {
  idle(): Promise<void>;
}

/** POST a robot message; HTTP and errcode failures become classified PlatformErrors. */
export async function postRobot(url: string, body: DingtalkMarkdown): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new PlatformError(`dingtalk post failed: ${cause instanceof Error ? cause.message : String(cause)}`, { retryable: true });
  }
  let data: { errcode?: number; errmsg?: string } = {};
  try {
    data = (await res.json()) as typeof data;
  } catch {
    /* an empty or non-JSON body: judge by status */
  }
  if (!res.ok) throw new PlatformError(`dingtalk HTTP ${res.status}`, { status: res.status, code: data.errcode, retryable: retryableStatus(res.status) || DINGTALK_RETRY_CODES.has(data.errcode ?? 0) });
  if (typeof data.errcode === 'number' && data.errcode !== 0) {
    throw new PlatformError(`dingtalk errcode ${data.errcode}: ${data.errmsg ?? ''}`, { code: data.errcode, retryable: DINGTALK_RETRY_CODES.has(data.errcode) });
  }
}

export function createDingtalkAdapter(config: DingtalkConfig, deps: AdapterDeps, options: DingtalkOptions = {}): DingtalkAdapter {
  const log = deps.logger.child({ adapter: 'dingtalk' });
  const now = options.now ?? Date.now;
  const inbox = createInbox(log);
  // Robots: 20 messages a minute per group.
  const outbox = createOutbox({ logger: log, clock: options.clock, perWindow: 20, windowMs: 60_000, maxTries: 4, baseDelayMs: 1000, ...options.outbox });
  const sessions = new Map<string, DingtalkReplyTarget>();
  let client: DWClient | undefined;
  let running = false;

  function accept(raw: unknown): void {
    let message: IncomingMessage | undefined;
    try {
      message = normalizeDingtalk(raw);
    } catch (err) {
      log.warn({ err: describe(err) }, 'unreadable robot message dropped');
      return;
    }
    if (!message || !inbox.started || !isRobotMessage(raw)) return;
    const target = replyTarget(raw);
    if (target.sessionWebhook) sessions.set(message.chatId, target);
    const m = message;
    inbox.accept(m, async (answer) => {
      if (!target.sessionWebhook || (target.expiresAt && target.expiresAt < now())) {
        log.warn({ messageId: m.id }, 'session webhook missing or expired, answer dropped');
        return;
      }
      const body = renderDingtalk(answer, { atUserIds: m.chatType === 'group' && target.atUserId ? [target.atUserId] : [] });
      await outbox.send(m.chatId, 'reply', () => postRobot(target.sessionWebhook, body));
    });
  }

  function parseData(data: string): unknown {
    try {
      return JSON.parse(data);
    } catch {
      return undefined;
    }
  }

  async function onWebhook(request: FastifyRequest, reply: FastifyReply) {
    const header = (name: string) => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    if (!config.clientSecret || !verifyDingtalkCallback(header('timestamp'), header('sign'), config.clientSecret, now())) {
      log.warn('callback signature rejected');
      return reply.code(401).send({ errcode: 401, errmsg: 'bad signature' });
    }
    if (!isRobotMessage(request.body)) return reply.code(400).send({ errcode: 400, errmsg: 'not a robot message' });
    accept(request.body);
    return reply.send({});
  }

  return {
    platform: 'dingtalk',
    async start(h) {
      inbox.start(h);
      running = true;
      if (!config.clientId || !config.clientSecret) {
        log.info('dingtalk adapter started (push only: no app credentials)');
        return;
      }
      if (config.mode === 'webhook') {
        mountWebhook(deps, { platform: 'dingtalk', path: '/dingtalk/events', running: () => running, stoppedBody: { errcode: 503, errmsg: 'stopped' }, handler: onWebhook });
        log.info({ mode: 'webhook', path: '/dingtalk/events' }, 'dingtalk adapter started');
        return;
      }
      if (client) return;
      const opts = { clientId: config.clientId, clientSecret: config.clientSecret };
      const c = options.streamClient ? options.streamClient(opts) : new DWClient({ ...opts, keepAlive: true });
      client = c;
      c.registerCallbackListener(TOPIC_ROBOT, (res: DWClientDownStream) => {
        // The SDK does not acknowledge callbacks; an unacknowledged message is redelivered. Ack every delivery.
        try {
          c.socketCallBackResponse(res.headers.messageId, { status: 'SUCCESS' });
        } catch (err) {
          log.warn({ err: describe(err) }, 'callback ack failed');
        }
        accept(parseData(res.data));
      });
      await c.connect();
      log.info({ mode: 'stream' }, 'dingtalk adapter started');
    },
    async stop() {
      running = false;
      client?.disconnect();
      client = undefined;
      await inbox.idle();
      log.info('dingtalk adapter stopped');
    },
    async send(chatId, answer) {
      const body = renderDingtalk(answer);
      if (config.robotWebhook) {
        const webhook = config.robotWebhook;
        await outbox.send('robot', 'push', () => postRobot(signedRobotUrl(webhook, config.robotSecret, now()), body));
        return;
      }
      const target = sessions.get(chatId);
      if (target && (!target.expiresAt || target.expiresAt > now())) {
        await outbox.send(chatId, 'push', () => postRobot(target.sessionWebhook, body));
        return;
      }
      log.warn({ chatId }, 'no route to chat: set DINGTALK_ROBOT_WEBHOOK for pushes');
    },
    idle: () => inbox.idle(),
  };
}
