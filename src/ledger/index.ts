/**
 * The task ledger: one row per (item, unit) across the loaded plans, with a deadline status relative to a day,
 * filters, per-unit counts, a deadline timeline, a unit's digest, and CSV / XLSX export.
 * Everything here is a pure function of the plans and the day, except the XLSX writer (async, in memory).
 * Progress is not stored yet: every item counts as not completed.
 */
import type { Item, Region, WorkPlan } from '../model.js';
import { itemRef } from '../answer/compose.js';
import { regionOf, regionForms, unitRefsOf } from '../units/directory.js';
import { cleanUnitName, levelChar, stripLevel } from '../units/aliases.js';
import { addDays } from '../time.js';

export type TaskStatus = 'overdue' | 'due_soon' | 'upcoming' | 'ongoing' | 'no_deadline';

export const STATUS_LABELS: Record<TaskStatus, string> = {
  overdue: '已逾期',
  due_soon: '7天内到期',
  upcoming: '未到期',
  ongoing: '持续推进',
  no_deadline: '未列时限',
};

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
  /** Identity of the unit inside its region (region|local name), for grouping and filtering. */
  unitKey: string;
  category: boolean;
  lead: boolean;
  deadlines: string[];
  /** Earliest dated deadline (ISO), or null. */
  due: string | null;
  status: TaskStatus;
  lines: [number, number];
}

export interface LedgerOptions {
  /** YYYY-MM-DD the status is computed against. */
  today: string;
  /** Days ahead that count as due soon (default 7). */
  soonDays?: number;
  /** Unit identity inside a region; default: the printed name without spaces and its leading level (县财政局 → 财政局). */
  keyOf?: (region: Region, name: string) => string;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;


export function defaultKeyOf(region: Region, name: string): string {
  return `${region.name}|${stripLevel(cleanUnitName(name), levelChar(region.name))}`;
}

/** Dated deadlines of an item: its assignments' dates, else the dates in its text (2020年9月底前，完成…). */
export function itemDueDates(item: Item): string[] {
  const own = item.deadlines.filter((d) => ISO.test(d));
  if (own.length) return [...own].sort();
  return item.bodyDates.flatMap((d) => (d.kind === 'date' ? [d.date] : d.kind === 'relative' && d.date ? [d.date] : [])).sort();
}

export function statusOf(item: Item, today: string, soonDays = 7): { due: string | null; status: TaskStatus } {
  const dates = itemDueDates(item);
  const due = dates[0] ?? null;
  if (due) {
    if (due < today) return { due, status: 'overdue' };
    // The same window as the digest's 7日内到期: today … today + soonDays − 1.
    if (due < addDays(today, soonDays)) return { due, status: 'due_soon' };
    return { due, status: 'upcoming' };
  }
  if (item.deadlines.includes('持续推进') || item.assignments.some((a) => a.deadlines.some((d) => d.kind === 'ongoing'))) return { due, status: 'ongoing' };
  return { due, status: 'no_deadline' };
}

/** Every (item, unit) pair of the plans; an item without units gives one row with unit ''. */
export function ledgerRows(plans: WorkPlan[], options: LedgerOptions): LedgerRow[] {
  const keyOf = options.keyOf ?? defaultKeyOf;
  const rows: LedgerRow[] = [];
  for (const plan of plans) {
    const region = regionOf(plan);
    for (const item of plan.items) {
      const { due, status } = statusOf(item, options.today, options.soonDays);
      const base = {
        file: plan.file,
        doc: plan.shortName || plan.title,
        docTitle: plan.title,
        region: region.name,
        item: item.id,
        ref: itemRef(item),
        title: item.title,
        deadlines: item.deadlines,
        due,
        status,
        lines: item.lines,
      };
      const refs = unitRefsOf(item);
      const seen = new Map<string, LedgerRow>();
      for (const ref of refs) {
        const name = cleanUnitName(ref.name);
        const prior = seen.get(name);
        if (prior) {
          prior.lead ||= ref.lead;
          continue;
        }
        const row: LedgerRow = { ...base, unit: name, unitKey: keyOf(region, name), category: ref.kind === 'category', lead: ref.lead };
        seen.set(name, row);
        rows.push(row);
      }
      if (!refs.length) rows.push({ ...base, unit: '', unitKey: '', category: false, lead: false });
    }
  }
  return rows;
}

export interface LedgerFilter {
  /** A document's file name. */
  doc?: string;
  /** A region name (温州市鹿城区) or a form of it (鹿城). */
  region?: string;
  /** A unit key (region|name) or a unit name as typed (substring match). */
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
    if (unit && r.unitKey !== f.unit && !r.unit.includes(unit) && !`${r.region}${r.unit}`.includes(unit)) return false;
    if (f.lead && !r.lead) return false;
    if (f.namedOnly && (r.category || !r.unit)) return false;
    if (f.from && (!r.due || r.due < f.from)) return false;
    if (f.to && (!r.due || r.due > f.to)) return false;
    if (f.status && r.status !== f.status) return false;
    return true;
  });
}

