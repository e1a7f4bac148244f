/**
 * Chat commands, tried by the bot before question answering: a table of (pattern, permission, handler). A new
 * command is one entry; 帮助 lists the entries in table order. Each handler returns a platform-neutral Chinese
 * Answer; text that matches no entry falls through to question answering.
 */
import type { Hit } from '../answer/retrieve.js';
import { itemsByRef } from '../answer/retrieve.js';
import type { UnitBindings } from '../bindings.js';
import type { CommandHandler, Turn } from '../bot.js';
import type { DigestService } from '../digest/service.js';
import { renderDigest } from '../digest/render.js';
import { isYaodianError } from '../errors.js';
import type { LedgerService } from '../ledger/service.js';
import { ledgerAnswer } from '../ledger/unit.js';
import { canonicalUnitName, lookupUnit, resolveStoredUnit } from '../ledger/units.js';
import type { Catalog } from '../library.js';
import type { Logger } from '../logger.js';
import type { Answer, AnswerEngine, IncomingMessage } from '../model.js';
import type { Store } from '../store/index.js';
import { addDays } from '../time.js';
import { regionOf, unitRefsOf, type ResolvedUnit } from '../units/directory.js';
import type { Admins } from './admins.js';
import { parseProgress, parseTimeOfDay } from './parse.js';

export { parseAdminIds, type Admins } from './admins.js';
export { parseProgress, parseTimeOfDay } from './parse.js';

export interface CommandDeps {
  /** Chat subscriptions and progress records. */
  store: Pick<Store, 'chat' | 'subscribe' | 'unsubscribe' | 'setProgress' | 'digestLog'>;
  /** The loaded plans and their unit directory. */
  catalog: Catalog;
  /** Answers 我的任务 and the question part of 帮助. */
  engine: AnswerEngine;
  units: UnitBindings;
  digests: DigestService;
  ledger: LedgerService;
  admins: Admins;
  logger?: Logger;
}

/** What a handler gets: the message, the day, and the text after the command word. */
export interface CommandCall {
  message: IncomingMessage;
  today: string;
  args: string;
}

export interface CommandSpec {
  /** Matched against the text (NFKC, trimmed, a leading / dropped); group 1, when present, is the argument. */
  pattern: RegExp;
  /** admin: ADMIN_IDS only; anyone else gets a polite refusal. */
  permission: 'anyone' | 'admin';
  /** How 帮助 shows it: [example, what it does]; omitted: not listed. */
  help?: [string, string];
  run(call: CommandCall): Promise<Answer>;
}

export interface Commands extends CommandHandler {
  readonly table: readonly CommandSpec[];
}

const reply = (intent: string, text: string, followUps: string[] = []): Answer => ({ intent, text, citations: [], followUps });

const REFUSAL = '抱歉，只有管理员可以设置本群的单位和每日摘要。如需设置，请联系管理员。';
const NEED_BINDING = '请先发送“绑定 单位名称”绑定您的单位，例如“绑定 旌德县财政局”。';
const gone = (unit: string) => `已载入的文件中找不到单位“${unit}”，请重新绑定。`;

/** 帮助's list of commands, from the table. */
export function commandHelp(table: readonly CommandSpec[]): string {
  const lines = table.filter((c) => c.help).map((c) => `· ${c.help![0]} — ${c.help![1]}${c.permission === 'admin' ? '（限管理员）' : ''}`);
  return ['常用命令：', ...lines].join('\n');
}

