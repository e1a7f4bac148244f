/**
 * Progress answers (我局今年任务完成得怎么样, 各单位完成情况, 哪些单位逾期最多, 最近有什么要做的): the engine reads
 * the question and picks the items; this turns them into figures from the ledger — each item's status on the day
 * by the due-date rule (due.ts) and the progress the units recorded (完成 / 进展 in chat) — numbers first, then the
 * items. 最近有什么要做的 is the asker's unit's digest (overdue, due soon, ongoing).
 */
import type { DigestService } from '../digest/service.js';
import { renderDigest } from '../digest/render.js';
import type { Answer, Citation } from '../model.js';
import { STATUS_LABELS, type TaskStatus } from './due.js';
import type { LedgerRow } from './rows.js';
import type { LedgerService } from './service.js';

export interface ProgressReporter {
  /** The answer with its figures, for an answer whose query asks for progress or an agenda; else as it is. */
  report(answer: Answer, ctx: { unit?: string; today: string }): Promise<Answer>;
}

const ORDER: TaskStatus[] = ['done', 'overdue', 'due_soon', 'ongoing', 'upcoming', 'no_deadline'];

function counts(rows: LedgerRow[]): Record<TaskStatus, number> {
  const c = Object.fromEntries(ORDER.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const r of rows) c[r.status]++;
  return c;
}

function countText(c: Record<TaskStatus, number>): string {
  return ORDER.filter((s) => c[s]).map((s) => `${STATUS_LABELS[s]}${c[s]}项`).join('，') || '没有任务';
}

/** One row per item: the unit's own row when a unit is asked, else the item's worst state over its units. */
function perItem(rows: LedgerRow[]): LedgerRow[] {
  const rank = (s: TaskStatus) => ['overdue', 'due_soon', 'upcoming', 'ongoing', 'no_deadline', 'done'].indexOf(s);
  const best = new Map<string, LedgerRow>();
  for (const r of rows) {
    const k = `${r.file}#${r.item}`;
    const cur = best.get(k);
    if (!cur || rank(r.status) < rank(cur.status)) best.set(k, r);
  }
  return [...best.values()];
}

export function createProgressReporter(deps: { ledger: LedgerService; digests: DigestService }): ProgressReporter {
  return {
    async report(answer, ctx) {
      const want = answer.query?.want;
      const scope = answer.scope;
      if (!scope || (want !== 'progress' && want !== 'agenda')) return answer;
      if (want === 'agenda') {
        const unit = scope.unit ?? ctx.unit;
        if (!unit) return { ...answer, text: '请先告诉我您的单位（在群里发送“绑定 单位全称”），或问“旌德县政府办最近有什么要做的”。' };
        const digest = renderDigest(await deps.digests.digest(unit, ctx.today));
        return { ...answer, intent: 'agenda', text: digest.text.replace(/每日要点/, '近期要做的'), citations: digest.citations };
      }
      const wanted = new Set(scope.items);
      const all = (await deps.ledger.rows(ctx.today)).filter((r) => wanted.has(`${r.file}#${r.item}`) && !r.category && r.unit);
      const cite = (rows: LedgerRow[]): Citation[] => {
        const order = new Map(answer.citations.map((c, i) => [`${c.file}#${c.item}`, i]));
        return rows
          .map((r) => answer.citations[order.get(`${r.file}#${r.item}`) ?? -1])
          .filter((c): c is Citation => !!c)
          .filter((c, i, xs) => xs.findIndex((x) => x.file === c.file && x.item === c.item) === i);
      };
      if (scope.unit) {
        const mine = all.filter((r) => r.unitKey === scope.unitKey);
        const c = counts(mine);
        const overdue = mine.filter((r) => r.status === 'overdue');
        const lines = [`${scope.unit}共${mine.length}项任务：${countText(c)}（截至${ctx.today}）。`];
        if (overdue.length) lines.push(`已逾期：`, ...overdue.slice(0, 5).map((r, i) => `${i + 1}. 《${r.doc}》${r.ref} ${r.title} — 时限${r.due ?? ''}${r.progress === '进行中' ? '（进行中）' : ''}`));
        lines.push('（状态按时限和在群里登记的“完成/进展”计算。）');
        return { ...answer, intent: 'progress', text: lines.join('\n'), citations: cite(overdue.length ? overdue : mine) };
      }
      // Leaders: per unit, numbers first, ranked by what was asked (逾期最多 by overdue, else by completion rate).
      const byUnit = new Map<string, LedgerRow[]>();
      for (const r of all) byUnit.set(r.unitKey, [...(byUnit.get(r.unitKey) ?? []), r]);
      const overdueFirst = answer.query?.deadline?.overdue || /逾期/.test(answer.query?.rules.join(' ') ?? '');
      const units = [...byUnit.values()].map((rows) => ({ label: `${rows[0]!.region}${rows[0]!.unit.replace(/^[省市区县]/, '')}`, rows, c: counts(rows) }));
      units.sort((a, b) => (overdueFirst ? b.c.overdue - a.c.overdue : b.c.done / b.rows.length - a.c.done / a.rows.length) || b.rows.length - a.rows.length || a.label.localeCompare(b.label, 'zh'));
      const items = perItem(all);
      const total = counts(items);
      const lines = [`共${items.length}项任务：${countText(total)}（截至${ctx.today}，状态按时限和登记的进展计算）。`, overdueFirst ? '逾期最多的单位：' : '各单位完成情况：'];
      for (const [i, u] of units.slice(0, 10).entries()) lines.push(`${i + 1}. ${u.label} ${u.rows.length}项：${countText(u.c)}`);
      if (units.length > 10) lines.push(`另有${units.length - 10}个单位。`);
      const top = units[0];
      const cited = overdueFirst && top ? top.rows.filter((r) => r.status === 'overdue') : items.filter((r) => r.status === 'overdue');
      return { ...answer, intent: 'progress', text: lines.join('\n'), citations: cite(cited) };
    },
  };
}
