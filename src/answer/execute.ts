/**
 * Executing a Query: documents in scope, then every filter in turn over their items (units and role, items with no
 * unit, deadline range, outline position, topic), then what was asked for (list, count, ranking, one item in full,
 * who is responsible, facts, outline). Every filter composes with every other. Pure: plans, indexes and today in.
 */
import type { Alignment } from '../align/index.js';
import { levelOf } from '../align/relation.js';
import type { Answer, Citation, Item, Region, WorkPlan } from '../model.js';
import type { Query, UnitSlot } from '../query/schema.js';
import { isCategoryName } from '../units/categories.js';
import { fullUnitName, regionOf, unitRefsOf, type ResolvedUnit, type UnitDirectory } from '../units/directory.js';
import { answer, citationOf, itemRef, listText, unitsLine } from './compose.js';
import { categoryItems, deadlineItems, plansInScope, printedCore, unitItems, type Hit } from './retrieve.js';
import { topicHits, topicPlan, type TopicDeps, type TopicPlan, type TopicResult } from './topic.js';

export interface ExecDeps extends TopicDeps {
  plans: WorkPlan[];
  /** 对标 of two plans (cached by the engine). */
  align?: (a: WorkPlan, b: WorkPlan) => Alignment;
  directory: UnitDirectory;
  /** Items listed in full in a reply. */
  maxListed: number;
  /** Topic answers cite at most this many items. */
  maxTopic: number;
  /** The items for a topic over a list of plans, as remembered by the engine for this version of the plans. */
  hitsOf?: (topic: TopicPlan, plans: WorkPlan[], scoped: boolean) => TopicResult;
}

const hitsFor = (deps: ExecDeps, topic: TopicPlan, plans: WorkPlan[], scoped: boolean): TopicResult =>
  deps.hitsOf ? deps.hitsOf(topic, plans, scoped) : topicHits(topic, deps, plans, scoped);

export interface ExecContext {
  today: string;
  /** The asker's own unit (我局). */
  unit?: string;
  /** The previous reply's citations (`file#item`): 这条 is its first. */
  previousCitations?: string[];
  /** The latest list the chat was shown: 第三条 in a follow-up is its third line. */
  previousList?: string[];
}

export const HELP_TEXT = [
  '我是要点助手，可以回答关于已载入工作要点的问题，每条回答都注明出处：',
  '· 主题：“依申请公开有什么要求”“有人在网上造谣怎么办”“政务新媒体怎么管理”',
  '· 单位：“鹿城区司法局负责哪些任务”“青田县司法局牵头哪些工作”，绑定单位后可问“我局配合的工作有哪些”',
  '· 时限：“旌德县9月底前要完成哪些任务”“本月到期的”“三季度到期的”“逾期的任务”',
  '· 统计：“青田县大数据中心有几项任务”“旌德县哪个单位任务最多”“义乌市府办和数管中心都参与的任务”',
  '· 文件与条目：“有哪些文件”“青田要点第三部分”“浙江省要点二（三）是什么”“鹿城第16条”“青田要点是哪天印发的”',
  '· 接着问：“那义乌呢”“牵头的呢”“第三条的责任单位是谁”',
].join('\n');

const key = (h: Hit) => `${h.plan.file}#${h.item.id}`;
const docLabel = (p: WorkPlan) => `《${p.shortName || p.title}》`;

/** A unit slot resolved: the units it can mean (several regions = ambiguous), or why not. */
interface SlotUnits {
  slot: UnitSlot;
  units: ResolvedUnit[];
  /** A class of bodies asked by name (县直有关单位). */
  category?: { name: string; region?: string };
}

