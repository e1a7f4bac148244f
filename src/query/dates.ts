/**
 * Deadline wording → a date range. Words relative to today (今天, 本周, 下月, 本季度, 快到期, 逾期) become absolute
 * dates; a month, quarter or half year without a year (9月底前, 三季度, 上半年, 年底前) is read in each document's
 * work year; 2021年9月底前 is absolute. "…前" relative to today (本月底前, 下个月底前) and "还有…" start today: what
 * is already past is 逾期, asked for on its own. Pure: today comes in.
 */
import { cnNumber } from '../parse/deadlines.js';
import { addDays, endOfMonth, iso } from '../time.js';
import type { DeadlineRange } from './schema.js';

const NUM = '(\\d{1,2}|[一二三四五六七八九十两]{1,3})';
/** Days from today that 快到期 / 即将到期 cover: the digest's due-soon window (today … today + 6). */
export const DUE_SOON_DAYS = 7;

/** Days of each month (February 29: the range is clamped to the document's year when it is read). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const num = (s: string | undefined): number | null => (s === undefined ? null : cnNumber(s));
const dayOf = (date: string) => Number(date.slice(8));
const monthEnd = (y: number, m: number) => endOfMonth(y, m);
const weekday = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

export interface DateMatch {
  range: DeadlineRange;
  /** Where the wording was found, so the topic can leave it out. */
  start: number;
  end: number;
}

/** …前 / …之前 / …为止: by then. (12月底截止 is due at the end of December, not everything before it.) */
const BEFORE = /^(底|末)?(之前|以前|前|为止)/;
const STILL = /还有|还要|还剩|还没|尚未|未完成|没完成|剩下|剩余|待完成|要抓紧/;
const ONGOING = /持续推进|长期坚持|长期推进|常态化推进|持续开展|没有(完成)?(时限|期限|截止)|无(时限|期限)|长期(任务|的)/;
const OVERDUE = /逾期|过期|超期|已到期|超时|延期|拖期|到期未完成|过了.{0,4}(时限|期限|截止|日期)|超过.{0,4}(时限|期限)|误期|已经到期/;
/** 从今天到年底 / 今天到年底 / 现在到9月底: from today to the end named after 到. */
const FROM_NOW = /(?:从|自)?(?:今天|今日|现在|目前|即日)(?:起|开始)?(?:到|至|截至)/;
const SOON = /快到期|即将到期|马上到期|临近(到期|截止)|快截止|近期到期|就要到期|快要到期/;

/** A range relative to today, with "…前" starting today. */
function relative(from: string, to: string, label: string, before: boolean, today: string): DeadlineRange {
  return before ? { from: today > from ? today : from, to, label: `${label}前` } : { from, to, label };
}

