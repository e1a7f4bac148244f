/**
 * A wechaty message, as a plain snapshot (wechaty's accessors are async), → IncomingMessage. Pure.
 */
import type { IncomingMessage } from '../../src/model.js';

export interface WechatSnapshot {
  id: string;
  /** message.text() */
  text: string;
  /** message.self(): sent by the bot's own account. */
  self: boolean;
  /** Text message? (other types are ignored) */
  isText: boolean;
  /** The room's key (its id, or its topic and owner: adapters/wechat/identity.ts); absent in a private chat. */
  roomId?: string;
  /** The sender's key (their id, or their remark). */
  talkerId: string;
  talkerName?: string;
  /** await message.mentionSelf() */
  mentionSelf: boolean;
  /** await message.mentionText(): the text with @mentions removed (rooms). */
  mentionText?: string;
  /** The bot's display name, to strip a typed "@name" the puppet did not report as a mention. */
  botName?: string;
  /** Epoch ms */
  time: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function normalizeWechat(s: WechatSnapshot): IncomingMessage | undefined {
  if (s.self || !s.isText) return undefined;
  const group = Boolean(s.roomId);
  let text = group && s.mentionText !== undefined ? s.mentionText : s.text;
  let mentioned = s.mentionSelf;
  if (s.botName) {
    const re = new RegExp(`@${escapeRe(s.botName)}(\\u2005|\\s|$)`, 'g');
    if (re.test(text)) mentioned = true;
    text = text.replace(re, ' ');
  }
  return {
    id: s.id,
    platform: 'wechat',
    chatId: s.roomId ?? s.talkerId,
    chatType: group ? 'group' : 'direct',
    senderId: s.talkerId,
    senderName: s.talkerName,
    text: text.replace(/[\s\u2005]+/g, ' ').trim(),
    mentionedBot: group ? mentioned : true,
    time: s.time,
  };
}

export const normalize = normalizeWechat;
