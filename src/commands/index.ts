/**
 * Chat commands, tried by the bot before question answering. Each returns an Answer (platform-neutral, Chinese,
 * concise), or undefined when the text is not a command (the bot then answers it as a question).
 *
 *   帮助                     the question help plus these commands
 *   绑定 县财政局             the sender's unit (any alias; an unknown name gets 您是不是要找)
 *   我的任务                 the sender's unit's items (the answer engine with ctx.unit)
 *   本群绑定 县财政局         this chat's unit                       (admins only)
 *   订阅 每天 8:30           this chat's daily digest time           (admins only)
 *   取消订阅                 stop this chat's digest                 (admins only)
 *   今日摘要                 today's digest now
 *   完成 三.1 [备注]          mark an item 已完成 for the sender's unit (only a unit named on the item)
 *   进展 三.1 备注            mark an item 进行中 with a note
 *   台账                     the unit's ledger summary
 */
import type { UnitBindings } from '../bindings.js';
import type { Hit } from '../answer/retrieve.js';
import { itemsByRef } from '../answer/retrieve.js';
import { cnNumber } from '../parse/deadlines.js';
import { renderDigest } from '../digest/render.js';
import type { DigestService } from '../digest/service.js';
import type { LedgerService } from '../ledger/service.js';
import { ledgerAnswer } from '../ledger/unit.js';
import { canonicalUnitName, lookupUnit, resolveStoredUnit } from '../ledger/units.js';
import type { Logger } from '../logger.js';
import type { Answer, AnswerEngine, IncomingMessage, WorkPlan } from '../model.js';
import type { Store } from '../store/index.js';
import { shanghaiDate } from '../time.js';
import { regionOf, unitRefsOf, type ResolvedUnit, type UnitDirectory } from '../units/directory.js';
import type { Admins } from './admins.js';

export { parseAdminIds, type Admins } from './admins.js';

export interface CommandDeps {
  store: Store;
  /** The answerer: answers 我的任务 and 帮助, and gives the plans and the unit directory. */
  engine: AnswerEngine & { plans(): WorkPlan[]; readonly directory: UnitDirectory };
  admins: Admins;
  digests: DigestService;
  ledger: LedgerService;
  logger?: Logger;
  /** Bindings from the UNIT_BINDINGS file, consulted when the store has none for the sender. */
  fallbackBindings?: UnitBindings;
  now?: () => Date;
}

export interface Commands {
  handle(message: IncomingMessage): Promise<Answer | undefined>;
}

export const COMMAND_HELP = [
  '常用命令：',
  '· 绑定 县财政局 — 设置您的单位（之后可问“我局负责哪些任务”）',
  '· 我的任务 — 查看本单位的任务',
  '· 今日摘要 — 本单位今天的逾期、7日内到期和新增任务',
  '· 完成 三.1 [备注] / 进展 三.1 备注 — 登记条目进展（限该条目的责任单位）',
  '· 台账 — 本单位任务台账',
  '· 本群绑定 县财政局 / 订阅 每天 8:30 / 取消订阅 — 设置本群单位和每日摘要（限管理员）',
].join('\n');

const reply = (intent: string, text: string, followUps: string[] = []): Answer => ({ intent, text, citations: [], followUps });

const REFUSAL = '抱歉，只有管理员可以设置本群的单位和每日摘要。如需设置，请联系管理员。';
const NEED_BINDING = '请先发送“绑定 单位名称”绑定您的单位，例如“绑定 旌德县财政局”。';

