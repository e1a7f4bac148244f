/**
 * Assignments: the parentheticals that end a clause and name who does it and by when.
 *   （县司法局牵头各行政机关负责）  （A、B、C分别牵头负责）  （县府办会同县财政局等有关部门负责）
 *   (责任单位:A、B,完成时限:2021年11月底)  （牵头单位：A、B；责任单位：C、D）  [责任单位：…]
 * Document numbers （青政发〔2017〕242号） and asides （以下简称《条例》） are not assignments.
 */
import type { Deadline, UnitRef } from '../model.js';
import { type DateContext, isDeadlineClause, parseDeadline, parseDeadlineClause } from './deadlines.js';
import { isCategoryName, looksLikeUnit, splitUnits } from './unit-names.js';

export interface Span {
  start: number;
  /** Exclusive, after the closing bracket. */
  end: number;
  inner: string;
}

const OPENERS = '（(【[';
const CLOSERS = '）)】]';

/** Top-level bracketed spans of a text; nested brackets stay inside their span. Unclosed ones are dropped. */
export function findParentheticals(text: string): Span[] {
  const spans: Span[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (OPENERS.includes(ch)) {
      if (depth === 0) start = i;
      depth++;
    } else if (CLOSERS.includes(ch) && depth > 0) {
      depth--;
      if (depth === 0) spans.push({ start, end: i + 1, inner: text.slice(start + 1, i) });
    }
  }
  return spans;
}

export const ROLE_LABEL =
  '(?:牵头|责任|配合|协同|协办|参与|主办|承办|主责|实施|落实|协助)(?:单位|部门)|责任(?:主体|领导)';
const ROLE_RE = new RegExp(`(${ROLE_LABEL})\\s*[:：]`, 'g');
export const DEADLINE_RE = /(?:完成|办结)?(?:时限|时间|期限|时间节点)\s*[:：]\s*([^，,；;。）)]*)/g;
const LEAD_LABEL = /^(牵头|主办|主责)/;
const TAIL_DUTY = /(分别|共同|按职责分工|按职责|按照职责分工|依职责)?(牵头)?(组织)?(落实|负责|实施)$/;

/** Is this bracketed text an assignment? */
export function isAssignment(inner: string): boolean {
  const s = inner.replace(/[\s\u3000]+/g, '');
  if (s.length < 2 || s.length > 400) return false;
  if (new RegExp(`^(?:${ROLE_LABEL})[:：]`).test(s)) return true;
  if (/(?:完成)?时限[:：]/.test(s)) return true;
  if (/号$|简称|统称|以下|下同|详见|见附件/.test(s) && !/负责$/.test(s)) return false;
  return isUnitsWithDuty(splitDeadlineTail((s.split('。')[0] ?? '').replace(/[，,]?(?:完成)?时限.*$/, '')).head);
}

/** 县府办负责，2021年9月底前完成 → the units part and the deadline clauses after it. */
export function splitDeadlineTail(text: string): { head: string; tail: string[] } {
  const parts = text.split(/[，,；;]/);
  const tail: string[] = [];
  while (parts.length > 1 && isDeadlineClause(parts.at(-1) as string)) tail.unshift(parts.pop() as string);
  return { head: parts.join('，'), tail };
}

/**
 * Text without labels that names who does the work and nothing else: 县财政局牵头负责, A、B分别负责,
 * A会同B等有关部门负责, A牵头，B配合. Every name must read as a unit.
 */
export function isUnitsWithDuty(text: string): boolean {
  const s = text.replace(/[\s\u3000]+/g, '');
  if (s.length < 2 || s.length > 400 || /[:：。]/.test(s)) return false;
  if (!TAIL_DUTY.test(s) && !/(牵头|配合|参与|协助|协同)$/.test(s)) return false;
  const names = unlabeledUnits(s);
  return names.length > 0 && names.every((u) => looksLikeUnit(u.name));
}

function ref(name: string, lead: boolean): UnitRef {
  return { name, kind: isCategoryName(name) ? 'category' : 'unit', lead };
}

