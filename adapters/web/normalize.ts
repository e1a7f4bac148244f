/**
 * Web requests → core inputs: the ask body → an IncomingMessage for the bot (the page's 我的单位 and 今天 as the
 * message's declared unit and today), ledger query strings → a LedgerFilter, and fastify validation errors →
 * Chinese sentences.
 */
import { randomUUID } from 'node:crypto';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import type { IncomingMessage } from '../../src/model.js';
import type { LedgerFilter } from '../../src/ledger/index.js';

export interface AskBody {
  q: string;
  unit?: string;
  today?: string;
  /**
   * The conversation: an id the page keeps for its browser (localStorage), so that 绑定, follow-ups and 今日摘要
   * belong to that browser. Requests without one share the chat `web`.
   */
  chat?: string;
}

export const CHAT_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';

export const DATE_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';

/** The same, or empty (a field left blank on the page's form means today / no bound). */
export const OPTIONAL_DATE_PATTERN = '^(\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01]))?$';

export function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A direct message from the page's user (the chat id doubles as the sender id: one person per browser). */
export function askMessage(body: AskBody, at: Date = new Date()): IncomingMessage {
  const unit = body.unit?.trim();
  const today = body.today?.trim();
  const chat = body.chat ?? 'web';
  return {
    id: randomUUID(),
    platform: 'web',
    chatId: chat,
    chatType: 'direct',
    senderId: chat,
    text: body.q.replace(/\s+/g, ' ').trim(),
    mentionedBot: true,
    time: at.getTime(),
    ...(unit ? { unit } : {}),
    ...(today ? { today } : {}),
  };
}

/** The ledger's query string: the filter's fields as the page names them (named = namedOnly), plus today. */
export type LedgerQuery = Omit<LedgerFilter, 'namedOnly'> & { named?: boolean; today?: string };

/** Query string → filter: empty values and false flags dropped. */
export function ledgerFilter(q: LedgerQuery): LedgerFilter {
  const { named, today: _today, lead, ...rest } = q;
  const f: LedgerFilter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== '')) as LedgerFilter;
  if (lead) f.lead = true;
  if (named) f.namedOnly = true;
  return f;
}

const FIELD_NAMES: Record<string, string> = {
  q: '问题 q',
  unit: '单位 unit',
  today: '日期 today',
  date: '日期 date',
  chat: '对话 chat',
  from: '开始日期 from',
  to: '结束日期 to',
  status: '状态 status',
  id: '文件编号 id',
  doc: '文件 doc',
  region: '地区 region',
  lead: 'lead',
  named: 'named',
  days: '天数 days',
  platform: '平台 platform',
  token: '下载链接 token',
};

const PART: Record<string, string> = { body: '请求体', querystring: '查询参数', params: '路径参数', headers: '请求头' };

/** A parameter as messages name it: 日期 date. */
export function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? `参数 ${key}`;
}

const TYPES: Record<string, string> = { string: '文字', boolean: 'true 或 false', number: '数字', integer: '整数', object: 'JSON 对象', array: '列表' };

/** Chinese text for ajv errors, each naming its field: 缺少问题 q；日期 today 的格式应为 YYYY-MM-DD. */
export function formatValidation(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const parts = errors.map((e) => {
    const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const params = e.params as Record<string, unknown>;
    const field = path ? fieldName(path) : (PART[dataVar] ?? dataVar);
    switch (e.keyword) {
      case 'required':
        return `缺少${fieldName(String(params['missingProperty']))}`;
      case 'additionalProperties':
        return `不认识的参数 ${String(params['additionalProperty'])}`;
      case 'maxLength':
        return `${field} 过长（最多 ${String(params['limit'])} 个字符）`;
      case 'minLength':
        return `${field} 不能为空`;
      case 'pattern':
      case 'format':
        return ['today', 'date', 'from', 'to'].includes(path.split('.').pop() ?? '') ? `${field} 的格式应为 YYYY-MM-DD（如 2021-09-01）` : `${field} 的格式不正确`;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        return `${field} 应${e.keyword.endsWith('inimum') ? '不小于' : '不大于'} ${String(params['limit'])}`;
      case 'enum':
        return `${field} 应为 ${((params['allowedValues'] as unknown[]) ?? []).filter((v) => v !== '').join('、')} 之一`;
      case 'type':
        return path ? `${field} 应为${(TYPES[String(params['type'])] ?? String(params['type'])).replace(/^(?=[a-z])/, ' ')}` : `${field}应为 JSON 对象`;
      default:
        return `${field} 不正确`;
    }
  });
  return new Error([...new Set(parts)].join('；'));
}
