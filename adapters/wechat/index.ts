/**
 * The WeChat adapter on wechaty. The puppet is configuration (WECHATY_PUPPET + token); tests pass a puppet
 * instance (wechaty-puppet-mock). In rooms it answers when @-mentioned, in private chats always, never itself.
 */
import { WechatyBuilder, type Message, type Wechaty } from 'wechaty';
import type { Adapter, Answer } from '../../src/model.js';
import { type Clock, createOutbox, describe, type OutboxOptions } from '../shared/queue.js';
import { type AdapterDeps, createInbox } from '../shared/shell.js';
import type { WechatConfig } from './config.js';
import { normalizeWechat, type WechatSnapshot } from './normalize.js';
import { renderWechat } from './render.js';

export type { WechatConfig } from './config.js';
export { wechatConfigSchema, wechatConfigFrom } from './config.js';

export interface WechatOptions {
  clock?: Clock;
  outbox?: Partial<Omit<OutboxOptions, 'logger' | 'clock'>>;
  /** A puppet instance instead of the configured module name (tests: PuppetMock). */
  puppet?: unknown;
}

export interface WechatAdapter extends Adapter {
  idle(): Promise<void>;
  readonly wechaty: Wechaty;
}

export async function snapshotOf(message: Message, botName?: string): Promise<WechatSnapshot> {
  const room = message.room();
  const talker = message.talker();
  const isText = message.type() === message.wechaty.Message.Type.Text;
  return {
    id: message.id,
    text: message.text(),
    self: message.self(),
    isText,
    roomId: room?.id,
    talkerId: talker.id,
    talkerName: talker.name(),
    mentionSelf: room && isText ? await message.mentionSelf() : false,
    mentionText: room && isText ? await message.mentionText() : undefined,
    botName,
    time: message.date().getTime(),
  };
}

export function createWechatAdapter(config: WechatConfig, deps: AdapterDeps, options: WechatOptions = {}): WechatAdapter {
  const log = deps.logger.child({ adapter: 'wechat' });
  const wechaty = WechatyBuilder.build(
    options.puppet
      ? { name: config.name, puppet: options.puppet as never }
      : { name: config.name, puppet: config.puppet as never, puppetOptions: config.token ? { token: config.token } : {} },
  );
  const inbox = createInbox(log);
  // Personal WeChat accounts get limited when they talk fast: keep a gap between messages to one chat.
  const outbox = createOutbox({ logger: log, clock: options.clock, minIntervalMs: 1000, maxTries: 3, baseDelayMs: 2000, ...options.outbox });
  let started = false;

  async function sayTo(chatId: string, answer: Answer, mentionId?: string): Promise<void> {
    const chunks = renderWechat(answer);
    let room: Awaited<ReturnType<typeof wechaty.Room.find>>;
    try {
      room = await wechaty.Room.find({ id: chatId });
    } catch {
      room = undefined;
    }
    const target = room ?? (await wechaty.Contact.find({ id: chatId }));
    if (!target) {
      log.warn({ chatId }, 'chat not found, answer dropped');
      return;
    }
    const mention = room && mentionId ? await wechaty.Contact.find({ id: mentionId }) : undefined;
    for (const [i, chunk] of chunks.entries()) {
      await outbox.send(chatId, `text ${i + 1}/${chunks.length}`, async () => {
        if (room && mention && i === 0) await room.say(chunk, mention);
        else await target.say(chunk);
      });
    }
  }

  async function onMessage(message: Message): Promise<void> {
    if (message.self()) return;
    let snapshot: WechatSnapshot;
    try {
      snapshot = await snapshotOf(message, wechaty.isLoggedIn ? wechaty.currentUser.name() : undefined);
    } catch (err) {
      log.warn({ err: describe(err) }, 'unreadable message dropped');
      return;
    }
    const m = normalizeWechat(snapshot);
    if (!m) return;
    inbox.accept(m, (answer) => sayTo(m.chatId, answer, m.chatType === 'group' ? m.senderId : undefined));
  }

  wechaty.on('message', (message: Message) => {
    onMessage(message).catch((err: unknown) => log.error({ err: describe(err) }, 'message handling failed'));
  });
  wechaty.on('scan', (qrcode: string, status: number) => {
    log.info({ status, qrcode: `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` }, 'scan the QR code to log in');
  });
  wechaty.on('login', (user) => log.info({ user: user.name() }, 'wechat logged in'));
  wechaty.on('logout', (user) => log.warn({ user: user.name() }, 'wechat logged out'));
  wechaty.on('error', (err: unknown) => log.error({ err: describe(err) }, 'wechaty error'));

  return {
    platform: 'wechat',
    wechaty,
    async start(h) {
      inbox.start(h);
      if (started) return;
      started = true;
      await wechaty.start();
      log.info({ puppet: options.puppet ? 'injected' : config.puppet }, 'wechat adapter started');
    },
    async stop() {
      if (!started) return;
      started = false;
      await inbox.idle();
      await wechaty.stop();
      log.info('wechat adapter stopped');
    },
    async send(chatId, answer) {
      await sayTo(chatId, answer);
    },
    idle: () => inbox.idle(),
  };
}