export function createCommands(deps: CommandDeps): Commands {
  const { store, catalog, engine, units, admins } = deps;
  const log = deps.logger?.child({ component: 'commands' });

  function lookupReply(text: string, forChat: boolean, defaultUnit?: string): Answer | (ResolvedUnit & { name: string }) {
    const region = defaultUnit ? resolveStoredUnit(catalog.directory, defaultUnit)?.region : undefined;
    const r = lookupUnit(catalog.directory, text, region);
    const verb = forChat ? '本群绑定' : '绑定';
    if (r.kind === 'found') return { ...r.unit, name: r.name };
    if (r.kind === 'ambiguous') {
      return reply('command', `多个地区都有“${text}”：${r.candidates.join('、')}。请带上地区名，例如“${verb} ${r.candidates[0]}”。`, r.candidates.map((c) => `${verb} ${c}`));
    }
    const guess = r.suggestions.length ? `您是不是要找：${r.suggestions.join('、')}？` : '请检查单位名称，或带上地区名（如“旌德县财政局”）。';
    return reply('command', `没有在已载入的文件中找到单位“${text}”。${guess}`, r.suggestions.map((s) => `${verb} ${s}`));
  }

  /** A unit the message declared (web, cli) may be mistyped: say what is wrong; a bound one has gone from the plans. */
  function unitProblem(m: IncomingMessage, unit: string, e: unknown): Answer {
    if (!isYaodianError(e) || !e.user) throw e;
    return reply('command', m.unit === unit ? e.message : gone(unit));
  }

  async function bind({ message: m, args }: CommandCall): Promise<Answer> {
    if (!args) return reply('command', '请在“绑定”后写上单位名称，例如“绑定 旌德县财政局”。');
    const found = lookupReply(args, false, await units.chatUnit(m));
    if ('intent' in found) return found;
    await units.bindSender(m, found.name);
    log?.info({ platform: m.platform, user: m.senderId, unit: found.name }, 'user bound');
    return reply('command', `已将您的单位设为${found.name}。现在可以发送“我的任务”“今日摘要”或“我局本月到期的任务”。`, ['我的任务', '今日摘要']);
  }

  async function bindChat({ message: m, args }: CommandCall): Promise<Answer> {
    if (!args) return reply('command', '请在“本群绑定”后写上单位名称，例如“本群绑定 旌德县财政局”。');
    const found = lookupReply(args, true, await units.senderUnit(m));
    if ('intent' in found) return found;
    await units.bindChat(m, found.name);
    const chat = await store.chat(m.platform, m.chatId);
    const sub = chat?.time ? `每日摘要在${chat.time}发送。` : '发送“订阅 每天 8:30”可每天收到本单位的摘要。';
    return reply('command', `本群的单位已设为${found.name}。${sub}`, ['订阅 每天 8:30', '今日摘要']);
  }

  async function subscribe({ message: m, args }: CommandCall): Promise<Answer> {
    const time = parseTimeOfDay(args);
    if (!time) return reply('command', `没看懂时间“${args.trim()}”。请写成“订阅 每天 8:30”（北京时间）。`);
    let unit = await units.chatUnit(m);
    let note = '';
    if (!unit) {
      unit = await units.senderUnit(m);
      if (!unit) return reply('command', '请先发送“本群绑定 单位名称”设置本群的单位，再订阅。');
      await units.bindChat(m, unit);
      note = `（本群单位按您的绑定设为${unit}）`;
    }
    await store.subscribe(m.platform, m.chatId, time, m.senderId);
    return reply('command', `已订阅：每天${time}（北京时间）在本群发送${unit}的每日要点${note}。发送“取消订阅”可停止。`, ['今日摘要']);
  }

  async function unsubscribe({ message: m }: CommandCall): Promise<Answer> {
    const had = await store.unsubscribe(m.platform, m.chatId, m.senderId);
    return reply('command', had ? '已取消本群的每日摘要。' : '本群没有订阅每日摘要。');
  }

  async function digestNow({ message: m, today }: CommandCall): Promise<Answer> {
    const unit = await units.contextUnit(m);
    if (!unit) return reply('command', NEED_BINDING);
    try {
      return renderDigest(await deps.digests.digest(unit, today, { platform: m.platform, chatId: m.chatId }));
    } catch (e) {
      return unitProblem(m, unit, e);
    }
  }

  async function myTasks({ message: m, today }: CommandCall): Promise<Answer> {
    const unit = (await units.senderUnit(m)) ?? (await units.chatUnit(m));
    if (!unit) return reply('command', NEED_BINDING);
    return engine.answer('我局负责哪些任务', { unit, today });
  }

  async function ledger({ message: m, today }: CommandCall): Promise<Answer> {
    const unit = await units.contextUnit(m);
    if (!unit) return reply('command', NEED_BINDING);
    try {
      return ledgerAnswer(await deps.ledger.unitLedger(unit, today));
    } catch (e) {
      return unitProblem(m, unit, e);
    }
  }

  const progress = (verb: '完成' | '进展') =>
    async function record({ message: m, args }: CommandCall): Promise<Answer> {
      const usage = verb === '完成' ? '请写成“完成 三.1 备注”（备注可省略）。' : '请写成“进展 三.1 备注”，例如“进展 三.1 已起草方案”。';
      const parsed = parseProgress(args);
      if (!parsed) return reply('command', `没看懂要登记哪一条。${usage}`);
      if (verb === '进展' && !parsed.note) return reply('command', `请写上进展情况。${usage}`);
      const unitName = await units.senderUnit(m);
      if (!unitName) return reply('command', `只有条目的责任单位可以登记进展。${NEED_BINDING}`);
      const unit = resolveStoredUnit(catalog.directory, unitName);
      if (!unit) return reply('command', `已载入的文件中找不到您的单位“${unitName}”，请重新绑定。`);
      let plans = catalog.plans().filter((p) => regionOf(p).name === unit.region.name);
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
      const named = unitRefsOf(hit.item).some((r) => r.kind === 'unit' && catalog.directory.keyOf(region, r.name) === unit.key);
      const ref = `《${hit.plan.shortName}》${hit.item.id}`;
      if (!named) {
        return reply('command', `抱歉，${ref}的责任单位是${hit.item.units.join('、') || '（未列）'}，不包括${unitName}，只有所列单位的成员可以登记进展。`);
      }
      const status = verb === '完成' ? '已完成' : '进行中';
      const canonical = canonicalUnitName(unit);
      await store.setProgress({ file: hit.plan.file, item: hit.item.id, unit: canonical, status, note: parsed.note || null, by: `${m.platform}:${m.senderId}` });
      log?.info({ platform: m.platform, user: m.senderId, unit: canonical, file: hit.plan.file, item: hit.item.id, status }, 'progress recorded');
      return reply('command', `已登记：${canonical} ${ref} ${hit.item.title} — ${status}${parsed.note ? `（${parsed.note}）` : ''}。`, ['台账']);
    };

  /** 推送记录: the last three days' digest pushes that failed or are uncertain, and how many went out. */
  async function pushLog({ today }: CommandCall): Promise<Answer> {
    const rows = await store.digestLog({ from: addDays(today, -2), to: today });
    const sent = rows.filter((r) => r.state === 'sent').length;
    const trouble = rows.filter((r) => r.state === 'failed' || r.state === 'uncertain');
    const head = `最近三天每日摘要推送：共${rows.length}条，已发送${sent}条，失败${rows.filter((r) => r.state === 'failed').length}条，状态不确定${rows.filter((r) => r.state === 'uncertain').length}条。`;
    if (!trouble.length) return reply('command', rows.length ? head : '最近三天没有每日摘要推送记录。');
    const lines = trouble.slice(0, 10).map((r) => `· ${r.date} ${r.platform} ${r.chatId}（${r.unit ?? '未绑定'}）${r.state === 'failed' ? '失败' : '状态不确定'}：${r.errorCode ? `[${r.errorCode}] ` : ''}${r.error ?? ''}`);
    if (trouble.length > 10) lines.push(`另有${trouble.length - 10}条，请在网页“推送”页查看。`);
    return reply('command', [head, ...lines, '失败的会在当天自动重试；状态不确定的请确认群里是否收到，再在网页“推送”页重发。'].join('\n'));
  }

  async function help({ message: m, today }: CommandCall): Promise<Answer> {
    const base = engine.answer('帮助', { today });
    const unit = await units.senderUnit(m);
    return { ...base, intent: 'help', text: `${base.text}\n\n${commandHelp(table)}${unit ? `\n（您已绑定：${unit}）` : ''}` };
  }

  const table: CommandSpec[] = [
    { pattern: /^(?:帮助|help|\?|命令)$/i, permission: 'anyone', run: help },
    { pattern: /^绑定(?:单位)?\s*(.*)$/, permission: 'anyone', help: ['绑定 县财政局', '设置您的单位（之后可问“我局负责哪些任务”）'], run: bind },
    { pattern: /^我的任务$/, permission: 'anyone', help: ['我的任务', '查看本单位的任务'], run: myTasks },
    { pattern: /^(?:今日摘要|今日要点|今天摘要)$/, permission: 'anyone', help: ['今日摘要', '本单位今天的逾期、7日内到期和新增任务'], run: digestNow },
    { pattern: /^完成(?:\s+(.*))?$/, permission: 'anyone', help: ['完成 三.1 [备注]', '把条目登记为已完成（限该条目的责任单位）'], run: progress('完成') },
    { pattern: /^进展(?:\s+(.*))?$/, permission: 'anyone', help: ['进展 三.1 备注', '登记条目的进展（限该条目的责任单位）'], run: progress('进展') },
    { pattern: /^台账$/, permission: 'anyone', help: ['台账', '本单位任务台账'], run: ledger },
    { pattern: /^本群绑定\s*(.*)$/, permission: 'admin', help: ['本群绑定 县财政局', '设置本群的单位'], run: bindChat },
    { pattern: /^订阅\s*(.*)$/, permission: 'admin', help: ['订阅 每天 8:30', '每天在本群发送本单位的每日摘要'], run: subscribe },
    { pattern: /^取消订阅$/, permission: 'admin', help: ['取消订阅', '停止本群的每日摘要'], run: unsubscribe },
    { pattern: /^推送(?:记录|情况)$/, permission: 'admin', help: ['推送记录', '最近三天每日摘要推送的失败和状态不确定的记录'], run: pushLog },
  ];

  return {
    table,
    async handle(message: IncomingMessage, turn: Turn) {
      const text = message.text.normalize('NFKC').trim().replace(/^[/／]/, '').trim();
      for (const spec of table) {
        const match = text.match(spec.pattern);
        if (!match) continue;
        if (spec.permission === 'admin' && !admins.isAdmin(message.platform, message.senderId)) return reply('command', REFUSAL);
        return spec.run({ message, today: turn.today, args: (match[1] ?? '').trim() });
      }
      return undefined;
    },
  };
}
