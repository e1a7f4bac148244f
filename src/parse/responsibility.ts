/**
 * Responsibility written as a sentence instead of a parenthetical:
 *   …，由县财政局牵头，县府办配合。        …，由区委改革办、各街镇负责，11月底前完成。
 *   …，由县府办会同县财政局等有关部门负责。  县发改局、县大数据中心分别牵头负责。   由各乡镇负责，长期坚持。
 * at the end of an item or inside it. The clause group (from 由, or the last clauses of a sentence) must read as an
 * assignment whose every name is a unit; deadline clauses right after it (or right before it, when they say
 * 完成) are its deadlines. Dates elsewhere in the sentence are body dates, not deadlines.
 */
import { isUnitsWithDuty, ROLE_LABEL } from './assignments.js';
import { isDeadlineClause } from './deadlines.js';

export interface Piece {
  text: string;
  start: number;
  end: number;
}

export interface Responsibility {
  /** The assignment text (由 and the deadline clauses removed), as parseAssignment reads it. */
  text: string;
  /** Deadline clauses attached to it. */
  deadlines: string[];
  /** Body offsets of the whole group, deadlines included. */
  start: number;
  end: number;
  /** Offset where the sentence the group belongs to starts (its clause runs from there). */
  sentenceStart: number;
}

const OPEN = '（(〈〔【[《“‘「';
const CLOSE = '）)〉〕】]》”’」';

/** Split at top-level separator characters (never inside brackets or quotes), keeping offsets; pieces trimmed. */
export function splitTop(text: string, seps: string, offset = 0): Piece[] {
  const out: Piece[] = [];
  let depth = 0;
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const t = raw.trim();
    if (t) out.push({ text: t, start: offset + start + lead, end: offset + start + lead + t.length });
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (OPEN.includes(ch)) depth++;
    else if (CLOSE.includes(ch)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && seps.includes(ch)) {
      push(i);
      start = i + 1;
    }
  }
  push(text.length);
  return out;
}

const BY = /^(?:并|均|统一|具体|主要|分别|原则上)?由/;
/** A clause group that names units and their duty (会同 alone implies 负责). */
const ASSIGNMENT_OK = (t: string) => isUnitsWithDuty(t) || (t.includes('会同') && isUnitsWithDuty(`${t}负责`));

const DUTY_FIRST = /^(.+?(?:(?:分别|共同)?(?:牵头)?(?:负责|落实|实施)|牵头))(?=.)/;
/** 责任单位：县财政局，完成时限：年底 written as a sentence of its own, without brackets. */
const LABELLED = new RegExp(`^(?:${ROLE_LABEL})\\s*[:：]`);

/** Deadlines that come before the group only count when they say the work is done by then. */
const DONE = /完成|办结|到位|长期|持续|常态/;

function group(clauses: Piece[], from: number, to: number): string {
  return clauses
    .slice(from, to + 1)
    .map((c) => c.text)
    .join('，')
    .replace(BY, '');
}

/**
 * Responsibility clauses in `masked` (the item body with its bracketed assignments blanked out by `\u0001`,
 * offsets unchanged).
 */
export function findResponsibilities(masked: string): Responsibility[] {
  const out: Responsibility[] = [];
  const sentences = splitTop(masked, '。；;！？!?\n\u0001');
  for (const [si, sentence] of sentences.entries()) {
    const clauses = splitTop(sentence.text, '，,', sentence.start);
    const used = new Set<number>();
    const found: Array<{ from: number; to: number; text: string }> = [];
    // 由X负责 / 由X牵头，Y配合 / 由X会同Y: from the 由 clause, the longest run of up to three clauses that reads.
    for (let i = 0; i < clauses.length; i++) {
      if (used.has(i) || !BY.test((clauses[i] as Piece).text)) continue;
      let matched = false;
      for (let k = Math.min(i + 2, clauses.length - 1); k >= i; k--) {
        const text = group(clauses, i, k);
        if (ASSIGNMENT_OK(text)) {
          found.push({ from: i, to: k, text });
          for (let x = i; x <= k; x++) used.add(x);
          i = k;
          matched = true;
          break;
        }
      }
      // 由县财政局牵头负责做好…: the duty first, then what is to be done, in one clause.
      const lead = matched ? null : (clauses[i] as Piece).text.replace(BY, '').match(DUTY_FIRST);
      if (lead && ASSIGNMENT_OK(lead[1] as string)) {
        found.push({ from: i, to: i, text: lead[1] as string });
        used.add(i);
      }
    }
    if (found.length === 0 && LABELLED.test(sentence.text)) {
      found.push({ from: 0, to: clauses.length - 1, text: sentence.text });
    }
    // Without 由: the sentence's last clauses (before any trailing deadline), or the whole sentence.
    if (found.length === 0) {
      let last = clauses.length - 1;
      while (last >= 0 && isDeadlineClause((clauses[last] as Piece).text)) last--;
      const starts = [0, last - 2, last - 1, last].filter((x, idx, a) => x >= 0 && a.indexOf(x) === idx);
      for (const j of starts) {
        if (j < 0 || last < j || last - j > 3) continue;
        const text = group(clauses, j, last);
        if (ASSIGNMENT_OK(text)) {
          found.push({ from: j, to: last, text });
          break;
        }
      }
    }
    for (const f of found) {
      const deadlines: string[] = [];
      let to = f.to;
      while (to + 1 < clauses.length && isDeadlineClause((clauses[to + 1] as Piece).text)) {
        to++;
        deadlines.push((clauses[to] as Piece).text);
      }
      let from = f.from;
      const before = clauses[from - 1];
      if (before && !used.has(from - 1) && isDeadlineClause(before.text) && DONE.test(before.text)) {
        from--;
        deadlines.unshift(before.text);
      }
      let end = (clauses[to] as Piece).end;
      // A sentence of deadlines alone right after the group's sentence (由X负责。年底前完成。) belongs to it.
      const next = sentences[si + 1];
      if (to === clauses.length - 1 && next) {
        const nextClauses = splitTop(next.text, '，,', next.start);
        if (nextClauses.length > 0 && nextClauses.every((c) => isDeadlineClause(c.text))) {
          deadlines.push(...nextClauses.map((c) => c.text));
          end = next.end;
        }
      }
      out.push({ text: f.text, deadlines, start: (clauses[from] as Piece).start, end, sentenceStart: sentence.start });
    }
  }
  return out;
}
