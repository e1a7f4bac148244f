/**
 * Retrieval: the items an intent asks for. Unit questions and deadline questions select exactly; topic questions
 * rank with the search index and a title-coverage bonus.
 */
import type { Item, WorkPlan } from '../model.js';
import type { ItemIndex } from '../search/index.js';
import { bracketReadings, type Tokenizer } from '../search/tokenizer.js';
import { categoryCovers } from '../units/categories.js';
import { regionOf, unitRefsOf, type ResolvedUnit, type UnitDirectory } from '../units/directory.js';
import { cnNumber } from '../parse/deadlines.js';
import { endOfMonth } from '../time.js';
import type { DeadlineRange, Intent } from './intents.js';

export interface Hit {
  plan: WorkPlan;
  item: Item;
  score: number;
  /** Why the item was selected: the unit names that matched, the deadline dates that matched, search terms. */
  matched: string[];
  /** Topic hits: weighted share of the question's words the item holds. */
  cover?: number;
}

/** Plans a question is about: those of the named regions and year; all when it names none. */
export function plansInScope(plans: WorkPlan[], intent: Pick<Intent, 'regions' | 'year'>): WorkPlan[] {
  let out = plans;
  if (intent.regions.length) {
    const names = new Set(intent.regions.map((r) => r.name));
    out = out.filter((p) => names.has(regionOf(p).name));
  }
  if (intent.year) out = out.filter((p) => p.year === intent.year);
  return out;
}

export interface UnitResult {
  named: Hit[];
  /** Items in the unit's region assigned to a category covering the unit (and not naming it). */
  categories: { hit: Hit; names: string[] }[];
  /** For 牵头 questions: items that name the unit without it leading. */
  notLeading: Hit[];
}

/** Items whose assignments name the unit (under any alias) in the unit's own region. */
export function unitItems(dir: UnitDirectory, plans: WorkPlan[], unit: ResolvedUnit, leadOnly = false): UnitResult {
  const result: UnitResult = { named: [], categories: [], notLeading: [] };
  for (const plan of plans) {
    const region = regionOf(plan);
    if (region.name !== unit.region.name) continue;
    for (const item of plan.items) {
      const refs = unitRefsOf(item);
      const mine = refs.filter((r) => r.kind === 'unit' && dir.keyOf(region, r.name) === unit.key);
      if (mine.length) {
        const hit = { plan, item, score: 1, matched: [...new Set(mine.map((r) => r.name))] };
        if (!leadOnly || mine.some((r) => r.lead)) result.named.push(hit);
        else result.notLeading.push(hit);
        continue;
      }
      const sample = unit.entry?.names[0] ?? unit.local;
      const cats = [...new Set(refs.filter((r) => r.kind === 'category' && categoryCovers(r.name, sample)).map((r) => r.name))];
      if (cats.length) result.categories.push({ hit: { plan, item, score: 0, matched: cats }, names: cats });
    }
  }
  return result;
}

/** Items assigned to a category by name (各行政机关, 县直有关单位) in one region, or in all when none is given. */
export function categoryItems(plans: WorkPlan[], name: string, regionName?: string): Hit[] {
  const hits: Hit[] = [];
  for (const plan of plans) {
    if (regionName && regionOf(plan).name !== regionName) continue;
    for (const item of plan.items) {
      const refs = unitRefsOf(item).filter((r) => r.kind === 'category' && r.name.replace(/\s+/g, '') === name);
      if (refs.length) hits.push({ plan, item, score: 1, matched: [name] });
    }
  }
  return hits;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** ISO dates among an item's deadlines. */
export function itemDates(item: Item): string[] {
  return item.deadlines.filter((d) => ISO.test(d));
}

/** The range for one plan: a month without a year is read in the plan's work year. */
export function rangeFor(range: DeadlineRange, plan: WorkPlan, today: string): { from?: string; to?: string } {
  if (!range.monthOnly) return { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) };
  const year = plan.year ?? Number(today.slice(0, 4));
  const { month, before, day } = range.monthOnly;
  const last = endOfMonth(year, month);
  const to = day && day < Number(last.slice(8)) ? `${last.slice(0, 8)}${String(day).padStart(2, '0')}` : last;
  return before ? { to } : { from: `${year}-${String(month).padStart(2, '0')}-01`, to };
}

