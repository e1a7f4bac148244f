/**
 * The DingTalk adapter: robot messages over the Stream SDK (dingtalk-stream, supervised: adapters/dingtalk/stream.ts)
 * or the outgoing-robot HTTP callback (POST /dingtalk/events, signature checked). Answers go to the message's
 * sessionWebhook — accepted only on DingTalk's own host (DINGTALK_OAPI_BASE) — as markdown @-ing the asker; an
 * answer's spreadsheet follows as a robot file message. Each chat's route (a group's openConversationId, a single
 * chat's staffId) is stored when it writes, so pushes (digests) reach every group through the robot APIs
 * (groupMessages/send, oToMessages/batchSend); without an app, a custom robot webhook pushes to its one group.
 * Files an admin sends the robot are ingested. Redeliveries (same msgId) are dropped by the bot, in the store.
 * With DINGTALK_CARD_TEMPLATE_ID (Stream mode), digests and item answers — the answers with buttons — go out as
 * interactive cards (card.ts: /v1.0/card/instances/createAndDeliver, callbackType STREAM): a click arrives on the
 * Stream topic /v1.0/card/instances/callback, runs through runClick like the typed command (the same permission
 * checks), and is answered within the callback with the card's new data for everyone and a notice for the clicker;
 * a click slower than that is answered "正在处理" and the card updated later (PUT /v1.0/card/instances). A card the
 * platform refuses falls back to markdown.
 */
import { randomUUID } from 'node:crypto';
import { TOPIC_CARD, TOPIC_ROBOT, type DWClient, type DWClientDownStream } from 'dingtalk-stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Adapter, Answer, IncomingMessage } from '../../src/model.js';
import { hasButtons, runClick } from '../shared/actions.js';
import { answerFile, ingestChatFile, type OutgoingFile } from '../shared/files.js';
import { type Clock, PlatformError, createOutbox, describe, type OutboxOptions } from '../shared/queue.js';
import { type AdapterDeps, createInbox, deliverCardOrText, healthTracker, mountWebhook, sendCardOrText } from '../shared/shell.js';
import { type CardSpace, createDingtalkApi, type DingtalkApi, postRobot } from './api.js';
import { cardButton, cardCallbackResponse, dingtalkCardData, parseCardCallback } from './card.js';
import type { DingtalkConfig } from './config.js';
import { isRobotMessage, normalizeDingtalk, normalizeDingtalkFile, replyTarget, trustedSessionWebhook, type DingtalkRobotMessage } from './normalize.js';
import { renderDingtalk, sampleMarkdown } from './render.js';
import { signedRobotUrl, verifyDingtalkCallback } from './sign.js';
import { GatewayDWClient, superviseStream, type StreamSupervisor } from './stream.js';

export type { DingtalkConfig } from './config.js';
export { dingtalkConfigSchema, dingtalkConfigFrom } from './config.js';
export { DINGTALK_RETRY_CODES, postRobot } from './api.js';

export interface DingtalkOptions {
  clock?: Clock;
  outbox?: Partial<Omit<OutboxOptions, 'logger' | 'clock'>>;
  /** Build the Stream client (default: the SDK's, with its gateway on config.apiBase). */
  streamClient?: (opts: { clientId: string; clientSecret: string }) => GatewayDWClient | DWClient;
  /** Stream reconnect backoff (default 1 s doubling to 5 minutes). */
  streamRetry?: { baseMs?: number; maxMs?: number };
  /** Clock for signatures and webhook expiry. */
  now?: () => number;
  /** How long a card click may take before it is answered "正在处理" and the card updated later (default 2.5 s). */
  clickTimeoutMs?: number;
}

export interface DingtalkAdapter extends Adapter {
  idle(): Promise<void>;
}

/** How a chat is reached by the robot APIs (and where a card goes). */
type Route = CardSpace;