/** "每天 8:30", "8点半", "下午3点", "08：30" → HH:MM; '' → 08:30; undefined when unreadable. */
export function parseTimeOfDay(text: string): string | undefined {
  let t = text.normalize('NFKC').replace(/\s+/g, '').replace(/^(每天|每日)/, '');
  if (!t) return '08:30';
  let pm = false;
  const period = t.match(/^(早上|上午|早晨|中午|下午|晚上)/);
  if (period) {
    pm = ['下午', '晚上'].includes(period[1] as string);
    t = t.slice((period[1] as string).length);
  }
  const m = t.match(/^(\d{1,2})(?::(\d{2})|点(?:(半)|(\d{1,2})分?|整)?|时(?:(\d{1,2})分?)?)$/);
  if (!m) return undefined;
  let h = Number(m[1]);
  const min = m[3] ? 30 : Number(m[2] ?? m[4] ?? m[5] ?? 0);
  if (pm && h < 12) h += 12;
  if (h > 23 || min > 59) return undefined;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

const ITEM_REF = /^([一二三四五六七八九十]+)(?:[.．、·。]|(?=[（(]))?[（(]?([一二三四五六七八九十]+|\d+)[)）]?$/;

/** 完成 三.1 备注 / 完成 《旌德2021要点》三（一） 备注 → document selector, section, number, note. */
export function parseProgress(rest: string): { doc?: string; section: string; number: string; note: string } | undefined {
  const tokens = rest.normalize('NFKC').trim().split(/\s+/).filter(Boolean);
  // 三（一）written with the document glued on: 《旌德2021要点》三（一）
  const expanded = tokens.flatMap((t) => t.split(/(?<=》)/)).map((t) => t.trim()).filter(Boolean);
  const at = expanded.findIndex((t) => ITEM_REF.test(t));
  if (at < 0) return undefined;
  const m = (expanded[at] as string).match(ITEM_REF) as RegExpMatchArray;
  const doc = expanded.slice(0, at).join('').replace(/[《》]/g, '');
  const n = cnNumber(m[2] as string);
  if (n === null) return undefined;
  return { ...(doc ? { doc } : {}), section: m[1] as string, number: String(n), note: expanded.slice(at + 1).join(' ') };
}

export function createCommands(deps: CommandDeps): Commands {
  const now = deps.now ?? (() => new Date());
  const { store, engine, admins } = deps;
  const log = deps.logger?.child({ component: 'commands' });

  async function senderUnit(m: IncomingMessage): Promise<string | undefined> {
    return (await store.unitOfUser(m.platform, m.senderId)) ?? deps.fallbackBindings?.unitOf(m.platform, m.senderId);
  }
  async function chatUnit(m: IncomingMessage): Promise<string | undefined> {
    return (await store.chat(m.platform, m.chatId))?.unit ?? undefined;
  }
  /** In a group the chat's unit comes first; in a direct chat the sender's. */
  async function contextUnit(m: IncomingMessage): Promise<string | undefined> {
    return m.chatType === 'group' ? ((await chatUnit(m)) ?? (await senderUnit(m))) : ((await senderUnit(m)) ?? (await chatUnit(m)));
  }

  function lookupReply(text: string, forChat: boolean, defaultUnit?: string): Answer | ResolvedUnit & { name: string } {
    const region = defaultUnit ? resolveStoredUnit(engine.directory, defaultUnit)?.region : undefined;
    const r = lookupUnit(engine.directory, text, region);
    const verb = forChat ? '本群绑定' : '绑定';
    if (r.kind === 'found') return { ...r.unit, name: r.name };
    if (r.kind === 'ambiguous') {
      return reply('command', `多个地区都有“${text}”：${r.candidates.join('、')}。请带上地区名，例如“${verb} ${r.candidates[0]}”。`, r.candidates.map((c) => `${verb} ${c}`));
    }
    const guess = r.suggestions.length ? `您是不是要找：${r.suggestions.join('、')}？` : '请检查单位名称，或带上地区名（如“旌德县财政局”）。';
    return reply('command', `没有在已载入的文件中找到单位“${text}”。${guess}`, r.suggestions.map((s) => `${verb} ${s}`));
  }

  async function bind(m: IncomingMessage, text: string): Promise<Answer> {
    if (!text) return reply('command', '请在“绑定”后写上单位名称，例如“绑定 旌德县财政局”。');
    const found = lookupReply(text, false, await chatUnit(m));
    if ('intent' in found) return found;
    await store.bindUser(m.platform, m.senderId, found.name);
    log?.info({ platform: m.platform, user: m.senderId, unit: found.name }, 'user bound');
    return reply('command', `已将您的单位设为${found.name}。现在可以发送“我的任务”“今日摘要”或“我局本月到期的任务”。`, ['我的任务', '今日摘要']);
  }

  async function bindChat(m: IncomingMessage, text: string): Promise<Answer> {
    if (!admins.isAdmin(m.platform, m.senderId)) return reply('command', REFUSAL);
    if (!text) return reply('command', '请在“本群绑定”后写上单位名称，例如“本群绑定 旌德县财政局”。');
    const found = lookupReply(text, true, await senderUnit(m));
    if ('intent' in found) return found;
    await store.setChatUnit(m.platform, m.chatId, found.name, m.senderId);
    const chat = await store.chat(m.platform, m.chatId);
    const sub = chat?.time ? `每日摘要在${chat.time}发送。` : '发送“订阅 每天 8:30”可每天收到本单位的摘要。';
    return reply('command', `本群的单位已设为${found.name}。${sub}`, ['订阅 每天 8:30', '今日摘要']);
  }

  async function subscribe(m: IncomingMessage, text: string): Promise<Answer> {
    if (!admins.isAdmin(m.platform, m.senderId)) return reply('command', REFUSAL);
    const time = parseTimeOfDay(text);
    if (!time) return reply('command', `没看懂时间“${text.trim()}”。请写成“订阅 每天 8:30”（北京时间）。`);
    let unit = await chatUnit(m);
    let note = '';
    if (!unit) {
      unit = await senderUnit(m);
      if (!unit) return reply('command', '请先发送“本群绑定 单位名称”设置本群的单位，再订阅。');
      await store.setChatUnit(m.platform, m.chatId, unit, m.senderId);
      note = `（本群单位按您的绑定设为${unit}）`;
    }
    await store.subscribe(m.platform, m.chatId, time, m.senderId);
    return reply('command', `已订阅：每天${time}（北京时间）在本群发送${unit}的每日要点${note}。发送“取消订阅”可停止。`, ['今日摘要']);
  }

  async function unsubscribe(m: IncomingMessage): Promise<Answer> {
    if (!admins.isAdmin(m.platform, m.senderId)) return reply('command', REFUSAL);
    const had = await store.unsubscribe(m.platform, m.chatId, m.senderId);
    return reply('command', had ? '已取消本群的每日摘要。' : '本群没有订阅每日摘要。');
  }

  async function digestNow(m: IncomingMessage): Promise<Answer> {
    const unit = await contextUnit(m);
    if (!unit) return reply('command', NEED_BINDING);
    const date = shanghaiDate(now());
    try {
      return renderDigest(await deps.digests.digest(unit, date, { platform: m.platform, chatId: m.chatId }));
    } catch {
      return reply('command', `已载入的文件中找不到单位“${unit}”，请重新绑定。`);
    }
  }

  async function myTasks(m: IncomingMessage): Promise<Answer> {
    const unit = (await senderUnit(m)) ?? (await chatUnit(m));
    if (!unit) return reply('command', NEED_BINDING);
    return engine.answer('我局负责哪些任务', { unit, today: shanghaiDate(now()) });
  }

  async function ledger(m: IncomingMessage): Promise<Answer> {
    const unit = await contextUnit(m);
    if (!unit) return reply('command', NEED_BINDING);
    try {
      return ledgerAnswer(await deps.ledger.unitLedger(unit, shanghaiDate(now())));
    } catch {
      return reply('command', `已载入的文件中找不到单位“${unit}”，请重新绑定。`);
    }
  }

  async function progress(m: IncomingMessage, verb: '完成' | '进展', rest: string): Promise<Answer> {
    const usage = verb === '完成' ? '请写成“完成 三.1 备注”（备注可省略）。' : '请写成“进展 三.1 备注”，例如“进展 三.1 已起草方案”。';
    const parsed = parseProgress(rest);
    if (!parsed) return reply('command', `没看懂要登记哪一条。${usage}`);
    if (verb === '进展' && !parsed.note) return reply('command', `请写上进展情况。${usage}`);
    const unitName = await senderUnit(m);
    if (!unitName) return reply('command', `只有条目的责任单位可以登记进展。${NEED_BINDING}`);
    const unit = resolveStoredUnit(engine.directory, unitName);
    if (!unit) return reply('command', `已载入的文件中找不到您的单位“${unitName}”，请重新绑定。`);
    let plans = engine.plans().filter((p) => regionOf(p).name === unit.region.name);
    if (parsed.doc) {
      const sel = parsed.doc;
      plans = plans.filter((p) => p.shortName.includes(sel) || p.title.includes(sel) || p.file.includes(sel) || String(p.year) === sel);
    }
    const hits: Hit[] = itemsByRef(plans, parsed.section, parsed.number);
    const label = `${parsed.section}.${parsed.number}`;
    if (!hits.length) return reply('command', `在${unit.region.name}${parsed.doc ? `《${parsed.doc}》` : ''}的文件中没有找到条目${label}。可发送“台账”查看本单位的条目。`, ['台账']);
    if (hits.length > 1) {
      const docs = hits.map((h) => h.plan.shortName || h.plan.title);
      return reply(
        'command',
        `有${hits.length}份文件都有条目${label}：${docs.map((d) => `《${d}》`).join('、')}。请指明文件，例如“${verb} 《${docs[0]}》${label}${parsed.note ? ` ${parsed.note}` : ''}”。`,
        docs.map((d) => `${verb} 《${d}》${label}`),
      );
    }
    const hit = hits[0] as Hit;
    const region = regionOf(hit.plan);
    const named = unitRefsOf(hit.item).some((r) => r.kind === 'unit' && engine.directory.keyOf(region, r.name) === unit.key);
    const ref = `《${hit.plan.shortName}》${hit.item.id}`;
    if (!named) {
      return reply('command', `抱歉，${ref}的责任单位是${hit.item.units.join('、') || '（未列）'}，不包括${unitName}，只有所列单位的成员可以登记进展。`);
    }
    const status = verb === '完成' ? '已完成' : '进行中';
    const canonical = canonicalUnitName(unit);
    await store.setProgress({ file: hit.plan.file, item: hit.item.id, unit: canonical, status, note: parsed.note || null, by: `${m.platform}:${m.senderId}` });
    log?.info({ platform: m.platform, user: m.senderId, unit: canonical, file: hit.plan.file, item: hit.item.id, status }, 'progress recorded');
    return reply('command', `已登记：${canonical} ${ref} ${hit.item.title} — ${status}${parsed.note ? `（${parsed.note}）` : ''}。`, ['台账']);
  }

  async function help(m: IncomingMessage): Promise<Answer> {
    const base = engine.answer('帮助', { today: shanghaiDate(now()) });
    const unit = await senderUnit(m);
    return { ...base, intent: 'help', text: `${base.text}\n\n${COMMAND_HELP}${unit ? `\n（您已绑定：${unit}）` : ''}` };
  }

  return {
    async handle(m) {
      const text = m.text.normalize('NFKC').trim().replace(/^[/／]/, '').trim();
      let r: RegExpMatchArray | null;
      if (/^(帮助|help|\?|命令)$/i.test(text)) return help(m);
      if ((r = text.match(/^本群绑定\s*(.*)$/))) return bindChat(m, (r[1] as string).trim());
      if ((r = text.match(/^绑定(?:单位)?\s*(.*)$/))) return bind(m, (r[1] as string).trim());
      if (/^我的任务$/.test(text)) return myTasks(m);
      if (/^取消订阅$/.test(text)) return unsubscribe(m);
      if ((r = text.match(/^订阅\s*(.*)$/))) return subscribe(m, r[1] as string);
      if (/^(今日摘要|今日要点|今天摘要)$/.test(text)) return digestNow(m);
      if (/^台账$/.test(text)) return ledger(m);
      if ((r = text.match(/^(完成|进展)(?:\s+(.*))?$/))) return progress(m, r[1] as '完成' | '进展', (r[2] ?? '').trim());
      return undefined;
    },
  };
}