/** Items with a deadline date inside the range, earliest first. */
export function deadlineItems(plans: WorkPlan[], range: DeadlineRange, today: string): Hit[] {
  const hits: Hit[] = [];
  if (range.ongoing) {
    for (const plan of plans) for (const item of plan.items) if (item.deadlines.includes('持续推进')) hits.push({ plan, item, score: 1, matched: ['持续推进'] });
    return hits;
  }
  for (const plan of plans) {
    const { from, to } = rangeFor(range, plan, today);
    for (const item of plan.items) {
      const dates = itemDates(item).filter((d) => (!from || d >= from) && (!to || d <= to));
      if (dates.length) hits.push({ plan, item, score: 1, matched: dates.sort() });
    }
  }
  return hits.sort((a, b) => (a.matched[0] as string).localeCompare(b.matched[0] as string));
}

/** Items of one section (一, 二, …) in each plan. */
export function sectionItems(plans: WorkPlan[], section: string): Hit[] {
  return plans.flatMap((plan) => plan.items.filter((it) => it.section === section).map((item) => ({ plan, item, score: 1, matched: [] })));
}

/** The bare number of a printed item number: （三） → 三, 16. → 16. */
export function printedCore(printed: string): string {
  return printed.normalize('NFKC').replace(/[\s()（）.、．]/g, '');
}

/** An item by reference: section + printed number (二（三）), printed number alone (第16条), or #ordinal. */
export function itemsByRef(plans: WorkPlan[], section: string | undefined, printed: string): Hit[] {
  const hits: Hit[] = [];
  for (const plan of plans) {
    const inSection = section ? plan.items.filter((it) => it.section === section) : plan.items;
    let found: Item | undefined;
    if (printed.startsWith('#')) found = inSection[Number(printed.slice(1)) - 1];
    else {
      const n = cnNumber(printed);
      found = inSection.find((it) => {
        const core = printedCore(it.printed);
        return core === printed || (n !== null && cnNumber(core) === n);
      });
      // 第16条 in a plan numbered （一）… within sections: the 16th item overall.
      if (!found && !section && n !== null && !plan.items.some((it) => /^\d/.test(printedCore(it.printed)))) found = plan.items[n - 1];
      if (!found && section && n !== null) found = inSection[n - 1];
    }
    if (found) hits.push({ plan, item: found, score: 1, matched: [] });
  }
  return hits;
}

/** How many index hits the topic re-ranking looks at. */
export const RERANK = 100;

/** The question's words with their weights (idf over the indexed items): rare words say most about the topic. */
export function weightedWords(index: ItemIndex, tokenizer: Tokenizer, terms: string): [string, number][] {
  return [...new Set(tokenizer.cut(terms))].map((w) => [w, index.idf(w)]);
}

/** Weighted share of the words found in a text. */
function share(words: [string, number][], text: string): number {
  const total = words.reduce((s, [, w]) => s + w, 0);
  if (!total) return 0;
  const t = text.normalize('NFKC').toLowerCase();
  return words.filter(([w]) => t.includes(w)).reduce((s, [, w]) => s + w, 0) / total;
}

/**
 * Topic search: index scores times (1 + weighted share of the question's words in the item title) times the share
 * found anywhere in the item, so an item whose title is about the topic outranks one that mentions it in passing.
 */
export function topicItems(index: ItemIndex, tokenizer: Tokenizer, plans: WorkPlan[], terms: string, limit = 20, all = false): Hit[] {
  const byFile = new Map(plans.map((p) => [p.file, p]));
  const words = weightedWords(index, tokenizer, terms);
  const hits: Hit[] = [];
  // Re-rank the index's best RERANK hits only: the bonus reorders near neighbours, it does not rescue the tail.
  const found = index.search(terms, all ? { limit: RERANK } : { files: new Set(byFile.keys()), limit: RERANK });
  for (const h of found) {
    const plan = byFile.get(h.file);
    const item = plan?.items.find((it) => it.id === h.item);
    if (!plan || !item) continue;
    const inTitle = share(words, item.title);
    const anywhere = share(words, `${item.title}${item.body} ${bracketReadings(item.body)}`);
    hits.push({ plan, item, score: h.score * (1 + inTitle) * (0.5 + anywhere), matched: h.terms, cover: anywhere });
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, limit);
}
