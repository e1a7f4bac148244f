/**
 * Understanding a question: the normalised text → one Query. Each slot is found by an explainable rule (places,
 * years, units and the asker's own unit, role, deadline wording, outline references, what to return); whatever is
 * left is the topic. Pure: the directory of loaded regions and units and today come in.
 */
import type { Region } from '../model.js';
import type { UnitDirectory, UnitMention } from '../units/directory.js';
import { parseDeadline } from './dates.js';
import { parseRef } from './refs.js';
import { emptyQuery, type Query, type Want } from './schema.js';

export interface Understood {
  query: Query;
  /** Unit mentions as found (with their candidate units), for the executor. */
  mentions: UnitMention[];
  /** Follow-up markers: 那…呢, 其中, a bare slot with nothing else. */
  followUp: boolean;
}

const HELP = /^(帮助|help|\?|？|菜单|功能|使用说明|说明|你好|您好|hi|hello|在吗|在不在|你是谁|你叫什么)[!！。.?？]*$|你能做什么|你会什么|你会干|能干什么|能做什么|怎么用|如何使用|怎么使用|有什么功能|可以问什么|能问什么/i;
/** Requests to write or chat: nothing in the work points answers them. */
const OUT_OF_SCOPE = /^(请|麻烦|帮我|给我|替我|帮忙)?(写|起草|拟|撰写|编写|生成|翻译|润色|改写|续写)(一下|一篇|一份|一个|个|篇|份|段|封)?|天气|气温|下雨|几度|股票|彩票|笑话|讲个故事|吃什么|几点了|星座/;
const DOCS = /(有哪些|哪些|什么|列出|所有|全部|几份|多少份)的?(文件|文档|要点)(?!里|中)|(文件|文档)(列表|清单)|加载了(哪些|什么)|载入了(哪些|什么)/;
const SELF =
  /(?:我们|我|本|咱们|咱)(?:单位|部门|分局|局|中心|委|办|厅|科室|科|处|站|所|部|院|馆|队)|我们(?=只|都|也|还|又|一共|总共|负责|牵头|配合|参与|承担|要做|要干|要完成|有哪些|有什么|有几|有啥|今年)|咱们(?![县市区省])/;
