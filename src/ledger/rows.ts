/**
 * Ledger rows: one per (item, unit) across the loaded plans — the unit as printed, whether it leads, the item's
 * deadlines, its status on a day (due.ts) and the unit's recorded progress (完成 / 进展 in chat) — with the filters
 * and the order the web page and the exports use. Pure functions of the plans, the day and the progress records.
 */
import { itemRef } from '../answer/compose.js';
import type { Item, Region, WorkPlan } from '../model.js';
import type { ProgressRecord, ProgressStatus } from '../store/index.js';
import { cleanUnitName, levelChar, stripLevel } from '../units/aliases.js';
import { regionOf, unitRefsOf } from '../units/directory.js';
import { dueDates, dueState, type TaskStatus } from './due.js';
import { unitFullName } from './units.js';

export interface LedgerRow {
  file: string;
  doc: string;
  docTitle: string;
  region: string;
  item: string;
  ref: string;
  title: string;
  /** The unit as printed; '' when the item names none. */
  unit: string;
  /** Identity of the unit inside its region (region|canonical local name), for grouping and filtering. */
  unitKey: string;
  category: boolean;
  lead: boolean;
  deadlines: string[];
  /** Earliest due date (due.ts: the assignments' dates, else the dates in the item's text), or null. */
  due: string | null;
  status: TaskStatus;
  /** The unit's recorded progress (未开始 when none is recorded, and for category rows). */
  progress: ProgressStatus;
  note: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
  lines: [number, number];
}

/** The progress a unit recorded on an item, by the unit's key. */
export type ProgressLookup = (file: string, item: string, unitKey: string) => ProgressRecord | undefined;

/** Progress records (kept under canonical unit names) → a lookup by unit key; `keyOf` resolves a stored name. */
export function progressLookup(records: ProgressRecord[], keyOf: (unit: string) => string | undefined): ProgressLookup {
  const keys = new Map<string, string | undefined>();
  const byKey = new Map<string, ProgressRecord>();
  for (const p of records) {
    if (!keys.has(p.unit)) keys.set(p.unit, keyOf(p.unit));
    const key = keys.get(p.unit);
    if (key) byKey.set(`${p.file}#${p.item}#${key}`, p);
  }
  return (file, item, unitKey) => byKey.get(`${file}#${item}#${unitKey}`);
}

export interface RowOptions {
  /** YYYY-MM-DD the status is computed against. */
  today: string;
  /** Days that count as due soon, today included (default 7). */
  soonDays?: number;
  progress?: ProgressLookup;
}

/** One row: `unit` is the printed name (or ''), `key` its identity; progress applies to named units only. */
export function rowOf(plan: WorkPlan, item: Item, unit: { name: string; key: string; category: boolean; lead: boolean }, options: RowOptions): LedgerRow {
  const p = unit.name && !unit.category ? options.progress?.(plan.file, item.id, unit.key) : undefined;
  const dates = dueDates(item);
  return {
    file: plan.file,
    doc: plan.shortName || plan.title,
    docTitle: plan.title,
    region: regionOf(plan).name,
    item: item.id,
    ref: itemRef(item),
    title: item.title,
    unit: unit.name,
    unitKey: unit.key,
    category: unit.category,
    lead: unit.lead,
    deadlines: item.deadlines,
    due: dates[0] ?? null,
    status: p?.status === '已完成' ? 'done' : dueState(item, options.today, options.soonDays).status,
    progress: p?.status ?? '未开始',
    note: p?.note ?? null,
    updatedBy: p?.by ?? null,
    updatedAt: p?.at ?? null,
    lines: item.lines,
  };
}

export interface LedgerOptions extends RowOptions {
  /** Unit identity inside a region (the unit directory's keyOf); default: the printed name without its level. */
  keyOf?: (region: Region, name: string) => string;
}

export function defaultKeyOf(region: Region, name: string): string {
  return `${region.name}|${stripLevel(cleanUnitName(name), levelChar(region.name))}`;
}

/** Every (item, unit) pair of the plans, one row per unit identity; an item without units gives one row with unit ''. */
export function ledgerRows(plans: WorkPlan[], options: LedgerOptions): LedgerRow[] {
  const keyOf = options.keyOf ?? defaultKeyOf;
  const rows: LedgerRow[] = [];
  for (const plan of plans) {
    const region = regionOf(plan);
    for (const item of plan.items) {
      const refs = unitRefsOf(item);
      const seen = new Map<string, LedgerRow>();
      for (const ref of refs) {
        const name = cleanUnitName(ref.name);
        const key = keyOf(region, name);
        const prior = seen.get(key);
        if (prior) {
          prior.lead ||= ref.lead;
          continue;
        }
        const row = rowOf(plan, item, { name, key, category: ref.kind === 'category', lead: ref.lead }, options);
        seen.set(key, row);
        rows.push(row);
      }
      if (!refs.length) rows.push(rowOf(plan, item, { name: '', key: '', category: false, lead: false }, options));
    }
  }
  return rows;
}

export interface LedgerFilter {
  /** A document's file name. */
  doc?: string;
  /** A region name (温州市鹿城区) or a form of it (鹿城). */
  region?: string;
  /** A unit key (region|name) or a unit name as typed (substring of the printed name or of the name with its region). */
  unit?: string;
  lead?: boolean;
  /** Due date window, inclusive (YYYY-MM-DD). */
  from?: string;
  to?: string;
  status?: TaskStatus;
  /** Drop category rows (各行政机关, 有关单位). */
  namedOnly?: boolean;
}

export function filterRows(rows: LedgerRow[], f: LedgerFilter): LedgerRow[] {
  const unit = f.unit ? cleanUnitName(f.unit) : '';
  return rows.filter((r) => {
    if (f.doc && r.file !== f.doc) return false;
    if (f.region && r.region !== f.region && !r.region.includes(f.region)) return false;
    if (unit && r.unitKey !== f.unit && !r.unit.includes(unit) && !`${r.region}${r.unit}`.includes(unit) && !unitFullName(r.region, r.unit).includes(unit)) return false;
    if (f.lead && !r.lead) return false;
    if (f.namedOnly && (r.category || !r.unit)) return false;
    if (f.from && (!r.due || r.due < f.from)) return false;
    if (f.to && (!r.due || r.due > f.to)) return false;
    if (f.status && r.status !== f.status) return false;
    return true;
  });
}

const STATUS_RANK: Record<TaskStatus, number> = { overdue: 0, due_soon: 1, upcoming: 2, ongoing: 3, no_deadline: 4, done: 5 };

/** Leaders' order: overdue first, then due soonest, then the rest in document order, completed last. */
export function sortRows(rows: LedgerRow[]): LedgerRow[] {
  const pos = new Map(rows.map((r, i) => [r, i]));
  return [...rows].sort(
    (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || (a.due ?? '9999').localeCompare(b.due ?? '9999') || (pos.get(a) as number) - (pos.get(b) as number),
  );
}
