/**
 * The bot: one handler for every platform, the web page and the console included. It drops repeats and
 * unaddressed group chatter, tries the chat commands, else asks the engine with the asker's unit and today, and
 * turns any failure into a short reply (a user error's own message; otherwise an apology, logged with the message
 * id, never echoed into the chat).
 */
import type { UnitBindings } from './bindings.js';
import { createDeduper } from './dedupe.js';
import { isYaodianError } from './errors.js';
import type { ProgressReporter } from './ledger/progress.js';
import { FOLLOW_UP_TTL_MS } from './query/followup.js';
import type { Logger } from './logger.js';
import { lru } from './lru.js';
import { turnOf, type AnswerEngine, type Answer, type IncomingMessage, type Platform, type Turn as ChatTurn } from './model.js';
import { shanghaiDate } from './time.js';

/** What a command handler is told besides the message: the day it is for (Asia/Shanghai, or the declared one). */
export interface Turn {
  today: string;
}

/** Chat commands (绑定, 订阅, 完成 …): an Answer for a command, undefined to fall through to question answering. */
export interface CommandHandler {
  handle(message: IncomingMessage, turn: Turn): Promise<Answer | undefined>;
}

/** Each conversation's last turn, for follow-ups (那义乌呢): in the store for platforms, so a restart keeps it. */
export interface Conversations {
  get(platform: string, chatId: string, userId: string): Promise<ChatTurn | undefined> | ChatTurn | undefined;
  set(platform: string, chatId: string, userId: string, turn: ChatTurn): Promise<void> | void;
}

/** Conversations kept in memory (the console, tests): the most recent `max` conversations. */
export function memoryConversations(max = 1000): Conversations {
  const turns = lru<ChatTurn>(max);
  const k = (p: string, c: string, u: string) => `${p}\u0000${c}\u0000${u}`;
  return {
    get: (p, c, u) => turns.get(k(p, c, u)),
    set: (p, c, u, turn) => turns.set(k(p, c, u), turn),
  };
}

/** Seen message keys: true the first time. Synchronous in memory; a stored one may answer asynchronously. */
export interface SeenMessages {
  first(key: string): boolean | Promise<boolean>;
}

export interface BotDeps {
  engine: AnswerEngine;
  logger: Logger;
  /** Which unit the sender and the chat belong to. */
  units?: UnitBindings;
  /** Tried before question answering. */
  commands?: CommandHandler;
  /** Where redeliveries are caught, keyed `platform:messageId` (default: in memory, 24 hours). */
  seen?: SeenMessages;
  /** Each conversation's last turn (default: in memory). */
  conversations?: Conversations;
  /** How long a conversation's last turn counts for follow-ups (default 30 minutes). */
  followUpTtlMs?: number;
  /** Completes progress and agenda answers from the ledger (recorded progress lives in the store). */
  reporter?: ProgressReporter;
  /** Clock, for tests. */
  now?: () => Date;
}

export interface Bot {
  /** The reply to a message, or undefined when the bot should stay silent (repeat, not addressed, own message). */
  handle(message: IncomingMessage): Promise<Answer | undefined>;
}

export const APOLOGY: Answer = {
  intent: 'error',
  text: '抱歉，处理您的问题时出了点问题，请稍后再试。如果一直出现，请联系管理员。',
  citations: [],
  followUps: [],
};

/**
 * Platforms whose messages may declare the asker's unit and today: the web page and the console, whose user is
 * the person at the page or the terminal. A chat platform's message never does; its unit comes from bindings.
 */
const DECLARING: ReadonlySet<Platform> = new Set<Platform>(['web', 'cli']);

/** The message as the bot reads it: text trimmed, unit and today kept only where the platform may declare them. */
function received(m: IncomingMessage): IncomingMessage {
  const { unit, today, ...rest } = m;
  const declared = DECLARING.has(m.platform) ? { ...(unit?.trim() ? { unit: unit.trim() } : {}), ...(today ? { today } : {}) } : {};
  return { ...rest, text: m.text.trim(), ...declared };
}

/** A question as compared with a suggestion: width, spaces and closing punctuation aside. */
const asked = (text: string) => text.normalize('NFKC').replace(/[\s?？!！。.,，]+/g, '');

/** The answer without suggestions to ask what was just asked (牵头的呢 → 可以继续问：牵头的呢). */
function withoutRepeat(answer: Answer, text: string): Answer {
  const q = asked(text);
  return answer.followUps.some((f) => asked(f) === q) ? { ...answer, followUps: answer.followUps.filter((f) => asked(f) !== q) } : answer;
}

export function createBot(deps: BotDeps): Bot {
  const seen = deps.seen ?? createDeduper();
  const conversations = deps.conversations ?? memoryConversations();
  const ttl = deps.followUpTtlMs ?? FOLLOW_UP_TTL_MS;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'bot' });
  return {
    async handle(raw) {
      if (raw.chatType === 'group' && !raw.mentionedBot) return undefined;
      if (!(await seen.first(`${raw.platform}:${raw.id}`))) {
        log.debug({ messageId: raw.id, platform: raw.platform }, 'duplicate message dropped');
        return undefined;
      }
      const message = received(raw);
      const where = { messageId: message.id, platform: message.platform, chatId: message.chatId };
      try {
        const today = message.today ?? shanghaiDate(now());
        const command = await deps.commands?.handle(message, { today });
        if (command) {
          log.info({ ...where, intent: command.intent }, 'command');
          return withoutRepeat(command, message.text);
        }
        const unit = await deps.units?.senderUnit(message);
        const who = [message.platform, message.chatId, message.senderId] as const;
        const last = await conversations.get(...who);
        const previous = last && now().getTime() - last.at <= ttl ? last : undefined;
        const engineAnswer = deps.engine.answer(message.text, { ...(unit ? { unit } : {}), today, ...(previous ? { previous } : {}) });
        const answer = deps.reporter ? await deps.reporter.report(engineAnswer, { ...(unit ? { unit } : {}), today }) : engineAnswer;
        const turn = turnOf(answer, now().getTime(), previous);
        if (turn) await conversations.set(...who, turn);
        // One line per answer: at debug, so that a busy instance does not spend its time writing logs.
        log.debug({ ...where, intent: answer.intent, citations: answer.citations.length }, 'answered');
        return withoutRepeat(answer, message.text);
      } catch (e) {
        if (isYaodianError(e) && e.user) return { ...APOLOGY, intent: 'user-error', text: e.message };
        log.error({ err: e, ...where }, 'handler failed');
        return APOLOGY;
      }
    },
  };
}
