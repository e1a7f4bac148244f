/**
 * The WeCom / 政务微信 adapter: a self-built app (自建应用) and, for pushes, a group robot (群机器人).
 *   GET  /wecom/callback   URL verification (验证URL有效性): the signature over echostr checked, echostr decrypted
 *                          (its receive id must be the corp id) and answered as plain text;
 *   POST /wecom/callback   an encrypted message: signature and receive id checked, acknowledged at once with an
 *                          empty body (the platform then neither waits nor retries), answered asynchronously through
 *                          /cgi-bin/message/send as markdown, plain text where markdown is refused.
 * A forged or unreadable callback is refused (401/400) and nothing is sent.
 * send(chatId): 'robot' → the group robot (markdown split at 4096 bytes, 20 a minute); 'party:ID' / 'tag:ID' →
 * message/send to a department / tag; anything else → message/send to that member (userid, or several as a|b).
 * The 智能机器人 long connection (@wecom/aibot-node-sdk) is not part of this adapter: that package is not installed,
 * so questions asked in group chats are not received.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Adapter, Answer, IncomingMessage, SendOptions } from '../../src/model.js';
import { type Clock, createOutbox, describe, type OutboxOptions } from '../shared/queue.js';
import { type AdapterDeps, createInbox, mountWebhook, sendCardOrText } from '../shared/shell.js';
import { createWecomClient, type WecomClient } from './client.js';
import type { WecomConfig } from './config.js';
import { verifyWecomSignature, wecomDecrypt } from './crypto.js';
import { normalizeWecom, parseWecomXml, WECOM_PLATFORM } from './normalize.js';
import { renderWecom, renderWecomText, wecomRobotMarkdown, type WecomAppMessage } from './render.js';

export type { WecomConfig } from './config.js';
export { wecomConfigFrom, wecomConfigSchema } from './config.js';

export const WECOM_CALLBACK_PATH = '/wecom/callback';

/** message/send's duplicate check window, used when a send carries a dedupe key (the platform allows 4 hours). */
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

// ---- routes the shell does not mount yet: the GET of URL verification, and XML bodies on the shared server ----

const getRoutes = new WeakMap<FastifyInstance, Set<string>>();

function mountGet(http: FastifyInstance, path: string, running: () => boolean, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void {
  const paths = getRoutes.get(http) ?? new Set<string>();
  getRoutes.set(http, paths);
  if (paths.has(path)) return;
  paths.add(path);
  http.get(path, async (request, reply) => (running() ? handler(request, reply) : reply.code(503).send('stopped')));
}

/** WeCom posts XML; the shared server parses JSON only. Keep the text as the body. */
function acceptXmlBodies(http: FastifyInstance): void {
  for (const type of ['text/xml', 'application/xml']) {
    if (http.hasContentTypeParser(type)) continue;
    http.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  }
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

  async function sendApp(target: Exclude<WecomTarget, { robot: true }>, key: string, answer: Answer, dedupe: boolean): Promise<boolean> {
    const app = config.app;
    if (!app) {
      log.warn({ key }, 'no WeCom app configured (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET): message dropped');
      return false;
    }
    const post = async (message: WecomAppMessage) => {
      const res = await client.post('/cgi-bin/message/send', {
        ...target,
        agentid: app.agentId,
        ...message,
        ...(dedupe ? { enable_duplicate_check: 1, duplicate_check_interval: WECOM_DUPLICATE_CHECK_SECONDS } : {}),
      });
      const invalid = ['invaliduser', 'invalidparty', 'invalidtag'].filter((k) => typeof res[k] === 'string' && res[k] !== '');
      if (invalid.length) log.warn({ key, invalid }, 'some recipients were not reached');
    };
    return sendCardOrText(appOutbox, key, log, { what: 'message', rich: () => post(renderWecom(answer)), text: () => post(renderWecomText(answer)) });
  }

  async function sendRobot(answer: Answer): Promise<boolean> {
    const key = config.robotKey;
    if (!key) {
      log.warn('no group robot configured (WECOM_ROBOT_KEY): push dropped');
      return false;
    }
    const chunks = wecomRobotMarkdown(answer);
    let ok = true;
    for (const [i, content] of chunks.entries()) {
      ok = (await robotOutbox.send('robot', `robot ${i + 1}/${chunks.length}`, async () => void (await client.robot(key, { msgtype: 'markdown', markdown: { content } })))) && ok;
      if (!ok) break;
    }
    return ok;
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
      inbox.accept(m, async (answer) => void (await sendApp({ touser: m.senderId }, m.chatId, answer, false)));
    }
    // An empty body: the platform neither waits for a passive reply nor retries.
    return reply.code(200).type('text/plain').send('');
  }

  return {
    platform: WECOM_PLATFORM,
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
      acceptXmlBodies(deps.http);
      mountGet(deps.http, WECOM_CALLBACK_PATH, () => running, onVerify);
      mountWebhook(deps, { platform: 'wecom', path: WECOM_CALLBACK_PATH, running: () => running, stoppedBody: '', handler: onMessage });
      log.info({ path: WECOM_CALLBACK_PATH, robot: Boolean(config.robotKey) }, 'wecom adapter started');
    },
    async stop() {
      running = false;
      await inbox.idle();
      log.info('wecom adapter stopped');
    },
    // message/send's duplicate check drops a resend of the same content to the same members within 4 hours; it is a
    // content check, not a key, so the dedupe key only switches it on.
    supportsDedupeKey: false,
    async send(chatId: string, answer: Answer, opts?: SendOptions) {
      const target = wecomTarget(chatId);
      if ('robot' in target) await sendRobot(answer);
      else await sendApp(target, chatId, answer, Boolean(opts?.dedupeKey));
    },
    idle: () => inbox.idle(),
  };
}