export function execute(q: Query, deps: ExecDeps, ctx: ExecContext, topic?: TopicPlan): Answer {
  const max = deps.maxListed;
  switch (q.want) {
    case 'help':
      return answer('help', HELP_TEXT, [], ['有哪些文件', '依申请公开有什么要求']);
    case 'out_of_scope':
      return answer('no_match', `这个问题不在已载入的工作要点范围内，我只回答工作要点里的任务、单位和时限。\n${HELP_TEXT.split('\n').slice(1, 4).join('\n')}`, [], ['帮助']);
    case 'documents':
      return documentsAnswer(deps.plans);
    default:
      break;
  }
  if (q.unknownRegion && !q.regions.length) {
    return answer('no_match', `没有载入${q.unknownRegion}的工作要点，无法回答。发送“有哪些文件”查看已载入的文件。`, [], ['有哪些文件']);
  }
  const scope = plansInScope(deps.plans, q);
  if (!scope.length) {
    const where = [q.regions.join('、'), q.year ? `${q.year}年` : ''].filter(Boolean).join(' ');
    return answer('no_match', `没有找到${where}的工作要点。发送“有哪些文件”查看已载入的文件。`, [], ['有哪些文件']);
  }
  // Built on first use only (a reply spanning regions): most questions never need it, and scope may be every plan.
  let fileRegion: Map<string, string> | undefined;
  const regionOfFile = (f: string) => (fileRegion ??= new Map(scope.map((p) => [p.file, regionOf(p).name]))).get(f);
  if (q.want === 'facts') return factsAnswer(q, scope);
  if (q.want === 'compare' && q.compare && deps.align) return compareAnswer(q, deps, ctx);
  if (q.want === 'outline' && !q.ref) return outlineAnswer(latest(scope));

  // Units: each slot's candidate units; a name standing in several regions is read in the asker's region.
  const slots: SlotUnits[] = [];
  const notes: string[] = [];
  for (const slot of q.units) {
    // 我们办公室没有专人… from someone whose unit is not known: answer the topic, and say how to narrow it.
    if (slot.self && !ctx.unit && q.topic) {
      notes.push('（设置您的单位后，可以只看本单位的任务：在群里发送“绑定 单位全称”。）');
      continue;
    }
    const r = resolveSlot(slot, q, deps.directory, ctx);
    if ('reply' in r) return r.reply;
    slots.push(r);
  }
  const ambiguous = slots.find((s) => new Set(s.units.map((u) => u.region.name)).size > 1);

  // Items: every filter narrows the candidates; \`undefined\` stands for every item in scope (built only if needed).
  let hits: Hit[] | undefined;
  const narrow = (next: Hit[]) => {
    if (!hits) hits = next;
    else {
      const keep = new Set(next.map(key));
      hits = hits.filter((h) => keep.has(key(h)));
    }
  };
  let catCount = 0;
  const catNames = new Set<string>();
  let otherRole = 0;
  if (slots.length) {
    const sets = slots.map((s) => {
      if (s.category) return categoryItems(scope, s.category.name, s.category.region);
      const found = new Map<string, Hit>();
      for (const u of s.units) {
        const r = unitItems(deps.directory, scope, u, q.role);
        r.named.forEach((h) => found.set(key(h), h));
        otherRole += r.notLeading.length;
        for (const c of r.categories) {
          catCount++;
          c.names.forEach((n) => catNames.add(n));
        }
      }
      return [...found.values()];
    });
    const first = sets[0] as Hit[];
    const keys = sets.map((set) => new Set(set.map(key)));
    const union = new Map<string, Hit>();
    for (const set of sets) for (const h of set) union.set(key(h), h);
    narrow(q.unitJoin === 'all' ? first.filter((h) => keys.every((k) => k.has(key(h)))) : inDocumentOrder([...union.values()]));
  }
  if (q.noUnit) narrow((hits ?? allItems(scope)).filter((h) => !unitRefsOf(h.item).length));
  if (q.deadline) {
    const dated = deadlineItems(scope, q.deadline, ctx.today);
    const within = hits ? new Set(hits.map(key)) : undefined;
    hits = within ? dated.filter((h) => within.has(key(h))) : dated;
  }
  if (q.ref) {
    const r = refHits(q, scope, hits, ctx);
    if (typeof r === 'string') return answer('item', r, [], ['有哪些文件']);
    hits = r;
  }
  let words: string[] = [];
  let partial = false;
  const filtered = slots.length > 0 || !!q.deadline || !!q.ref || !!q.noUnit;
  if (topic && topic.concepts.length) {
    const found = hitsFor(deps, topic, scope, scope.length < deps.plans.length || filtered);
    const ranked = found.hits;
    partial = found.partial && ranked.length > 0;
    words = topic.words;
    if (filtered) {
      const all = hits ?? [];
      const inSet = new Set(all.map(key));
      const narrowed = ranked.filter((h) => inSet.has(key(h)));
      if (narrowed.length) hits = narrowed;
      else if (all.length) notes.push(`其中没有与“${q.topic}”直接相关的，以下是全部${all.length}项。`);
    } else hits = ranked.slice(0, deps.maxTopic);
    if (!hits?.length) return noTopic(q, deps, topic);
  } else if (q.topic && !filtered && q.want !== 'rank' && q.want !== 'count') {
    return noTopic(q, deps, topic);
  }
  const found: Hit[] = hits ?? allItems(scope);

  const citations = found.map((h) => citationOf(h, words));
  const head = headerOf(q, slots, ctx);
  switch (q.want) {
    case 'rank': {
      const left = new Set<string>();
      for (const slot of q.except ?? []) {
        const r = resolveSlot(slot, q, deps.directory, ctx);
        if (!('reply' in r)) r.units.forEach((u) => left.add(u.key));
      }
      return rankAnswer(q, found, left, deps, head.subject);
    }
    case 'count': {
      const lines = [`${countLine(head, q, slots, citations.length, scope)}${citations.length ? '：' : '。'}`];
      if (citations.length) lines.push(listText(citations, max, '，可在网页端查看全部。'));
      if (catCount && slots.length === 1) lines.push(`另有${catCount}项由${[...catNames].slice(0, 3).join('、')}等类别承担，也涉及本单位（未计入）。`);
      return finish(answer('count', lines.join('\n'), citations, []), notes, ambiguous, regionOfFile);
    }
    case 'units':
      return unitsAnswer(citations, q, head.subject);
    case 'progress':
    case 'agenda': {
      // The ledger completes the figures (recorded progress is in the store): say which items and which unit.
      const one = slots.length === 1 && slots[0]?.units.length === 1 ? slots[0].units[0] : undefined;
      const unit = one ? fullUnitName(one.region, one.entry?.names[0] ?? one.local) : undefined;
      const a = answer(q.want, `${countLine(head, q, slots, citations.length, scope)}：\n${listText(citations, max, '。')}`, citations, []);
      a.scope = { items: citations.map((c) => `${c.file}#${c.item}`), ...(unit && one ? { unit, unitKey: one.key } : {}) };
      return finish(a, notes, ambiguous, regionOfFile);
    }
    case 'export': {
      // 导出成表格: the same items as the list would give, as ledger rows in a spreadsheet.
      if (!citations.length) return answer('export', `没有找到${head.subject || scopeLabel(scope)}的任务，没有可导出的内容。`, [], []);
      const name = `${(head.subject || scopeLabel(scope)).replace(/[\\/:*?"<>|\s]+/g, '')}任务台账.xlsx`;
      const unit = slots.length === 1 && slots[0]?.units.length === 1 ? fullUnitName(slots[0].units[0]!.region, slots[0].units[0]!.entry?.names[0] ?? slots[0].units[0]!.local) : undefined;
      const a = answer('export', `已导出${citations.length}项任务到表格《${name}》（含责任单位、时限、状态和登记的进展）。\n${listText(citations, 3, '，详见表格。')}`, citations, []);
      a.file = { name, items: citations.map((c) => `${c.file}#${c.item}`), ...(unit ? { unit } : {}) };
      return finish(a, notes, ambiguous, regionOfFile);
    }
    case 'detail':
      return finish(detailAnswer(citations, found, q), notes, ambiguous, regionOfFile);
    default:
      break;
  }

  // A list.
  if (!citations.length) {
    const why = slots.length && q.role === 'lead' && otherRole ? `另有${otherRole}项该单位参与但不牵头，可问“${head.subject}负责哪些任务”查看。` : '';
    const when = q.deadline && !q.deadline.ongoing ? '只有写明日期的时限会被计算，“持续推进”的任务可问“有哪些持续推进的任务”。' : '';
    const cats = catCount ? `另有${catCount}项由${[...catNames].slice(0, 3).join('、')}等类别承担，也涉及本单位。` : '';
    return finish(answer(intentOf(q), `没有找到${head.subject || scopeLabel(scope)}${roleWord(q, slots)}的任务。${why}${when}${cats}`, [], ['有哪些文件']), notes, ambiguous, regionOfFile);
  }
  const lines: string[] = [];
  if (topic?.concepts.length && !filtered) {
    const where = q.regions.length || q.year ? `（${scopeLabel(scope)}）` : '';
    if (partial) {
      const held = [...new Set(found.flatMap((h) => h.matched))].slice(0, 3).join('、');
      lines.push(`工作要点中没有与“${q.topic}”完全对应的内容${where}；与“${held}”相关的任务：`);
    } else lines.push(`关于“${q.topic}”${where}，最相关的任务：`);
  } else {
    lines.push(`${countLine(head, q, slots, citations.length, scope)}：`);
  }
  if (q.ref?.section && !q.ref.item && !q.ref.fromEnd) {
    const plan = found[0]?.plan;
    const sec = plan?.sections.find((s) => s.number === found[0]?.item.section);
    if (plan && sec) lines[0] = `${docLabel(plan)}第${sec.number}部分“${sec.title}”共${citations.length}项：`;
  }
  // Side by side, each region's items under its name: two places asked on one topic (义乌和青田在依申请公开上各有
  // 什么要求), or one unit name found in several regions (县财政局负责哪些任务, before the question back).
  const regionsShown = q.regions.length >= 2 && topic?.concepts.length ? q.regions : ambiguous ? [...new Set(ambiguous.units.map((u) => u.region.name))] : [];
  const inRegion = (region: string) => citations.filter((c) => regionOfFile(c.file) === region);
  if (regionsShown.filter((r) => inRegion(r).length).length >= 2) {
    const ordered: Citation[] = [];
    for (const region of regionsShown) {
      const mine = inRegion(region);
      if (mine.length) lines.push(`${region}（${mine.length}项）：`, listText(mine, max, '。', !!topic?.concepts.length, ordered.length + 1));
      else if (q.regions.length >= 2) lines.push(`${region}：没有相关的任务。`);
      ordered.push(...mine.slice(0, max));
    }
    // The citations in the order shown (those beyond each group's first `max` after them).
    citations.splice(0, citations.length, ...ordered, ...citations.filter((c) => !ordered.includes(c)));
  } else lines.push(listText(citations, max, '，可在网页端或用 --json 查看全部。', !!topic?.concepts.length));
  if (slots.length && q.role === 'lead' && otherRole) lines.push(`另有${otherRole}项该单位参与但不牵头。`);
  if (catCount && q.want === 'list' && slots.length === 1) lines.push(`另有${catCount}项由${[...catNames].slice(0, 3).join('、')}等类别承担，也涉及本单位（未列入引用）。`);
  if (slots.some((s) => s.category)) lines.push('（这是一类单位，所列任务涉及该类的每个单位。）');
  return finish(answer(slots.some((s) => s.category) ? 'category_tasks' : intentOf(q), lines.join('\n'), citations, followUpsOf(q, citations)), notes, ambiguous, regionOfFile);
}

