/**
 * A 浙政钉 inbound-message event → IncomingMessage. Pure.
 * The gateway posts the events registered with /openplatform/message/register_event_callback; the message itself
 * is DingTalk's robot message (专有钉钉 is DingTalk), either as the body's fields or as its `content` (a JSON string
 * when the event is form-encoded):
 *   { msgId, msgtype: 'text' | 'richText', text: { content }, senderId (accountId), senderNick, conversationId,
 *     conversationType: '1' single chat | '2' group, isInAtList, createAt (ms), chatbotUserId }
 * That shape is assumed from DingTalk's robot callback; the gateway's event documentation is not public.
 * A direct message's chat is the sender (answered by work notification); a group's is `group:<conversationId>`.
 */
import type { IncomingMessage } from '../../src/model.js';


export const GROUP_PREFIX = 'group:';

type Fields = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

function parseMaybe(v: unknown): Fields | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Fields;
  if (typeof v !== 'string' || !v.trim().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(v) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Fields) : undefined;
  } catch {
    return undefined;
  }
}

/** The robot message inside an event body, or undefined. */
export function messageOf(body: unknown): Fields | undefined {
  const b = parseMaybe(body);
  if (!b) return undefined;
  const inner = parseMaybe(b.content) ?? parseMaybe(b.data);
  const m = inner && (inner.msgId || inner.msgtype) ? inner : b;
  return str(m.msgId) ? m : undefined;
}

function textOf(m: Fields): string | undefined {
  const type = str(m.msgtype) ?? 'text';
  if (type === 'text') return str(parseMaybe(m.text)?.content) ?? (typeof m.text === 'string' && !m.text.startsWith('{') ? m.text : undefined);
  if (type === 'richText') {
    const rich = parseMaybe(m.content)?.richText ?? parseMaybe(m.richText)?.richTextList;
    return Array.isArray(rich) ? rich.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('') : undefined;
  }
  return undefined;
}

export function normalizeZwdd(body: unknown): IncomingMessage | undefined {
  const m = messageOf(body);
  if (!m) return undefined;
  const sender = str(m.senderId) ?? str(m.senderStaffId) ?? str(m.accountId);
  if (!sender || (str(m.chatbotUserId) && sender === str(m.chatbotUserId))) return undefined;
  const text = textOf(m);
  if (text === undefined) return undefined;
  const conversation = str(m.conversationId);
  const group = str(m.conversationType) === '2' && conversation !== undefined;
  return {
    id: str(m.msgId)!,
    platform: 'zwdd',
    chatId: group ? `${GROUP_PREFIX}${conversation}` : sender,
    chatType: group ? 'group' : 'direct',
    senderId: sender,
    senderName: str(m.senderNick),
    text: text.replace(/\s+/g, ' ').trim(),
    mentionedBot: group ? m.isInAtList !== false && m.isInAtList !== 'false' : true,
    time: Number(m.createAt) || 0,
  };
}

export const normalize = normalizeZwdd;
