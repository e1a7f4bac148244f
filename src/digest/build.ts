/**
 * The daily digest of one unit, as a pure function of the plans, the directory, the unit, the date and the
 * unit's progress:
 *   逾期      a dated deadline (ISO date) has passed and the unit has not marked the item 已完成;
 *   7日内到期  otherwise, a dated deadline falls within the 7 days starting today (today … today+6);
 *   持续推进   otherwise, the item is marked 持续推进 (the chat message shows these only on the first working day
 *             of the month, the JSON always lists them);
 *   新增      items of documents added after the last digest (or today, when there was none).
 * Items that name the unit and items assigned to a category covering it (县直有关单位, 各行政机关) are kept
 * apart: the message lists the first and counts the second. Items the unit has completed are left out.
 */
import { citationOf } from '../answer/compose.js';
import type { Hit } from '../answer/retrieve.js';
import { unitItems } from '../answer/retrieve.js';
import { YaodianError } from '../errors.js';
import type { Citation, WorkPlan } from '../model.js';
import type { ProgressRecord, ProgressStatus } from '../store/index.js';
import { shanghaiDate } from '../time.js';
import type { ResolvedUnit, UnitDirectory } from '../units/directory.js';
import { lookupUnit } from './units.js';

export interface DigestEntry extends Citation {
  /** The deadline that put the item in its bucket (overdue / due soon). */
  due?: string;
  /** Days past `due` (overdue) or left until it (due soon; 0 = today). */
  days?: number;
  status: ProgressStatus;
  note?: string;
  /** For category-assigned items: the categories that cover the unit. */
  categories?: string[];
}

export interface DigestBuckets {
  overdue: DigestEntry[];
  dueSoon: DigestEntry[];
  ongoing: DigestEntry[];
  newItems: DigestEntry[];
}

export interface Digest extends DigestBuckets {
  unit: string;
  date: string;
  /** Items assigned to a category covering the unit, bucketed the same way. */
  categories: DigestBuckets;
  /** The chat message shows 持续推进 today (first working day of the month). */
  showOngoing: boolean;
  lastDigestDate?: string;
}

export interface DigestOptions {
  /** file → when its document was added (ISO time or YYYY-MM-DD), for 新增. Files not listed are never new. */
  addedAt?: Map<string, string>;
  /** Days in 7日内到期, today included (default 7). */
  dueWindow?: number;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

function dayNumber(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

/** The first Monday–Friday of the date's month (no holiday calendar). */
export function firstWorkingDay(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  for (let d = 1; d <= 7; d++) {
    const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    if (wd >= 1 && wd <= 5) return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  return `${date.slice(0, 8)}01`;
}

export const isFirstWorkingDay = (date: string) => firstWorkingDay(date) === date;

/** The Shanghai date of an added time (ISO timestamp or YYYY-MM-DD). */
function addedDate(at: string): string {
  return ISO.test(at) ? at : shanghaiDate(new Date(at));
}

const emptyBuckets = (): DigestBuckets => ({ overdue: [], dueSoon: [], ongoing: [], newItems: [] });

/** The units a unit name stands for (all regions' when it has no region and is ambiguous). */
function resolveAll(directory: UnitDirectory, unit: string): ResolvedUnit[] {
  const r = lookupUnit(directory, unit);
  if (r.kind === 'found') return [r.unit];
  if (r.kind === 'ambiguous') return directory.resolve(unit).filter((u) => u.entry);
  throw new YaodianError('BAD_ARGUMENT', `没有找到单位“${unit}”。${r.suggestions.length ? `您是不是要找：${r.suggestions.join('、')}？` : ''}`);
}

export function buildDigest(
  plans: WorkPlan[],
  directory: UnitDirectory,
  unit: string,
  date: string,
  progress: ProgressRecord[] = [],
  lastDigestDate?: string,
  options: DigestOptions = {},
): Digest {
  const window = options.dueWindow ?? 7;
  const today = dayNumber(date);
  const status = new Map(progress.map((p) => [`${p.file}#${p.item}`, p]));
  const resolved = resolveAll(directory, unit);
  const digest: Digest = { unit, date, ...emptyBuckets(), categories: emptyBuckets(), showOngoing: isFirstWorkingDay(date), ...(lastDigestDate ? { lastDigestDate } : {}) };
  const seen = new Set<string>();

  const isNew = (file: string) => {
    const at = options.addedAt?.get(file);
    if (!at) return false;
    const d = addedDate(at);
    return lastDigestDate ? d > lastDigestDate && d <= date : d === date;
  };

  function place(hit: Hit, into: DigestBuckets, categories?: string[]) {
    const key = `${hit.plan.file}#${hit.item.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    const p = status.get(key);
    if (p?.status === '已完成') return;
    const base: DigestEntry = {
      ...citationOf({ ...hit, matched: hit.matched ?? [] }),
      status: p?.status ?? '未开始',
      ...(p?.note ? { note: p.note } : {}),
      ...(categories ? { categories } : {}),
    };
    const dates = hit.item.deadlines.filter((d) => ISO.test(d)).sort();
    const passed = dates.filter((d) => dayNumber(d) < today);
    const soon = dates.filter((d) => dayNumber(d) >= today && dayNumber(d) < today + window);
    if (passed.length) {
      const due = passed[passed.length - 1] as string;
      into.overdue.push({ ...base, due, days: today - dayNumber(due) });
    } else if (soon.length) {
      const due = soon[0] as string;
      into.dueSoon.push({ ...base, due, days: dayNumber(due) - today });
    } else if (hit.item.deadlines.includes('持续推进')) into.ongoing.push(base);
    if (isNew(hit.plan.file)) into.newItems.push(base);
  }

  for (const u of resolved) {
    const r = unitItems(directory, plans, u);
    for (const h of r.named) place(h, digest);
    for (const c of r.categories) place(c.hit, digest.categories, c.names);
  }
  const byDue = (a: DigestEntry, b: DigestEntry) => (a.due ?? '').localeCompare(b.due ?? '');
  digest.overdue.sort(byDue);
  digest.dueSoon.sort(byDue);
  digest.categories.overdue.sort(byDue);
  digest.categories.dueSoon.sort(byDue);
  return digest;
}

/** The CLI's JSON: every bucket in full, entries shaped like `ask` citations. */
export function digestJson(d: Digest): Record<string, unknown> {
  return {
    unit: d.unit,
    date: d.date,
    overdue: d.overdue,
    dueSoon: d.dueSoon,
    ongoing: d.ongoing,
    newItems: d.newItems,
    categories: d.categories,
    showOngoing: d.showOngoing,
    ...(d.lastDigestDate ? { lastDigestDate: d.lastDigestDate } : {}),
  };
}