/** Notes and the question back for an ambiguous unit, appended to a reply. */
function finish(a: Answer, notes: string[], ambiguous: SlotUnits | undefined, regionOfFile: (file: string) => string | undefined): Answer {
  const extra = [...notes];
  // Ask back only when the answer really spans the regions (a region with no matching item settles nothing).
  const cited = new Set(a.citations.map((c) => c.file));
  const spanning = ambiguous?.units.filter((u) => [...cited].some((f) => regionOfFile(f) === u.region.name)) ?? [];
  if (ambiguous && new Set(spanning.map((u) => u.region.name)).size > 1) {
    const regions = [...new Set(spanning.map((u) => u.region.name))];
    const local = ambiguous.units[0]?.entry?.names[0] ?? ambiguous.slot.text;
    extra.push(`（${regions.length}个地区都有“${local}”，以上按地区分列。）您问的是哪个地区的${local.replace(/^[县区市省]/, '')}：${regions.join(' / ')}？`);
    a.followUps = regions.map((r) => r);
  }
  if (extra.length) a.text = `${a.text}\n${extra.join('\n')}`;
  return a;
}

function intentOf(q: Query): string {
  if (q.ref) return q.ref.section && !q.ref.item && !q.ref.fromEnd ? 'outline' : 'item';
  if (q.units.length) return q.role === 'lead' ? 'unit_lead' : 'unit_tasks';
  if (q.deadline) return 'deadline';
  if (q.topic) return 'topic';
  return 'list';
}

