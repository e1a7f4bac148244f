/**
 * WeCom callback XML → IncomingMessage. Pure.
 * A self-built app's callback carries one encrypted envelope (<xml><ToUserName/><AgentID/><Encrypt/></xml>);
 * decrypted, a text message is
 *   <xml><ToUserName>corp id</ToUserName><FromUserName>userid</FromUserName><CreateTime>seconds</CreateTime>
 *        <MsgType>text</MsgType><Content>…</Content><MsgId>…</MsgId><AgentID>…</AgentID></xml>
 * Messages to an app are one-to-one (the member and the app), so every message is a direct chat whose id is the
 * member's userid. Events (subscribe, enter_agent, menu clicks) and other message types are not questions.
 */
import { XMLParser } from 'fast-xml-parser';
import type { IncomingMessage } from '../../src/model.js';


// Tag values stay strings: MsgId does not fit in a double.
const parser = new XMLParser({ parseTagValue: false, trimValues: true, processEntities: true, ignoreDeclaration: true });

/** The fields of a flat <xml>…</xml> document, or undefined when it is not one. */
export function parseWecomXml(xml: string): Record<string, string> | undefined {
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    return undefined;
  }
  const root = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).xml : undefined;
  if (!root || typeof root !== 'object') return undefined;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === 'string') fields[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') fields[k] = String(v);
  }
  return fields;
}

export interface WecomNormalizeOptions {
  /** The app's AgentId: a message for another app of the corp is not ours. */
  agentId?: number;
}

export function normalizeWecom(input: string | Record<string, string>, options: WecomNormalizeOptions = {}): IncomingMessage | undefined {
  const f = typeof input === 'string' ? parseWecomXml(input) : input;
  if (!f || f.MsgType !== 'text') return undefined;
  const sender = f.FromUserName;
  const id = f.MsgId;
  if (!sender || !id || f.Content === undefined) return undefined;
  if (options.agentId !== undefined && f.AgentID !== undefined && f.AgentID !== '' && Number(f.AgentID) !== options.agentId) return undefined;
  return {
    id,
    platform: 'wecom',
    chatId: sender,
    chatType: 'direct',
    senderId: sender,
    text: f.Content.replace(/\s+/g, ' ').trim(),
    mentionedBot: true,
    time: (Number(f.CreateTime) || 0) * 1000,
  };
}

export const normalize = normalizeWecom;
