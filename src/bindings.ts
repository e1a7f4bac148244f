/**
 * Which unit a user or a chat belongs to: the one answer to 我局 / 本单位 / 本群 for the bot and its commands.
 *   sender   the unit the message itself declares (the web page's 我的单位, the console's --unit; the bot passes
 *            it on for those platforms only), else the sender's 绑定 in the store, else the UNIT_BINDINGS file;
 *   chat     the chat's 本群绑定 in the store;
 *   context  what 今日摘要 and 台账 work for: in a group the chat's unit, then the sender's; in a direct chat the
 *            sender's, then the chat's.
 * The UNIT_BINDINGS file: { "lark": { "ou_123": "青田县财政局" }, "dingtalk": { "manager01": "义乌市数管中心" } }
 * or flat: { "lark:ou_123": "青田县财政局" }.
 */
import { readFileSync } from 'node:fs';
import { YaodianError } from './errors.js';
import type { IncomingMessage } from './model.js';
import type { Store } from './store/index.js';

export interface UnitBindings {
  senderUnit(m: IncomingMessage): Promise<string | undefined>;
  chatUnit(m: IncomingMessage): Promise<string | undefined>;
  contextUnit(m: IncomingMessage): Promise<string | undefined>;
  /** 绑定: the sender's unit (canonical name). */
  bindSender(m: IncomingMessage, unit: string): Promise<void>;
  /** 本群绑定: the chat's unit (canonical name). */
  bindChat(m: IncomingMessage, unit: string): Promise<void>;
}

export type BindingsStore = Pick<Store, 'unitOfUser' | 'bindUser' | 'chat' | 'setChatUnit'>;

/** Bindings kept in the store, with the UNIT_BINDINGS file (`platform:userId` → unit) under them. */
export function createBindings(store: BindingsStore, file: Record<string, string> = {}): UnitBindings {
  const senderUnit = async (m: IncomingMessage) => m.unit ?? (await store.unitOfUser(m.platform, m.senderId)) ?? file[`${m.platform}:${m.senderId}`];
  const chatUnit = async (m: IncomingMessage) => (await store.chat(m.platform, m.chatId))?.unit ?? undefined;
  return {
    senderUnit,
    chatUnit,
    async contextUnit(m) {
      return m.chatType === 'group' ? ((await chatUnit(m)) ?? (await senderUnit(m))) : ((await senderUnit(m)) ?? (await chatUnit(m)));
    },
    bindSender: (m, unit) => store.bindUser(m.platform, m.senderId, unit),
    bindChat: (m, unit) => store.setChatUnit(m.platform, m.chatId, unit, m.senderId),
  };
}

export function parseBindings(json: unknown, source = 'UNIT_BINDINGS'): Record<string, string> {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new YaodianError('CONFIG', `${source}：应为 JSON 对象，例如 {"lark": {"ou_123": "青田县财政局"}}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string') out[key] = value;
    else if (value && typeof value === 'object') {
      for (const [user, unit] of Object.entries(value)) {
        if (typeof unit !== 'string') throw new YaodianError('CONFIG', `${source}：${key}.${user} 的单位应为字符串`);
        out[`${key}:${user}`] = unit;
      }
    } else throw new YaodianError('CONFIG', `${source}：${key} 的值应为单位名称或对象`);
  }
  return out;
}

/** The UNIT_BINDINGS file as `platform:userId` → unit; no path, no bindings. */
export function readBindingsFile(path: string | undefined): Record<string, string> {
  if (!path) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new YaodianError('CONFIG', `UNIT_BINDINGS：无法读取 ${path}（${cause instanceof Error ? cause.message : String(cause)}）`);
  }
  return parseBindings(json, `UNIT_BINDINGS（${path}）`);
}
