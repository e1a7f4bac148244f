/**
 * The WeCom / 政务微信 adapter: a self-built app (自建应用) and, for pushes, a group robot (群机器人).
 *   GET  /wecom/callback   URL verification (验证URL有效性): the signature over echostr checked, echostr decrypted
 *                          (its receive id must be the corp id) and answered as plain text;
 *   POST /wecom/callback   an encrypted message: signature and receive id checked, acknowledged at once with an
 *                          empty body (the platform then neither waits nor retries), answered asynchronously through
 *                          /cgi-bin/message/send as markdown, plain text where markdown is refused.
 * A forged or unreadable callback is refused (401/400) and nothing is sent.
 * send(chatId) (pushes: digests): 'robot' → the group robot (markdown split at 4096 bytes, 20 a minute); 'party:ID' /
 * 'tag:ID' → message/send to a department / tag; anything else → message/send to that member (userid, or several as
 * a|b). It resolves once WeCom accepted the push and throws a PlatformError with the errcode otherwise, so that the
 * delivery log records the failure; WeCom has no idempotency key, so supportsDedupeKey is false.
 * The 智能机器人 long connection (@wecom/aibot-node-sdk) is not part of this adapter: that package is not installed,
 * so questions asked in group chats are not received.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Adapter, Answer, IncomingMessage } from '../../src/model.js';
import { type Clock, createOutbox, describe, type OutboxOptions, PlatformError } from '../shared/queue.js';
import { type AdapterDeps, createInbox, deliverCardOrText, mountWebhook, sendCardOrText } from '../shared/shell.js';
import { createWecomClient, type WecomClient } from './client.js';
import type { WecomConfig } from './config.js';
import { verifyWecomSignature, wecomDecrypt } from './crypto.js';
import { normalizeWecom, parseWecomXml } from './normalize.js';
import { renderWecom, renderWecomText, wecomRobotMarkdown, type WecomAppMessage } from './render.js';

export type { WecomConfig } from './config.js';
export { wecomConfigFrom, wecomConfigSchema } from './config.js';

export const WECOM_CALLBACK_PATH = '/wecom/callback';

/**
 * message/send's duplicate check window for pushes: the same content to the same members within it is dropped (the
 * platform allows at most 4 hours). A content check, not an idempotency key.
 */
export const WECOM_DUPLICATE_CHECK_SECONDS = 4 * 3600;

export interface WecomOptions {
  clock?: Clock;
  outbox?: Partial<Omit<OutboxOptions, 'logger' | 'clock'>>;
  now?: () => number;
}

export interface WecomAdapter extends Adapter {
  idle(): Promise<void>;
  readonly client: WecomClient;
}

export type WecomTarget = { robot: true } | { touser: string } | { toparty: string } | { totag: string };

/** Where a chat id sends to: the group robot, a department, a tag, or members. */
export function wecomTarget(chatId: string): WecomTarget {
  if (chatId === 'robot') return { robot: true };
  if (chatId.startsWith('party:')) return { toparty: chatId.slice(6) };
  if (chatId.startsWith('tag:')) return { totag: chatId.slice(4) };
  return { touser: chatId };
}

const first = (v: unknown): string | undefined => (Array.isArray(v) ? first(v[0]) : typeof v === 'string' ? v : undefined);