const COUNT = /几项|几个|几条|几件|多少项|多少个|多少条|多少件|多少任务|多少工作|数量|一共|总共|共有|共几|总数|有多少/;
const RANK = /(哪个|哪些|什么)(单位|部门|局|机关)[^，。？]*(最多|最少|多|少)|排名|排行|排个序|排序|谁的任务最多|任务最多|任务最少|前[三五十\d]名?|各单位[^，。？]*(多少|几项|数量)|每个单位[^，。？]*(多少|几项)/;
const UNITS_OF = /(谁|哪个单位|哪些单位|哪个部门|哪些部门|哪家|哪个局)(来)?(负责|牵头|管|承担|来做|做|落实|主抓)|(责任|牵头|负责|承办|配合)(单位|部门)(是谁|是哪|有哪些|有谁|是什么|都有)?|归谁管|由谁|谁管|谁来/;
const DETAIL = /详细|具体(内容|说说|讲讲)?|讲了?(什么|啥)|是什么|说了?(什么|啥)|内容|原文|全文|说说|讲讲|展开/;
const FACT_ISSUED = /(哪天|什么时候|何时|几号|几月几日|哪一天|哪年哪月)(印发|发布|发的|出台|下发|公布)|印发(日期|时间)|发文(日期|时间)|发布(日期|时间)|成文日期/;
const FACT_NUMBER = /文号|发文字号|字号|发文号/;
const FACT_ISSUER = /(谁|哪个单位|哪个部门)(印发|发的|发布)|发文机关|发文单位|印发单位/;
const FACT_SECTIONS = /(几个|多少个?)(部分|方面|大项)|有哪些部分|分(几|哪)(部分|块)|讲了哪几个方面/;
const COMPARE = /对照|对标|相比|比较|比一比|对比|差距|少了哪些|缺了哪些|缺哪些|还缺|少哪些|多了哪些|多哪些|对应(哪|的是|那)/;
const PROGRESS = /完成(得|的)?(怎么样|如何|情况)|进展(怎么样|如何|情况)?|进度|完成率|完成了多少|落实情况|推进情况|执行情况|(逾期|完成)(最多|最少)|谁(逾期|拖)/;
/** 今年政务公开重点是什么 / 青田要点讲了什么: what the documents are about, as their outline. */
const OVERVIEW = /重点|主要内容|主要任务|主要工作|讲了?(什么|啥|些什么|哪些)|讲的(是)?什么|说了?(什么|啥)|有哪些方面|哪几个方面|核心(内容|任务)?|大致内容|概况|概要|梗概/;
/** Is there more to the question than documents, years and overview words (政务公开重点 is about no topic)? */
function topicBeyond(q: string): boolean {
  const left = q
    .replace(OVERVIEW, '')
    .replace(/(今年|去年|本年度?|全年|[0-9]{4}年度?)/g, '')
    .replace(/政务公开|政府信息公开|工作|要点|文件|这份|年度|的|是|有|哪些|什么|啥|吗|呢|[？?！!。，,、\s]/g, '');
  return left.length > 0;
}
/** 最近有什么要做的: the unit's overdue and next deadlines. */
const AGENDA = /(最近|近期|这几天|这两天|接下来|眼下|这阵子|马上)(有|要|该)?(什么|啥|哪些)?(要做|要干|要忙|要办|任务|事|工作|活)/;
const EXPORT = /导出|表格|excel|xlsx|下载|发个表|做成表|做个表|台账表/;
const NO_UNIT = /(没有|未|无)(写明|明确|列明|写|列出|注明)?(责任|牵头)?(单位|部门)/;
/** Words that make a question one about tasks, for a date in it to narrow them. */
const TASKY = /任务|工作|事项|事情|事儿|哪些|哪几|什么|啥|有几|几项|多少|要完成|要做|要干|要交|完成的|截止的|到期的|的[？?！!。]*$|的呢|呢[？?]*$|清单|列表|有没有|有哪|交差|活儿?/;
/** Words that make a question one about units' work. */
const UNIT_WORK = /负责|牵头|参与|承担|配合|协助|任务|工作|职责|要做|要干|干的|活儿?|事儿?|有哪些|有什么|有啥|有几|几项|多少项|交差|落实|完成/;
const LEAD = /牵头/;
const SUPPORT = /配合|协助|协同|不牵头|非牵头|参与但不|辅助/;
const ALL_UNITS = /(都|均|同时|共同|一起|全都)(参与|负责|牵头|配合|承担|涉及|有份|有)|联合(牵头|负责)/;
/** 除了X(以外) / 不算X / 不包括X: units left out of a ranking rather than asked about. */
const EXCEPT = /(?:除了|除去|除开|不算|不包括|不含|去掉)(.+?)(?:以外|之外|外)?(?=[，,、]|哪个|哪些|谁|$)/;
/** The item the previous reply was about. */
const THIS_ITEM = /这一?条|该条|此条|这一?项(?:任务|工作)?|该项|这个任务|上面(?:这|那)条|^它|它的/;
/** The two units just asked about. */
const THESE_UNITS = /这两个(?:单位|部门|局)|这俩(?:单位|部门)?|两个单位|两家单位|它们|他们俩|二者|两者/;
const FOLLOW_MARK = /^(那|那么|那个|那要是|还有|另外|其中|再|换成|改成|换个)|呢[？?！!。]*$/;

/**
 * Structural words: they shape the question, not its topic. The topic search skips them as words (never as parts
 * of words: 有 goes, 有人 and 有关 stay whole), like the tokenizer's particles and fillers.
 */
