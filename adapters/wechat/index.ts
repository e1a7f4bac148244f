/**
 * The WeChat adapter on wechaty. The puppet is configuration (WECHATY_PUPPET + token); tests pass a puppet
 * instance (wechaty-puppet-mock). In rooms it answers when @-mentioned, in private chats always, never itself.
 * Answers go to the very room or contact the message came from (no lookup: a private answer never asks the puppet
 * for a room); a spreadsheet follows as a file. Rooms and senders are keyed as adapters/wechat/identity.ts says
 * (stable across logins on web puppets), each room's route is stored for pushes, and the login QR code is drawn in
 * the terminal. Files an admin sends in a private chat are ingested.
 */
import { FileBox } from 'file-box';
import qrcodeTerminal from 'qrcode-terminal';
import { WechatyBuilder, type Message, type Wechaty } from 'wechaty';
import type { Adapter, Answer, IncomingMessage } from '../../src/model.js';
import { answerFile, ingestChatFile } from '../shared/files.js';
import { type Clock, createOutbox, describe, PlatformError, type OutboxOptions } from '../shared/queue.js';
import { type AdapterDeps, createInbox, healthTracker } from '../shared/shell.js';
import type { WechatConfig } from './config.js';
import { parseRoomKey, roomKey, senderKey } from './identity.js';
import { normalizeWechat, type WechatSnapshot } from './normalize.js';
import { renderWechat } from './render.js';

export type { WechatConfig } from './config.js';
export { wechatConfigSchema, wechatConfigFrom } from './config.js';

export interface WechatOptions {
  clock?: Clock;
  outbox?: Partial<Omit<OutboxOptions, 'logger' | 'clock'>>;
  /** A puppet instance instead of the configured module name (tests: PuppetMock). */
  puppet?: unknown;
  /** Where the login QR code is drawn (default: standard error, the operator's terminal). */
  qrOut?: { write(s: string): unknown };
}

export interface WechatAdapter extends Adapter {
  idle(): Promise<void>;
  readonly wechaty: Wechaty;
}

/** Something that can be said to: a room or a contact. */
interface Sayable {
  id: string;
  say(something: string | FileBox, ...mentions: unknown[]): Promise<unknown>;
}

export async function snapshotOf(message: Message, keys: { room(r: NonNullable<ReturnType<Message['room']>>): Promise<string>; sender(c: ReturnType<Message['talker']>): Promise<string> }, botName?: string): Promise<WechatSnapshot> {
  const room = message.room();
  const talker = message.talker();
  const isText = message.type() === message.wechaty.Message.Type.Text;
  return {
    id: message.id,
    text: message.text(),
    self: message.self(),
    isText,
    ...(room ? { roomId: await keys.room(room) } : {}),
    talkerId: await keys.sender(talker),
    talkerName: talker.name(),
    mentionSelf: room && isText ? await message.mentionSelf() : false,
    mentionText: room && isText ? await message.mentionText() : undefined,
    botName,
    time: message.date().getTime(),
  };
}