const STATUS_RANK: Record<TaskStatus, number> = { overdue: 0, due_soon: 1, upcoming: 2, ongoing: 3, no_deadline: 4 };

/** Leaders' order: overdue first, then due soonest, then the rest in document order. */
export function sortRows(rows: LedgerRow[]): LedgerRow[] {
  const pos = new Map(rows.map((r, i) => [r, i]));
  return [...rows].sort(
    (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || (a.due ?? '9999').localeCompare(b.due ?? '9999') || (pos.get(a) as number) - (pos.get(b) as number),
  );
}

export interface UnitStat {
  unitKey: string;
  unit: string;
  region: string;
  category: boolean;
  total: number;
  lead: number;
  overdue: number;
  dueSoon: number;
}

/** Tasks per unit, most first (overdue breaks ties). Rows without a unit are left out. */
export function unitStats(rows: LedgerRow[]): UnitStat[] {
  const map = new Map<string, UnitStat>();
  for (const r of rows) {
    if (!r.unit) continue;
    const s = map.get(r.unitKey) ?? { unitKey: r.unitKey, unit: r.unit, region: r.region, category: r.category, total: 0, lead: 0, overdue: 0, dueSoon: 0 };
    s.total++;
    if (r.lead) s.lead++;
    if (r.status === 'overdue') s.overdue++;
    if (r.status === 'due_soon') s.dueSoon++;
    map.set(r.unitKey, s);
  }
  return [...map.values()].sort((a, b) => b.total - a.total || b.overdue - a.overdue || a.unit.localeCompare(b.unit, 'zh'));
}

export interface TimelineBucket {
  /** YYYY-MM. */
  month: string;
  /** Distinct items due that month. */
  items: number;
  overdue: number;
}

/** Distinct items per month of their earliest due date. */
export function timeline(rows: LedgerRow[]): TimelineBucket[] {
  const seen = new Set<string>();
  const map = new Map<string, TimelineBucket>();
  for (const r of rows) {
    if (!r.due) continue;
    const id = `${r.file}#${r.item}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const month = r.due.slice(0, 7);
    const b = map.get(month) ?? { month, items: 0, overdue: 0 };
    b.items++;
    if (r.status === 'overdue') b.overdue++;
    map.set(month, b);
  }
  return [...map.values()].sort((a, b) => a.month.localeCompare(b.month));
}

export interface DigestEntry {
  file: string;
  doc: string;
  item: string;
  ref: string;
  title: string;
  lead: boolean;
  deadlines: string[];
  due: string | null;
  lines: [number, number];
}

export interface Digest {
  unit: string;
  date: string;
  overdue: DigestEntry[];
  dueSoon: DigestEntry[];
  ongoing: DigestEntry[];
  /** Items named for the unit in total. */
  total: number;
}

/**
 * Does a printed unit name in `plan` denote what the user typed? 青田县财政局 matches 县财政局 in 青田's plan;
 * 财政局 alone matches it in every plan.
 */
export function defaultUnitMatch(plan: WorkPlan, printed: string, query: string): boolean {
  const region = regionOf(plan);
  let q = cleanUnitName(query);
  let regionNamed = false;
  for (const f of regionForms(region)) {
    if (q.startsWith(f) && q.length > f.length) {
      q = q.slice(f.length);
      regionNamed = true;
      break;
    }
  }
  if (!regionNamed) {
    // Another region's name in front (义乌市数管中心 asked against 青田's plan): not this unit.
    const other = /^[^局委办部中心]{2,4}(?:省|市|区|县)/.exec(q)?.[0];
    if (other && q.length > other.length + 1) return false;
  }
  const level = levelChar(region.name);
  return stripLevel(cleanUnitName(printed), level) === stripLevel(q, level);
}

/**
 * A unit's digest for a day: its overdue items, those due within `soonDays` (default 7), and its ongoing ones.
 * `matches` decides whether a printed unit name is the unit (default: defaultUnitMatch).
 */
export function digestFor(
  plans: WorkPlan[],
  unit: string,
  date: string,
  options: { soonDays?: number; matches?: (plan: WorkPlan, printed: string) => boolean } = {},
): Digest {
  const matches = options.matches ?? ((plan, printed) => defaultUnitMatch(plan, printed, unit));
  const out: Digest = { unit, date, overdue: [], dueSoon: [], ongoing: [], total: 0 };
  for (const plan of plans) {
    for (const item of plan.items) {
      const mine = unitRefsOf(item).filter((r) => r.kind === 'unit' && matches(plan, r.name));
      if (!mine.length) continue;
      out.total++;
      const { due, status } = statusOf(item, date, options.soonDays);
      const entry: DigestEntry = {
        file: plan.file,
        doc: plan.shortName || plan.title,
        item: item.id,
        ref: itemRef(item),
        title: item.title,
        lead: mine.some((r) => r.lead),
        deadlines: item.deadlines,
        due,
        lines: item.lines,
      };
      if (status === 'overdue') out.overdue.push(entry);
      else if (status === 'due_soon') out.dueSoon.push(entry);
      else if (status === 'ongoing') out.ongoing.push(entry);
    }
  }
  const byDue = (a: DigestEntry, b: DigestEntry) => (a.due ?? '').localeCompare(b.due ?? '');
  out.overdue.sort(byDue);
  out.dueSoon.sort(byDue);
  return out;
}

const COLUMNS: Array<[keyof LedgerRow | 'statusLabel' | 'leadLabel', string]> = [
  ['doc', '文件'],
  ['region', '地区'],
  ['ref', '条目'],
  ['title', '任务'],
  ['unit', '责任单位'],
  ['leadLabel', '牵头'],
  ['deadlines', '时限'],
  ['due', '最早到期日'],
  ['statusLabel', '状态'],
  ['file', '来源文件'],
  ['lines', '原文行号'],
];

function cellOf(r: LedgerRow, key: (typeof COLUMNS)[number][0]): string {
  if (key === 'statusLabel') return STATUS_LABELS[r.status];
  if (key === 'leadLabel') return r.lead ? '是' : '';
  if (key === 'deadlines') return r.deadlines.join('、');
  if (key === 'lines') return `${r.lines[0]}-${r.lines[1]}`;
  const v = r[key];
  return v === null || v === undefined ? '' : String(v);
}

function csvCell(s: string): string {
  // Cells that a spreadsheet would run as a formula are prefixed with ' (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV with a UTF-8 BOM and CRLF line ends, so that Excel opens the Chinese text correctly. */
export function toCsv(rows: LedgerRow[]): string {
  const lines = [COLUMNS.map(([, h]) => h).join(',')];
  for (const r of rows) lines.push(COLUMNS.map(([k]) => csvCell(cellOf(r, k))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** An Excel workbook: 任务台账 (the rows) and 单位统计 (per unit counts). */
export async function toXlsx(rows: LedgerRow[], options: { title?: string } = {}): Promise<Buffer> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = '要点助手';
  wb.created = new Date(0);
  const sheet = wb.addWorksheet('任务台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  const widths: Record<string, number> = { doc: 16, region: 12, ref: 10, title: 48, unit: 22, leadLabel: 6, deadlines: 18, due: 12, statusLabel: 10, file: 30, lines: 10 };
  sheet.columns = COLUMNS.map(([k, h]) => ({ header: h, key: k, width: widths[k] ?? 12 }));
  for (const r of rows) sheet.addRow(Object.fromEntries(COLUMNS.map(([k]) => [k, cellOf(r, k)])));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  const stats = wb.addWorksheet('单位统计', { views: [{ state: 'frozen', ySplit: 1 }] });
  stats.columns = [
    { header: '地区', key: 'region', width: 14 },
    { header: '单位', key: 'unit', width: 26 },
    { header: '任务数', key: 'total', width: 10 },
    { header: '牵头', key: 'lead', width: 8 },
    { header: '已逾期', key: 'overdue', width: 10 },
    { header: '7天内到期', key: 'dueSoon', width: 12 },
  ];
  for (const s of unitStats(rows)) stats.addRow(s);
  stats.getRow(1).font = { bold: true };
  if (options.title) wb.title = options.title;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
