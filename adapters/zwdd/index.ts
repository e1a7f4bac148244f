/**
 * The 浙政钉 adapter on the GovDD gateway.
 * Out: work notifications (/message/workNotification) to accounts or organisations, each with a bizMsgId so the
 * gateway delivers it once however often it is sent; group chats through /chat/sendMsg where the deployment allows.
 *   send(chatId): 'group:<chatId>' → the group chat; 'org:<code>[,<code>…]' → organisations; anything else → the
 *   account ids (comma-separated). It resolves once the gateway accepted the push and throws a PlatformError with the
 *   gateway's code (errorCode, or content.responseCode) otherwise. A dedupe key becomes the bizMsgId
 *   (zwddBizMsgId), so a digest resent for the same chat-day is not shown twice; group chats have no such key.
 * In (when ZWDD_CALLBACK_URL is set): the callback URL is registered for ZWDD_EVENT_TAG at start
 * (/openplatform/message/register_event_callback); POST /zwdd/events is verified before use — the gateway's
 * X-Hmac-Auth signature over the callback's path and fields with the app secret, a timestamp within five minutes,
 * a nonce not seen before — then acknowledged at once and answered asynchronously, in order per chat.
 * The verification is an assumption: the gateway's callback documentation is not public, so the adapter expects
 * callbacks signed the way the gateway requires requests to be signed (see README.md, 浙政钉).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Adapter, Answer, IncomingMessage, SendOptions } from '../../src/model.js';
import { type Clock, createOutbox, describe, type OutboxOptions, PlatformError } from '../shared/queue.js';
import { type AdapterDeps, createInbox, deliverCardOrText, mountWebhook, sendCardOrText } from '../shared/shell.js';
import { createZwddClient, type ZwddClient } from './client.js';
import type { ZwddConfig } from './config.js';
import { GROUP_PREFIX, normalizeZwdd } from './normalize.js';
import { renderZwdd, renderZwddText, type ZwddMessage } from './render.js';
import { type ZwddParams, verifyZwddSignature } from './sign.js';

export type { ZwddConfig } from './config.js';
export { zwddConfigFrom, zwddConfigSchema } from './config.js';

export const ZWDD_EVENTS_PATH = '/zwdd/events';

/**
 * How long a work notification's bizMsgId is counted on to drop a resend. The platform documents a repeated bizMsgId
 * as refused (重复) without a time limit, and the same content to the same member as delivered once a day; one day
 * covers a chat-day's digest. A digest interrupted longer ago than this is marked uncertain instead of resent.
 */
export const ZWDD_BIZMSGID_WINDOW_MS = 24 * 3600_000;

export interface ZwddOptions {
  clock?: Clock;
  outbox?: Partial<Omit<OutboxOptions, 'logger' | 'clock'>>;
  now?: () => number;
}

export interface ZwddAdapter extends Adapter {
  idle(): Promise<void>;
  readonly client: ZwddClient;
  /** False for group chats: chat/sendMsg has no idempotency key (the delivery log reads this per chat). */
  honoursDedupeKey(chatId: string): boolean;
}

/**
 * The bizMsgId for a dedupe key: the key itself when it is short and plain, else a digest of it. The same key
 * always gives the same id, which is what makes the gateway drop a resend.
 */