export const STRUCTURE_WORDS: ReadonlySet<string> = new Set([
  '哪些单位', '哪个单位', '哪些部门', '哪个部门', '责任单位', '牵头单位', '配合单位', '负责单位', '单位', '部门', '负责', '牵头',
  '参与', '配合', '承担', '协助', '落实', '完成', '到期', '截止', '要做', '要干', '干', '活', '活儿', '事', '事情', '事儿', '任务',
  '工作', '事项', '几项', '几个', '几条', '多少', '一共', '总共', '共有', '最多', '最少', '排名', '排行', '是谁', '归谁管', '谁',
  '详细', '具体', '讲了', '说说', '讲讲', '原文', '全文', '内容', '印发', '文号', '发文', '要点', '文件', '哪天', '什么时候',
  '对照', '对标', '对应', '对比', '比较', '相比', '各有', '进展', '进度', '导出', '表格', '哪条', '哪项', '怎么样', '情况', '有没有', '哪儿', '哪里', '去哪',
]);

function blank(s: string, start: number, end: number): string {
  return s.slice(0, start) + ' '.repeat(end - start) + s.slice(end);
}

/** A place name the documents do not know, typed before a unit or 要点 (上海市财政局, 北京市要点). */
function unknownRegionIn(q: string, known: { start: number; end: number }[]): string | undefined {
  const re = /([\u4e00-\u9fa5]{2,6}?(?:省|市|自治区|县|区))(?=[\u4e00-\u9fa5]{0,10}?(?:局|办|委|厅|中心|政府|部|要点|文件))/g;
  for (const m of q.matchAll(re)) {
    const name = m[1] as string;
    const start = m.index ?? 0;
    if (known.some((k) => start < k.end && start + name.length > k.start)) continue;
    if (/^(全|各|本|我|该|其|县|市|区|省|城|地|辖|社|小|新)/.test(name) || /(城市|地区|社区|小区|园区|景区|校区|开发区|城区|山区|街区|片区)$/.test(name)) continue;
    return name;
  }
  return undefined;
}

