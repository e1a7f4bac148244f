/**
 * The Lark / Feishu adapter on @larksuiteoapi/node-sdk.
 * Events arrive over the SDK's long connection (WSClient, default) or as webhooks (POST /lark/events: signature,
 * a 5-minute timestamp window, encryption and token checked); either way an event is acknowledged at once and
 * answered asynchronously, in order per chat, with a card replied to the question (plain text if the card is
 * rejected) and, for 导出成表格, the spreadsheet as a file message. Card buttons (card.action.trigger, on either
 * channel) are answered within the platform's window with a toast and the card drawn again in place. Files an
 * admin sends the bot are ingested. Pushes (digests) go through im.v1.message.create with a uuid per chat-day, so
 * a resend within the hour is dropped by Lark; a push the platform refuses throws its code to the delivery log.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Adapter, Answer, IncomingMessage } from '../../src/model.js';
import { type ClickOutcome, hasButtons, runClick } from '../shared/actions.js';
import { answerFile, ingestChatFile } from '../shared/files.js';
import { type Clock, createOutbox, describe, type OutboxOptions } from '../shared/queue.js';
import { sdkLogger } from '../shared/sdk-logger.js';
import { type AdapterDeps, createInbox, deliverCardOrText, healthTracker, mountWebhook, sendCardOrText } from '../shared/shell.js';
import { type ApiResult, downloadResource, LARK_UUID_WINDOW_MS, larkCall, uploadFile } from './api.js';
import type { LarkConfig } from './config.js';
import { larkDecrypt, verifyLarkSignature } from './crypto.js';
import { normalizeCardAction, normalizeLark, normalizeLarkFile } from './normalize.js';
import { larkCard, renderLark, renderLarkFile, renderLarkText, type LarkPayload } from './render.js';

export type { LarkConfig } from './config.js';
export { larkConfigSchema, larkConfigFrom } from './config.js';
export { LARK_RETRY_CODES, larkCall } from './api.js';

/** A signed webhook request more than this far from now is refused (a replay of a captured request). */
export const LARK_TIMESTAMP_WINDOW_MS = 5 * 60_000;

export interface LarkOptions {
  clock?: Clock;
  outbox?: Partial<Omit<OutboxOptions, 'logger' | 'clock'>>;
  /** SDK log level (default warn). */
  sdkLogLevel?: lark.LoggerLevel;
  /** Build the long-connection client (tests). */
  wsClient?: (params: ConstructorParameters<typeof lark.WSClient>[0]) => lark.WSClient;
  /** Wall clock for the webhook timestamp window (default Date.now). */
  now?: () => number;
  /** How long a card click may take before it is answered "正在处理" and finished later (default 2.5 s). */
  clickTimeoutMs?: number;
}

export interface LarkAdapter extends Adapter {
  /** Resolves when every accepted message has been answered (or given up). */
  idle(): Promise<void>;
}

/** The Lark card callback's answer: a toast, and the card drawn again. */
function cardResponse(outcome: ClickOutcome): Record<string, unknown> {
  return {
    toast: { type: outcome.toast.type, content: outcome.toast.text },
    ...(outcome.card ? { card: { type: 'raw', data: larkCard(outcome.card.answer, outcome.card.state) } } : {}),
  };
}

