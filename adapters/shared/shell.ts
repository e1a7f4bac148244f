/**
 * The adapter shell: what every platform adapter shares, so that an adapter is its platform's normalize, render,
 * config and transport and little else.
 *   AdapterDeps    what the composition root gives every adapter factory;
 *   createInbox    incoming messages answered in order within each chat, the answer handed to the adapter's reply;
 *   mountWebhook   a route (POST, or GET for a URL check) on the shared HTTP server, mounted once, answering 503
 *                  while the adapter is stopped;
 *   sendCardOrText send the rich form (card, markdown); if the platform refuses it, the same answer as plain text
 *                  (deliverCardOrText: the same for a push, throwing the platform's error so the delivery log keeps it);
 *   healthTracker  an adapter's connection state for /healthz (up / connecting / down with the last error and backoff).
 * Redeliveries are caught in one place, the bot (src/bot.ts), keyed by platform and message id, in the store.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../src/logger.js';
import type { AdapterHealth, Answer, IncomingMessage } from '../../src/model.js';
import { createChatChains, type DeliverOptions, describe, PlatformError, type Outbox } from './queue.js';
import type { AdapterServices } from './services.js';

export interface AdapterDeps {
  logger: Logger;
  /** The shared HTTP server: webhook routes mount here, before it listens. */
  http?: FastifyInstance;
  /** The core's services for files, buttons and stored chat routes (serve gives them; without them those are off). */
  services?: AdapterServices;
}

/** What Adapter.start hands an adapter: the bot's handler. */
export type MessageHandler = (m: IncomingMessage) => Promise<Answer | undefined>;

export interface Inbox {
  /** Set the handler (Adapter.start). */
  start(handle: MessageHandler): void;
  readonly started: boolean;
  /** Queue `m` behind the earlier messages of its chat; its answer, if any, goes to `reply`. */
  accept(m: IncomingMessage, reply: (answer: Answer) => Promise<void>): void;
  /** Queue other work (a file sent in chat, a card click's follow-up) behind the earlier messages of a chat. */
  run(chatId: string, task: () => Promise<void>): void;
  /** The bot's handler, once started. */
  readonly handler: MessageHandler | undefined;
  /** Resolves when every accepted message has been answered (or given up). */
  idle(): Promise<void>;
}

export function createInbox(log: Logger): Inbox {
  const chains = createChatChains(log);
  let handle: MessageHandler | undefined;
  return {
    start(h) {
      handle = h;
    },
    get started() {
      return handle !== undefined;
    },
    accept(m, reply) {
      const h = handle;
      if (!h) return;
      void chains.run(m.chatId, async () => {
        const answer = await h(m);
        if (answer) await reply(answer);
      });
    },
    run(chatId, task) {
      if (!handle) return;
      void chains.run(chatId, task);
    },
    get handler() {
      return handle;
    },
    idle: () => chains.idle(),
  };
}

const mounted = new WeakMap<FastifyInstance, Set<string>>();

export interface WebhookRoute {
  /** e.g. 'lark' — named in the error when the server is missing. */
  platform: string;
  path: string;
  /** Default POST; GET for a platform's URL verification (WeCom's echostr). */
  method?: 'GET' | 'POST';
  /** False while the adapter is stopped: the route then answers 503 with `stoppedBody`. */
  running: () => boolean;
  stoppedBody: unknown;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** Mount a webhook on the shared server once (routes cannot be removed; a stopped adapter answers 503). */
export function mountWebhook(deps: AdapterDeps, route: WebhookRoute): void {
  if (!deps.http) throw new Error(`${route.platform} webhook mode needs the HTTP server`);
  const method = route.method ?? 'POST';
  const routes = mounted.get(deps.http) ?? new Set<string>();
  mounted.set(deps.http, routes);
  const id = `${method} ${route.path}`;
  if (routes.has(id)) return;
  routes.add(id);
  deps.http.route({ method, url: route.path, handler: async (request, reply) => (route.running() ? route.handler(request, reply) : reply.code(503).send(route.stoppedBody)) });
}

/**
 * Send the rich form through the outbox; when the platform refuses it (a non-retryable PlatformError, e.g. a card
 * it cannot render), send the plain-text form instead. Resolves true when one of them was delivered.
 */
export async function sendCardOrText(
  outbox: Outbox,
  key: string,
  log: Logger,
  send: { what: string; rich: () => Promise<void>; text: () => Promise<void> },
): Promise<boolean> {
  let refused = false;
  const ok = await outbox.send(key, `${send.what} (rich)`, async () => {
    try {
      await send.rich();
    } catch (e) {
      if (e instanceof PlatformError && !e.retryable) refused = true;
      throw e;
    }
  });
  if (ok || !refused) return ok;
  log.warn({ key, what: send.what }, 'rich message refused, sending plain text');
  return outbox.send(key, `${send.what} (text)`, send.text);
}

/**
 * The same for a push (a digest): resolves once the platform accepted one of the forms; otherwise throws the
 * platform's error (a PlatformError with its code), so that the delivery log records the failure.
 */
export async function deliverCardOrText(
  outbox: Outbox,
  key: string,
  log: Logger,
  send: { what: string; rich: () => Promise<void>; text: () => Promise<void> },
  options?: DeliverOptions,
): Promise<void> {
  try {
    await outbox.deliver(key, `${send.what} (rich)`, send.rich, options);
  } catch (e) {
    if (!(e instanceof PlatformError) || e.retryable) throw e;
    log.warn({ key, what: send.what, err: describe(e) }, 'rich message refused, sending plain text');
    await outbox.deliver(key, `${send.what} (text)`, send.text, options);
  }
}

export interface HealthTracker {
  get(): AdapterHealth;
  up(): void;
  connecting(): void;
  /** A failed connect: the error (no secrets) and when the next try is due. */
  down(err: unknown, retryInMs?: number): void;
}

/** An adapter's connection state for /healthz. */
export function healthTracker(now: () => number = Date.now, initial: AdapterHealth['state'] = 'up'): HealthTracker {
  let h: AdapterHealth = { state: initial, since: new Date(now()).toISOString() };
  return {
    get: () => ({ ...h }),
    up() {
      if (h.state !== 'up') h = { state: 'up', since: new Date(now()).toISOString() };
    },
    connecting() {
      h = { state: 'connecting', since: new Date(now()).toISOString() };
    },
    down(err, retryInMs) {
      const failures = (h.state === 'down' ? (h.failures ?? 0) : 0) + 1;
      const message = String(describe(err).message ?? err).slice(0, 200);
      h = {
        state: 'down',
        error: message,
        failures,
        since: h.state === 'down' && h.since ? h.since : new Date(now()).toISOString(),
        ...(retryInMs !== undefined ? { retryAt: new Date(now() + retryInMs).toISOString() } : {}),
      };
    },
  };
}