function followUpsOf(q: Query, citations: Citation[]): string[] {
  if (q.topic && !q.units.length) return citations.slice(0, 2).map((c) => `${c.doc.replace(/\s.*$/, '')}${c.ref}是什么`);
  if (q.units.length) return ['牵头的呢', '本月到期的'];
  return [];
}

/** 按“旌德县 · 县数据资源局 · 9月30日前”: the slots that narrowed the answer, as the user can check them. */
/**
 * What narrowed the answer, as the user can check it: the subject (青田县大数据中心, 义乌市府办和数管中心, 旌德县) and the
 * slots for the first line (按“旌德县 · 县数据资源局 · 9月30日前”查找).
 */
interface Header {
  subject: string;
  parts: string[];
  /** How many kinds of slot narrowed it (place or units, role, year, 未列单位, deadline). */
  kinds: number;
}

function headerOf(q: Query, slots: SlotUnits[], ctx: ExecContext): Header {
  const regions = new Set<string>(q.regions);
  const locals: string[] = [];
  const fulls = slots.map((s) => {
    if (s.category) {
      if (s.category.region) regions.add(s.category.region);
      locals.push(s.category.name);
      return `${s.category.region ?? ''}${s.category.name}`;
    }
    const u = s.units[0];
    if (!u) {
      const t = s.slot.self ? (ctx.unit ?? s.slot.text) : s.slot.text;
      locals.push(t);
      return t;
    }
    const name = u.entry?.names[0] ?? u.local;
    const several = new Set(s.units.map((x) => x.region.name)).size > 1;
    if (!several) regions.add(u.region.name);
    locals.push(name);
    return several ? name : fullUnitName(u.region, name);
  });
  const subject = fulls.length ? fulls.join(q.unitJoin === 'all' ? '和' : '、') : [...regions].join('、');
  const parts = [...regions, ...locals];
  let kinds = parts.length ? 1 : 0;
  const add = (p: string) => {
    parts.push(p);
    kinds++;
  };
  if (q.role !== 'any' && slots.length) add(q.role === 'lead' ? '牵头' : '配合');
  if (q.year) add(`${q.year}年`);
  if (q.noUnit) add('未列责任单位');
  if (q.deadline) add(q.deadline.label);
  return { subject: `${subject}${q.deadline && !slots.length ? q.deadline.label : ''}`, parts, kinds };
}

/** 牵头 / 配合 / 都参与 / 负责或参与: how the units take part in the items listed. */
function roleWord(q: Query, slots: SlotUnits[]): string {
  if (!slots.length) return '';
  const role = q.role === 'lead' ? '牵头' : q.role === 'support' ? '配合' : '';
  if (q.unitJoin === 'all' && slots.length > 1) return role ? `都${role}` : '都参与';
  return role || '负责或参与';
}

/** The first line of a list or a count: 按“…”查找 when several slots narrowed it, then the number. */
function countLine(h: Header, q: Query, slots: SlotUnits[], n: number, scope: WorkPlan[]): string {
  const what = `${h.subject || scopeLabel(scope)}${roleWord(q, slots)}的任务`;
  return h.kinds >= 2 ? `按“${h.parts.join(' · ')}”查找，共${n}项` : `${what}共${n}项`;
}

function scopeLabel(scope: WorkPlan[]): string {
  const regions = [...new Set(scope.map((p) => regionOf(p).name))];
  return regions.length <= 3 ? regions.join('、') : `${regions.length}个地区`;
}

