/**
 * The bot: one handler for every platform. It drops repeats and unaddressed group chatter, asks the engine,
 * and turns any failure into a short apology (logged with the message id, never echoed into the chat).
 */
import type { UnitBindings } from './bindings.js';
import { createDeduper } from './dedupe.js';
import { isYaodianError } from './errors.js';
import type { Logger } from './logger.js';
import type { AnswerEngine, Answer, IncomingMessage, Platform } from './model.js';
import { shanghaiDate } from './time.js';

/** Where the sender's unit comes from: the UNIT_BINDINGS file (sync) or the store (async, see store/bindings.ts). */
export interface SenderUnits {
  unitOf(platform: Platform, userId: string): string | undefined | Promise<string | undefined>;
}

/** Chat commands (绑定, 订阅, 完成 …): an Answer for a command, undefined to fall through to question answering. */
export interface CommandHandler {
  handle(message: IncomingMessage): Promise<Answer | undefined>;
}

export interface BotDeps {
  engine: AnswerEngine;
  logger: Logger;
  bindings?: UnitBindings | SenderUnits;
  /** Tried before question answering. */
  commands?: CommandHandler;
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

export function createBot(deps: BotDeps): Bot {
  const seen = createDeduper();
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'bot' });
  return {
    async handle(message) {
      if (message.chatType === 'group' && !message.mentionedBot) return undefined;
      if (!seen.first(`${message.platform}:${message.id}`)) {
        log.debug({ messageId: message.id, platform: message.platform }, 'duplicate message dropped');
        return undefined;
      }
      try {
        const command = await deps.commands?.handle({ ...message, text: message.text.trim() });
        if (command) {
          log.info({ messageId: message.id, platform: message.platform, chatId: message.chatId, intent: command.intent }, 'command');
          return command;
        }
        const unit = await deps.bindings?.unitOf(message.platform, message.senderId);
        const answer = deps.engine.answer(message.text.trim(), { unit, today: shanghaiDate(now()) });
        log.info({ messageId: message.id, platform: message.platform, chatId: message.chatId, intent: answer.intent, citations: answer.citations.length }, 'answered');
        return answer;
      } catch (e) {
        if (isYaodianError(e) && e.user) return { ...APOLOGY, intent: 'user-error', text: e.message };
        log.error({ err: e, messageId: message.id, platform: message.platform }, 'handler failed');
        return APOLOGY;
      }
    },
  };
}