export function understand(question: string, dir: UnitDirectory, today: string): Understood {
  const q = question;
  const query = emptyQuery('list');
  const rules = query.rules;
  let rest = q;
  const followUp = FOLLOW_MARK.test(q);

  if (!q || HELP.test(q)) return { query: { ...query, want: 'help', rules: ['help words'] }, mentions: [], followUp: false };

  // Places and years.
  const regionSpans = dir.regionsIn(q);
  query.regions = regionSpans.map((r) => r.region.name);
  for (const r of regionSpans) rest = blank(rest, r.start, r.end);
  const unknown = unknownRegionIn(q, regionSpans);
  if (unknown) {
    query.unknownRegion = unknown;
    rules.push('unknown place');
  }

  // Deadline wording (before years: 2021年9月底前 is a deadline, and its year also scopes the documents).
  const taken: { start: number; end: number }[] = [];
  const take = (start: number, end: number) => {
    taken.push({ start, end });
    rest = blank(rest, start, end);
  };
  // A date narrows only a question about tasks (本月到期的, 逾期的任务); in 证照快到期能提醒吗 or 身份证过期了去哪换 it is
  // part of the topic.
  const parsedDate = parseDeadline(q, today);
  const date = parsedDate && TASKY.test(q) ? parsedDate : undefined;
  if (date) {
    query.deadline = date.range;
    take(date.start, date.end);
    rules.push(`deadline: ${date.range.label}`);
  }
  const year = /(?<!\d)((?:19|20)\d{2})(?!\d)年?度?/.exec(rest);
  if (year) {
    query.year = Number(year[1]);
    take(year.index, year.index + year[0].length);
  }

  // Outline references, and 这条 / 它 (the item just discussed).
  const ref = parseRef(rest);
  if (ref) {
    query.ref = ref.ref;
    take(ref.start, ref.end);
    rules.push(`ref: ${ref.rule}`);
  } else {
    const current = THIS_ITEM.exec(rest);
    if (current) {
      query.ref = { current: true };
      take(current.index, current.index + current[0].length);
      rules.push('ref: this item');
    }
  }
  const pair = THESE_UNITS.exec(rest);
  if (pair) {
    query.pairOfPrevious = true;
    query.unitJoin = 'all';
    take(pair.index, pair.index + pair[0].length);
    rules.push('units: the last two named');
  }

  // Units: the asker's own, and named ones (a region typed right before a unit belongs to it). They narrow the
  // answer when the question is about units' work (负责, 牵头, 任务, 几项, a deadline …); in 网上有关于我们单位的
  // 谣言 or 各部门的服务电话要不要并成一个号码 they are part of the topic.
  const unitShaped = UNIT_WORK.test(q) || !!date || !!ref || RANK.test(q) || COUNT.test(q) || UNITS_OF.test(q) || PROGRESS.test(q) || AGENDA.test(q);
  const self = unitShaped ? SELF.exec(rest) : null;
  if (self) {
    query.units.push({ text: self[0], self: true });
    take(self.index, self.index + self[0].length);
    rules.push('own unit');
  }
  const scope = regionSpans.map((r) => r.region);
  const overlaps = (m: { start: number; end: number }) => taken.some((t) => m.start < t.end && m.end > t.start);
  const except = EXCEPT.exec(q);
  const exceptSpan = except ? { start: except.index, end: except.index + except[0].length } : undefined;
  const found = dir.mentions(q, scope).filter((m) => !overlaps(m));
  // A unit named (almost) alone is asked about too: 那区卫生健康局呢, 浙江省教育厅呢, 县财政局？
  const alone = found.some((m) => q.length - (m.end - m.start) <= 4);
  // 各单位 / 每个部门 in 各单位完成情况 or 哪个部门最多 mean "per unit", not a class of bodies to filter by.
  const perUnit = (m: UnitMention) => !!m.category && /^(各|每个|所有|全部|哪些|哪个)(单位|部门|机关)$/.test(q.slice(m.start, m.end));
  const mentions = (unitShaped || followUp || alone ? found : []).filter((m) => !perUnit(m));
  for (const m of found.filter(perUnit)) rest = blank(rest, m.start, m.end);
  for (const m of mentions) {
    const slot = { text: m.text, ...(m.region ? { region: m.region.name } : {}) };
    if (exceptSpan && m.start >= exceptSpan.start && m.end <= exceptSpan.end) (query.except ??= []).push(slot);
    else query.units.push(slot);
    rest = blank(rest, m.start, m.end);
  }
  if (exceptSpan) rest = blank(rest, exceptSpan.start, exceptSpan.end);
  if (mentions.length) rules.push(`units: ${mentions.map((m) => m.text).join('、')}`);
  // A unit-shaped name the directory does not know (县环保局负责哪些任务): kept so the reply can say so.
  if (!mentions.length && !self) {
    const unknownUnit = /^(?:请问|查一下|查询|帮我查|看看)?([\u4e00-\u9fa5]{2,16}?(?:局|办|委|厅|中心|部|室|所|站|院|馆|组|处|队|政府|分局))(?=负责|牵头|参与|承担|配合|有哪些|有什么|有几|要做|需要|的任务|的工作|任务|工作|都|和|本月|下周|逾期|\d{1,2}月)/.exec(rest.trim());
    if (unknownUnit && !/^(政府|人民政府)$/.test(unknownUnit[1] as string)) {
      query.units.push({ text: unknownUnit[1] as string });
      const at = rest.indexOf(unknownUnit[1] as string);
      rest = blank(rest, at, at + (unknownUnit[1] as string).length);
      rules.push('unknown unit');
    }
  }
  if (query.units.length > 1 && ALL_UNITS.test(q)) query.unitJoin = 'all';

  // Role.
  if (SUPPORT.test(q)) query.role = 'support';
  else if (LEAD.test(q) && !/参与|配合/.test(q)) query.role = 'lead';
  if (NO_UNIT.test(q) && !query.units.length) query.noUnit = true;

  // 对标: two documents.
  const compare = COMPARE.test(q) ? compareOf(q, regionSpans.map((r) => ({ name: r.region.name, start: r.start, end: r.end }))) : undefined;
  if (compare) {
    query.compare = compare;
    const level = LEVEL_DOC.exec(rest);
    if (level) rest = blank(rest, level.index, level.index + level[0].length);
  }

  // What to return.
  const want = wantOf(q, query, rest);
  query.want = want.want;
  if (want.fact) query.fact = want.fact;
  if (want.want === 'rank' && /最少|少的/.test(q)) query.least = true;
  rules.push(`want: ${want.want}`);

  // The topic: what is left (structural and filler words are skipped word by word by the topic search).
  const topic = rest.replace(/[？?！!。，,、；;：:"'（）()《》\s]+/g, ' ').trim();
  if (topic) query.topic = topic;
  return { query, mentions, followUp };
}

/** 省要点 / 市里的要点 / 上级要点: a document named by its level rather than its region. */
const LEVEL_DOC = /(省|市|县|区)(?:级|里|里的|的)?(?:政务公开)?(?:工作)?要点|上级(?:的)?要点/;

/**
 * 对标 questions: which two documents, which is the reference, and what is asked. The document after 对照/比/相比
 * is the reference (A); the other is checked against it (B): X对照Y少了哪些 = Y's items X lacks. Y一（四）在X要点里
 * 对应哪条 = X's items answering to Y's item.
 */
export function compareOf(q: string, regions: { name: string; start: number; end: number }[]): Query['compare'] | undefined {
  const named: { name: string; start: number }[] = [...regions];
  const level = LEVEL_DOC.exec(q);
  // 义乌市要点 is 义乌's, not "a 市 document": a level word right after a place belongs to it.
  if (level && !regions.some((r) => r.start <= level.index && level.index < r.end)) {
    const which = level[1] ?? '';
    named.push({ name: `@${which || '上级'}`, start: level.index });
  }
  named.sort((a, b) => a.start - b.start);
  if (named.length < 2) return undefined;
  const [first, second] = named as [{ name: string; start: number }, { name: string; start: number }];
  if (/对应/.test(q)) return { a: first.name, b: second.name, dir: 'pairs' };
  const pivot = /对照|对标|对比|相比|比照|比较|比/.exec(q.slice(first.start));
  const dir = /少|缺|没有|遗漏|落下/.test(q) ? 'missing' : /多|新增|独有|额外/.test(q) ? 'extra' : 'all';
  // X对照Y: Y is the reference. Without a pivot word, the first named is the reference.
  return pivot ? { a: second.name, b: first.name, dir } : { a: first.name, b: second.name, dir };
}

function wantOf(q: string, query: Query, rest: string): { want: Want; fact?: Query['fact'] } {
  if (OUT_OF_SCOPE.test(q) && !query.units.length && !query.ref) return { want: 'out_of_scope' };
  if (COMPARE.test(q) && query.compare) return { want: 'compare' };
  if (FACT_NUMBER.test(q)) return { want: 'facts', fact: 'number' };
  if (FACT_ISSUED.test(q)) return { want: 'facts', fact: 'issued' };
  if (FACT_ISSUER.test(q)) return { want: 'facts', fact: 'issuer' };
  if (FACT_SECTIONS.test(q) && !query.units.length) return { want: 'outline' };
  if (OVERVIEW.test(q) && !query.units.length && !query.ref && !query.deadline && !topicBeyond(rest)) return { want: 'outline' };
  if (EXPORT.test(q)) return { want: 'export' };
  if (PROGRESS.test(q) && !query.ref) return { want: 'progress' };
  if (AGENDA.test(q) && !query.deadline) return { want: 'agenda' };
  if (RANK.test(q)) return { want: 'rank' };
  if (UNITS_OF.test(q) && !query.units.length) return { want: 'units' };
  if (COUNT.test(q)) return { want: 'count' };
  if (query.ref && (query.ref.item || query.ref.fromEnd)) return { want: 'detail' };
  if (query.ref && query.ref.section) return { want: 'list' };
  if (DETAIL.test(q) && query.ref) return { want: 'detail' };
  if (DOCS.test(q) && !query.units.length && !query.deadline) return { want: 'documents' };
  return { want: 'list' };
}

/** The region names of a query as Region objects the directory knows. */
export function regionsOf(query: Query, dir: UnitDirectory): Region[] {
  return query.regions.map((n) => dir.findRegion(n)).filter((r): r is Region => !!r);
}