export function createLarkAdapter(config: LarkConfig, deps: AdapterDeps, options: LarkOptions = {}): LarkAdapter {
  const log = deps.logger.child({ adapter: 'lark' });
  const sdkLog = sdkLogger(log);
  const services = deps.services;
  const now = options.now ?? Date.now;
  const client = new lark.Client({
    appId: config.appId,
    appSecret: config.appSecret,
    domain: config.domain,
    logger: sdkLog,
    loggerLevel: options.sdkLogLevel ?? lark.LoggerLevel.warn,
    disableTokenCache: false,
  });
  const inbox = createInbox(log);
  const outbox = createOutbox({ logger: log, clock: options.clock, minIntervalMs: 220, maxTries: 4, baseDelayMs: 1000, ...options.outbox });
  const health = healthTracker(now, config.mode === 'ws' ? 'connecting' : 'up');
  let botOpenId: string | undefined;
  let wsClient: lark.WSClient | undefined;
  let running = false;

  const messageIdOf = (data: { message_id?: string } | undefined) => data?.message_id;

  /** Keep a sent card with buttons, so a click can draw it again. */
  async function keepCard(cardId: string | undefined, chatId: string, answer: Answer, chatType: IncomingMessage['chatType']): Promise<void> {
    if (!cardId || !services || !hasButtons(answer)) return;
    await services.store.saveCard({ platform: 'lark', cardId, chatId, answer, state: { chatType }, at: services.now().toISOString() }).catch((err: unknown) => log.warn({ err }, 'card not kept; its buttons will not work'));
  }

  /** A card replied to `m` (the uuid makes a retried reply land once), plain text if refused, then the answer's file. */
  async function replyTo(m: Pick<IncomingMessage, 'id' | 'chatId' | 'chatType' | 'platform' | 'senderId' | 'today'>, original: Answer): Promise<void> {
    const { answer, file } = await answerFile(services, m as IncomingMessage, original, log);
    let cardId: string | undefined;
    const send = async (payload: LarkPayload, kind: string) =>
      messageIdOf(await larkCall<{ message_id?: string }>(() => client.im.v1.message.reply({ path: { message_id: m.id }, data: { ...payload, uuid: `${kind}-${m.id}`.slice(0, 50) } }) as Promise<ApiResult<{ message_id?: string }>>));
    await sendCardOrText(outbox, m.chatId, log, {
      what: 'reply',
      rich: async () => {
        cardId = await send(renderLark(answer, { chatType: m.chatType }), 'c');
      },
      text: async () => void (await send(renderLarkText(answer), 't')),
    });
    await keepCard(cardId, m.chatId, answer, m.chatType);
    if (file) {
      await outbox.send(m.chatId, 'file', async () => {
        const key = await uploadFile(client, file.name, file.bytes);
        await send(renderLarkFile(key), 'f');
      });
    }
  }

  /** Accept one im.message.receive_v1 event (envelope or flattened); the bot drops redeliveries. */
  function accept(raw: unknown): void {
    let message: IncomingMessage | undefined;
    let upload: ReturnType<typeof normalizeLarkFile>;
    try {
      message = normalizeLark(raw, { botOpenId });
      upload = message ? undefined : normalizeLarkFile(raw, { botOpenId });
    } catch (err) {
      log.warn({ err: describe(err) }, 'unreadable event dropped');
      return;
    }
    if (message) {
      const m = message;
      inbox.accept(m, (answer) => replyTo(m, answer));
      return;
    }
    // A file sent to the bot in a private chat: an admin's document to ingest.
    if (!upload || upload.message.chatType !== 'direct') return;
    const { message: fm, fileKey, fileName } = upload;
    inbox.run(fm.chatId, async () => {
      if (services && !(await services.store.firstSeen(`lark:${fm.id}`, services.now().toISOString()))) return;
      const answer = await ingestChatFile(services, fm, { name: fileName, download: () => downloadResource(client, fm.id, fileKey) }, log);
      await replyTo(fm, answer);
    });
  }

  /** A card button click: answered within Lark's window with a toast and the card drawn again. */
  async function onCardAction(raw: unknown): Promise<Record<string, unknown>> {
    const click = normalizeCardAction(raw);
    if (!click) return { toast: { type: 'error', content: '无法识别的操作。' } };
    const note = click.formValue?.['note'];
    const at = { id: click.messageId, chatId: click.chatId, platform: 'lark' as const, senderId: click.operatorId };
    const followUp = (answer: Answer, chatType: IncomingMessage['chatType']) => inbox.run(click.chatId, () => replyTo({ ...at, chatType }, answer));
    const outcome = await runClick(
      { platform: 'lark', id: click.eventId, operatorId: click.operatorId, cardId: click.messageId, chatId: click.chatId, value: click.value, ...(typeof note === 'string' ? { note } : {}) },
      {
        services,
        handler: inbox.handler,
        log,
        ...(options.clickTimeoutMs !== undefined ? { timeoutMs: options.clickTimeoutMs } : {}),
        late: async (o) => {
          // Too slow for the callback's answer: update the card with the message API, send what follows.
          if (o.card) await larkCall(() => client.im.v1.message.patch({ path: { message_id: click.messageId }, data: { content: JSON.stringify(larkCard(o.card!.answer, o.card!.state)) } }) as Promise<ApiResult>);
          if (o.followUp) followUp(o.followUp, o.card?.state.chatType ?? 'group');
        },
      },
    );
    if (outcome.followUp) followUp(outcome.followUp, outcome.card?.state.chatType ?? 'group');
    return cardResponse(outcome);
  }

  async function onWebhook(request: FastifyRequest, reply: FastifyReply) {
    const raw = request.rawBody ?? Buffer.from(JSON.stringify(request.body ?? {}));
    const signed = typeof request.headers['x-lark-signature'] === 'string';
    if (config.encryptKey && signed) {
      if (!verifyLarkSignature(request.headers, raw, config.encryptKey)) {
        log.warn('webhook signature mismatch');
        return reply.code(401).send({ error: 'bad_signature' });
      }
      // The signature covers the timestamp: a captured request replayed later is refused.
      const ts = Number(request.headers['x-lark-request-timestamp']) * 1000;
      if (!Number.isFinite(ts) || Math.abs(now() - ts) > LARK_TIMESTAMP_WINDOW_MS) {
        log.warn({ timestamp: request.headers['x-lark-request-timestamp'] }, 'webhook timestamp outside the window');
        return reply.code(401).send({ error: 'stale_timestamp' });
      }
    }
    let body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.encrypt === 'string') {
      if (!config.encryptKey) return reply.code(400).send({ error: 'encrypted_without_key' });
      try {
        body = JSON.parse(larkDecrypt(body.encrypt, config.encryptKey)) as Record<string, unknown>;
      } catch {
        log.warn('webhook body could not be decrypted');
        return reply.code(400).send({ error: 'bad_encryption' });
      }
    }
    const header = (body.header ?? {}) as Record<string, unknown>;
    const token = (body.schema === '2.0' ? header.token : body.token) as string | undefined;
    if (config.verificationToken && token !== config.verificationToken) {
      log.warn('webhook verification token mismatch');
      return reply.code(401).send({ error: 'bad_token' });
    }
    if (body.type === 'url_verification') return reply.send({ challenge: body.challenge });
    // Only the URL check may come unsigned; with an encrypt key every event must carry a valid signature.
    if (config.encryptKey && !signed) return reply.code(401).send({ error: 'unsigned' });
    if (header.event_type === 'card.action.trigger') return reply.send(await onCardAction(body));
    if (header.event_type === 'im.message.receive_v1') accept(body);
    return reply.send({});
  }

  async function fetchBotOpenId(): Promise<void> {
    try {
      const res = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as { code?: number; bot?: { open_id?: string } };
      botOpenId = res?.bot?.open_id;
      if (!botOpenId) log.warn({ code: res?.code }, 'bot info has no open_id; any @mention in a group counts as one of the bot');
    } catch (err) {
      log.warn({ err: describe(err) }, 'could not read bot info; any @mention in a group counts as one of the bot');
    }
  }

  return {
    platform: 'lark',
    async start(h) {
      inbox.start(h);
      if (running) return;
      running = true;
      await fetchBotOpenId();
      if (config.mode === 'webhook') {
        mountWebhook(deps, { platform: 'lark', path: '/lark/events', running: () => running, stoppedBody: { error: 'stopped' }, handler: onWebhook });
        log.info({ mode: 'webhook', path: '/lark/events' }, 'lark adapter started');
        return;
      }
      const dispatcher = new lark.EventDispatcher({
        encryptKey: config.encryptKey,
        verificationToken: config.verificationToken,
        logger: sdkLog,
        loggerLevel: options.sdkLogLevel ?? lark.LoggerLevel.warn,
      }).register({
        'im.message.receive_v1': async (data: unknown) => {
          accept(data);
        },
        'card.action.trigger': (data: unknown) => onCardAction(data),
      } as never);
      const params = {
        appId: config.appId,
        appSecret: config.appSecret,
        domain: config.domain,
        logger: sdkLog,
        loggerLevel: options.sdkLogLevel ?? lark.LoggerLevel.warn,
        autoReconnect: true,
        onReady: () => {
          health.up();
          log.info('lark long connection ready');
        },
        onReconnecting: () => health.connecting(),
        onReconnected: () => {
          health.up();
          log.info('lark long connection re-established');
        },
        onError: (err: Error) => {
          health.down(err);
          log.error({ err: describe(err) }, 'lark long connection failed');
        },
      };
      wsClient = options.wsClient ? options.wsClient(params) : new lark.WSClient(params);
      await wsClient.start({ eventDispatcher: dispatcher });
      log.info({ mode: 'ws' }, 'lark adapter started, connecting');
    },
    async stop() {
      running = false;
      wsClient?.close({ force: true });
      wsClient = undefined;
      await inbox.idle();
      log.info('lark adapter stopped');
    },
    // Lark drops a second message with the same uuid within an hour, so a digest resent after a crash is not shown twice.
    supportsDedupeKey: true,
    dedupeWindowMs: LARK_UUID_WINDOW_MS,
    health: () => health.get(),
    async send(chatId, answer, sendOptions) {
      const key = sendOptions?.dedupeKey;
      let cardId: string | undefined;
      const create = async (payload: LarkPayload, suffix = '') =>
        messageIdOf(
          await larkCall<{ message_id?: string }>(
            () =>
              client.im.v1.message.create({
                params: { receive_id_type: 'chat_id' },
                data: { receive_id: chatId, ...payload, ...(key ? { uuid: `${key}${suffix}`.slice(0, 50) } : {}) },
              }) as Promise<ApiResult<{ message_id?: string }>>,
          ),
        );
      await deliverCardOrText(
        outbox,
        chatId,
        log,
        {
          what: 'push',
          rich: async () => {
            cardId = await create(renderLark(answer, { chatType: 'group' }));
          },
          text: async () => void (await create(renderLarkText(answer), '-t')),
        },
        // With a uuid a repeat is dropped by Lark, so even an unanswered request may be tried again.
        { retryUnanswered: Boolean(key) },
      );
      await keepCard(cardId, chatId, answer, 'group');
    },
    idle: () => inbox.idle(),
  };
}
