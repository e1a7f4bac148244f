/**
 * Deadlines: 2021年11月底 → 2021-11-30, 2021年底前 → 2021-12-31, 持续推进 → ongoing,
 * 本要点印发后一个月内 → issue date + 1 month (kept as text when the issue date is unknown).
 */
import type { Deadline } from '../model.js';
import { addDays, addMonths, endOfMonth, iso } from '../time.js';

export interface DateContext {
  /** Work year of the document, for dates printed without a year (年底前, 9月底前). */
  year: number | null;
  /** Issue date (YYYY-MM-DD), for relative deadlines. */
  issuedDate: string | null;
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 → 1, 十二 → 12, 二十 → 20; ASCII digits pass through. */
export function cnNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十百]+$/.test(s)) return null;
  let total = 0;
  let cur = 0;
  for (const ch of s) {
    if (ch === '百') {
      total += (cur || 1) * 100;
      cur = 0;
    } else if (ch === '十') {
      total += (cur || 1) * 10;
      cur = 0;
    } else cur = CN_DIGITS[ch] ?? 0;
  }
  return total + cur;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}


const ONGOING = /持续推进|长期坚持|长期推进|持续开展|常态化推进|长期|持续/;
const NUM = '\\d{1,4}|[零〇一二两三四五六七八九十百]{1,4}';

/** Parse one deadline phrase (the text after 完成时限：). Returns null when it holds no deadline. */
export function parseDeadline(raw: string, ctx: DateContext): Deadline | null {
  const text = raw.replace(/[\s\u3000]+/g, '').replace(/(?<![。，,；;、）)])[。，,；;、）)]+$/, '');
  if (!text) return null;
  const rel = relativeDate(text, ctx.issuedDate);
  if (rel !== undefined) return rel ? { kind: 'relative', text, date: rel } : { kind: 'relative', text };
  const date = absoluteDate(text, ctx.year);
  if (date) return { kind: 'date', date, text };
  if (ONGOING.test(text)) return { kind: 'ongoing', text };
  return null;
}

/** The last day a phrase such as 2021年11月底, 2021年底前, 2021年6月30日, 2021年第三季度 or 9月底前 allows. */
function absoluteDate(text: string, docYear: number | null): string | null {
  let m = text.match(/(\d{4})年(\d{1,2})月(\d{1,2})日/);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return validDate(y, mo, d) ? iso(y, mo, d) : null;
  }
  m = text.match(new RegExp(`(?:^|[^\\d年])(${NUM})月(\\d{1,2}|[一二三四五六七八九十]{1,3})[日号]`));
  if (m && docYear) {
    const [mo, d] = [cnNumber(m[1] as string) ?? 0, cnNumber(m[2] as string) ?? 0];
    return validDate(docYear, mo, d) ? iso(docYear, mo, d) : null;
  }
  m = text.match(/(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})/);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return validDate(y, mo, d) ? iso(y, mo, d) : null;
  }
  m = text.match(new RegExp(`(?:(\\d{4})年)?(${NUM})月(?:份)?(上旬|中旬|下旬|底|末|中|初)?`));
  if (m && (m[1] || docYear)) {
    const y = m[1] ? Number(m[1]) : (docYear as number);
    const mo = cnNumber(m[2] as string);
    if (mo && mo >= 1 && mo <= 12) {
      if (m[3] === '上旬' || m[3] === '初') return iso(y, mo, 10);
      if (m[3] === '中旬' || m[3] === '中') return iso(y, mo, 20);
      return endOfMonth(y, mo);
    }
  }
  m = text.match(new RegExp(`(?:(\\d{4})年)?(?:第)?([一二三四1-4])季度`));
  if (m && (m[1] || docYear)) {
    const y = m[1] ? Number(m[1]) : (docYear as number);
    const q = cnNumber(m[2] as string) as number;
    return endOfMonth(y, q * 3);
  }
  m = text.match(/(?:(\d{4})年)?(上半年|下半年|年中|年底|年末|全年|年内)/);
  if (m && (m[1] || docYear)) {
    const y = m[1] ? Number(m[1]) : (docYear as number);
    return m[2] === '上半年' || m[2] === '年中' ? iso(y, 6, 30) : iso(y, 12, 31);
  }
  m = text.match(/^(\d{4})年(?:前|内)?$/);
  if (m) return iso(Number(m[1]), 12, 31);
  return null;
}

/**
 * 印发后一个月内, 本要点印发之日起30日内, 两周内: a date when the issue date is known, '' when it is not,
 * undefined when the text is not a relative deadline.
 */
