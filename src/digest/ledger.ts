/**
 * A unit's ledger (台账): every item naming the unit, with its progress, plus the category-assigned items counted
 * apart. Shared by the `台账` chat command and `yaodian ledger`.
 */
import { citationOf } from '../answer/compose.js';
import { unitItems } from '../answer/retrieve.js';
import type { Answer, Citation, WorkPlan } from '../model.js';
import type { ProgressRecord, ProgressStatus } from '../store/index.js';
import type { ResolvedUnit, UnitDirectory } from '../units/directory.js';

export interface LedgerRow extends Citation {
  status: ProgressStatus;
  note: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface Ledger {
  unit: string;
  rows: LedgerRow[];
  counts: Record<ProgressStatus, number>;
  /** Items assigned to a category that covers the unit (not listed in rows). */
  categoryItems: number;
}

export function buildLedger(plans: WorkPlan[], directory: UnitDirectory, unit: string, units: ResolvedUnit[], progress: ProgressRecord[]): Ledger {
  const status = new Map(progress.map((p) => [`${p.file}#${p.item}`, p]));
  const rows: LedgerRow[] = [];
  const seen = new Set<string>();
  let categoryItems = 0;
  for (const u of units) {
    const r = unitItems(directory, plans, u);
    categoryItems += r.categories.length;
    for (const h of r.named) {
      const key = `${h.plan.file}#${h.item.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const p = status.get(key);
      rows.push({ ...citationOf(h), status: p?.status ?? '未开始', note: p?.note ?? null, updatedBy: p?.by ?? null, updatedAt: p?.at ?? null });
    }
  }
  const counts: Record<ProgressStatus, number> = { 未开始: 0, 进行中: 0, 已完成: 0 };
  for (const r of rows) counts[r.status]++;
  return { unit, rows, counts, categoryItems };
}

export function ledgerText(l: Ledger, max = Infinity): string {
  const head = `${l.unit} 台账：共${l.rows.length}项（已完成${l.counts['已完成']}、进行中${l.counts['进行中']}、未开始${l.counts['未开始']}）`;
  const lines = l.rows.slice(0, max).map((r, i) => {
    const when = r.deadlines.length ? r.deadlines.join('、') : '未列时限';
    return `${i + 1}. 《${r.doc}》${r.ref} ${r.title} — ${when} — ${r.status}${r.note ? `（${r.note}）` : ''}`;
  });
  if (l.rows.length > max) lines.push(`另有${l.rows.length - max}项，可在命令行用 yaodian ledger 导出全部。`);
  if (l.categoryItems) lines.push(`另有${l.categoryItems}项由类别单位（如县直有关单位）承担，也涉及本单位。`);
  return [head, ...lines].join('\n');
}

export function ledgerAnswer(l: Ledger, max = 10): Answer {
  return { intent: 'ledger', text: ledgerText(l, max), citations: l.rows.slice(0, max).map(({ status: _s, note: _n, updatedBy: _b, updatedAt: _a, ...c }) => c), followUps: ['今日摘要', '我的任务'] };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join('、') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function ledgerCsv(l: Ledger): string {
  const header = ['文件', '文件简称', '条目', '编号', '标题', '责任单位', '牵头单位', '时限', '状态', '备注', '更新人', '更新时间'];
  const rows = l.rows.map((r) => [r.file, r.doc, r.item, r.ref, r.title, r.units, r.leadUnits, r.deadlines, r.status, r.note, r.updatedBy, r.updatedAt].map(csvCell).join(','));
  return [header.join(','), ...rows].join('\n');
}
