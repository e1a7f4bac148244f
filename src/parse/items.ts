/**
 * Items from what the structure found: a numbered paragraph of text (its title, body and every assignment in it),
 * or a task-table row (its task cell, content, and the units and deadlines of its cells).
 */
import type { Assignment, Deadline, Item, ParseWarning, UnitRef } from '../model.js';
import { parseAssignment } from './assignments.js';
import { type DateContext, deadlineKey, findBodyDates, parseDeadline } from './deadlines.js';
import { extractAssignments } from './extract.js';
import type { RawItem } from './structure.js';
import type { TableItem } from './table.js';
import { isCategoryName, splitUnits } from './unit-names.js';

/** First sentence of an item: up to the first 。 or the first assignment, without the final 。. */
export function titleOf(body: string): string {
  // 推进以下工作：\n1.… — a title that introduces sub-points ends at its colon.
  const intro = body.match(/^([^\n。]{2,80})[：:]\n/);
  if (intro) return (intro[1] as string).trim();
  const flat = body.replace(/\n/g, '');
  let end = flat.length;
  const stop = flat.search(/[。！？]/);
  if (stop >= 0) end = stop;
  const assignment = flat.search(/[（(【[](?:责任单位|牵头单位|责任部门)/);
  if (assignment >= 0 && assignment < end) end = assignment;
  // (?<![…]) before […]+$: match a trailing run only from its start, never rescan a long run from inside it
  // (quadratic: a line of 180,000 commas took 12 s). The same idiom guards the other trailing trims in src/parse.
  return flat.slice(0, end).replace(/(?<![；;：:，,\s])[；;：:，,\s]+$/, '').trim();
}

function lineFinder(raw: RawItem): (offset: number) => number {
  return (offset) => {
    let line = raw.firstLine;
    for (const [off, l] of raw.lineStarts) {
      if (off <= offset) line = l;
      else break;
    }
    return line;
  };
}

interface Collected {
  units: string[];
  leadUnits: string[];
  deadlines: string[];
}

/** Units, leads and deadlines of an item's assignments (and damaged fragments), in order, deduplicated. */
function collect(assignments: Assignment[], fragments: Deadline[]): Collected {
  const units: string[] = [];
  const leadUnits: string[] = [];
  const deadlineList: Deadline[] = [];
  for (const a of assignments) {
    for (const u of a.units) {
      if (!units.includes(u.name)) units.push(u.name);
      if (u.lead && !leadUnits.includes(u.name)) leadUnits.push(u.name);
    }
    deadlineList.push(...a.deadlines);
  }
  deadlineList.push(...fragments);
  return { units, leadUnits, deadlines: [...new Set(deadlineList.map(deadlineKey))] };
}

export function buildItem(raw: RawItem, ordinal: number, ctx: DateContext, notes: string[], warnings: ParseWarning[]): Item {
  const found = extractAssignments(raw.body, ctx, lineFinder(raw));
  notes.push(...found.notes);
  const id = `${raw.section}.${ordinal}`;
  if (found.fragments.length > 0) {
    warnings.push({
      code: 'DAMAGED_ASSIGNMENT',
      message: `${id}：有残缺的责任分工（只剩“时限”部分，责任单位无法识别），已保留其完成时限。`,
      line: raw.firstLine,
    });
  }
  const title = raw.heading ?? titleOf(raw.body);
  if (!title) warnings.push({ code: 'EMPTY_TITLE', message: `${id}：条目没有标题文字。`, line: raw.firstLine });
  return {
    id,
    section: raw.section,
    ordinal,
    printed: raw.printed,
    title,
    body: raw.heading ? `${raw.heading}\n${raw.body}` : raw.body,
    lines: [raw.firstLine, raw.lastLine],
    assignments: found.assignments,
    ...collect(found.assignments, found.fragments),
    bodyDates: findBodyDates(found.rest, ctx),
  };
}

/** A role written after a name in a cell: （牵头） （配合）. */
const ROLE_MARK = /[（(](牵头单位|牵头|主责|主办|配合|协办|参与|协助)[）)]$/;

/** Units named in a table cell: a plain list, names marked （牵头）, or a sentence with its own roles (县财政局牵头，县府办配合). */
function cellUnits(text: string, lead: boolean, ctx: DateContext): UnitRef[] {
  const flat = text.replace(/\n/g, '、');
  // 县发改委（牵头）、县财政局: each name marked with its role.
  if (new RegExp(ROLE_MARK.source.slice(0, -1)).test(flat)) {
    return flat
      .split(/[、，,；;]/)
      .map((part) => part.trim())
      .filter(Boolean)
      .flatMap((part) => {
        const m = part.match(ROLE_MARK);
        const name = m ? part.slice(0, m.index).trim() : part;
        const isLead = lead || (m !== null && /牵头|主责|主办/.test(m[1] as string));
        return splitUnits(name).map((n): UnitRef => ({ name: n, kind: isCategoryName(n) ? 'category' : 'unit', lead: isLead }));
      });
  }
  if (/牵头|配合|参与|协助|会同|负责|[:：]/.test(flat)) {
    const parsed = parseAssignment(flat, ctx).units;
    if (parsed.length > 0) return parsed.map((u) => ({ ...u, lead: u.lead || lead }));
  }
  return splitUnits(flat).map((name) => ({ name, kind: isCategoryName(name) ? 'category' : 'unit', lead }));
}

/** Deadlines in a table cell: 持续推进；2021年11月底 → [持续推进, 2021-11-30]. */
function cellDeadlines(text: string, ctx: DateContext): Deadline[] {
  return text
    .split(/[；;，,、\n/]|\s{2,}/)
    .map((part) => parseDeadline(part, ctx))
    .filter((d): d is Deadline => d !== null);
}

export function buildTableItem(t: TableItem, ordinal: number, ctx: DateContext, notes: string[], warnings: ParseWarning[]): Item {
  const line = t.firstLine + 1;
  const found = extractAssignments(t.content, ctx, () => line);
  notes.push(...found.notes);
  const cellUnitsList: UnitRef[] = [];
  for (const c of t.leads) cellUnitsList.push(...cellUnits(c, true, ctx));
  for (const c of t.units) cellUnitsList.push(...cellUnits(c, false, ctx));
  const merged = new Map<string, UnitRef>();
  for (const u of cellUnitsList) {
    const prev = merged.get(u.name);
    if (prev) prev.lead ||= u.lead;
    else merged.set(u.name, { ...u });
  }
  const cellDeadlineList = t.deadlines.flatMap((d) => cellDeadlines(d, ctx));
  const assignments: Assignment[] = [];
  if (merged.size > 0 || cellDeadlineList.length > 0) {
    assignments.push({
      units: [...merged.values()],
      deadlines: cellDeadlineList,
      clause: t.title || t.content,
      raw: [...t.leads, ...t.units, ...t.deadlines].join('；'),
      line,
    });
  }
  assignments.push(...found.assignments);
  const id = `${t.section}.${ordinal}`;
  const title = t.title ? t.title.replace(/\n/g, '').replace(/(?<![。；;，,\s])[。；;，,\s]+$/, '') : titleOf(t.content);
  if (!title) warnings.push({ code: 'EMPTY_TITLE', message: `${id}：条目没有标题文字。`, line });
  const body = t.title && t.content ? `${t.title}\n${t.content}` : t.title || t.content;
  return {
    id,
    section: t.section,
    ordinal,
    printed: t.printed,
    title,
    body,
    lines: [line, t.lastLine + 1],
    assignments,
    ...collect(assignments, found.fragments),
    bodyDates: findBodyDates(found.rest, ctx),
  };
}