function resolveSlot(slot: UnitSlot, q: Query, dir: UnitDirectory, ctx: ExecContext): SlotUnits | { reply: Answer } {
  if (slot.self) {
    if (!ctx.unit) {
      return { reply: answer('unit', '请先告诉我您的单位（在群里发送“绑定 青田县财政局”，或在设置中填写单位），我才能知道“我局”指哪个单位。', [], ['鹿城区司法局负责哪些任务']) };
    }
    const own = dir.resolve(ctx.unit).filter((r) => r.entry);
    if (!own.length) return { reply: answer('unit', `已载入的文件中没有找到您的单位“${ctx.unit}”的任务。`, [], ['有哪些文件']) };
    return { slot, units: own };
  }
  const regions = q.regions.map((n) => dir.findRegion(n)).filter((r): r is Region => !!r);
  let units: ResolvedUnit[] = [];
  if (slot.region) units = dir.resolve(slot.text).filter((r) => r.entry);
  else if (regions.length) units = regions.flatMap((r) => dir.resolve(slot.text, r)).filter((r) => r.entry);
  else units = dir.resolve(slot.text).filter((r) => r.entry);
  // The asker's region settles a name found in several.
  if (new Set(units.map((u) => u.region.name)).size > 1 && ctx.unit) {
    const home = dir.resolve(ctx.unit).find((r) => r.entry)?.region.name;
    const mine = units.filter((u) => u.region.name === home);
    if (mine.length) units = mine;
  }
  if (units.length) return { slot, units };
  const local = slot.region && slot.text.startsWith(slot.region) ? slot.text.slice(slot.region.length) : slot.text;
  if (isCategoryName(local)) return { slot, units: [], category: { name: local, ...(slot.region ? { region: slot.region } : regions[0] ? { region: regions[0].name } : {}) } };
  // Not a known unit: the nearest names, each with its region.
  const region = slot.region ? dir.findRegion(slot.region) : regions[0];
  const near = dir.nearest(local, region);
  const names = [...new Set(near.map((u) => (region ? (u.names[0] as string) : fullUnitName(u.region, u.names[0] as string))))];
  const text = `没有在已载入的文件中找到“${slot.text}”的任务。${names.length ? `您是不是要找：${names.join('、')}？` : '可以发送“有哪些文件”查看已载入的文件。'}`;
  return { reply: answer('unit', text, [], names.map((n) => `${n}负责哪些任务`)) };
}

/** Every item of the plans, in document order. */
function allItems(scope: WorkPlan[]): Hit[] {
  return scope.flatMap((plan) => plan.items.map((item) => ({ plan, item, score: 1, matched: [] as string[] })));
}

/** Hits in the order of the plans and of the items inside each. */
function inDocumentOrder(hits: Hit[]): Hit[] {
  const planOrder = new Map<WorkPlan, number>();
  for (const h of hits) if (!planOrder.has(h.plan)) planOrder.set(h.plan, planOrder.size);
  return hits.sort((a, b) => (planOrder.get(a.plan) as number) - (planOrder.get(b.plan) as number) || a.plan.items.indexOf(a.item) - b.plan.items.indexOf(b.item));
}

/** Items by outline position, inside the hits left by the other filters (all of the scope when none narrowed). */
function refHits(q: Query, scope: WorkPlan[], hits: Hit[] | undefined, ctx: ExecContext): Hit[] | string {
  const ref = q.ref!;
  const byKey = new Map((hits ?? []).map((h) => [key(h), h]));
  const allowed = (plan: WorkPlan, item: Item): Hit | undefined => (hits ? byKey.get(`${plan.file}#${item.id}`) : { plan, item, score: 1, matched: [] });
  const fromKey = (k: string): Hit | undefined => {
    if (hits) return byKey.get(k);
    const hash = k.lastIndexOf('#');
    const plan = scope.find((p) => p.file === k.slice(0, hash));
    const item = plan?.items.find((it) => it.id === k.slice(hash + 1));
    return plan && item ? { plan, item, score: 1, matched: [] } : undefined;
  };
  // 这条 / 它: the item the previous reply was about.
  if (ref.current) {
    const k = ctx.previousCitations?.[0];
    const h = k ? fromKey(k) : undefined;
    return h ? [h] : '不知道“这条”指哪一项，请说出条目，例如“青田要点三（一）”。';
  }
  // 第三条 in a follow-up: the third line of the latest list.
  if (ref.bare && ref.item && ctx.previousList?.length && !ref.section) {
    const k = ctx.previousList[ref.item - 1];
    const h = k ? fromKey(k) : undefined;
    if (h) return [h];
    return `上面只列了${ctx.previousList.length}项，没有第${ref.item}条。`;
  }
  const out: Hit[] = [];
  for (const plan of scope) {
    const sections = plan.sections.map((s) => s.number);
    const section = ref.section === 'last' ? sections[sections.length - 1] : ref.section;
    const items = section ? plan.items.filter((it) => it.section === section) : plan.items;
    let chosen = items;
    if (ref.fromEnd) chosen = items.slice(-ref.fromEnd, items.length - ref.fromEnd + 1);
    else if (ref.item) {
      const n = ref.item;
      // 第16条 in a document numbered 1…20 straight through: the printed number; else the n-th item.
      const printed = items.find((it) => printedCore(it.printed) === String(n));
      const byPrinted = ref.printed ? items.find((it) => printedCore(it.printed) === ref.printed) : undefined;
      const nth = items[n - 1];
      const one = byPrinted ?? (ref.bare ? (printed ?? nth) : (nth ?? printed));
      chosen = [one, ...(ref.also ?? []).map((k) => items[k - 1])].filter((it): it is Item => !!it);
    }
    for (const item of chosen) {
      const h = allowed(plan, item);
      if (h) out.push(h);
    }
  }
  if (!out.length) {
    const what = ref.section ? `第${ref.section === 'last' ? '最后一' : ref.section}部分${ref.item ? `第${ref.item}条` : ref.fromEnd ? '最后一项' : ''}` : `第${ref.item ?? ref.fromEnd}条`;
    return `没有找到${scopeLabel(scope)}要点的${what}。可以先问“有哪些文件”或“${regionOf(scope[0] as WorkPlan).short}要点第一部分”。`;
  }
  return out;
}