export function createWecomAdapter(config: WecomConfig, deps: AdapterDeps, options: WecomOptions = {}): WecomAdapter {
  const log = deps.logger.child({ adapter: 'wecom' });
  const client = createWecomClient({ apiBase: config.apiBase, corpId: config.app?.corpId, secret: config.app?.secret, now: options.now });
  const inbox = createInbox(log);
  // message/send: at most 30 messages a minute from one app to one member; a group robot: 20 a minute.
  const appOutbox = createOutbox({ logger: log, clock: options.clock, perWindow: 30, windowMs: 60_000, maxTries: 4, baseDelayMs: 2000, ...options.outbox });
  const robotOutbox = createOutbox({ logger: log, clock: options.clock, perWindow: 20, windowMs: 60_000, maxTries: 4, baseDelayMs: 2000, ...options.outbox });
  let running = false;

  /** message/send to members, a department or a tag; `duplicateCheck` for pushes (see WECOM_DUPLICATE_CHECK_SECONDS). */
  async function postApp(target: Exclude<WecomTarget, { robot: true }>, key: string, message: WecomAppMessage, duplicateCheck: boolean): Promise<void> {
    const app = config.app;
    if (!app) throw new PlatformError('wecom: no app configured (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET)', { code: 'NO_APP', retryable: false });
    const res = await client.post('/cgi-bin/message/send', {
      ...target,
      agentid: app.agentId,
      ...message,
      ...(duplicateCheck ? { enable_duplicate_check: 1, duplicate_check_interval: WECOM_DUPLICATE_CHECK_SECONDS } : {}),
    });
    const invalid = ['invaliduser', 'invalidparty', 'invalidtag'].filter((k) => typeof res[k] === 'string' && res[k] !== '');
    if (invalid.length) log.warn({ key, invalid }, 'some recipients were not reached');
  }

  /** An answer to a member's question: markdown, plain text where refused; a failure is logged. */
  async function replyApp(userId: string, answer: Answer): Promise<boolean> {
    const target = { touser: userId };
    return sendCardOrText(appOutbox, userId, log, { what: 'reply', rich: () => postApp(target, userId, renderWecom(answer), false), text: () => postApp(target, userId, renderWecomText(answer), false) });
  }

  /** A push (a digest): resolves once WeCom accepted it; throws its errcode otherwise. */
  async function pushApp(target: Exclude<WecomTarget, { robot: true }>, chatId: string, answer: Answer): Promise<void> {
    await deliverCardOrText(appOutbox, chatId, log, {
      what: 'push',
      rich: () => postApp(target, chatId, renderWecom(answer), true),
      text: () => postApp(target, chatId, renderWecomText(answer), true),
    });
  }

  /** A push to the group robot, split at 4096 bytes; throws the errcode of the part that failed. */
  async function pushRobot(answer: Answer): Promise<void> {
    const key = config.robotKey;
    if (!key) throw new PlatformError('wecom: no group robot configured (WECOM_ROBOT_KEY)', { code: 'NO_ROBOT', retryable: false });
    const chunks = wecomRobotMarkdown(answer);
    for (const [i, content] of chunks.entries()) {
      await robotOutbox.deliver('robot', `robot ${i + 1}/${chunks.length}`, async () => void (await client.robot(key, { msgtype: 'markdown', markdown: { content } })));
    }
  }

  async function onVerify(request: FastifyRequest, reply: FastifyReply) {
    const cb = config.callback!;
    const q = request.query as Record<string, unknown>;
    // Base64 has no spaces: a '+' decoded as a space by the query parser is put back.
    const echostr = first(q.echostr)?.replace(/ /g, '+');
    if (!echostr || !verifyWecomSignature(cb.token, { timestamp: first(q.timestamp), nonce: first(q.nonce), signature: first(q.msg_signature) }, echostr)) {
      log.warn('URL verification: signature mismatch');
      return reply.code(401).type('text/plain').send('bad signature');
    }
    try {
      return reply.type('text/plain; charset=utf-8').send(wecomDecrypt(cb.encodingAesKey, echostr, cb.receiveId));
    } catch {
      log.warn('URL verification: echostr could not be decrypted');
      return reply.code(400).type('text/plain').send('bad echostr');
    }
  }

  async function onMessage(request: FastifyRequest, reply: FastifyReply) {
    const cb = config.callback!;
    const q = request.query as Record<string, unknown>;
    const envelope = typeof request.body === 'string' ? parseWecomXml(request.body) : undefined;
    const encrypted = envelope?.Encrypt;
    if (!encrypted) return reply.code(400).type('text/plain').send('not an encrypted message');
    if (!verifyWecomSignature(cb.token, { timestamp: first(q.timestamp), nonce: first(q.nonce), signature: first(q.msg_signature) }, encrypted)) {
      log.warn('callback signature mismatch');
      return reply.code(401).type('text/plain').send('bad signature');
    }
    let message: IncomingMessage | undefined;
    try {
      message = normalizeWecom(wecomDecrypt(cb.encodingAesKey, encrypted, cb.receiveId), { agentId: config.app?.agentId });
    } catch (err) {
      log.warn({ err: describe(err) }, 'callback could not be decrypted');
      return reply.code(400).type('text/plain').send('bad encryption');
    }
    if (message) {
      const m = message;
      inbox.accept(m, async (answer) => void (await replyApp(m.senderId, answer)));
    }
    // An empty body: the platform neither waits for a passive reply nor retries.
    return reply.code(200).type('text/plain').send('');
  }

  return {
    platform: 'wecom',
    client,
    async start(h) {
      inbox.start(h);
      if (running) return;
      running = true;
      if (!config.callback) {
        log.info({ robot: Boolean(config.robotKey), app: Boolean(config.app) }, 'wecom adapter started (push only: no callback token)');
        return;
      }
      if (!deps.http) throw new Error('wecom callback needs the HTTP server');
      const route = { platform: 'wecom', path: WECOM_CALLBACK_PATH, running: () => running, stoppedBody: 'stopped' };
      mountWebhook(deps, { ...route, method: 'GET', handler: onVerify });
      mountWebhook(deps, { ...route, handler: onMessage });
      log.info({ path: WECOM_CALLBACK_PATH, robot: Boolean(config.robotKey) }, 'wecom adapter started');
    },
    async stop() {
      running = false;
      await inbox.idle();
      log.info('wecom adapter stopped');
    },
    // WeCom has no idempotency key: message/send's duplicate check (on for pushes) compares content, and the group
    // robot has none, so an interrupted push is left to an admin (state uncertain) rather than resent.
    supportsDedupeKey: false,
    async send(chatId: string, answer: Answer) {
      const target = wecomTarget(chatId);
      if ('robot' in target) await pushRobot(answer);
      else await pushApp(target, chatId, answer);
    },
    idle: () => inbox.idle(),
  };
}