/** Parse deadline wording in a normalised question. */
export function parseDeadline(q: string, today: string): DateMatch | undefined {
  const [ty, tm] = today.split('-').map(Number) as [number, number];
  const still = STILL.test(q);
  const at = (re: RegExp): RegExpExecArray | null => re.exec(q);
  const result = (m: RegExpExecArray, range: DeadlineRange): DateMatch => {
    const r = still && !range.overdue && !range.ongoing && (!range.from || range.from < today) ? { ...range, from: today } : range;
    return { range: r, start: m.index, end: m.index + m[0].length };
  };
  const after = (m: RegExpExecArray) => q.slice(m.index + m[0].length);

  const fromNow = FROM_NOW.exec(q);
  if (fromNow) {
    // The end, read in today's year (a range from today is about this year, whatever year the documents are).
    const end = parseDeadline(q.slice(fromNow.index + fromNow[0].length).replace(/^(年底|年末)/, `${ty}年底`), today);
    if (end && !end.range.overdue && !end.range.ongoing) {
      const abs = rangeIn(end.range, ty, today);
      if (abs.to) {
        const shift = fromNow.index + fromNow[0].length;
        return { range: { from: today, to: abs.to, label: `${today}至${abs.to}到期` }, start: fromNow.index, end: shift + end.end };
      }
    }
  }
  let m = at(ONGOING);
  if (m) return result(m, { label: '持续推进', ongoing: true });
  m = at(OVERDUE);
  if (m) return result(m, { to: addDays(today, -1), label: '逾期', overdue: true });
  m = at(SOON);
  if (m) return result(m, { from: today, to: addDays(today, DUE_SOON_DAYS - 1), label: `${DUE_SOON_DAYS}天内到期` });
  m = at(new RegExp(`${NUM}(天|日|周|个星期|个月)(内|以内|之内)`));
  if (m) {
    const n = num(m[1]) ?? 0;
    const days = m[2] === '周' || m[2] === '个星期' ? n * 7 : m[2] === '个月' ? n * 30 : n;
    return result(m, { from: today, to: addDays(today, Math.max(0, days - 1)), label: `${m[0]}到期` });
  }
  m = at(/今天|今日/);
  if (m) return result(m, { from: today, to: today, label: '今天到期' });
  m = at(/明天|明日/);
  if (m) return result(m, { from: addDays(today, 1), to: addDays(today, 1), label: '明天到期' });
  m = at(/后天/);
  if (m) return result(m, { from: addDays(today, 2), to: addDays(today, 2), label: '后天到期' });
  m = at(/(本周|这周|这个星期|本星期|这星期)(末|底)?/);
  if (m) {
    const start = addDays(today, -weekday(today));
    return result(m, relative(start, addDays(start, 6), '本周', BEFORE.test(after(m)) || !!m[2], today));
  }
  m = at(/(下周|下个星期|下星期)(末|底)?/);
  if (m) {
    const start = addDays(today, 7 - weekday(today));
    return result(m, relative(start, addDays(start, 6), '下周', BEFORE.test(after(m)) || !!m[2], today));
  }
  m = at(/(本月|这个月|当月|这月)(底|末|份)?/);
  if (m) return result(m, relative(iso(ty, tm, 1), monthEnd(ty, tm), m[2] === '底' || m[2] === '末' ? '本月底' : '本月', BEFORE.test(after(m)), today));
  m = at(/(上个?月)(底|末|份)?/);
  if (m) {
    const [y, mo] = tm === 1 ? [ty - 1, 12] : [ty, tm - 1];
    return result(m, { from: iso(y, mo, 1), to: monthEnd(y, mo), label: '上月到期' });
  }
  // An exact date: 2021-11-30到期的.
  m = at(/((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?/);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= dayOf(monthEnd(y, mo))) {
      const date = iso(y, mo, d);
      return result(m, BEFORE.test(after(m)) ? { to: date, label: `${date}前` } : { from: date, to: date, label: `${date}到期` });
    }
  }
  m = at(/(下个?月)(底|末|份)?/);
  if (m) {
    const [y, mo] = tm === 12 ? [ty + 1, 1] : [ty, tm + 1];
    const before = BEFORE.test(after(m));
    return result(m, before ? { from: today, to: monthEnd(y, mo), label: '下月底前' } : { from: iso(y, mo, 1), to: monthEnd(y, mo), label: '下月到期' });
  }
  m = at(/(?<![0-9一二三四五六七八九十])月(底|末)(之前|以前|前)?/);
  if (m) return result(m, { from: today, to: monthEnd(ty, tm), label: '本月底前' });

  // Quarters: 第三季度, 三季度, 3季度, Q3; 本季度, 下季度.
  m = at(/(本|这个?|当)季度(末|底)?/);
  if (m) {
    const qn = Math.floor((tm - 1) / 3);
    return result(m, relative(iso(ty, qn * 3 + 1, 1), monthEnd(ty, qn * 3 + 3), '本季度', BEFORE.test(after(m)) || !!m[2], today));
  }
  m = at(/下个?季度/);
  if (m) {
    const qn = Math.floor((tm - 1) / 3) + 1;
    const [y, qq] = qn === 4 ? [ty + 1, 0] : [ty, qn];
    return result(m, { from: iso(y, qq * 3 + 1, 1), to: monthEnd(y, qq * 3 + 3), label: '下季度到期' });
  }
  m = at(/(?:((?:19|20)\d{2})年)?(?:第?([一二三四1-4])季度|[qQ]([1-4]))(末|底)?/);
  if (m) {
    const qn = (num(m[2] ?? m[3]) ?? 1) - 1;
    const before = BEFORE.test(after(m)) || !!m[4];
    const label = `${m[1] ? `${m[1]}年` : ''}第${'一二三四'[qn]}季度${before ? '末前' : ''}`;
    const from = { month: qn * 3 + 1, day: 1 };
    const to = { month: qn * 3 + 3, day: qn === 0 || qn === 3 ? 31 : 30 };
    if (m[1]) {
      const y = Number(m[1]);
      return result(m, before ? { to: monthEnd(y, to.month), label } : { from: iso(y, from.month, 1), to: monthEnd(y, to.month), label });
    }
    return result(m, { label, planYear: before ? { to } : { from, to } });
  }

  // Half years and year ends.
  m = at(/(今年|本年度?)(年底|年末|底|末|内|上半年|下半年)(之前|以前|前)?/);
  if (m) {
    if (m[2] === '上半年') return result(m, { from: iso(ty, 1, 1), to: iso(ty, 6, 30), label: `${ty}年上半年` });
    if (m[2] === '下半年') return result(m, { from: iso(ty, 7, 1), to: iso(ty, 12, 31), label: `${ty}年下半年` });
    return result(m, { to: iso(ty, 12, 31), label: `${ty}年底前` });
  }
  m = at(/((?:19|20)\d{2})年(底|末|年底|年末|内|上半年|下半年|年中)(之前|以前|前)?/);
  if (m && (m[3] || m[2] !== '底' || /到期|完成|截止|任务|期限|时限/.test(after(m)))) {
    const y = Number(m[1]);
    if (m[2] === '上半年' || m[2] === '年中') return result(m, { from: iso(y, 1, 1), to: iso(y, 6, 30), label: `${y}年上半年` });
    if (m[2] === '下半年') return result(m, { from: iso(y, 7, 1), to: iso(y, 12, 31), label: `${y}年下半年` });
    return result(m, { to: iso(y, 12, 31), label: `${y}年底前` });
  }
  m = at(/(?<!\d年)(上半年|年中)(之前|以前|前)?/);
  if (m) return result(m, { label: '上半年', planYear: m[2] ? { to: { month: 6, day: 30 } } : { from: { month: 1, day: 1 }, to: { month: 6, day: 30 } } });
  m = at(/(?<!\d年)下半年/);
  if (m) return result(m, { label: '下半年', planYear: { from: { month: 7, day: 1 }, to: { month: 12, day: 31 } } });
  m = at(/(?<!\d)(年底|年末|年内|年终|岁末)(之前|以前|前)?/);
  if (m) return result(m, { label: '年底前', planYear: { to: { month: 12, day: 31 } } });

  // N月N日前, N月底前, N月份到期, with or without a year.
  m = at(new RegExp(`(?:((?:19|20)\\d{2})年)?${NUM}月(份|底|末|中旬|上旬|下旬|${NUM}(?:日|号))?`));
  if (m) {
    const rest = after(m);
    const month = num(m[2]);
    if (!month || month < 1 || month > 12) return undefined;
    const suffix = m[3] ?? '';
    const dayN = m[4] ? num(m[4]) : null;
    // A month is a deadline when the wording says so (9月底, 9月30日, 9月前, 9月到期, 9月份要完成的), not in 7月印发.
    if (!/^(底|末)/.test(suffix) && !dayN && !/^份?(前|之前|以前|到期|截止|内|(要|需|需要|应|必须)?完成|的任务|任务|有哪些|要做|有什么)/.test(rest) && !/到期|截止/.test(rest)) return undefined;
    // 9月底前 / 9月前: by then; 9月底到期 / 9月份 / 9月到期: in that month.
    const before = BEFORE.test(rest);
    const y = m[1] ? Number(m[1]) : undefined;
    const lastDay = (yy: number) => dayOf(monthEnd(yy, month));
    const day = dayN ?? (suffix === '上旬' ? 10 : suffix === '中旬' ? 20 : undefined);
    const label = `${y ? `${y}年` : ''}${month}月${day ? `${day}日` : '底'}${before || (day && !dayN) ? '前' : '到期'}`.replace('月底到期', '月到期');
    // 9月30日前: by that day; 9月30日到期: that day; 9月底前: by the month's end; 9月到期: in that month.
    const exact = !!dayN && !before;
    if (y) {
      const to = iso(y, month, Math.min(day ?? lastDay(y), lastDay(y)));
      return result(m, before || (day && !exact) ? { to, label } : exact ? { from: to, to, label } : { from: iso(y, month, 1), to, label });
    }
    const toDay = day ?? MONTH_DAYS[month - 1]!;
    const span = before || (day && !exact) ? { to: { month, day: toDay } } : exact ? { from: { month, day: toDay }, to: { month, day: toDay } } : { from: { month, day: 1 }, to: { month, day: toDay } };
    return result(m, { label, planYear: span });
  }
  return undefined;
}

/** The absolute range for one document: plan-year parts read in that document's work year (or today's). */
export function rangeIn(range: DeadlineRange, planYear: number | null, today: string): { from?: string; to?: string } {
  if (!range.planYear) return { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) };
  const y = planYear ?? Number(today.slice(0, 4));
  const clamp = (p: { month: number; day: number }) => iso(y, p.month, Math.min(p.day, dayOf(monthEnd(y, p.month))));
  const from = range.planYear.from ? clamp(range.planYear.from) : range.from;
  const to = clamp(range.planYear.to);
  return { ...(from ? { from: range.from && range.from > from ? range.from : from } : range.from ? { from: range.from } : {}), to };
}
