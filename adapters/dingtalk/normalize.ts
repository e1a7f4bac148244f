/**
 * DingTalk robot message (Stream topic /v1.0/im/bot/messages/get, or the outgoing-robot HTTP callback body)
 * → IncomingMessage. Pure.
 */
import type { IncomingMessage } from '../../src/model.js';

export interface DingtalkRobotMessage {
  conversationId: string;
  /** "1" single chat, "2" group. */
  conversationType: string;
  conversationTitle?: string;
  chatbotCorpId?: string;
  chatbotUserId: string;
  msgId: string;
  msgtype: string;
  text?: { content: string };
  /** richText parts, or a file's download code and name (msgtype file). */
  content?: { richText?: { text?: string; type?: string }[]; downloadCode?: string; fileName?: string };
  senderNick?: string;
  senderId: string;
  senderStaffId?: string;
  senderCorpId?: string;
  isAdmin?: boolean;
  isInAtList?: boolean;
  atUsers?: { dingtalkId: string; staffId?: string }[];
  sessionWebhook: string;
  sessionWebhookExpiredTime: number;
  createAt: number;
  robotCode?: string;
}

/** Where and whom to answer: the message's session webhook and the asker's staff id. */
export interface DingtalkReplyTarget {
  sessionWebhook: string;
  expiresAt: number;
  atUserId?: string;
}

export function isRobotMessage(raw: unknown): raw is DingtalkRobotMessage {
  if (!raw || typeof raw !== 'object') return false;
  const r = raw as Record<string, unknown>;
  return typeof r.msgId === 'string' && typeof r.conversationId === 'string' && typeof r.senderId === 'string';
}

function textOf(m: DingtalkRobotMessage): string | undefined {
  if (m.msgtype === 'text') return m.text?.content;
  if (m.msgtype === 'richText') return (m.content?.richText ?? []).map((p) => p.text ?? '').join('');
  return undefined;
}

export function normalizeDingtalk(raw: unknown): IncomingMessage | undefined {
  if (!isRobotMessage(raw)) return undefined;
  if (raw.senderId === raw.chatbotUserId) return undefined;
  const text = textOf(raw);
  if (text === undefined) return undefined;
  const group = raw.conversationType === '2';
  return {
    id: raw.msgId,
    platform: 'dingtalk',
    chatId: raw.conversationId,
    chatType: group ? 'group' : 'direct',
    // Bindings use the staff id (员工 userId) where the platform gives one.
    senderId: raw.senderStaffId || raw.senderId,
    senderName: raw.senderNick,
    // DingTalk removes the robot's @name from the content; a group message reaches the robot only when @-ed.
    text: text.replace(/\s+/g, ' ').trim(),
    mentionedBot: group ? raw.isInAtList !== false : true,
    time: Number(raw.createAt) || 0,
  };
}

/** A file a user sent the robot (msgtype file): the message (text empty) and its download code. */
export function normalizeDingtalkFile(raw: unknown): { message: IncomingMessage; downloadCode: string; fileName: string } | undefined {
  if (!isRobotMessage(raw) || raw.msgtype !== 'file' || raw.senderId === raw.chatbotUserId) return undefined;
  const code = raw.content?.downloadCode;
  const name = raw.content?.fileName;
  if (typeof code !== 'string' || typeof name !== 'string') return undefined;
  const group = raw.conversationType === '2';
  return {
    message: { id: raw.msgId, platform: 'dingtalk', chatId: raw.conversationId, chatType: group ? 'group' : 'direct', senderId: raw.senderStaffId || raw.senderId, senderName: raw.senderNick, text: '', mentionedBot: !group, time: Number(raw.createAt) || 0 },
    downloadCode: code,
    fileName: name,
  };
}

/** Is the session webhook on DingTalk's own host (DINGTALK_OAPI_BASE)? Anything else is refused: never POST answers elsewhere. */
export function trustedSessionWebhook(url: string, oapiBase: string): boolean {
  try {
    const u = new URL(url);
    const base = new URL(oapiBase);
    return u.protocol === base.protocol && u.host === base.host && !u.username && !u.password;
  } catch {
    return false;
  }
}

export function replyTarget(raw: DingtalkRobotMessage): DingtalkReplyTarget {
  return { sessionWebhook: raw.sessionWebhook, expiresAt: Number(raw.sessionWebhookExpiredTime) || 0, atUserId: raw.senderStaffId || undefined };
}

export const normalize = normalizeDingtalk;