/** 县司法局牵头各行政机关负责 / A会同B等有关部门负责 / A、B分别牵头负责 / A牵头，B配合. */
function unlabeledUnits(text: string): UnitRef[] {
  const parts = text.split(/[，,；;]/).filter(Boolean);
  const out: UnitRef[] = [];
  for (const raw of parts) {
    let part = raw;
    const tail = part.match(TAIL_DUTY);
    let allLead = false;
    if (tail) {
      allLead = Boolean(tail[2]);
      part = part.slice(0, tail.index);
      // …授权的组织负责: 组织 ends the name here, it is not the verb 组织 (organise).
      if (tail[3] && !tail[2] && !looksLikeUnit(part) && looksLikeUnit(`${part}组织`)) part += '组织';
    } else if (/牵头$/.test(part)) {
      allLead = true;
      part = part.replace(/牵头$/, '');
    } else if (/(配合|参与|协助|协同|协办)$/.test(part)) {
      part = part.replace(/(配合|参与|协助|协同|协办)$/, '');
    }
    const huitong = part.indexOf('会同');
    const qiantou = part.indexOf('牵头');
    if (huitong > 0) {
      splitUnits(part.slice(0, huitong)).forEach((n) => out.push(ref(n, true)));
      splitUnits(part.slice(huitong + 2)).forEach((n) => out.push(ref(n, allLead)));
    } else if (qiantou > 0) {
      splitUnits(part.slice(0, qiantou)).forEach((n) => out.push(ref(n, true)));
      splitUnits(part.slice(qiantou + 2).replace(/^(组织|协调)/, '')).forEach((n) => out.push(ref(n, false)));
    } else {
      splitUnits(part).forEach((n) => out.push(ref(n, allLead)));
    }
  }
  return out;
}

export interface ParsedAssignment {
  units: UnitRef[];
  deadlines: Deadline[];
  /** Sentences that speak for the whole document (本要点各项工作均需…作为责任单位，以下不再列出). */
  notes: string[];
}

/** Units, leads and deadlines of one assignment's text (without its brackets). */
export function parseAssignment(inner: string, ctx: DateContext): ParsedAssignment {
  const s = inner.replace(/[\s\u3000]+/g, '');
  const sentences = s.split('。').filter(Boolean);
  const notes = sentences.slice(1).filter((x) => /本要点|以下不再|各项工作|均需/.test(x));
  let main = sentences[0] ?? '';
  const deadlines: Deadline[] = [];
  main = main.replace(DEADLINE_RE, (_m, value: string) => {
    const d = parseDeadline(value, ctx);
    if (d) deadlines.push(d);
    return '';
  });
  main = main.replace(/(?<![，,；;、])[，,；;、]+$/, '').replace(/[，,；;、]+(?=[，,；;])/g, '');
  // Unlabelled deadline clauses at the end: （县府办牵头负责，2021年9月底前完成）.
  const { head, tail } = splitDeadlineTail(main);
  for (const clause of tail) {
    const d = parseDeadlineClause(clause, ctx);
    if (d) deadlines.push(d);
  }
  main = head;
  const units: UnitRef[] = [];
  const labels = [...main.matchAll(ROLE_RE)];
  if (labels.length === 0) {
    units.push(...unlabeledUnits(main));
  } else {
    const before = main.slice(0, labels[0]?.index ?? 0).replace(/(?<![，,；;、])[，,；;、]+$/, '');
    if (before) units.push(...unlabeledUnits(before));
    labels.forEach((m, i) => {
      const from = (m.index ?? 0) + m[0].length;
      const to = labels[i + 1]?.index ?? main.length;
      const lead = LEAD_LABEL.test(m[1] as string);
      const list = main.slice(from, to).replace(/(?<![，,；;、])[，,；;、]+$/, '');
      // 以下统称各行政机关: a definition, not another unit.
      const kept = list.split(/[，,]/).filter((x) => !/^(以下|下同|统称|简称)/.test(x)).join('，');
      for (const n of splitUnits(kept)) units.push(ref(n, lead));
    });
  }
  return { units: dedupeUnits(units), deadlines, notes };
}

function dedupeUnits(units: UnitRef[]): UnitRef[] {
  const out = new Map<string, UnitRef>();
  for (const u of units) {
    const prev = out.get(u.name);
    if (prev) prev.lead ||= u.lead;
    else out.set(u.name, { ...u });
  }
  return [...out.values()];
}
