/**
 * What differs between two parses of the same document: metadata, section titles, and for each item its title,
 * units, leads and deadlines (compared as the eval does: whitespace and a trailing 等 ignored, sets for lists).
 */
import type { WorkPlan } from '../../src/model.js';

const norm = (s: unknown) =>
  String(s ?? '')
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[“”]/g, '"')
    .replace(/等$/, '');
const set = (xs: string[]) => [...new Set(xs.map(norm))].sort().join('、');

export function planDifferences(want: WorkPlan, got: WorkPlan, options: { metadata?: boolean } = {}): string[] {
  const out: string[] = [];
  if (options.metadata !== false) {
    for (const k of ['title', 'issuer', 'docNumber', 'issuedDate', 'year'] as const) {
      if (norm(want[k]) !== norm(got[k])) out.push(`${k}: want ${want[k]} got ${got[k]}`);
    }
  }
  const gotSections = new Map(got.sections.map((s) => [s.number, norm(s.title)]));
  for (const s of want.sections) {
    if (gotSections.get(s.number) !== norm(s.title)) out.push(`section ${s.number}: want ${s.title} got ${gotSections.get(s.number)}`);
  }
  const gotItems = new Map(got.items.map((i) => [i.id, i]));
  for (const w of want.items) {
    const g = gotItems.get(w.id);
    if (!g) {
      out.push(`${w.id}: missing`);
      continue;
    }
    if (norm(g.title) !== norm(w.title)) out.push(`${w.id} title: want ${w.title} got ${g.title}`);
    if (set(g.units) !== set(w.units)) out.push(`${w.id} units: want ${set(w.units)} got ${set(g.units)}`);
    if (set(g.leadUnits) !== set(w.leadUnits)) out.push(`${w.id} leads: want ${set(w.leadUnits)} got ${set(g.leadUnits)}`);
    if (set(g.deadlines) !== set(w.deadlines)) out.push(`${w.id} deadlines: want ${set(w.deadlines)} got ${set(g.deadlines)}`);
  }
  for (const g of got.items) if (!want.items.some((w) => w.id === g.id)) out.push(`${g.id}: extra (${g.title})`);
  return out;
}