export function createDingtalkAdapter(config: DingtalkConfig, deps: AdapterDeps, options: DingtalkOptions = {}): DingtalkAdapter {
  const log = deps.logger.child({ adapter: 'dingtalk' });
  const services = deps.services;
  const now = options.now ?? Date.now;
  const inbox = createInbox(log);
  // Robots: 20 messages a minute per group.
  const outbox = createOutbox({ logger: log, clock: options.clock, perWindow: 20, windowMs: 60_000, maxTries: 4, baseDelayMs: 1000, ...options.outbox });
  const app = config.clientId && config.clientSecret ? { clientId: config.clientId, clientSecret: config.clientSecret } : undefined;
  const api: DingtalkApi | undefined = app
    ? createDingtalkApi({ ...app, robotCode: config.robotCode ?? app.clientId, apiBase: config.apiBase, oapiBase: config.oapiBase, now })
    : undefined;
  const health = healthTracker(now, app && config.mode === 'stream' ? 'connecting' : 'up');
  const routes = new Map<string, string>();
  // Interactive cards: a template, the app's APIs, and Stream for their clicks.
  const cardTemplate = config.cardTemplateId && api && config.mode === 'stream' ? config.cardTemplateId : undefined;
  let stream: StreamSupervisor | undefined;
  let running = false;

  /** Keep the chat's route in the store (written when it changes). */
  async function rememberRoute(chatId: string, route: Route): Promise<void> {
    const json = JSON.stringify(route);
    if (!services || routes.get(chatId) === json) return;
    routes.set(chatId, json);
    await services.store.setChatRoute('dingtalk', chatId, route, services.now().toISOString()).catch((err: unknown) => log.warn({ err }, 'chat route not stored'));
  }

  async function routeOf(chatId: string): Promise<Route | undefined> {
    const stored = await services?.store.chatRoute('dingtalk', chatId);
    if (stored?.kind === 'group' && stored.openConversationId) return { kind: 'group', openConversationId: stored.openConversationId };
    if (stored?.kind === 'direct' && stored.userId) return { kind: 'direct', userId: stored.userId };
    // A group's conversationId is its openConversationId (cid…): groups bound before routes were stored still work.
    return /^cid/.test(chatId) ? { kind: 'group', openConversationId: chatId } : undefined;
  }

  /** A robot-API message (markdown or file) to a chat by its route. */
  async function robotSend(route: Route, msgKey: string, msgParam: Record<string, unknown>): Promise<void> {
    if (!api) throw new PlatformError('dingtalk: no app credentials for the robot APIs', { code: 'NO_APP', retryable: false });
    if (route.kind === 'group') await api.groupMessage(route.openConversationId, msgKey, msgParam);
    else await api.userMessage([route.userId], msgKey, msgParam);
  }

  /** An answer as an interactive card in the chat `route` reaches; kept in the store so its buttons work. */
  async function deliverCard(route: Route, chatId: string, answer: Answer, at?: Record<string, string>): Promise<void> {
    if (!api || !cardTemplate) throw new PlatformError('dingtalk: interactive cards are not configured', { code: 'NO_CARD', retryable: false });
    const outTrackId = `yd-${randomUUID()}`;
    await api.createAndDeliverCard({ templateId: cardTemplate, outTrackId, space: route, data: dingtalkCardData(answer), ...(at ? { atUserIds: at } : {}) });
    if (!services) return;
    await services.store
      .saveCard({ platform: 'dingtalk', cardId: outTrackId, chatId, answer, state: { chatType: route.kind }, at: services.now().toISOString() })
      .catch((err: unknown) => log.warn({ err }, 'card not kept; its buttons will not work'));
  }

  /** Should this answer go out as a card? */
  const asCard = (answer: Answer) => cardTemplate !== undefined && hasButtons(answer);

  /** A new message the bot starts in a chat (a follow-up choice's answer): a card or markdown by the stored route. */
  async function sendToChat(chatId: string, answer: Answer): Promise<void> {
    const route = await routeOf(chatId);
    if (!route) {
      log.warn({ chatId }, 'no route to the chat; follow-up not sent');
      return;
    }
    await sendCardOrText(outbox, chatId, log, {
      what: 'follow-up',
      rich: () => (asCard(answer) ? deliverCard(route, chatId, answer) : robotSend(route, 'sampleMarkdown', sampleMarkdown(answer))),
      text: () => robotSend(route, 'sampleMarkdown', sampleMarkdown(answer)),
    });
  }

  async function sendFile(chatId: string, route: Route | undefined, file: OutgoingFile): Promise<void> {
    if (!api || !route) {
      log.warn({ chatId }, 'no route for a file message; spreadsheet not sent');
      return;
    }
    await outbox.send(chatId, 'file', async () => {
      const mediaId = await api.uploadFile(file.name, file.bytes);
      await robotSend(route, 'sampleFile', { mediaId, fileName: file.name, fileType: file.name.split('.').pop() ?? 'xlsx' });
    });
  }

  function routeFromMessage(raw: DingtalkRobotMessage, m: IncomingMessage): Route | undefined {
    if (m.chatType === 'group') return { kind: 'group', openConversationId: raw.conversationId };
    return raw.senderStaffId ? { kind: 'direct', userId: raw.senderStaffId } : undefined;
  }

  /** Accept one robot message; returns false when it must be refused (a session webhook off DingTalk's host). */
  function accept(raw: unknown): boolean {
    if (!isRobotMessage(raw) || !inbox.started) return true;
    if (raw.sessionWebhook && !trustedSessionWebhook(raw.sessionWebhook, config.oapiBase)) {
      log.warn({ messageId: raw.msgId }, 'session webhook not on the DingTalk host: message refused');
      return false;
    }
    let message: IncomingMessage | undefined;
    let upload: ReturnType<typeof normalizeDingtalkFile>;
    try {
      message = normalizeDingtalk(raw);
      upload = message ? undefined : normalizeDingtalkFile(raw);
    } catch (err) {
      log.warn({ err: describe(err) }, 'unreadable robot message dropped');
      return true;
    }
    const m = message ?? upload?.message;
    if (!m) return true;
    const route = routeFromMessage(raw, m);
    if (route) void rememberRoute(m.chatId, route);
    const target = replyTarget(raw);
    const reply = async (original: Answer) => {
      const { answer, file } = await answerFile(services, m, original, log);
      const session = Boolean(target.sessionWebhook) && !(target.expiresAt && target.expiresAt < now());
      const atAsker = m.chatType === 'group' && target.atUserId ? [target.atUserId] : [];
      const markdown = async () => {
        if (!session) throw new PlatformError('dingtalk: session webhook missing or expired', { code: 'NO_SESSION', retryable: false });
        await postRobot(target.sessionWebhook, renderDingtalk(answer, { atUserIds: atAsker }));
      };
      let ok: boolean;
      if (route && asCard(answer)) {
        // Digests and item answers: a card with buttons; markdown on the session webhook if the card is refused.
        const at = atAsker.length ? Object.fromEntries(atAsker.map((id) => [id, m.senderName ?? id])) : undefined;
        ok = await sendCardOrText(outbox, m.chatId, log, { what: 'reply', rich: () => deliverCard(route, m.chatId, answer, at), text: markdown });
      } else {
        if (!session) {
          log.warn({ messageId: m.id }, 'session webhook missing or expired, answer dropped');
          return;
        }
        ok = await outbox.send(m.chatId, 'reply', markdown);
      }
      if (ok && file) await sendFile(m.chatId, route, file);
    };
    if (message) {
      inbox.accept(message, reply);
      return true;
    }
    // A file sent to the robot in a single chat: an admin's document to ingest.
    if (!upload || upload.message.chatType !== 'direct' || !api) return true;
    const { downloadCode, fileName } = upload;
    const fm = upload.message;
    inbox.run(fm.chatId, async () => {
      if (services && !(await services.store.firstSeen(`dingtalk:${fm.id}`, services.now().toISOString()))) return;
      await reply(await ingestChatFile(services, fm, { name: fileName, download: () => api.downloadFile(downloadCode) }, log));
    });
    return true;
  }

  function parseData(data: string): unknown {
    try {
      return JSON.parse(data);
    } catch {
      return undefined;
    }
  }

  /**
   * A card button click (Stream topic /v1.0/card/instances/callback): checked and run like the typed command, then
   * acknowledged with the card's new data and the clicker's notice. A click slower than clickTimeoutMs is answered
   * "正在处理" and the card updated in place when it finishes.
   */
  async function onCardCallback(data: string, deliveryId: string): Promise<Record<string, unknown>> {
    const cb = parseCardCallback(data);
    if (!cb) return cardCallbackResponse({ toast: { type: 'error', text: '无法识别的操作。' } });
    const { value, note } = cardButton(cb.params);
    const chatOf = async () => (await services?.store.card('dingtalk', cb.outTrackId))?.chatId;
    const followUp = (answer: Answer) =>
      void chatOf()
        .then((chatId) => chatId && inbox.run(chatId, () => sendToChat(chatId, answer)))
        .catch((err: unknown) => log.error({ err: describe(err) }, 'follow-up of a card click not sent'));
    const outcome = await runClick(
      // The Stream message id: a redelivery of this callback carries the same, so the bot does not run it twice.
      { platform: 'dingtalk', id: deliveryId, operatorId: cb.userId, cardId: cb.outTrackId, chatId: '', value, ...(note !== undefined ? { note } : {}) },
      {
        services,
        handler: inbox.handler,
        log,
        ...(options.clickTimeoutMs !== undefined ? { timeoutMs: options.clickTimeoutMs } : {}),
        late: async (o) => {
          if (o.card && api) await api.updateCard(cb.outTrackId, dingtalkCardData(o.card.answer, o.card.state));
          if (o.followUp) followUp(o.followUp);
        },
      },
    );
    if (outcome.followUp) followUp(outcome.followUp);
    return cardCallbackResponse(outcome);
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
    if (!accept(request.body)) return reply.code(400).send({ errcode: 400, errmsg: 'sessionWebhook is not a DingTalk address' });
    return reply.send({});
  }

  return {
    platform: 'dingtalk',
    health: () => health.get(),
    async start(h) {
      inbox.start(h);
      running = true;
      if (!app) {
        log.info('dingtalk adapter started (push only: no app credentials)');
        return;
      }
      if (config.mode === 'webhook') {
        mountWebhook(deps, { platform: 'dingtalk', path: '/dingtalk/events', running: () => running, stoppedBody: { errcode: 503, errmsg: 'stopped' }, handler: onWebhook });
        log.info({ mode: 'webhook', path: '/dingtalk/events' }, 'dingtalk adapter started');
        return;
      }
      if (stream) return;
      const c = options.streamClient ? options.streamClient(app) : new GatewayDWClient(app, config.apiBase);
      c.registerCallbackListener(TOPIC_ROBOT, (res: DWClientDownStream) => {
        // The SDK does not acknowledge callbacks; an unacknowledged message is redelivered. Ack every delivery.
        try {
          c.socketCallBackResponse(res.headers.messageId, { status: 'SUCCESS' });
        } catch (err) {
          log.warn({ err: describe(err) }, 'callback ack failed');
        }
        accept(parseData(res.data));
      });
      if (cardTemplate) {
        c.registerCallbackListener(TOPIC_CARD, (res: DWClientDownStream) => {
          // Answered once the click has run (bounded by clickTimeoutMs): the answer carries the card's new data.
          void onCardCallback(res.data, res.headers.messageId)
            .catch((err: unknown) => {
              log.error({ err: describe(err) }, 'card click failed');
              return cardCallbackResponse({ toast: { type: 'error', text: '操作失败，请稍后再试。' } });
            })
            .then((response) => {
              try {
                c.socketCallBackResponse(res.headers.messageId, response);
              } catch (err) {
                log.warn({ err: describe(err) }, 'card callback ack failed');
              }
            });
        });
      }
      if (c instanceof GatewayDWClient) {
        stream = superviseStream(c, { ...app, apiBase: config.apiBase, log, health, ...(options.streamRetry?.baseMs !== undefined ? { retryBaseMs: options.streamRetry.baseMs } : {}), ...(options.streamRetry?.maxMs !== undefined ? { retryMaxMs: options.streamRetry.maxMs } : {}) });
        await stream.start();
      } else {
        await c.connect();
        stream = { start: async () => undefined, stop: () => c.disconnect() };
        health.up();
      }
      log.info({ mode: 'stream', state: health.get().state }, 'dingtalk adapter started');
    },
    async stop() {
      running = false;
      stream?.stop();
      stream = undefined;
      await inbox.idle();
      log.info('dingtalk adapter stopped');
    },
    async send(chatId, answer) {
      if (app) {
        const route = await routeOf(chatId);
        if (!route) throw new PlatformError(`dingtalk: no stored route to chat ${chatId} (the group must message the robot once)`, { code: 'NO_ROUTE', retryable: false });
        const markdown = () => robotSend(route, 'sampleMarkdown', sampleMarkdown(answer));
        if (asCard(answer)) await deliverCardOrText(outbox, chatId, log, { what: 'push', rich: () => deliverCard(route, chatId, answer), text: markdown });
        else await outbox.deliver(chatId, 'push', markdown);
        return;
      }
      if (config.robotWebhook) {
        const webhook = config.robotWebhook;
        await outbox.deliver('robot', 'push', () => postRobot(signedRobotUrl(webhook, config.robotSecret, now()), renderDingtalk(answer)));
        return;
      }
      throw new PlatformError('dingtalk: neither app credentials nor a custom robot webhook for pushes', { code: 'NO_ROUTE', retryable: false });
    },
    idle: () => inbox.idle(),
  };
}
