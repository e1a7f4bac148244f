/**
 * Ledger summaries for leaders: tasks per unit (with overdue, due soon and completed counts) and a deadline
 * timeline by month.
 */
import type { LedgerRow } from './rows.js';

export interface UnitStat {
  unitKey: string;
  unit: string;
  region: string;
  category: boolean;
  total: number;
  lead: number;
  overdue: number;
  dueSoon: number;
  done: number;
}

/** Tasks per unit, most first (overdue breaks ties). Rows without a unit are left out. */
export function unitStats(rows: LedgerRow[]): UnitStat[] {
  const map = new Map<string, UnitStat>();
  for (const r of rows) {
    if (!r.unit) continue;
    const s = map.get(r.unitKey) ?? { unitKey: r.unitKey, unit: r.unit, region: r.region, category: r.category, total: 0, lead: 0, overdue: 0, dueSoon: 0, done: 0 };
    s.total++;
    if (r.lead) s.lead++;
    if (r.status === 'overdue') s.overdue++;
    if (r.status === 'due_soon') s.dueSoon++;
    if (r.status === 'done') s.done++;
    map.set(r.unitKey, s);
  }
  return [...map.values()].sort((a, b) => b.total - a.total || b.overdue - a.overdue || a.unit.localeCompare(b.unit, 'zh'));
}

export interface TimelineBucket {
  /** YYYY-MM. */
  month: string;
  /** Distinct items due that month. */
  items: number;
  /** Of those, items with an overdue row. */
  overdue: number;
}

/** Distinct items per month of their earliest due date. */
export function timeline(rows: LedgerRow[]): TimelineBucket[] {
  const buckets = new Map<string, TimelineBucket>();
  const seen = new Map<string, boolean>();
  for (const r of rows) {
    if (!r.due) continue;
    const id = `${r.file}#${r.item}`;
    const month = r.due.slice(0, 7);
    const b = buckets.get(month) ?? { month, items: 0, overdue: 0 };
    if (!seen.has(id)) {
      b.items++;
      seen.set(id, false);
    }
    if (r.status === 'overdue' && !seen.get(id)) {
      b.overdue++;
      seen.set(id, true);
    }
    buckets.set(month, b);
  }
  return [...buckets.values()].sort((a, b) => a.month.localeCompare(b.month));
}
