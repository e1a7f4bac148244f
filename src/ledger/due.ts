/**
 * The due-date rule: the one place that says when an item is due and where it stands on a day. The ledger's
 * status column and the digest's buckets (chat, web page, command line and scheduler alike) come from here.
 *
 * Due dates. An item's dated deadlines from its assignments (完成时限：2021年11月底 → 2021-11-30). When its
 * assignments give no date, the dates written in its text count instead (“2020年底前，各部门……全部公开到位” →
 * 2020-12-31): that sentence is the only deadline the document gives the task. When the assignments do give a
 * date, dates in the text are context (a milestone inside the task, a date quoted from another document) and do
 * not count.
 *
 * Status on a day, first match wins (the window is `soonDays` days, today included: today … today+6 for 7):
 *   done         the unit has marked the item 已完成 (only where the row has a unit and progress)
 *   overdue      a due date has passed; `due` is the latest date passed
 *   due_soon     a due date falls in the window; `due` is the earliest such date
 *   ongoing      the item is 持续推进, even when a later date is also given (a milestone far ahead)
 *   upcoming     a due date lies beyond the window; `due` is the next one
 *   no_deadline  none of these.
 */
import type { Item } from '../model.js';
import { addDays } from '../time.js';

export type TaskStatus = 'done' | 'overdue' | 'due_soon' | 'ongoing' | 'upcoming' | 'no_deadline';

export const STATUS_LABELS: Record<TaskStatus, string> = {
  done: '已完成',
  overdue: '已逾期',
  due_soon: '7天内到期',
  ongoing: '持续推进',
  upcoming: '未到期',
  no_deadline: '未列时限',
};

/** Days in 7天内到期 / 7日内到期, today included. */
export const DUE_WINDOW = 7;

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** The item's due dates, earliest first: its assignments' dates, else the dates in its text. */
export function dueDates(item: Item): string[] {
  const own = item.deadlines.filter((d) => ISO.test(d));
  if (own.length) return [...new Set(own)].sort();
  const inText = item.bodyDates.flatMap((d) => (d.kind === 'date' ? [d.date] : d.kind === 'relative' && d.date ? [d.date] : []));
  return [...new Set(inText)].sort();
}

export function isOngoing(item: Item): boolean {
  return item.deadlines.includes('持续推进') || item.assignments.some((a) => a.deadlines.some((d) => d.kind === 'ongoing'));
}

export interface DueState {
  status: Exclude<TaskStatus, 'done'>;
  /** The date that decided the status (see above); null for ongoing and no_deadline. */
  due: string | null;
  /** Days past `due` (overdue) or left until it (due_soon, upcoming; 0 = today); null without `due`. */
  days: number | null;
}

const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

/** Where an item stands on `today` by its deadlines alone (progress aside). */
export function dueState(item: Item, today: string, soonDays = DUE_WINDOW): DueState {
  const dates = dueDates(item);
  const end = addDays(today, soonDays);
  const passed = dates.filter((d) => d < today);
  const soon = dates.filter((d) => d >= today && d < end);
  const days = (d: string) => Math.abs(dayNumber(d) - dayNumber(today));
  if (passed.length) {
    const due = passed[passed.length - 1] as string;
    return { status: 'overdue', due, days: days(due) };
  }
  if (soon.length) return { status: 'due_soon', due: soon[0] as string, days: days(soon[0] as string) };
  if (isOngoing(item)) return { status: 'ongoing', due: null, days: null };
  const next = dates.find((d) => d >= end);
  if (next) return { status: 'upcoming', due: next, days: days(next) };
  return { status: 'no_deadline', due: null, days: null };
}