export function zwddBizMsgId(key: string): string {
  return /^[\w.:-]{1,64}$/.test(key) ? key : `yd-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

export type ZwddTarget = { group: string } | { organizationCodes: string[] } | { receiverIds: string[] };

export function zwddTarget(chatId: string): ZwddTarget {
  if (chatId.startsWith(GROUP_PREFIX)) return { group: chatId.slice(GROUP_PREFIX.length) };
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  if (chatId.startsWith('org:')) return { organizationCodes: list(chatId.slice(4)) };
  return { receiverIds: list(chatId) };
}

/** The callback's fields as signed: strings as they are, anything else as its JSON. */
function signedFields(body: unknown): ZwddParams {
  const out: ZwddParams = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) out[k] = v as string | string[];
    else if (v !== undefined && v !== null) out[k] = JSON.stringify(v);
  }
  return out;
}

const NONCE_TTL_MS = 15 * 60_000;

export function createZwddAdapter(config: ZwddConfig, deps: AdapterDeps, options: ZwddOptions = {}): ZwddAdapter {
  const log = deps.logger.child({ adapter: 'zwdd' });
  const now = options.now ?? Date.now;
  const client = createZwddClient({ ...config, now });
  const inbox = createInbox(log);
  const outbox = createOutbox({ logger: log, clock: options.clock, minIntervalMs: 200, maxTries: 4, baseDelayMs: 1000, ...options.outbox });
  const nonces = new Map<string, number>();
  let running = false;

  /** The message objects for a chat, and how to post them (bizMsgId: the work notification's idempotency key). */
  function poster(chatId: string): { what: string; keyed: boolean; post: (msg: ZwddMessage, bizMsgId: string) => Promise<unknown> } {
    const target = zwddTarget(chatId);
    if ('group' in target) return { what: 'group message', keyed: false, post: (msg) => client.chatSendMsg(target.group, msg) };
    if (!('organizationCodes' in target ? target.organizationCodes : target.receiverIds).length) {
      throw new PlatformError(`zwdd: no receiver in chat id ${JSON.stringify(chatId)}`, { code: 'NO_RECEIVER', retryable: false });
    }
    return { what: 'work notification', keyed: true, post: (msg, bizMsgId) => client.workNotification({ ...target, bizMsgId, msg }) };
  }

  /** The text form's bizMsgId: its own, so that a refused markdown does not block it, and the same on every try. */
  const textId = (bizMsgId: string) => `${bizMsgId}-t`.slice(0, 64);

  /** An answer to a question: markdown, text where refused; a failure is logged. */
  async function answerChat(chatId: string, answer: Answer, bizMsgId: string): Promise<boolean> {
    let p: ReturnType<typeof poster>;
    try {
      p = poster(chatId);
    } catch (err) {
      log.warn({ chatId, err: describe(err) }, 'answer not sent');
      return false;
    }
    return sendCardOrText(outbox, chatId, log, {
      what: p.what,
      rich: async () => void (await p.post(renderZwdd(answer), bizMsgId)),
      text: async () => void (await p.post(renderZwddText(answer), textId(bizMsgId))),
    });
  }

  /**
   * A push (a digest): resolves once the gateway accepted it, throws its code otherwise. A work notification carries
   * the bizMsgId, so even a try that got no answer is tried again (a repeat is refused as 重复, counted accepted);
   * a group message has no key, so an unanswered one is left for the delivery log to mark uncertain.
   */
  async function push(chatId: string, answer: Answer, bizMsgId: string): Promise<void> {
    const p = poster(chatId);
    await deliverCardOrText(
      outbox,
      chatId,
      log,
      { what: p.what, rich: async () => void (await p.post(renderZwdd(answer), bizMsgId)), text: async () => void (await p.post(renderZwddText(answer), textId(bizMsgId))) },
      { retryUnanswered: p.keyed },
    );
  }

  function freshNonce(nonce: string): boolean {
    const t = now();
    for (const [n, at] of nonces) if (t - at > NONCE_TTL_MS) nonces.delete(n);
    if (nonces.has(nonce)) return false;
    nonces.set(nonce, t);
    return true;
  }

  async function onEvent(request: FastifyRequest, reply: FastifyReply) {
    const cb = config.callback!;
    const verdict = verifyZwddSignature({
      headers: request.headers,
      method: 'POST',
      // The path the gateway posts to: the registered URL's, whatever proxy sits in front of this server.
      path: new URL(cb.url).pathname,
      params: signedFields(request.body),
      appKey: config.appKey,
      secret: config.appSecret,
      now: now(),
    });
    if (!verdict.ok || !freshNonce(verdict.nonce)) {
      log.warn({ reason: verdict.ok ? 'nonce replayed' : verdict.reason }, 'callback rejected');
      return reply.code(401).send({ success: false, errorCode: 'INVALID_SIGNATURE', errorMsg: '签名校验失败' });
    }
    let message: IncomingMessage | undefined;
    try {
      message = normalizeZwdd(request.body);
    } catch (err) {
      log.warn({ err: describe(err) }, 'unreadable event dropped');
    }
    if (message) {
      const m = message;
      inbox.accept(m, async (answer) => void (await answerChat(m.chatId, answer, zwddBizMsgId(`reply-${m.id}`))));
    }
    return reply.send({ success: true });
  }

  return {
    platform: 'zwdd',
    client,
    async start(h) {
      inbox.start(h);
      if (running) return;
      running = true;
      const cb = config.callback;
      if (!cb) {
        log.info('zwdd adapter started (push only: no ZWDD_CALLBACK_URL)');
        return;
      }
      if (!deps.http) throw new Error('zwdd callbacks need the HTTP server');
      mountWebhook(deps, { platform: 'zwdd', path: ZWDD_EVENTS_PATH, running: () => running, stoppedBody: { success: false, errorMsg: 'stopped' }, handler: onEvent });
      try {
        await client.registerEventCallback(cb.eventTag, cb.url);
        log.info({ path: ZWDD_EVENTS_PATH, eventTag: cb.eventTag }, 'zwdd adapter started, callback registered');
      } catch (err) {
        // Pushes still work; inbound messages need the registration (or one made on the platform's console).
        log.error({ err: describe(err), eventTag: cb.eventTag }, 'could not register the event callback');
      }
    },
    async stop() {
      running = false;
      await inbox.idle();
      log.info('zwdd adapter stopped');
    },
    // The gateway delivers one work notification per bizMsgId; send() passes the dedupe key as that id. Group
    // messages (chat/sendMsg) carry no such key, so those chats do not claim one.
    supportsDedupeKey: true,
    dedupeWindowMs: ZWDD_BIZMSGID_WINDOW_MS,
    honoursDedupeKey: (chatId: string) => !chatId.startsWith(GROUP_PREFIX),
    async send(chatId: string, answer: Answer, opts?: SendOptions) {
      await push(chatId, answer, opts?.dedupeKey ? zwddBizMsgId(opts.dedupeKey) : `yd-${randomUUID()}`);
    },
    idle: () => inbox.idle(),
  };
}
