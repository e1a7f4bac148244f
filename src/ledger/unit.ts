/**
 * One unit's tasks: the items that name it (under any alias, in its own region — the same selection as
 * “X负责哪些任务”) and, apart, the items assigned to a category that covers it (县直有关单位, 各行政机关), each as a
 * ledger row with its status and the unit's progress. The unit's ledger (台账, `yaodian ledger`) and its digest
 * (digest/build.ts) are built from these.
 */
import { citationOf } from '../answer/compose.js';
import { unitItems } from '../answer/retrieve.js';
import type { Answer, Citation, Item, WorkPlan } from '../model.js';
import type { ProgressStatus } from '../store/index.js';
import { regionOf, unitRefsOf, type ResolvedUnit, type UnitDirectory } from '../units/directory.js';
import { dueState, type DueState } from './due.js';
import { rowOf, type LedgerRow, type RowOptions } from './rows.js';

export interface UnitTask {
  plan: WorkPlan;
  item: Item;
  row: LedgerRow;
  /** Where the item stands on the day by its deadlines (row.status is this, or done). */
  state: DueState;
  /** The citation of the item, as `ask` gives it. */
  citation: Citation;
  /** For category-assigned items: the categories that cover the unit. */
  categories?: string[];
}

export interface UnitTasks {
  /** The unit's canonical name (旌德县财政局). */
  unit: string;
  named: UnitTask[];
  categories: UnitTask[];
}

export function unitTasks(plans: WorkPlan[], directory: UnitDirectory, unit: { name: string; unit: ResolvedUnit }, options: RowOptions): UnitTasks {
  const r = unitItems(directory, plans, unit.unit);
  const key = unit.unit.key;
  const named = r.named.map(({ plan, item, matched }) => {
    const region = regionOf(plan);
    const lead = unitRefsOf(item).some((ref) => ref.kind === 'unit' && ref.lead && directory.keyOf(region, ref.name) === key);
    const row = rowOf(plan, item, { name: matched[0] ?? unit.name, key, category: false, lead }, options);
    return { plan, item, row, state: dueState(item, options.today, options.soonDays), citation: citationOf({ plan, item, score: 1, matched }) };
  });
  const categories = r.categories.map(({ hit, names }) => ({
    plan: hit.plan,
    item: hit.item,
    row: rowOf(hit.plan, hit.item, { name: names.join('、'), key, category: true, lead: false }, options),
    state: dueState(hit.item, options.today, options.soonDays),
    citation: citationOf(hit),
    categories: names,
  }));
  return { unit: unit.name, named, categories };
}

export interface UnitLedger {
  unit: string;
  rows: LedgerRow[];
  counts: Record<ProgressStatus, number>;
  /** Items assigned to a category that covers the unit (not listed in rows). */
  categoryItems: number;
  /** The rows' items as citations, for a chat answer. */
  citations: Citation[];
}

export function unitLedger(tasks: UnitTasks): UnitLedger {
  const rows = tasks.named.map((t) => t.row);
  const counts: Record<ProgressStatus, number> = { 未开始: 0, 进行中: 0, 已完成: 0 };
  for (const r of rows) counts[r.progress]++;
  return { unit: tasks.unit, rows, counts, categoryItems: tasks.categories.length, citations: tasks.named.map((t) => t.citation) };
}

/** `yaodian ledger --json`. */
export function unitLedgerJson(l: UnitLedger): Record<string, unknown> {
  return { unit: l.unit, rows: l.rows, counts: l.counts, categoryItems: l.categoryItems };
}

export function ledgerText(l: UnitLedger, max = Infinity): string {
  const head = `${l.unit} 台账：共${l.rows.length}项（已完成${l.counts['已完成']}、进行中${l.counts['进行中']}、未开始${l.counts['未开始']}）`;
  const lines = l.rows.slice(0, max).map((r, i) => {
    const when = r.deadlines.length ? r.deadlines.join('、') : '未列时限';
    return `${i + 1}. 《${r.doc}》${r.ref} ${r.title} — ${when} — ${r.progress}${r.note ? `（${r.note}）` : ''}`;
  });
  if (l.rows.length > max) lines.push(`另有${l.rows.length - max}项，可在命令行用 yaodian ledger 导出全部。`);
  if (l.categoryItems) lines.push(`另有${l.categoryItems}项由类别单位（如县直有关单位）承担，也涉及本单位。`);
  return [head, ...lines].join('\n');
}

/** The 台账 chat answer: the first `max` rows, cited. */
export function ledgerAnswer(l: UnitLedger, max = 10): Answer {
  return { intent: 'ledger', text: ledgerText(l, max), citations: l.citations.slice(0, max), followUps: ['今日摘要', '我的任务'] };
}
