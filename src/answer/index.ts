/**
 * The answerer: plans in, answers out. Builds the unit directory, the tokenizer dictionary and the search index
 * from the plans, keeps them in step as plans are added or removed, and answers one question at a time.
 */
import type { Answer, Citation, Region, WorkPlan } from '../model.js';
import { ItemIndex } from '../search/index.js';
import { GOV_TERMS, Tokenizer } from '../search/tokenizer.js';
import { readAliasFile } from '../units/aliases.js';
import { shanghaiDate } from '../time.js';
import { isCategoryName } from '../units/categories.js';
import { UnitDirectory, fullUnitName, regionOf, type ResolvedUnit } from '../units/directory.js';
import { answer, citationOf, listText } from './compose.js';
import { detectIntent, type Intent } from './intents.js';
import { categoryItems, deadlineItems, itemsByRef, plansInScope, sectionItems, topicItems, unitItems, type Hit } from './retrieve.js';

export interface AnswererOptions {
  /** Admin jieba user dictionary. */
  userDictPath?: string;
  /** Admin alias file (JSON or text, see units/aliases.ts). */
  aliasPath?: string;
  /** Alias groups given directly: [region or '*', names]. */
  aliasGroups?: [string, string[]][];
  /** Items listed in full in a reply (default 5). */
  maxListed?: number;
  /** Topic answers cite at most this many items (default 10). */
  maxTopic?: number;
  /** The clock, for 本月/下周/逾期 when a question carries no `today`. */
  now?: () => Date;
}

export interface AskContext {
  /** The asker's unit (what 我局 means): 青田县财政局. */
  unit?: string;
  /** YYYY-MM-DD that 本月, 下周, 逾期 are relative to. */
  today?: string;
}

export interface Answerer {
  answer(question: string, ctx?: AskContext): Answer;
  addPlan(plan: WorkPlan): void;
  removePlan(file: string): boolean;
  plans(): WorkPlan[];
  readonly index: ItemIndex;
  readonly directory: UnitDirectory;
  readonly tokenizer: Tokenizer;
}

/** A topic hit must hold at least this weighted share of the question's words. */
const MIN_COVER = 0.5;

const HELP_TEXT = [
  '我是要点助手，可以回答关于已载入工作要点的问题，每条回答都注明出处：',
  '· 单位任务：“鹿城区司法局负责哪些任务”“青田县司法局牵头哪些工作”，设置单位后可问“我局负责哪些任务”',
  '· 主题查询：“依申请公开有什么要求”“政务新媒体怎么管理”',
  '· 时限查询：“旌德县2021年9月底前要完成哪些任务”“本月到期的任务”“逾期的任务”',
  '· 文件与条目：“有哪些文件”“青田要点第三部分讲什么”“浙江省要点二（三）是什么”',
].join('\n');

