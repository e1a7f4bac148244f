/**
 * Intent rules: what a question asks, decided by explainable patterns (each intent records the rule that fired).
 * Pure: the clock comes in as `today`.
 */
import type { Region } from '../model.js';
import { cnNumber } from '../parse/deadlines.js';
import { addDays, endOfMonth } from '../time.js';
import type { UnitDirectory } from '../units/directory.js';

export type IntentName = 'help' | 'documents' | 'outline' | 'item' | 'deadline' | 'unit' | 'topic';

/** Which deadlines a question asks about, as an inclusive ISO date range (from may be open). */
export interface DeadlineRange {
  from?: string;
  to?: string;
  /** Wording shown back to the user: 2021年9月底前, 本月, 逾期. */
  label: string;
  /** Month given without a year: resolve against each plan's work year. */
  monthOnly?: { month: number; before: boolean; day?: number };
  overdue?: boolean;
  /** 持续推进: items whose deadline is ongoing rather than a date. */
  ongoing?: boolean;
}

export interface Intent {
  name: IntentName;
  /** The rule that fired, for explanations and logs. */
  rule: string;
  regions: Region[];
  year?: number;
  /** Unit as typed (青田县司法局), or the asker's unit for 我局. */
  unit?: string;
  self?: boolean;
  leadOnly?: boolean;
  deadline?: DeadlineRange;
  section?: string;
  /** Printed item number: 三 for 二（三）, 16 for 第16条. */
  printed?: string;
  /** The question with places, years and question words removed: what a topic search looks for. */
  terms: string;
}

const CN = '零〇一二两三四五六七八九十';
const CN_NUM = `[${CN}]{1,3}`;

