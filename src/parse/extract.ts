/**
 * Every assignment of an item, whatever its form: bracketed (（县财政局牵头负责）, （责任单位：…，完成时限：…）),
 * a responsibility sentence (…，由X牵头，Y配合，年底前完成。), or a bracketed deadline alone (（2021年底前完成）)
 * after one of them. All land in the same Assignment fields.
 */
import type { Assignment, Deadline } from '../model.js';
import { DEADLINE_RE, findParentheticals, isAssignment, parseAssignment } from './assignments.js';
import { type DateContext, isDeadlineClause, parseDeadline, parseDeadlineClause } from './deadlines.js';
import { findResponsibilities } from './responsibility.js';

export interface ItemAssignments {
  assignments: Assignment[];
  notes: string[];
  /** Deadline fragments left by a damaged assignment (…时限:持续推进) whose units were lost). */
  fragments: Deadline[];
  /** The body with the assignments cut out, for body-date search. */
  rest: string;
}

const MASK = '\u0001';

function deadlinesOf(clauses: string[], ctx: DateContext): Deadline[] {
  return clauses.map((c) => parseDeadlineClause(c, ctx)).filter((d): d is Deadline => d !== null);
}

/**
 * Find every assignment inside an item's body, in order. `lineOf(offset)` maps a body offset to its source line.
 */
export function extractAssignments(body: string, ctx: DateContext, lineOf: (offset: number) => number): ItemAssignments {
  const found: Array<Assignment & { start: number; end: number; clauseFrom: number }> = [];
  const notes: string[] = [];
  const chars = Array.from({ length: body.length }, () => false);
  const cut = (start: number, end: number) => {
    for (let i = start; i < end; i++) chars[i] = true;
  };
  let masked = body;
  const maskSpan = (start: number, end: number) => {
    masked = masked.slice(0, start) + MASK.repeat(end - start) + masked.slice(end);
  };
  const deadlineSpans: Array<{ start: number; end: number; inner: string }> = [];
  for (const span of findParentheticals(body)) {
    if (!isAssignment(span.inner)) {
      if (isDeadlineClause(span.inner)) {
        deadlineSpans.push(span);
        maskSpan(span.start, span.end);
      }
      continue;
    }
    const parsed = parseAssignment(span.inner, ctx);
    notes.push(...parsed.notes);
    found.push({ units: parsed.units, deadlines: parsed.deadlines, clause: '', raw: span.inner.trim(), line: lineOf(span.start), start: span.start, end: span.end, clauseFrom: -1 });
    maskSpan(span.start, span.end);
    cut(span.start, span.end);
  }
  for (const r of findResponsibilities(masked)) {
    const parsed = parseAssignment(r.text, ctx);
    if (parsed.units.length === 0) continue;
    found.push({
      units: parsed.units,
      deadlines: [...parsed.deadlines, ...deadlinesOf(r.deadlines, ctx)],
      clause: '',
      raw: r.text,
      line: lineOf(r.start),
      start: r.start,
      end: r.end,
      clauseFrom: r.sentenceStart,
    });
    cut(r.start, r.end);
  }
  found.sort((a, b) => a.start - b.start);
  // A bracketed deadline alone belongs to the assignment just before it (…由县财政局负责（2021年底前完成）).
  for (const span of deadlineSpans) {
    const before = [...found].reverse().find((a) => a.end <= span.start && !/[。；;]/.test(body.slice(a.end, span.start)));
    if (!before) continue;
    before.deadlines.push(...deadlinesOf([span.inner], ctx));
    cut(span.start, span.end);
  }
  const assignments: Assignment[] = [];
  let clauseStart = 0;
  for (const a of found) {
    const from = a.clauseFrom >= 0 ? Math.min(a.clauseFrom, a.start) : clauseStart;
    const clause = body.slice(Math.min(from, a.start), a.start).replace(/^[\s。；;，,]+/, '').replace(/(?<![，,；;\s])[，,；;\s]+$/, '').trim();
    assignments.push({ units: a.units, deadlines: a.deadlines, clause, raw: a.raw, line: a.line });
    clauseStart = a.end;
  }
  const rest = body
    .split('')
    .map((ch, i) => (chars[i] ? ' ' : ch))
    .join('').replace(/ {2,}/g, ' ');
  const fragments: Deadline[] = [];
  for (const m of rest.matchAll(DEADLINE_RE)) {
    if (!/时限/.test(m[0])) continue;
    const d = parseDeadline(m[1] as string, ctx);
    if (d) fragments.push(d);
  }
  return { assignments, notes, fragments, rest };
}