function relativeDate(text: string, issued: string | null): string | undefined {
  const m = text.match(new RegExp(`(?:印发|发布|下发|出台)?(?:后|之日起)?(${NUM}|半)个?(月|周|星期|日|天|工作日)(?:内|以内|之内)`));
  if (!m) return undefined;
  if (!/印发|发布|下发|出台|之日起|后/.test(text)) return undefined;
  if (!issued) return '';
  const n = m[1] === '半' ? 0.5 : cnNumber(m[1] as string);
  if (n === null) return '';
  switch (m[2]) {
    case '月':
      return n === 0.5 ? addDays(issued, 15) : addMonths(issued, n);
    case '周':
    case '星期':
      return addDays(issued, Math.round(n * 7));
    default:
      return addDays(issued, Math.round(n));
  }
}

/** Words before a deadline in a clause: 于, 要在, 力争在, 截至. */
const CLAUSE_LEAD = /^(?:于|在|须|需|要|应|并|均|务必|力争|确保|争取|最迟|最晚|截至|截止|到|至)+/;

const DATE_PHRASE =
  `(?:(?:\\d{4}年|今年|本年度?|当年)?(?:(?:${NUM})月(?:份)?(?:\\d{1,2}日|[一二三四五六七八九十]{1,3}日|底|末|上旬|中旬|下旬|初|中)?|第?[一二三四1-4]季度(?:末|底)?|上半年|下半年|年中|年底|年末|全年|年内)|\\d{4}年(?:底|末|内)?)`;
const RELATIVE_PHRASE = `(?:本(?:要点|方案|通知))?(?:印发|发布|下发|出台)(?:后|之日起)(?:${NUM}|半)个?(?:月|周|星期|日|天|工作日)`;
const DEADLINE_CLAUSE = new RegExp(
  `^${CLAUSE_LEAD.source.slice(1, -1)}*(?:(?:完成)?(?:时限|时间|期限)[:：为是]?)?(?:${DATE_PHRASE}|${RELATIVE_PHRASE})(?:前|之前|以前|内|以内|之内|底前|为止)?(?:(?:全面|全部|基本|如期)?(?:完成|办结|到位|落实到位|完成任务|完成相关工作|完成建设|建成))?$`,
);
const ONGOING_CLAUSE = /^(?:(?:完成)?(?:时限|时间|期限)[:：为是]?)?(?:长期坚持|持续推进|长期推进|持续开展|常态化推进|常态化开展|长期|持续|长期实施|持续实施|常年开展)$/;

/**
 * A clause that is a deadline and nothing else: 11月底前完成, 年底前, 年内, 三季度, 9月30日前, 长期坚持,
 * 2021年11月底前全面完成, 本要点印发后一个月内完成.
 */
export function isDeadlineClause(clause: string): boolean {
  const s = clause.replace(/[\s\u3000]+/g, '').replace(/(?<![。，,；;、])[。，,；;、]+$/, '');
  return DEADLINE_CLAUSE.test(s) || ONGOING_CLAUSE.test(s);
}

/** The deadline a deadline clause names (于9月30日前完成, 要在年底前完成, 长期坚持), or null. */
export function parseDeadlineClause(clause: string, ctx: DateContext): Deadline | null {
  return parseDeadline(clause.replace(/[\s\u3000]+/g, '').replace(CLAUSE_LEAD, ''), ctx);
}

/** The string an item lists for a deadline: ISO date, 持续推进, or the relative text. */
export function deadlineKey(d: Deadline): string {
  if (d.kind === 'date') return d.date;
  if (d.kind === 'ongoing') return '持续推进';
  return d.date ?? d.text;
}

/** Dates mentioned in running text: 2020年9月底前，完成…; 年底前全面完成…; 2021年6月30日前. */
export function findBodyDates(text: string, ctx: DateContext): Deadline[] {
  const out: Deadline[] = [];
  const seen = new Set<string>();
  const re = new RegExp(
    `(?:(?:\\d{4}年)?(?:(?:${NUM})月(?:\\d{1,2}日|底|末|上旬|中旬|下旬)?|上半年|下半年|第[一二三四]季度)|(?:\\d{4})?年(?:底|末))(?:前|之前|以前)`,
    'g',
  );
  for (const m of text.matchAll(re)) {
    const d = parseDeadline(m[0], ctx);
    if (d && d.kind === 'date' && !seen.has(d.date)) {
      seen.add(d.date);
      out.push(d);
    }
  }
  return out;
}