export function numberToCn(n: number): string {
  const d = '零一二三四五六七八九';
  if (n < 10) return d[n] as string;
  if (n < 20) return `十${n % 10 ? d[n % 10] : ''}`;
  return `${d[Math.floor(n / 10)]}十${n % 10 ? d[n % 10] : ''}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
const parseIso = (s: string) => new Date(`${s}T00:00:00Z`);

const HELP = /^(帮助|help|\?|？|菜单|功能|使用说明|说明|你好|您好|hi|hello|在吗)[!！。.?？]*$|你能做什么|你会什么|能干什么|能做什么|怎么用|如何使用|怎么使用|有什么功能/i;
const DOCS = /(有哪些|哪些|什么|列出|所有|全部)的?(文件|文档|要点)|(文件|文档)(列表|清单)|加载了(哪些|什么)/;
const SELF = /我局|我们局|我们单位|本单位|我单位|我委|我办|本局|本部门|我部门|我们部门|我们中心|我中心|我们办|我司|我厅|我们委/;
const UNIT_ASK = /(牵头|负责|参与|承担|配合|有哪些|有什么|要做|需要做|涉及|的任务|的工作|任务|工作)/;
const UNIT_END = /(局|办|委|厅|中心|部|室|所|站|院|馆|组|会|处|队|政府|分局|公司|机关|单位|部门|街镇|镇街)$/;
const DEADLINE_WORD = /到期|完成|截止|期限|逾期|超期|过期|延期|前|之前|以前|时限/;

/** Deadline wording → a date range, relative to today. */
export function deadlineRange(q: string, today: string): DeadlineRange | undefined {
  const [ty, tm] = today.split('-').map(Number) as [number, number];
  if (/持续推进|长期推进|常态化推进/.test(q) && /任务|哪些|工作|有什么/.test(q)) return { label: '持续推进', ongoing: true };
  if (/逾期|超期|过期|已到期|延期|超时/.test(q)) return { to: addDays(today, -1), label: `逾期（${today} 之前到期）`, overdue: true };
  if (/本周|这周|这个星期|本星期/.test(q)) {
    const dow = (parseIso(today).getUTCDay() + 6) % 7;
    return { from: addDays(today, -dow), to: addDays(today, 6 - dow), label: '本周到期' };
  }
  if (/下周|下个星期|下星期/.test(q)) {
    const dow = (parseIso(today).getUTCDay() + 6) % 7;
    return { from: addDays(today, 7 - dow), to: addDays(today, 13 - dow), label: '下周到期' };
  }
  if (/本月|这个月|当月|这月/.test(q)) return { from: `${ty}-${pad(tm)}-01`, to: endOfMonth(ty, tm), label: '本月到期' };
  if (/下个?月/.test(q)) {
    const [y, m] = tm === 12 ? [ty + 1, 1] : [ty, tm + 1];
    return { from: `${y}-${pad(m)}-01`, to: endOfMonth(y, m), label: '下月到期' };
  }
  const within = q.match(/(\d+|[一二三四五六七八九十两]+)(天|日|周|个月)(内|以内|之内)/);
  if (within && /到期|完成|截止/.test(q)) {
    const n = cnNumber(within[1] as string) ?? 0;
    const days = within[2] === '周' ? n * 7 : within[2] === '个月' ? n * 30 : n;
    return { from: today, to: addDays(today, days), label: `${within[0]}到期` };
  }
  if (/即将到期|快到期|近期到期|马上到期/.test(q)) return { from: today, to: addDays(today, 30), label: '30天内到期' };
  // 2021年底前 / 2021年上半年: that year; 今年年底: today's year; 年底前 alone: each document's work year.
  const yearEnd = q.match(/(\d{4})年(底|末|上半年|年中)(前|之前|以前)?/);
  if (yearEnd && (yearEnd[3] || DEADLINE_WORD.test(q.slice((yearEnd.index ?? 0) + yearEnd[0].length)))) {
    const y = Number(yearEnd[1]);
    const half = yearEnd[2] === '上半年' || yearEnd[2] === '年中';
    return { to: half ? `${y}-06-30` : `${y}-12-31`, label: `${y}年${half ? '上半年' : '底前'}` };
  }
  if (/今年年底|今年底|今年内/.test(q)) return { to: `${ty}-12-31`, label: `${ty}年底前` };
  if (/年底前|年底到期|年末前|年内/.test(q) && !/\d{4}年/.test(q)) return { label: '年底前', monthOnly: { month: 12, before: true } };
  const m = q.match(new RegExp(`(?:(\\d{4})年)?(\\d{1,2}|${CN_NUM})月(份|底|末|中旬|上旬|下旬|\\d{1,2}日)?`));
  if (m && DEADLINE_WORD.test(q.slice((m.index ?? 0) + m[0].length))) {
    const month = cnNumber(m[2] as string);
    if (!month || month < 1 || month > 12) return undefined;
    const before = /^(前|之前|以前|底前|末前)/.test(q.slice((m.index ?? 0) + m[0].length).replace(/^(底|末)/, '')) || /前/.test(q.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 2));
    const dayText = /^\d{1,2}日$/.test(m[3] ?? '') ? (m[3] as string) : '底';
    const label = `${m[1] ? `${m[1]}年` : ''}${month}月${before ? `${dayText}前` : '到期'}`;
    const dayOnly = m[3]?.match(/^(\d{1,2})日$/);
    if (!m[1]) return { label, monthOnly: { month, before, ...(dayOnly ? { day: Number(dayOnly[1]) } : {}) } };
    const year = Number(m[1]);
    const day = m[3]?.match(/^(\d{1,2})日$/);
    const to = day ? `${year}-${pad(month)}-${pad(Math.min(Number(day[1]), Number(endOfMonth(year, month).slice(8))))}` : endOfMonth(year, month);
    return before ? { to, label } : { from: `${year}-${pad(month)}-01`, to, label };
  }
  return undefined;
}

/** Strip place names, years, 要点/文件 words and punctuation; what remains is the topic. */
function topicTerms(q: string, regions: { start: number; end: number }[]): string {
  let s = q;
  for (const r of [...regions].sort((a, b) => b.start - a.start)) s = s.slice(0, r.start) + ' ' + s.slice(r.end);
  return s
    .replace(/(?<!\d)(19|20)\d{2}(?!\d)年?度?/g, ' ')
    .replace(/(政务公开)?(工作)?要点|这份文件|(?<![性策])文件(里|中|里面)/g, ' ')
    .replace(/[?？!！。，,]/g, ' ')
    .trim();
}

/** Decide the intent of a question. `unit` is the asker's own unit (ctx.unit). */
export function detectIntent(question: string, dir: UnitDirectory, today: string, unit?: string): Intent {
  const q = question.normalize('NFKC').replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）');
  const found = dir.regionsIn(q);
  const regions = found.map((f) => f.region);
  const yearMatch = q.match(/(?<!\d)((?:19|20)\d{2})(?!\d)/);
  const year = yearMatch ? Number(yearMatch[1]) : undefined;
  const base = { regions, ...(year ? { year } : {}), terms: topicTerms(q, found) };

  if (!q || HELP.test(q)) return { ...base, name: 'help', rule: 'help words' };

  // An item by reference: 二（三）, 三(一), 第16条, 第三部分第二项.
  const ref = q.match(new RegExp(`(${CN_NUM})（(${CN_NUM}|\\d{1,2})）`));
  if (ref) return { ...base, name: 'item', rule: 'section（n）', section: ref[1] as string, printed: ref[2] as string };
  const partItem = q.match(new RegExp(`第(${CN_NUM}|\\d{1,2})部分(?:的)?第(${CN_NUM}|\\d{1,2})(项|条|点)`));
  if (partItem) {
    const sec = cnNumber(partItem[1] as string) ?? 0;
    return { ...base, name: 'item', rule: '第n部分第m项', section: numberToCn(sec), printed: `#${cnNumber(partItem[2] as string) ?? 0}` };
  }
  const nth = q.match(new RegExp(`第(\\d{1,3}|${CN_NUM})(条|项|点)`));
  if (nth) return { ...base, name: 'item', rule: '第n条', printed: String(cnNumber(nth[1] as string) ?? nth[1]) };
  const part = q.match(new RegExp(`第(${CN_NUM}|\\d{1,2})(部分|章|节|大项|方面)|(${CN_NUM})、?部分`));
  if (part) {
    const n = cnNumber((part[1] ?? part[3]) as string) ?? 0;
    return { ...base, name: 'outline', rule: '第n部分', section: numberToCn(n) };
  }

  const deadline = deadlineRange(q, today);
  const self = SELF.test(q);
  const selfUnit = self && unit ? unit : undefined;

  // A named unit: the text before 负责/牵头/有哪些 ends like a body's name or is a known unit.
  // Also the passive form: 哪些任务由鹿城区司法局负责.
  let named: string | undefined;
  if (!self) {
    const passive = q.match(/由(.+?)(牵头|负责|承担|参与|配合|完成|落实)/);
    const m = q.match(/^(?:请问|查一下|查询|帮我查|看看)?(.+?)(牵头|负责|参与|承担|配合|有哪些|有什么|要做|需要|要完成|涉及|的任务|的工作|的职责|任务|工作|本月|下周|本周|逾期|\d{1,2}月)/);
    for (const raw of [passive?.[1], m?.[1]]) {
      const cand = raw?.replace(/(的|都|还|要|需要)$/, '');
      if (cand && ((UNIT_END.test(cand) && cand.length <= 20) || dir.resolve(cand).some((r) => r.entry))) {
        named = cand;
        break;
      }
    }
  }
  const leadOnly = /牵头/.test(q) && !/参与|配合/.test(q);

  if (deadline) {
    return {
      ...base,
      name: 'deadline',
      rule: 'deadline words',
      deadline,
      ...(selfUnit ? { unit: selfUnit, self: true } : named ? { unit: named } : {}),
      ...(leadOnly ? { leadOnly } : {}),
    };
  }
  if (self && UNIT_ASK.test(q)) return { ...base, name: 'unit', rule: '我局 + task words', self: true, ...(selfUnit ? { unit: selfUnit } : {}), leadOnly };
  if (named && UNIT_ASK.test(q)) return { ...base, name: 'unit', rule: 'unit name + task words', unit: named, leadOnly };
  if (DOCS.test(q) && !named) return { ...base, name: 'documents', rule: 'document list words' };
  return { ...base, name: 'topic', rule: 'default: topic search' };
}