function detailAnswer(citations: Citation[], hits: Hit[], q: Query): Answer {
  const blocks = hits.slice(0, 3).map((h, i) => {
    const c = citations[i] as Citation;
    const body = h.item.body.replace(/\s+/g, '');
    return [
      `${docLabel(h.plan)}${c.ref} ${c.title}`,
      `责任单位：${c.units.length ? unitsLine(c) : '未列'}`,
      c.deadlines.length ? `时限：${c.deadlines.join('、')}` : '未列完成时限',
      `原文：${body.length > 300 ? `${body.slice(0, 299)}…` : body}`,
    ].join('\n');
  });
  if (hits.length > 3) blocks.push(`另有${hits.length - 3}份文件有同号条目，可加上地区名，如“${regionOf((hits[0] as Hit).plan).short}${q.ref?.section ?? ''}”。`);
  return answer('item', blocks.join('\n\n'), citations, []);
}

function unitsAnswer(citations: Citation[], q: Query, head: string): Answer {
  if (!citations.length) return answer('units', `没有找到相关的任务${head ? `（${head}）` : ''}。`, [], []);
  // Who is in charge: leads first, then the others, each with how many of the matched items name them.
  const count = new Map<string, { n: number; lead: number }>();
  for (const c of citations.slice(0, q.ref ? citations.length : 10)) {
    const region = c.doc;
    for (const u of c.units) {
      const k = `${u}|${region}`;
      const cur = count.get(k) ?? { n: 0, lead: 0 };
      cur.n++;
      if (c.leadUnits.includes(u)) cur.lead++;
      count.set(k, cur);
    }
  }
  const lines: string[] = [];
  if (q.ref || citations.length === 1) {
    for (const c of citations.slice(0, 3)) {
      lines.push(`《${c.doc}》${c.ref} ${c.title}`);
      lines.push(`责任单位：${c.units.length ? unitsLine(c) : '未列责任单位'}${c.deadlines.length ? `；时限：${c.deadlines.join('、')}` : ''}`);
    }
    return answer('units', lines.join('\n'), citations, []);
  }
  // The items the topic is really about: near the best score, at most one per document first.
  const top = citations[0]?.score ?? 0;
  const docs = new Set<string>();
  const shown = citations
    .filter((c) => {
      const firstOfDoc = !docs.has(c.file);
      docs.add(c.file);
      return c.score >= top * 0.6 || (firstOfDoc && c.score >= top * 0.3);
    })
    .slice(0, 8);
  const byDoc = new Map<string, Citation[]>();
  for (const c of shown) byDoc.set(c.doc, [...(byDoc.get(c.doc) ?? []), c]);
  lines.push(`负责“${q.topic ?? ''}”相关任务的单位（牵头单位在前）：`);
  for (const [doc, cs] of byDoc) {
    const leads = [...new Set(cs.flatMap((c) => c.leadUnits))];
    const others = [...new Set(cs.flatMap((c) => c.units))].filter((u) => !leads.includes(u));
    const names = [...leads.map((u) => `${u}（牵头）`), ...others];
    lines.push(`《${doc}》${cs.map((c) => c.ref).join('、')}：${names.length ? names.slice(0, 8).join('、') : '未列责任单位'}`);
  }
  return answer('units', lines.join('\n'), shown, []);
}

