/**
 * Lark im.message.receive_v1 event → IncomingMessage. Pure.
 * Accepts the v2 envelope ({ schema, header, event }) as POSTed to webhooks, or the flattened form the SDK's
 * EventDispatcher hands to handlers (header and event fields merged).
 */
import type { IncomingMessage } from '../../src/model.js';

export interface LarkUserId {
  open_id?: string;
  union_id?: string;
  user_id?: string | null;
}

export interface LarkMention {
  key: string;
  id: LarkUserId;
  name: string;
  tenant_key?: string;
}

export interface LarkMessageEvent {
  sender: { sender_id?: LarkUserId; sender_type: string; tenant_key?: string };
  message: {
    message_id: string;
    root_id?: string;
    parent_id?: string;
    create_time: string;
    update_time?: string;
    chat_id: string;
    thread_id?: string;
    chat_type: string;
    message_type: string;
    content: string;
    mentions?: LarkMention[];
  };
}

export interface LarkEventEnvelope {
  schema: '2.0';
  header: { event_id: string; event_type: string; create_time: string; token: string; app_id: string; tenant_key?: string };
  event: LarkMessageEvent;
}

export interface LarkNormalizeOptions {
  /** The bot's own open_id (from /open-apis/bot/v3/info). Unknown: any mention in a group counts as one of the bot. */
  botOpenId?: string;
}

function eventOf(raw: unknown): LarkMessageEvent | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const e = (r.event && typeof r.event === 'object' ? r.event : r) as Partial<LarkMessageEvent>;
  if (!e.message || typeof e.message !== 'object' || !e.sender || typeof e.sender !== 'object') return undefined;
  if (typeof e.message.message_id !== 'string' || typeof e.message.chat_id !== 'string') return undefined;
  return e as LarkMessageEvent;
}

/** Text of a text or post message, mention placeholders kept. */
export function larkMessageText(messageType: string, content: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const p = parsed as Record<string, unknown>;
  if (messageType === 'text') return typeof p.text === 'string' ? p.text : undefined;
  if (messageType === 'post') {
    // { title, content: [[{tag:'text', text}, {tag:'at', user_id}]] } (possibly under a locale key)
    const body = (Array.isArray(p.content) ? p : (Object.values(p).find((v) => v && typeof v === 'object' && Array.isArray((v as { content?: unknown }).content)) as Record<string, unknown> | undefined)) ?? {};
    const lines = (body.content as unknown[] | undefined) ?? [];
    const text = lines
      .map((line) => (Array.isArray(line) ? line.map((el: { tag?: string; text?: string }) => (el.tag === 'text' || el.tag === 'a' ? el.text ?? '' : '')).join('') : ''))
      .join('\n');
    const title = typeof body.title === 'string' && body.title ? `${body.title}\n` : '';
    return `${title}${text}`;
  }
  return undefined;
}

/** The sender's id, when the message is from a user (never from an app, the bot itself included). */
function userSender(e: LarkMessageEvent, options: LarkNormalizeOptions): string | undefined {
  const senderId = e.sender.sender_id?.open_id ?? e.sender.sender_id?.user_id ?? e.sender.sender_id?.union_id;
  if (e.sender.sender_type !== 'user' || !senderId) return undefined;
  if (options.botOpenId && senderId === options.botOpenId) return undefined;
  return senderId;
}

/** A file a user sent the bot: the message (text empty) and what to download it with. */
export interface LarkFileMessage {
  message: IncomingMessage;
  fileKey: string;
  fileName: string;
}

export function normalizeLarkFile(raw: unknown, options: LarkNormalizeOptions = {}): LarkFileMessage | undefined {
  const e = eventOf(raw);
  if (!e || e.message.message_type !== 'file') return undefined;
  const senderId = userSender(e, options);
  if (!senderId) return undefined;
  let content: { file_key?: unknown; file_name?: unknown };
  try {
    content = JSON.parse(e.message.content) as typeof content;
  } catch {
    return undefined;
  }
  if (typeof content.file_key !== 'string' || typeof content.file_name !== 'string') return undefined;
  const group = e.message.chat_type !== 'p2p';
  return {
    message: { id: e.message.message_id, platform: 'lark', chatId: e.message.chat_id, chatType: group ? 'group' : 'direct', senderId, text: '', mentionedBot: !group, time: Number(e.message.create_time) || 0 },
    fileKey: content.file_key,
    fileName: content.file_name,
  };
}

/** A click on a card button (card.action.trigger), envelope or flattened by the SDK. */
export interface LarkCardAction {
  eventId: string;
  operatorId: string;
  /** The card's message and chat. */
  messageId: string;
  chatId: string;
  value: unknown;
  formValue?: Record<string, unknown>;
}

export function normalizeCardAction(raw: unknown): LarkCardAction | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const header = (r.header && typeof r.header === 'object' ? r.header : r) as Record<string, unknown>;
  const e = (r.event && typeof r.event === 'object' ? r.event : r) as Record<string, unknown>;
  const operator = (e.operator ?? {}) as Record<string, unknown>;
  const context = (e.context ?? {}) as Record<string, unknown>;
  const action = (e.action ?? {}) as Record<string, unknown>;
  const eventId = header.event_id;
  const operatorId = operator.open_id ?? operator.user_id;
  const messageId = context.open_message_id;
  const chatId = context.open_chat_id;
  if (typeof eventId !== 'string' || typeof operatorId !== 'string' || typeof messageId !== 'string' || typeof chatId !== 'string') return undefined;
  const form = action.form_value && typeof action.form_value === 'object' ? (action.form_value as Record<string, unknown>) : undefined;
  return { eventId, operatorId, messageId, chatId, value: action.value, ...(form ? { formValue: form } : {}) };
}

export function normalizeLark(raw: unknown, options: LarkNormalizeOptions = {}): IncomingMessage | undefined {
  const e = eventOf(raw);
  if (!e) return undefined;
  // Messages from apps (our own replies, other bots) are never answered.
  const senderId = userSender(e, options);
  if (!senderId) return undefined;
  const m = e.message;
  const text = larkMessageText(m.message_type, m.content);
  if (text === undefined) return undefined;
  const mentions = m.mentions ?? [];
  const isBot = (mention: LarkMention) => (options.botOpenId ? mention.id.open_id === options.botOpenId : true);
  const mentionedBot = mentions.some(isBot);
  let stripped = text;
  for (const mention of mentions) {
    stripped = stripped.split(mention.key).join(isBot(mention) ? '' : mention.name);
  }
  const group = m.chat_type !== 'p2p';
  return {
    id: m.message_id,
    platform: 'lark',
    chatId: m.chat_id,
    chatType: group ? 'group' : 'direct',
    senderId,
    text: stripped.replace(/\s+/g, ' ').trim(),
    mentionedBot: group ? mentionedBot : true,
    time: Number(m.create_time) || 0,
  };
}

export const normalize = normalizeLark;
