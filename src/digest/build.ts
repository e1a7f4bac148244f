/**
 * The daily digest of one unit, as a pure function of the unit's tasks (ledger/unit.ts: the items naming it and,
 * apart, the category-assigned items covering it, each with its status on the day and the unit's progress):
 *   逾期      status overdue (ledger/due.ts: a due date has passed);
 *   7日内到期  status due_soon (a due date within today … today+6);
 *   持续推进   status ongoing (the chat message shows these only on the first working day of the month, the
 *             JSON always lists them);
 *   新增      items of documents added after the last digest (or today, when there was none).
 * Items the unit has completed (已完成) are left out. Items that name the unit are listed; category-assigned
 * items are bucketed the same way and counted apart. The web page, the command line, 今日摘要 and the scheduler
 * all get their digest from digest/service.ts, which calls this.
 */
import type { Citation } from '../model.js';
import type { UnitTask, UnitTasks } from '../ledger/unit.js';
import type { ProgressStatus } from '../store/index.js';
import { shanghaiDate } from '../time.js';

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
  /** The date of the chat's last digest (新增 counts from the day after it). */
  lastDigestDate?: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

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

export function buildDigest(tasks: UnitTasks, date: string, options: DigestOptions = {}): Digest {
  const { lastDigestDate } = options;
  const digest: Digest = { unit: tasks.unit, date, ...emptyBuckets(), categories: emptyBuckets(), showOngoing: isFirstWorkingDay(date), ...(lastDigestDate ? { lastDigestDate } : {}) };

  const isNew = (file: string) => {
    const at = options.addedAt?.get(file);
    if (!at) return false;
    const d = addedDate(at);
    return lastDigestDate ? d > lastDigestDate && d <= date : d === date;
  };

  function place(task: UnitTask, into: DigestBuckets) {
    const { row, citation, state } = task;
    if (row.progress === '已完成') return;
    const base: DigestEntry = {
      ...citation,
      status: row.progress,
      ...(row.note ? { note: row.note } : {}),
      ...(task.categories ? { categories: task.categories } : {}),
    };
    if (row.status === 'overdue' || row.status === 'due_soon') {
      const bucket = row.status === 'overdue' ? into.overdue : into.dueSoon;
      bucket.push({ ...base, due: state.due as string, days: state.days as number });
    } else if (row.status === 'ongoing') into.ongoing.push(base);
    if (isNew(row.file)) into.newItems.push(base);
  }

  for (const t of tasks.named) place(t, digest);
  for (const t of tasks.categories) place(t, digest.categories);
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