function rankAnswer(q: Query, hits: Hit[], except: Set<string>, deps: ExecDeps, head: string): Answer {
  // Count items per named unit (categories apart), in the items left by the other filters.
  const tally = new Map<string, { label: string; hits: Hit[] }>();
  for (const h of hits) {
    const region = regionOf(h.plan);
    const seen = new Set<string>();
    for (const r of unitRefsOf(h.item)) {
      if (r.kind !== 'unit') continue;
      if (q.role === 'lead' && !r.lead) continue;
      const k = deps.directory.keyOf(region, r.name);
      if (seen.has(k) || except.has(k)) continue;
      seen.add(k);
      const entry = deps.directory.get(k);
      const label = fullUnitName(region, entry?.names[0] ?? r.name);
      const cur = tally.get(k) ?? { label, hits: [] };
      cur.hits.push(h);
      tally.set(k, cur);
    }
  }
  const ranked = [...tally.values()].sort((a, b) => b.hits.length - a.hits.length || a.label.localeCompare(b.label, 'zh'));
  if (!ranked.length) return answer('rank', `没有找到${head || '这些文件'}中写明单位的任务。`, [], []);
  const order = q.least ? [...ranked].reverse() : ranked;
  const top = order[0] as { label: string; hits: Hit[] };
  const tied = order.filter((r) => r.hits.length === top.hits.length);
  const citations = [...new Map(tied.flatMap((t) => t.hits).map((h) => [key(h), h])).values()].map((h) => citationOf(h));
  const lines = [
    `${head}任务${q.least ? '最少' : '最多'}的单位是${tied.map((t) => t.label).join('、')}，共${top.hits.length}项（不含“县直有关单位”“各行政机关”等类别）。`,
    '各单位任务数：',
    ...order.slice(0, 10).map((r, i) => `${i + 1}. ${r.label} ${r.hits.length}项`),
  ];
  if (order.length > 10) lines.push(`另有${order.length - 10}个单位。`);
  if (except.size) lines.splice(1, 0, `（已按要求不计${(q.except ?? []).map((u) => u.text).join('、')}。）`);
  lines.push(`${tied.map((t) => t.label).join('、')}的任务：`, listText(citations, deps.maxListed, '，可在网页端查看全部。'));
  return answer('rank', lines.join('\n'), citations, [`${tied[0]?.label ?? ''}负责哪些任务`]);
}

/** The plan a 对标 side names: a region's latest (or the asked year's), or the loaded plan of a level (@省). */
function sidePlan(name: string, plans: WorkPlan[], other: WorkPlan | undefined, year?: number): WorkPlan | undefined {
  const latest = (ps: WorkPlan[]) => [...ps].sort((x, y) => (y.year ?? 0) - (x.year ?? 0))[0];
  if (!name.startsWith('@')) {
    const mine = plans.filter((p) => regionOf(p).name === name);
    return latest(year ? mine.filter((p) => p.year === year).concat(mine) : mine);
  }
  const want = name === '@省' ? 3 : name === '@市' ? 2 : name === '@上级' ? (other ? levelOf(other) + 1 : 3) : 1;
  const candidates = plans.filter((p) => p !== other && levelOf(p) === want);
  // Of several, the one of the other side's year.
  return latest(candidates.filter((p) => p.year === other?.year)) ?? latest(candidates);
}

function compareAnswer(q: Query, deps: ExecDeps, ctx: ExecContext): Answer {
  const c = q.compare!;
  const named = (n: string) => (n.startsWith('@') ? `${n.slice(1)}级要点` : n);
  let b = c.b.startsWith('@') ? undefined : sidePlan(c.b, deps.plans, undefined, q.year);
  const a = sidePlan(c.a, deps.plans, b, q.year);
  b ??= sidePlan(c.b, deps.plans, a, q.year);
  if (!a || !b || a === b) {
    const missing = !a ? named(c.a) : named(c.b);
    return answer('compare', `对标需要两份已载入的文件，没有找到“${missing}”。发送“有哪些文件”查看已载入的文件。`, [], ['有哪些文件']);
  }
  const al = deps.align!(a, b);
  const cite = (plan: WorkPlan, ids: string[]) =>
    ids.map((id) => plan.items.find((it) => it.id === id)).filter((it): it is NonNullable<typeof it> => !!it).map((item) => citationOf({ plan, item, score: 1, matched: [] }));
  const [da, db] = [docLabel(a), docLabel(b)];
  if (c.dir === 'pairs') {
    const refd = q.ref ? refHits({ ...q, regions: [] }, [a], undefined, ctx) : undefined;
    if (!refd || typeof refd === 'string' || !refd.length) {
      return answer('compare', `请说明是${da}的哪一条，例如“${regionOf(a).short}一（二）在${regionOf(b).short}要点里对应哪条”。`, [], []);
    }
    const item = (refd[0] as Hit).item;
    const pairs = al.pairs.filter((p) => p.a === item.id);
    const cs = cite(b, pairs.map((p) => p.b));
    const head = `${da}${itemRef(item)} ${item.title}`;
    if (!cs.length) return answer('compare', `${head}
在${db}中没有找到对应的条目（对照缺项）。`, [], []);
    const why = pairs.map((p, i) => `   “${p.why.b.slice(0, 50)}${p.why.b.length > 50 ? '…' : ''}”（相似度${p.score}${i === 0 && p.kind === 'split' ? '，部分对应' : ''}）`);
    const lines = [`${head}
在${db}中对应${cs.length}条：`];
    cs.forEach((cit, i) => lines.push(`${i + 1}. 《${cit.doc}》${cit.ref} ${cit.title}`, why[i] as string));
    return answer('compare', lines.join('\n'), cs, []);
  }
  const summary = `${da}与${db}对标：对应${new Set(al.pairs.map((p) => p.a)).size}项；${al.names.onlyA}${al.onlyA.length}项，${al.names.onlyB}${al.onlyB.length}项。`;
  if (c.dir === 'missing') {
    const cs = cite(a, al.onlyA);
    const text = cs.length ? `对照${da}，${db}没有对应的有${cs.length}项：
${listText(cs, deps.maxListed, '。')}` : `对照${da}，${db}的条目都有对应，没有缺项。`;
    return answer('compare', `${text}
${summary}`, cs, [`${regionOf(a).short}要点和${regionOf(b).short}要点对比`]);
  }
  if (c.dir === 'extra') {
    const cs = cite(b, al.onlyB);
    const text = cs.length ? `${db}比${da}多出（没有对应）的有${cs.length}项：
${listText(cs, deps.maxListed, '。')}` : `${db}的条目在${da}中都有对应。`;
    return answer('compare', `${text}
${summary}`, cs, []);
  }
  const gapsA = cite(a, al.onlyA);
  const gapsB = cite(b, al.onlyB);
  const lines = [summary];
  if (gapsA.length) lines.push(`${al.names.onlyA}：`, listText(gapsA, deps.maxListed, '。'));
  if (gapsB.length) lines.push(`${al.names.onlyB}：`, listText(gapsB, deps.maxListed, '。'));
  lines.push('可在网页端“对标”查看逐条对照表，或用 yaodian align 导出。');
  return answer('compare', lines.join('\n'), [...gapsA, ...gapsB], []);
}

