/**
 * The Lark / Feishu adapter on @larksuiteoapi/node-sdk.
 * Events arrive over the SDK's long connection (WSClient, default) or as webhooks (POST /lark/events);
 * either way the event is acknowledged at once and answered asynchronously, in order per chat, with a card
 * replied to the question (plain text if the card is rejected).
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Adapter, Answer, IncomingMessage } from '../../src/model.js';
import { type Clock, PlatformError, createOutbox, describe, retryableStatus, type OutboxOptions } from '../shared/queue.js';
import { sdkLogger } from '../shared/sdk-logger.js';
import { type AdapterDeps, createInbox, mountWebhook, sendCardOrText } from '../shared/shell.js';
import type { LarkConfig } from './config.js';
import { larkDecrypt, verifyLarkSignature } from './crypto.js';
import { normalizeLark } from './normalize.js';
import { renderLark, renderLarkText, type LarkPayload } from './render.js';

export type { LarkConfig } from './config.js';
export { larkConfigSchema, larkConfigFrom } from './config.js';

/** Open API codes that mean "slow down / try later". */
export const LARK_RETRY_CODES = new Set([99991400, 99991401, 230020, 11232, 11233, 1000004, 1000005, 90235, 2200]);

export interface LarkOptions {
  clock?: Clock;
  outbox?: Partial<Omit<OutboxOptions, 'logger' | 'clock'>>;
  /** SDK log level (default warn). */
  sdkLogLevel?: lark.LoggerLevel;
  /** Build the long-connection client (tests). */
  wsClient?: (params: ConstructorParameters<typeof lark.WSClient>[0]) => lark.WSClient;
}

export interface LarkAdapter extends Adapter {
  /** Resolves when every accepted message has been answered (or given up). */
  idle(): Promise<void>;
}

interface ApiResult {
  code?: number;
  msg?: string;
}

/** Run an Open API call; a non-zero code or HTTP failure becomes a classified PlatformError. */
export async function larkCall(fn: () => Promise<ApiResult | undefined | null>): Promise<void> {
  let res: ApiResult | undefined | null;
  try {
    res = await fn();
  } catch (err) {
    const e = err as { response?: { status?: number; data?: ApiResult } };
    const status = e.response?.status;
    const code = e.response?.data?.code;
    const retryable = (code !== undefined && LARK_RETRY_CODES.has(code)) || retryableStatus(status);
    throw new PlatformError(`lark api failed${status ? ` (HTTP ${status})` : ''}${code !== undefined ? ` code ${code}` : ''}`, { status, code, retryable, cause: undefined });
  }
  if (res && typeof res.code === 'number' && res.code !== 0) {
    throw new PlatformError(`lark api code ${res.code}: ${res.msg ?? ''}`, { code: res.code, retryable: LARK_RETRY_CODES.has(res.code) });
  }
}

export function createLarkAdapter(config: LarkConfig, deps: AdapterDeps, options: LarkOptions = {}): LarkAdapter {
  const log = deps.logger.child({ adapter: 'lark' });
  const sdkLog = sdkLogger(log);
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
  let botOpenId: string | undefined;
  let wsClient: lark.WSClient | undefined;
  let running = false;

  /** A card replied to the question (the uuid makes a retried reply land once), plain text if the card is refused. */
  async function replyTo(messageId: string, chatId: string, answer: Answer): Promise<void> {
    const send = (payload: LarkPayload, kind: string) =>
      larkCall(() => client.im.v1.message.reply({ path: { message_id: messageId }, data: { ...payload, uuid: `${kind}-${messageId}`.slice(0, 50) } }) as Promise<ApiResult>);
    await sendCardOrText(outbox, chatId, log, { what: 'reply', rich: () => send(renderLark(answer), 'c'), text: () => send(renderLarkText(answer), 't') });
  }

  /** Accept one im.message.receive_v1 event (envelope or flattened); the bot drops redeliveries. */
  function accept(raw: unknown): void {
    let message: IncomingMessage | undefined;
    try {
      message = normalizeLark(raw, { botOpenId });
    } catch (err) {
      log.warn({ err: describe(err) }, 'unreadable event dropped');
      return;
    }
    if (!message) return;
    const m = message;
    inbox.accept(m, (answer) => replyTo(m.id, m.chatId, answer));
  }

  async function onWebhook(request: FastifyRequest, reply: FastifyReply) {
    const raw = request.rawBody ?? Buffer.from(JSON.stringify(request.body ?? {}));
    const signed = typeof request.headers['x-lark-signature'] === 'string';
    if (config.encryptKey && signed && !verifyLarkSignature(request.headers, raw, config.encryptKey)) {
      log.warn('webhook signature mismatch');
      return reply.code(401).send({ error: 'bad_signature' });
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
      });
      const params = {
        appId: config.appId,
        appSecret: config.appSecret,
        domain: config.domain,
        logger: sdkLog,
        loggerLevel: options.sdkLogLevel ?? lark.LoggerLevel.warn,
        autoReconnect: true,
        onReady: () => log.info('lark long connection ready'),
        onReconnected: () => log.info('lark long connection re-established'),
        onError: (err: Error) => log.error({ err: describe(err) }, 'lark long connection failed'),
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
    // Lark drops a second message with the same uuid (within an hour), so a digest resent after a crash is not shown twice.
    supportsDedupeKey: true,
    async send(chatId, answer, options) {
      const key = options?.dedupeKey;
      const create = (payload: LarkPayload, suffix = '') =>
        larkCall(
          () =>
            client.im.v1.message.create({
              params: { receive_id_type: 'chat_id' },
              data: { receive_id: chatId, ...payload, ...(key ? { uuid: `${key}${suffix}`.slice(0, 50) } : {}) },
            }) as Promise<ApiResult>,
        );
      await sendCardOrText(outbox, chatId, log, { what: 'push', rich: () => create(renderLark(answer)), text: () => create(renderLarkText(answer), '-t') });
    },
    idle: () => inbox.idle(),
  };
}