export function createWechatAdapter(config: WechatConfig, deps: AdapterDeps, options: WechatOptions = {}): WechatAdapter {
  const log = deps.logger.child({ adapter: 'wechat' });
  const services = deps.services;
  const mode = config.roomKey ?? 'id';
  const wechaty = WechatyBuilder.build(
    options.puppet
      ? { name: config.name, puppet: options.puppet as never }
      : { name: config.name, puppet: config.puppet as never, puppetOptions: config.token ? { token: config.token } : {} },
  );
  const inbox = createInbox(log);
  // Personal WeChat accounts get limited when they talk fast: keep a gap between messages to one chat.
  const outbox = createOutbox({ logger: log, clock: options.clock, minIntervalMs: 1000, maxTries: 3, baseDelayMs: 2000, ...options.outbox });
  const health = healthTracker(Date.now, 'connecting');
  const routes = new Map<string, string>();
  let started = false;

  const keys = {
    async room(room: NonNullable<ReturnType<Message['room']>>) {
      if (mode === 'id') return room.id;
      return roomKey(mode, { id: room.id, topic: await room.topic(), ownerName: room.owner()?.name() ?? '' });
    },
    async sender(contact: ReturnType<Message['talker']>) {
      return senderKey(mode, { id: contact.id, ...(mode === 'topic' ? { alias: (await contact.alias().catch(() => undefined)) ?? '' } : {}) });
    },
  };

  async function rememberRoute(chatKey: string, route: Record<string, string>): Promise<void> {
    const json = JSON.stringify(route);
    if (!services || routes.get(chatKey) === json) return;
    routes.set(chatKey, json);
    await services.store.setChatRoute('wechat', chatKey, route, services.now().toISOString()).catch((err: unknown) => log.warn({ err }, 'chat route not stored'));
  }

  /** The text chunks, then the spreadsheet, to `target` (the first chunk @-ing `mention` in a room). */
  async function sayTo(target: Sayable, chatKey: string, answer: Answer, mention?: unknown, file?: { name: string; bytes: Buffer }, deliver = false): Promise<void> {
    const chunks = renderWechat(answer);
    for (const [i, chunk] of chunks.entries()) {
      const say = async () => {
        try {
          if (mention && i === 0) await target.say(chunk, mention);
          else await target.say(chunk);
        } catch (err) {
          throw new PlatformError(`wechat say failed: ${err instanceof Error ? err.message : String(err)}`, { retryable: true, ambiguous: /timeout/i.test(String(err)) });
        }
      };
      if (deliver) await outbox.deliver(chatKey, `text ${i + 1}/${chunks.length}`, say);
      else if (!(await outbox.send(chatKey, `text ${i + 1}/${chunks.length}`, say))) return;
    }
    if (file) {
      await outbox.send(chatKey, 'file', async () => {
        await target.say(FileBox.fromBase64(file.bytes.toString('base64'), file.name));
      });
    }
  }

  /** A pushed chat's target: the stored route (a room by id, else by topic and owner), or the key itself. */
  async function findTarget(chatKey: string): Promise<Sayable | undefined> {
    const route = await services?.store.chatRoute('wechat', chatKey);
    const byTopic = route?.kind === 'room' && route.topic !== undefined ? { topic: route.topic, ownerName: route.owner ?? '' } : parseRoomKey(chatKey);
    if (route?.kind === 'contact' && route.id) return (await wechaty.Contact.find({ id: route.id })) as Sayable | undefined;
    if (route?.kind === 'room' && route.id && mode === 'id') return (await wechaty.Room.find({ id: route.id })) as Sayable | undefined;
    if (byTopic) {
      const rooms = await wechaty.Room.findAll({ topic: byTopic.topic });
      const owned = rooms.filter((r) => !byTopic.ownerName || (r.owner()?.name() ?? '') === byTopic.ownerName);
      if (owned.length > 1) log.warn({ topic: byTopic.topic }, 'several rooms share this topic and owner; pushing to the first');
      return owned[0] as Sayable | undefined;
    }
    if (route?.kind === 'room') return (await wechaty.Room.find({ id: route.id ?? chatKey })) as Sayable | undefined;
    // No route stored: a room id (…@chatroom) or a contact id.
    return /@chatroom$/.test(chatKey) ? ((await wechaty.Room.find({ id: chatKey })) as Sayable | undefined) : ((await wechaty.Contact.find({ id: chatKey })) as Sayable | undefined);
  }

  async function onMessage(message: Message): Promise<void> {
    if (message.self()) return;
    let snapshot: WechatSnapshot;
    try {
      snapshot = await snapshotOf(message, keys, wechaty.isLoggedIn ? wechaty.currentUser.name() : undefined);
    } catch (err) {
      log.warn({ err: describe(err) }, 'unreadable message dropped');
      return;
    }
    const room = message.room();
    const talker = message.talker();
    const target = (room ?? talker) as unknown as Sayable;
    const chatKey = snapshot.roomId ?? snapshot.talkerId;
    if (room) void rememberRoute(chatKey, { kind: 'room', id: room.id, topic: await room.topic(), owner: room.owner()?.name() ?? '' });
    else void rememberRoute(chatKey, { kind: 'contact', id: talker.id });
    const reply = async (m: IncomingMessage, original: Answer) => {
      const { answer, file } = await answerFile(services, m, original, log);
      await sayTo(target, chatKey, answer, m.chatType === 'group' ? talker : undefined, file);
    };
    const m = normalizeWechat(snapshot);
    if (m) {
      inbox.accept(m, (answer) => reply(m, answer));
      return;
    }
    // A file sent to the bot in a private chat: an admin's document to ingest.
    if (room || message.type() !== wechaty.Message.Type.Attachment) return;
    const fm: IncomingMessage = { id: snapshot.id, platform: 'wechat', chatId: chatKey, chatType: 'direct', senderId: snapshot.talkerId, text: '', mentionedBot: true, time: snapshot.time };
    inbox.run(chatKey, async () => {
      if (services && !(await services.store.firstSeen(`wechat:${fm.id}`, services.now().toISOString()))) return;
      const box = await message.toFileBox();
      const answer = await ingestChatFile(
        services,
        fm,
        { name: box.name, ...(typeof box.size === 'number' && box.size > 0 ? { size: box.size } : {}), download: () => box.toBuffer() },
        log,
      );
      await reply(fm, answer);
    });
  }

  wechaty.on('message', (message: Message) => {
    onMessage(message).catch((err: unknown) => log.error({ err: describe(err) }, 'message handling failed'));
  });
  wechaty.on('scan', (qrcode: string, status: number) => {
    log.info({ status, qrcode: `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` }, 'scan the QR code to log in');
    const out = options.qrOut ?? process.stderr;
    qrcodeTerminal.generate(qrcode, { small: true }, (drawn: string) => {
      out.write(`用微信扫描下面的二维码登录（状态 ${status}）：\n${drawn}\n`);
    });
  });
  wechaty.on('login', (user) => {
    health.up();
    log.info({ user: user.name() }, 'wechat logged in');
  });
  wechaty.on('logout', (user) => {
    health.down(new Error('logged out: scan the QR code again'));
    log.warn({ user: user.name() }, 'wechat logged out');
  });
  wechaty.on('error', (err: unknown) => log.error({ err: describe(err) }, 'wechaty error'));

  return {
    platform: 'wechat',
    wechaty,
    health: () => health.get(),
    async start(h) {
      inbox.start(h);
      if (started) return;
      started = true;
      await wechaty.start();
      log.info({ puppet: options.puppet ? 'injected' : config.puppet, roomKey: mode }, 'wechat adapter started');
    },
    async stop() {
      if (!started) return;
      started = false;
      await inbox.idle();
      await wechaty.stop();
      log.info('wechat adapter stopped');
    },
    async send(chatId, answer) {
      const target = await findTarget(chatId);
      if (!target) throw new PlatformError(`wechat: chat not found (${chatId})`, { code: 'NO_ROUTE', retryable: false });
      await sayTo(target, chatId, answer, undefined, undefined, true);
    },
    idle: () => inbox.idle(),
  };
}


