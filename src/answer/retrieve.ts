/**
 * Retrieval: exact selections of items by document, unit (and role), deadline and outline position. Topic ranking
 * lives in topic.ts.
 */
import type { Item, WorkPlan } from '../model.js';
import { cnNumber } from '../parse/deadlines.js';
import { rangeIn } from '../query/dates.js';
import type { DeadlineRange, Role } from '../query/schema.js';
import { categoryCovers } from '../units/categories.js';
import { regionOf, unitRefsOf, type ResolvedUnit, type UnitDirectory } from '../units/directory.js';

export interface Hit {
  plan: WorkPlan;
  item: Item;
  score: number;
  /** Why the item was selected: the unit names that matched, the deadline dates that matched, search terms. */
  matched: string[];
  /** Topic hits: weighted share of the question's words the item holds. */
  cover?: number;
}

/** Each list of plans (a new list after every change) by region: the positions of the region's plans in the list. */
const regionIndexes = new WeakMap<WorkPlan[], Map<string, number[]>>();

function regionIndex(plans: WorkPlan[]): Map<string, number[]> {
  let index = regionIndexes.get(plans);
  if (!index) {
    index = new Map();
    plans.forEach((p, i) => {
      const name = regionOf(p).name;
      const list = index!.get(name);
      if (list) list.push(i);
      else index!.set(name, [i]);
    });
    regionIndexes.set(plans, index);
  }
  return index;
}

/** The plans of one region, in the list's order. */
export function plansOfRegion(plans: WorkPlan[], region: string): WorkPlan[] {
  return (regionIndex(plans).get(region) ?? []).map((i) => plans[i] as WorkPlan);
}

const scopes = new WeakMap<WorkPlan[], Map<string, WorkPlan[]>>();

/**
 * Plans a question is about: those of the named regions and year (in the list's order); all when it names none. The
 * same list for the same regions and year while the plans stay the same (what is worked out per list is kept).
 */
export function plansInScope(plans: WorkPlan[], scope: { regions: string[]; year?: number | undefined }): WorkPlan[] {
  if (!scope.regions.length && !scope.year) return plans;
  const regions = [...new Set(scope.regions)];
  const key = `${[...regions].sort().join('\u0000')}|${scope.year ?? ''}`;
  let known = scopes.get(plans);
  if (!known) scopes.set(plans, (known = new Map()));
  let out = known.get(key);
  if (!out) {
    out = plans;
    if (regions.length) {
      const index = regionIndex(plans);
      const at = regions.flatMap((r) => index.get(r) ?? []);
      if (regions.length > 1) at.sort((a, b) => a - b);
      out = at.map((i) => plans[i] as WorkPlan);
    }
    if (scope.year) out = out.filter((p) => p.year === scope.year);
    known.set(key, out);
  }
  return out;
}

export interface UnitResult {
  named: Hit[];
  /** Items in the unit's region assigned to a category covering the unit (and not naming it). */
  categories: { hit: Hit; names: string[] }[];
  /** Items that name the unit in another role than the one asked (牵头 asked, 配合 found; or the reverse). */
  notLeading: Hit[];
}

/**
 * Items whose assignments name the unit (under any alias) in the unit's own region. `role`: 'lead' keeps the items
 * it leads, 'support' those it is named in without leading; `true` is the older spelling of 'lead'.
 */
export function unitItems(dir: UnitDirectory, plans: WorkPlan[], unit: ResolvedUnit, role: Role | boolean = 'any'): UnitResult {
  const want: Role = role === true ? 'lead' : role === false ? 'any' : role;
  const result: UnitResult = { named: [], categories: [], notLeading: [] };
  for (const plan of plansOfRegion(plans, unit.region.name)) {
    const region = regionOf(plan);
    for (const item of plan.items) {
      const refs = unitRefsOf(item);
      const mine = refs.filter((r) => r.kind === 'unit' && dir.keyOf(region, r.name) === unit.key);
      if (mine.length) {
        const hit = { plan, item, score: 1, matched: [...new Set(mine.map((r) => r.name))] };
        const leads = mine.some((r) => r.lead);
        if (want === 'any' || (want === 'lead') === leads) result.named.push(hit);
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

/** Items with a deadline date inside the range (each plan's work year for a range without a year), earliest first. */
export function deadlineItems(plans: WorkPlan[], range: DeadlineRange, today: string): Hit[] {
  const hits: Hit[] = [];
  if (range.ongoing) {
    for (const plan of plans) for (const item of plan.items) if (item.deadlines.includes('持续推进')) hits.push({ plan, item, score: 1, matched: ['持续推进'] });
    return hits;
  }
  for (const plan of plans) {
    const { from, to } = rangeIn(range, plan.year, today);
    for (const item of plan.items) {
      const dates = itemDates(item).filter((d) => (!from || d >= from) && (!to || d <= to));
      if (dates.length) hits.push({ plan, item, score: 1, matched: dates.sort() });
    }
  }
  return hits.sort((a, b) => (a.matched[0] as string).localeCompare(b.matched[0] as string));
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