export function createAnswerer(initial: WorkPlan[], options: AnswererOptions = {}): Answerer {
  const groups = [...(options.aliasGroups ?? []), ...(options.aliasPath ? readAliasFile(options.aliasPath) : [])];
  const directory = new UnitDirectory(groups);
  const tokenizer = new Tokenizer(options.userDictPath ? { userDictPath: options.userDictPath } : {});
  const index = new ItemIndex(tokenizer);
  const plans = new Map<string, WorkPlan>();
  const max = options.maxListed ?? 5;
  const maxTopic = options.maxTopic ?? 10;

  function addPlan(plan: WorkPlan): void {
    plans.set(plan.file, plan);
    directory.addPlan(plan);
    tokenizer.addWords(directory.words());
    index.addPlan(plan);
  }
  // Directory first for every plan, so the dictionary knows all unit names before any item is indexed.
  for (const p of initial) {
    plans.set(p.file, p);
    directory.addPlan(p);
  }
  tokenizer.addWords(directory.words());
  for (const p of initial) index.addPlan(p);

  function removePlan(file: string): boolean {
    const had = plans.delete(file);
    directory.removePlan(file);
    index.removePlan(file);
    return had;
  }

  const all = () => [...plans.values()];
  const scopeText = (i: Intent) => [i.regions.map((r) => r.name).join('、'), i.year ? `${i.year}年` : ''].filter(Boolean).join(' ');

  function suggestTerms(text: string): string[] {
    const chars = new Set(text);
    return GOV_TERMS.map((t) => ({ t, s: [...new Set(t)].filter((c) => chars.has(c)).length / t.length }))
      .filter((x) => x.s >= 0.5 && !text.includes(x.t))
      .sort((a, b) => b.s - a.s)
      .slice(0, 3)
      .map((x) => x.t);
  }

  function noMatch(intent: Intent, what: string, region?: Region): Answer {
    // Without a region the same local name stands in several documents: name each with its region.
    const near = intent.name === 'topic' ? [] : directory.nearest(what, region);
    const units = [...new Set(near.map((u) => (region ? (u.names[0] as string) : fullUnitName(u.region, u.names[0] as string))))];
    const terms = units.length ? [] : suggestTerms(what);
    const guess = [...units, ...terms];
    const text = [`没有在已载入的文件中找到与“${what}”相关的内容。`, guess.length ? `您是不是要找：${guess.join('、')}？` : '可以换个说法，或发送“帮助”查看我能回答的问题。'].join('');
    return answer(intent.name === 'topic' ? 'no_match' : intent.name, text, [], guess.map((g) => (units.includes(g) ? `${g}负责哪些任务` : `${g}有什么要求`)));
  }

  function unitAnswer(intent: Intent, ctx: AskContext): Answer {
    if (!intent.unit) return answer('unit', '请先告诉我您的单位（例如在设置中填写“青田县财政局”），我才能知道“我局”指哪个单位。', [], ['鹿城区司法局负责哪些任务']);
    const defaultRegion = intent.regions[0];
    let resolved = directory.resolve(intent.unit, defaultRegion);
    if (intent.self && ctx.unit && !resolved.length) resolved = directory.resolve(ctx.unit);
    const known = resolved.filter((r) => r.entry);
    const scope = plansInScope(all(), { regions: [], ...(intent.year ? { year: intent.year } : {}) });
    if (!known.length) {
      // A category asked by name (各行政机关有哪些任务): the items assigned to it, in its region.
      for (const r of resolved.length ? resolved : [undefined]) {
        const name = r?.local ?? intent.unit;
        const hits = isCategoryName(name) ? categoryItems(scope, name, r?.region.name ?? intent.regions[0]?.name) : [];
        if (hits.length) {
          const citations = hits.map((h) => citationOf(h));
          const where = r?.region.name ?? '';
          return answer('category_tasks', `${where}由“${name}”承担的任务共${citations.length}项（这是一类单位，涉及该类的每个单位）：\n${listText(citations, max, '，可用 --json 查看全部引用。')}`, citations, []);
        }
      }
      const first = resolved[0];
      const counted = first ? unitItems(directory, scope, first).categories.length : 0;
      const base = noMatch(intent, intent.unit, first?.region);
      const extra = counted ? `另有${counted}项由各类别单位（如各行政机关、有关单位）承担，可能也涉及该单位。` : '';
      return answer('unit', base.text + extra, [], base.followUps);
    }
    return unitResult(intent, known, scope);
  }

  function unitResult(intent: Intent, units: ResolvedUnit[], scope: WorkPlan[]): Answer {
    const named: Hit[] = [];
    const cats: Hit[] = [];
    const catNames = new Set<string>();
    let notLeading = 0;
    for (const u of units) {
      const r = unitItems(directory, scope, u, intent.leadOnly);
      named.push(...r.named);
      notLeading += r.notLeading.length;
      for (const c of r.categories) {
        cats.push(c.hit);
        c.names.forEach((n) => catNames.add(n));
      }
    }
    const label = units.map((u) => `${u.region.name}${u.entry?.names[0] ?? u.local}`.replace(/^(.+?)(县|区|市|省)\2/, '$1$2')).join('、');
    const verb = intent.leadOnly ? '牵头' : '负责或参与';
    const citations = named.map((h) => citationOf(h));
    const lines: string[] = [];
    if (citations.length) lines.push(`${label}${verb}的任务共${citations.length}项：`, listText(citations, max, '，可用 --json 或在网页端查看全部引用。'));
    else lines.push(`没有找到${label}${verb}的任务。`);
    if (intent.leadOnly && notLeading) lines.push(`另有${notLeading}项该单位参与但不牵头，可问“${label}负责哪些任务”查看。`);
    if (units.length > 1) lines.push('（多个地区有同名单位，可在单位前加上地区名缩小范围。）');
    if (cats.length) {
      const names = [...catNames].slice(0, 3).join('、');
      lines.push(`另有${cats.length}项由${names}等类别承担，也涉及本单位（未列入引用）。`);
    }
    return answer(intent.leadOnly ? 'unit_lead' : 'unit_tasks', lines.join('\n'), citations, [`${label}牵头哪些工作`, '本月到期的任务']);
  }

  function deadlineAnswer(intent: Intent, today: string, ctx: AskContext): Answer {
    const range = intent.deadline!;
    let scope = plansInScope(all(), intent);
    let hits = deadlineItems(scope, range, today);
    let who = range.label.includes(`${intent.year}年`) ? intent.regions.map((r) => r.name).join('、') : scopeText(intent);
    if (intent.unit) {
      const resolved = directory.resolve(intent.unit, intent.regions[0]).filter((r) => r.entry);
      if (!resolved.length) return noMatch(intent, intent.unit);
      scope = plansInScope(all(), { regions: [], ...(intent.year ? { year: intent.year } : {}) });
      const mine = new Set<string>();
      for (const u of resolved) for (const h of unitItems(directory, scope, u, intent.leadOnly).named) mine.add(`${h.plan.file}#${h.item.id}`);
      hits = deadlineItems(scope, range, today).filter((h) => mine.has(`${h.plan.file}#${h.item.id}`));
      who = intent.self && ctx.unit ? ctx.unit : intent.unit;
    }
    const citations = hits.map((h) => citationOf(h));
    const when = range.overdue ? `截至${today}已过期限` : range.monthOnly ? range.label : range.label;
    const rel = range.monthOnly
      ? '（未写年份，按各文件的工作年度计）'
      : range.overdue || /本|下|天|周/.test(range.label)
        ? `（以${today}为今天）`
        : '';
    const head = `${who ? `${who} ` : ''}${when}的任务`;
    const text = citations.length
      ? `${head}共${citations.length}项${rel}：\n${listText(citations, max, '，可缩小到某个地区或单位查看。')}`
      : `没有找到${head}${rel}。只有写明日期的时限会被计算，“持续推进”不计入。`;
    return answer('deadline', text, citations, ['逾期的任务', '本月到期的任务']);
  }

  function topicAnswer(intent: Intent): Answer {
    const scope = plansInScope(all(), intent);
    if (!scope.length) return answer('topic', `没有找到${scopeText(intent)}的文件。发送“有哪些文件”查看已载入的文件。`, [], ['有哪些文件']);
    const terms = intent.terms || '';
    if (!tokenizer.cut(terms).length) {
      // Nothing but a place, a year or question words: an overview of those plans, or help.
      if (!intent.regions.length && !intent.year) return answer('help', HELP_TEXT, [], ['有哪些文件']);
      const lines = scope.map((p) => `《${p.shortName || p.title}》${p.title}，共${p.sections.length}部分${p.items.length}项：${p.sections.map((x) => `${x.number}、${x.title}`).join('；')}`);
      return answer('documents', lines.join('\n'), [], scope.slice(0, 1).map((p) => `${regionOf(p).short}要点第一部分讲什么`));
    }
    const hits = topicItems(index, tokenizer, scope, terms, maxTopic * 2, scope.length === plans.size).filter((h) => (h.cover ?? 0) >= MIN_COVER);
    if (!hits.length) {
      const base = noMatch(intent, terms.trim());
      if (scope.length === all().length) return base;
      // Nothing here, but maybe in the other documents: say where, without citing outside the asked scope.
      const elsewhere = topicItems(index, tokenizer, all(), terms, 5).filter((h) => (h.cover ?? 0) >= MIN_COVER);
      if (!elsewhere.length) return base;
      const docs = [...new Set(elsewhere.map((h) => h.plan.shortName || h.plan.title))].slice(0, 3);
      return answer(
        'no_match',
        `${scopeText(intent)}的文件中没有找到与“${terms.trim()}”相关的任务；${docs.map((d) => `《${d}》`).join('、')}中有相关内容，去掉地区或年份再问即可。`,
        [],
        [terms.trim()],
      );
    }
    const words = tokenizer.cut(terms);
    const citations = hits.slice(0, maxTopic).map((h) => citationOf(h, words));
    const text = `关于“${terms.trim()}”${scopeText(intent) ? `（${scopeText(intent)}）` : ''}，最相关的任务：\n${listText(citations, max, '相关度较低，可加上地区或年份缩小范围。')}`;
    return answer('topic', text, citations, citations.slice(0, 2).map((c) => `${c.doc.replace(/\s.*$/, '')}${c.ref}是什么`));
  }

  function documentsAnswer(): Answer {
    const list = all();
    if (!list.length) return answer('documents', '还没有载入任何文件。', [], []);
    const lines = list.map(
      (p, i) => `${i + 1}. 《${p.shortName || p.title}》${p.title}${p.docNumber ? `（${p.docNumber}）` : ''}，${p.sections.length}个部分、${p.items.length}项任务`,
    );
    return answer('documents', `已载入${list.length}份文件：\n${lines.join('\n')}`, [], list.slice(0, 2).map((p) => `${regionOf(p).short}要点第一部分讲什么`));
  }

  function outlineAnswer(intent: Intent): Answer {
    const scope = plansInScope(all(), intent);
    const hits = sectionItems(scope, intent.section as string);
    if (!hits.length) {
      const outline = scope.slice(0, 3).map((p) => `《${p.shortName}》共${p.sections.length}部分：${p.sections.map((s) => `${s.number}、${s.title}`).join('；')}`);
      return answer('outline', [`没有找到第${intent.section}部分。`, ...outline].join('\n'), [], []);
    }
    const parts = new Map<string, Hit[]>();
    for (const h of hits) parts.set(h.plan.file, [...(parts.get(h.plan.file) ?? []), h]);
    const blocks: string[] = [];
    for (const hs of parts.values()) {
      const p = (hs[0] as Hit).plan;
      const sec = p.sections.find((s) => s.number === intent.section);
      blocks.push(`《${p.shortName}》第${intent.section}部分“${sec?.title ?? ''}”共${hs.length}项：\n${listText(hs.map((h) => citationOf(h)), max, '。')}`);
    }
    const note = parts.size > 1 ? '\n（多份文件都有这一部分，可加上地区名，如“青田要点第三部分”。）' : '';
    return answer('outline', blocks.join('\n') + note, hits.map((h) => citationOf(h)), []);
  }

  function itemAnswer(intent: Intent): Answer {
    const scope = plansInScope(all(), intent);
    const hits = itemsByRef(scope, intent.section, intent.printed as string);
    if (!hits.length) return answer('item', `没有找到这一条${scopeText(intent) ? `（${scopeText(intent)}）` : ''}。可以先问“有哪些文件”或“第一部分讲什么”。`, [], ['有哪些文件']);
    const citations = hits.map((h) => citationOf(h));
    const blocks = hits.slice(0, 3).map((h, i) => {
      const c = citations[i] as Citation;
      const body = h.item.body.replace(/\s+/g, '');
      return `《${c.doc}》${c.ref} ${c.title}\n责任单位：${c.units.join('、') || '未列'}${c.leadUnits.length ? `（牵头：${c.leadUnits.join('、')}）` : ''}\n${c.deadlines.length ? `时限：${c.deadlines.join('、')}` : '未列完成时限'}\n原文：${body.length > 200 ? `${body.slice(0, 199)}…` : body}`;
    });
    if (hits.length > 3) blocks.push(`另有${hits.length - 3}份文件有同号条目，可加上地区名。`);
    return answer('item', blocks.join('\n\n'), citations, []);
  }

  function answerOne(question: string, ctx: AskContext = {}): Answer {
    const today = ctx.today ?? shanghaiDate(options.now ? options.now() : new Date());
    const intent = detectIntent(question, directory, today, ctx.unit);
    switch (intent.name) {
      case 'help':
        return answer('help', HELP_TEXT, [], ['有哪些文件', '依申请公开有什么要求']);
      case 'documents':
        return documentsAnswer();
      case 'outline':
        return outlineAnswer(intent);
      case 'item':
        return itemAnswer(intent);
      case 'deadline':
        return deadlineAnswer(intent, today, ctx);
      case 'unit':
        return unitAnswer(intent, ctx);
      default:
        return topicAnswer(intent);
    }
  }

  return { answer: answerOne, addPlan, removePlan, plans: all, index, directory, tokenizer };
}