function documentsAnswer(plans: WorkPlan[]): Answer {
  if (!plans.length) return answer('documents', '还没有载入任何文件。', [], []);
  const lines = plans.map((p, i) => `${i + 1}. ${docLabel(p)}${p.title}${p.docNumber ? `（${p.docNumber}）` : ''}，${p.sections.length}个部分、${p.items.length}项任务`);
  return answer('documents', `已载入${plans.length}份文件：\n${lines.join('\n')}`, [], plans.slice(0, 2).map((p) => `${regionOf(p).short}要点第一部分`));
}

/** Each region's latest document (a region's older years are last year's work points). */
function latest(scope: WorkPlan[]): WorkPlan[] {
  const best = new Map<string, WorkPlan>();
  for (const p of scope) {
    const r = regionOf(p).name;
    const cur = best.get(r);
    if (!cur || (p.year ?? 0) > (cur.year ?? 0)) best.set(r, p);
  }
  return scope.filter((p) => best.get(regionOf(p).name) === p);
}

function outlineAnswer(scope: WorkPlan[]): Answer {
  const lines = scope.map((p) => `${docLabel(p)}${p.title}，共${p.sections.length}个部分、${p.items.length}项任务：${p.sections.map((s) => `${s.number}、${s.title}（${p.items.filter((i) => i.section === s.number).length}项）`).join('；')}`);
  return answer('outline', lines.join('\n'), [], scope.slice(0, 1).map((p) => `${regionOf(p).short}要点第一部分`));
}

function factsAnswer(q: Query, scope: WorkPlan[]): Answer {
  const lines = scope.slice(0, 5).map((p) => {
    const name = `${docLabel(p)}`;
    switch (q.fact) {
      case 'issued':
        return p.issuedDate ? `${name}印发日期：${formatDate(p.issuedDate)}${p.issuer ? `（${p.issuer}印发）` : ''}` : `${name}没有写明印发日期。`;
      case 'number':
        return p.docNumber ? `${name}文号：${p.docNumber}` : `${name}没有写明文号。`;
      case 'issuer':
        return p.issuer ? `${name}由${p.issuer}印发${p.issuedDate ? `（${formatDate(p.issuedDate)}）` : ''}。` : `${name}没有写明发文机关。`;
      default:
        return `${name}共${p.sections.length}个部分、${p.items.length}项任务。`;
    }
  });
  if (scope.length > 5) lines.push(`另有${scope.length - 5}份文件，可加上地区名缩小范围。`);
  return answer('facts', lines.join('\n'), [], []);
}

/** 2021-07-25 → 2021年7月25日. */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

function noTopic(q: Query, deps: ExecDeps, topic: TopicPlan | undefined): Answer {
  const what = (q.topic ?? '').trim();
  // Nothing in the asked documents: maybe elsewhere — say where, without citing outside the asked scope.
  if (topic?.concepts.length && (q.regions.length || q.year)) {
    const elsewhere = hitsFor(deps, topic, deps.plans, false).hits;
    if (elsewhere.length) {
      const docs = [...new Set(elsewhere.map((h) => docLabel(h.plan)))].slice(0, 3);
      return answer('no_match', `${[q.regions.join('、'), q.year ? `${q.year}年` : ''].filter(Boolean).join(' ')}的文件中没有找到与“${what}”相关的任务；${docs.join('、')}中有相关内容，去掉地区或年份再问即可。`, [], [what]);
    }
  }
  return answer('no_match', `没有在已载入的工作要点中找到与“${what}”相关的内容。这个问题可能不在工作要点范围内；可以换个说法，或发送“帮助”查看我能回答的问题。`, [], ['帮助']);
}
