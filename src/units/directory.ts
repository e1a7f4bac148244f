/**
 * The unit directory: every unit named in the loaded plans, keyed by region + canonical local name, with the
 * items that name it. Resolves what a chat user types (青田县财政局, 青田财政局, 浙江省大数据局, 义乌市数管中心)
 * to that identity.
 */
import type { Item, Region, UnitRef, WorkPlan } from '../model.js';
import { AliasBook, cleanUnitName, levelChar, stripLevel } from './aliases.js';
import { isCategoryName } from './categories.js';

export interface UnitEntry {
  /** region name + '|' + canonical local name. */
  key: string;
  region: Region;
  /** Names as printed, in order of first appearance. */
  names: string[];
}

/** A unit named in a question. */
export interface UnitMention {
  start: number;
  end: number;
  /** As typed, region included when it was typed right before. */
  text: string;
  /** The known units it can mean (several when the name stands in several regions). */
  units: ResolvedUnit[];
  /** The region typed with it. */
  region?: Region;
  /** A class of bodies (县直有关单位, 各行政机关) rather than one. */
  category?: boolean;
}

/** Last characters of a body's name, for finding units in a question. */
const MENTION_END = /(局|办|委|厅|中心|部|室|所|站|院|馆|组|处|队|政府|单位|部门|机关|街镇|镇街|乡镇|街道|办公室|指挥部)$/;

export interface ResolvedUnit {
  region: Region;
  /** The local name as typed (region prefix removed). */
  local: string;
  key: string;
  /** Known unit, when the plans name it. */
  entry?: UnitEntry;
}

/** Every variant any region could read a name as (nameVariants over every parent-city prefix it might carry). */
function variantsAnywhere(local: string): string[] {
  const out = new Set([local, ...nameVariants(local, { name: '', short: '', level: 'unknown' })]);
  const parent = /^([\u4e00-\u9fa5]{2,4}?[省市])(?=.{2,})/.exec(local);
  if (parent) for (const v of nameVariants(local, { name: `${parent[1]}某区`, short: '', level: 'district' })) out.add(v);
  return [...out];
}

/**
 * The ways a full official name may stand in a document (tried in order when the name itself is unknown):
 * 数据资源管理局 → 数据资源局 (管理 left out), 温州市自然资源和规划局鹿城分局 → 市自然资源和规划局鹿城分局 (the
 * parent city written as its level, as a district's document prints a city body's branch).
 */
export function nameVariants(local: string, region: Region): string[] {
  const out = [local];
  const add = (s: string) => {
    if (s && s !== local && !out.includes(s)) out.push(s);
  };
  add(local.replace(/(发展)?管理(局|中心|办公室|委员会)$/, '$2'));
  add(local.replace(/(?<=.{2})管理(?=.{1,4}(局|中心)$)/, ''));
  const parent = /^(.+?[省市])(?=.+[市区县]$)/.exec(region.name)?.[1];
  if (parent && local.startsWith(parent) && local.length > parent.length) {
    const rest = local.slice(parent.length);
    add(`${parent.slice(-1)}${rest}`);
    add(`${parent.slice(-1)}${rest.replace(/(发展)?管理(局|中心)$/, '$2')}`);
  }
  return out;
}

/** A unit's name with its region, as people write it: 旌德县 + 县财政局 → 旌德县财政局; 义乌市 + 数管中心 → 义乌市数管中心. */
export function fullUnitName(region: Region, local: string): string {
  return `${region.name}${local}`.replace(/^(.+?)(县|区|市|省)\2/, '$1$2');
}

const LEVEL_OF: Record<string, Region['level']> = { 省: 'province', 市: 'city', 区: 'district', 县: 'county' };

/** The plan's region, or one derived from its issuer or title when the parser left it null. */
/** Regions worked out from a plan's issuer and title, once per plan (every question scoped by place reads them). */
const regions = new WeakMap<WorkPlan, Region>();

export function regionOf(plan: WorkPlan): Region {
  if (plan.region) return plan.region;
  let region = regions.get(plan);
  if (!region) {
    region = readRegion(plan);
    regions.set(plan, region);
  }
  return region;
}

function readRegion(plan: WorkPlan): Region {
  const source = `${plan.issuer ?? ''} ${plan.title}`;
  const m = source.match(/([\u4e00-\u9fa5]{1,8}?(?:省|自治区|市|区|县))(?:人民政府|政府|政务公开)/) ?? source.match(/\d{4}年([\u4e00-\u9fa5]{2,8}?(?:省|市|区|县))/);
  const name = m ? (m[1] as string) : plan.title;
  return { name, short: shortRegionName(name), level: LEVEL_OF[name.slice(-1)] ?? 'unknown' };
}

/** 温州市鹿城区 → 鹿城, 青田县 → 青田, 浙江省 → 浙江. */
export function shortRegionName(name: string): string {
  const last = name.replace(/^.+?[省市](?=.+[市区县]$)/, '');
  return last.length > 2 ? last.replace(/(省|市|区|县|自治区)$/, '') : last;
}

/** The ways a chat user names a region, longest first: 温州市鹿城区, 鹿城区, 鹿城. */
export function regionForms(region: Region): string[] {
  const forms = new Set<string>([region.name, region.short, shortRegionName(region.name)]);
  const tail = region.name.replace(/^.+?[省市](?=.+[市区县]$)/, '');
  forms.add(tail);
  const level = levelChar(region.name);
  if (level && region.short && !region.short.endsWith(level)) forms.add(region.short + level);
  return [...forms].filter((f) => f.length >= 2).sort((a, b) => b.length - a.length);
}

export function unitRefsOf(item: Item): UnitRef[] {
  const as = item.assignments;
  const refs = as.length === 1 ? (as[0] as Item['assignments'][number]).units : as.flatMap((a) => a.units);
  if (refs.length) return refs;
  // Plans without assignment detail (older fixtures): fall back on the item's unit lists.
  return item.units.map((name) => ({
    name,
    kind: isCategoryName(name) ? ('category' as const) : ('unit' as const),
    lead: item.leadUnits.includes(name),
  }));
}

/** What a directory is made of, to save and restore it without reading the plans' items again. */
export interface DirectoryState {
  regions: Region[];
  /** key, region name, printed names — in the order the units were first named. */
  units: [string, string, string[]][];
  aliases: [string, string][];
  pending: [string, string[]][];
  /**
   * The region forms by first character, each list as "form\tregion name" lines in its order: a restore takes
   * them as they are and reads a character's list the first time a question holds that character, instead of
   * working out every region's forms again. Absent: worked out from the regions.
   */
  forms?: Record<string, string>;
}

export class UnitDirectory {
  readonly aliases: AliasBook;
  private readonly unitMap = new Map<string, UnitEntry>();
  /** A restored directory's saved units, read the first time a unit is looked at (not for every first question). */
  private unitsToRestore: (() => DirectoryState['units']) | undefined;
  /** words() of the saved units, while they are not read. */
  private savedWords: string[] | undefined;
  private readonly regions = new Map<string, Region>();
  /**
   * Region forms (鹿城区, 鹿城, …) → region name, by their first character (a question is scanned position by
   * position), longest first; forms of equal length in the order their regions were loaded.
   */
  private formsByFirst = new Map<string, [string, string][]>();
  /** Lists of formsByFirst from a saved state, not read yet (see DirectoryState.forms). */
  private savedForms: Map<string, string> | undefined;
  /** The global local name of printed names, by level character (cleared when alias groups change). */
  private globals = new Map<string, Map<string, string>>();
  /** Units by the global canonical form of each of their local names, to find a name's regions without trying all. */
  private byLocal = new Map<string, Set<UnitEntry>>();
  /** False after a restore: byLocal is built from the units the first time a name's regions are looked for. */
  private byLocalBuilt = true;
  /** localKeys by name (cleared with the keys). */
  private locals = new Map<string, string[]>();
  /** Units by region name, in the units' order; built when first asked for after a change. */
  private byRegion: Map<string, UnitEntry[]> | undefined;
  /** cleanUnitName of the names printed in plans. */
  private cleaned = new Map<string, string>();
  private readonly pendingGroups: [string, string[]][] = [];

  constructor(aliasGroups: [string, string[]][] = [], aliases = new AliasBook()) {
    this.aliases = aliases;
    this.pendingGroups.push(...aliasGroups);
  }

  /** The directory's state (see `restore`). */
  state(): DirectoryState {
    const forms: Record<string, string> = {};
    for (const [first, list] of this.savedForms ?? []) forms[first] = list;
    for (const [first, list] of this.formsByFirst) forms[first] = list.map(([form, region]) => `${form}\t${region}`).join('\n');
    return {
      regions: [...this.regions.values()],
      units: [...this.units.values()].map((u) => [u.key, u.region.name, [...u.names]]),
      aliases: this.aliases.entries(),
      pending: this.pendingGroups.map(([r, names]) => [r, [...names]]),
      forms,
    };
  }

  /**
   * A directory from a saved state and the plans it was built from (their items are not read). The units may be
   * given as a function, with their words(): they are read the first time a unit is looked at.
   */
  static restore(state: Omit<DirectoryState, 'units'> & { units: DirectoryState['units'] | (() => DirectoryState['units']) }, plans: Iterable<WorkPlan>, words?: string[]): UnitDirectory {
    const dir = new UnitDirectory(state.pending, AliasBook.fromEntries(state.aliases));
    for (const r of state.regions) dir.regions.set(r.name, r);
    if (state.forms) dir.savedForms = new Map(Object.entries(state.forms));
    else for (const r of state.regions) dir.addForms(r);
    const units = state.units;
    if (typeof units === 'function' && words) {
      dir.unitsToRestore = units;
      dir.savedWords = words;
    } else dir.restoreUnits(typeof units === 'function' ? units() : units);
    for (const p of plans) dir.plans.set(p.file, p);
    return dir;
  }

  private restoreUnits(saved: DirectoryState['units']): void {
    for (const [key, regionName, names] of saved) {
      const region = this.regions.get(regionName);
      if (!region) throw new Error(`saved unit ${key} names no saved region`);
      this.unitMap.set(key, { key, region, names });
    }
    this.byLocal.clear();
    this.byLocalBuilt = false;
  }

  private get units(): Map<string, UnitEntry> {
    const saved = this.unitsToRestore;
    if (saved) {
      this.unitsToRestore = undefined;
      this.savedWords = undefined;
      this.restoreUnits(saved());
    }
    return this.unitMap;
  }

  /** Canonical identity key of a printed local name in a region. */
  keyOf(region: Region, name: string): string {
    return this.cleaned.has(name) ? this.planKey(region, name) : this.keyFor(region, name);
  }

  private keyFor(region: Region, name: string, clean = cleanUnitName(name)): string {
    // Quotes around a coined name are decoration: 县"四送一服"办 is 县四送一服办 as typed in a chat.
    return this.aliases.canonical(region.name, stripLevel(clean.replace(/"/g, ''), levelChar(region.name)));
  }

  /**
   * keyOf for a name printed in a plan: its global local name is remembered per level character (names typed in
   * questions are not: they would pile up).
   */
  private planKey(region: Region, name: string): string {
    const level = levelChar(region.name);
    let byName = this.globals.get(level);
    if (!byName) this.globals.set(level, (byName = new Map()));
    let global = byName.get(name);
    if (global === undefined) byName.set(name, (global = this.aliases.globalName(stripLevel(this.clean(name).replace(/"/g, ''), level))));
    return this.aliases.regional(region.name, global);
  }

  private clean(name: string): string {
    let c = this.cleaned.get(name);
    if (c === undefined) this.cleaned.set(name, (c = cleanUnitName(name)));
    return c;
  }

  /** Plans the directory was built from, by file, so that removing one can rebuild the rest. */
  private readonly plans = new Map<string, WorkPlan>();

  /**
   * Add a plan. A new one only adds; a new version of a plan already loaded keeps its place among the plans, and
   * the directory is rebuilt as if the plans had been loaded in that order.
   */
  addPlan(plan: WorkPlan): void {
    if (this.plans.has(plan.file)) {
      this.plans.set(plan.file, plan);
      this.rebuild();
      return;
    }
    this.plans.set(plan.file, plan);
    this.indexPlan(plan);
  }

  /** Forget a plan: units and regions only it named disappear. */
  removePlan(file: string): boolean {
    if (!this.plans.delete(file)) return false;
    this.rebuild();
    return true;
  }

  /** Units, regions and forms from the plans, in their order (names keep their keys: the alias book is unchanged). */
  private rebuild(): void {
    this.units.clear();
    this.byRegion = undefined;
    this.regions.clear();
    this.byLocal.clear();
    this.formsByFirst = new Map();
    this.savedForms = undefined;
    for (const p of this.plans.values()) {
      const region = regionOf(p);
      if (!this.regions.has(region.name)) {
        this.regions.set(region.name, region);
        this.addForms(region);
      }
    }
    for (const p of this.plans.values()) this.indexPlan(p);
  }

  private indexPlan(plan: WorkPlan): void {
    const region = regionOf(plan);
    if (!this.regions.has(region.name)) {
      this.regions.set(region.name, region);
      this.addForms(region);
      if (this.pendingGroups.length) this.applyAliasGroups();
    }
    for (const item of plan.items) {
      for (const ref of unitRefsOf(item)) {
        if (ref.kind !== 'unit') continue;
        const key = this.planKey(region, ref.name);
        let entry = this.units.get(key);
        if (!entry) {
          entry = { key, region, names: [] };
          this.byRegion = undefined;
        }
        const name = this.clean(ref.name);
        if (!entry.names.includes(name)) {
          entry.names.push(name);
          this.indexLocal(entry, name);
        }
        this.units.set(key, entry);
      }
    }
  }

  /** Admin alias groups; a group whose region is not loaded yet waits for it. */
  addAliasGroups(groups: [string, string[]][]): void {
    this.pendingGroups.push(...groups);
    this.applyAliasGroups();
  }

  private applyAliasGroups(): void {
    let applied = 0;
    for (let i = this.pendingGroups.length - 1; i >= 0; i--) {
      const [regionText, names] = this.pendingGroups[i] as [string, string[]];
      if (regionText === '*') {
        this.aliases.join('*', names.map((n) => stripLevel(cleanUnitName(n), '省市区县'.includes(n[0] ?? '') ? (n[0] as string) : '')));
        this.pendingGroups.splice(i, 1);
        applied++;
        continue;
      }
      const region = this.findRegion(regionText);
      if (!region) continue;
      const level = levelChar(region.name);
      const locals = names.map((n) => stripLevel(this.stripRegion(cleanUnitName(n), region), level));
      this.aliases.join(region.name, locals);
      this.pendingGroups.splice(i, 1);
      applied++;
    }
    if (!applied) return;
    // Keys may have changed: re-key the known units.
    this.globals.clear();
    this.locals.clear();
    const entries = [...this.units.values()];
    this.units.clear();
    this.byRegion = undefined;
    this.byLocal.clear();
    for (const e of entries) {
      for (const name of e.names) {
        const key = this.keyOf(e.region, name);
        const cur = this.units.get(key) ?? { key, region: e.region, names: [] };
        if (!cur.names.includes(name)) cur.names.push(name);
        this.units.set(key, cur);
      }
    }
    for (const e of this.units.values()) for (const n of e.names) this.indexLocal(e, n);
  }

  /** The forms starting with this character (a saved list is read now). */
  private formsStarting(first: string): [string, string][] | undefined {
    const list = this.formsByFirst.get(first);
    if (list || !this.savedForms) return list;
    const saved = this.savedForms.get(first);
    if (saved === undefined) return undefined;
    this.savedForms.delete(first);
    const read = saved.split('\n').map((line) => line.split('\t') as [string, string]);
    this.formsByFirst.set(first, read);
    return read;
  }

  /** A newly loaded region's forms, each after the forms at least as long (so equal lengths keep load order). */
  private addForms(region: Region): void {
    for (const form of regionForms(region)) {
      const first = form[0] as string;
      const list = this.formsStarting(first);
      if (!list) {
        this.formsByFirst.set(first, [[form, region.name]]);
        continue;
      }
      let at = list.length;
      while (at > 0 && (list[at - 1] as [string, string])[0].length < form.length) at--;
      list.splice(at, 0, [form, region.name]);
    }
  }

  /** Region forms that start `text` (longest first). */
  private formsAt(text: string, i = 0): [string, string][] {
    return (this.formsStarting(text[i] ?? '') ?? []).filter(([form]) => text.startsWith(form, i));
  }

  /** The level-free, globally canonical forms a local name may take (县财政局 → 财政局; 府办 → 政府办公室). */
  private localKeys(name: string): string[] {
    const clean = cleanUnitName(name).replace(/"/g, '');
    const out = new Set<string>();
    for (const level of ['', '省', '市', '区', '县', '镇', '乡']) out.add(this.aliases.globalName(stripLevel(clean, level)));
    return [...out];
  }

  private indexLocal(entry: UnitEntry, name: string): void {
    if (!this.byLocalBuilt) return;
    // Printed names repeat across regions: their keys are worked out once.
    let keys = this.locals.get(name);
    if (!keys) this.locals.set(name, (keys = this.localKeys(name)));
    for (const k of keys) {
      const set = this.byLocal.get(k);
      if (set) set.add(entry);
      else this.byLocal.set(k, new Set([entry]));
    }
  }

  /** Regions that have a unit some variant of this name could mean: where resolve() needs to look. */
  private regionsNaming(name: string): Region[] {
    if (!this.byLocalBuilt) {
      this.byLocalBuilt = true;
      this.byLocal.clear();
      for (const e of this.units.values()) for (const n of e.names) this.indexLocal(e, n);
    }
    const out = new Map<string, Region>();
    for (const variant of variantsAnywhere(name)) {
      for (const k of this.localKeys(variant)) for (const e of this.byLocal.get(k) ?? []) out.set(e.region.name, e.region);
    }
    return [...out.values()];
  }

  private stripRegion(name: string, region: Region): string {
    for (const f of regionForms(region)) if (name.startsWith(f) && name.length > f.length) return name.slice(f.length);
    return name;
  }

  findRegion(text: string): Region | undefined {
    const direct = this.regions.get(text);
    if (direct) return direct;
    const form = this.formsAt(text).find(([f]) => f === text);
    return form ? this.regions.get(form[1]) : undefined;
  }

  /** Regions a question mentions, with where the mention ends (longest forms first, no overlaps). */
  regionsIn(text: string): { region: Region; start: number; end: number }[] {
    const found: { name: string; start: number; end: number }[] = [];
    for (let i = 0; i < text.length; i++) for (const [form, name] of this.formsAt(text, i)) found.push({ name, start: i, end: i + form.length });
    found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const out: { region: Region; start: number; end: number }[] = [];
    const taken: [number, number][] = [];
    for (const f of found) {
      if (taken.some(([s, e]) => f.start < e && f.end > s)) continue;
      taken.push([f.start, f.end]);
      if (!out.some((o) => o.region.name === f.name)) out.push({ region: this.regions.get(f.name) as Region, start: f.start, end: f.end });
    }
    return out.sort((a, b) => a.start - b.start);
  }

  allRegions(): Region[] {
    return [...this.regions.values()];
  }

  /**
   * Resolve what a user typed as a unit. With a region prefix (青田县财政局, 浙江省大数据局) the region is that
   * one; without, `defaultRegion` when given, else every region that has a unit of that name.
   */
  resolve(text: string, defaultRegion?: Region): ResolvedUnit[] {
    const name = cleanUnitName(text);
    const [form] = this.formsAt(name).filter(([f]) => name.length > f.length);
    if (form) return [this.resolved(this.regions.get(form[1]) as Region, name.slice(form[0].length))];
    if (defaultRegion) return [this.resolved(defaultRegion, name)];
    return this.regionsNaming(name)
      .map((r) => this.resolved(r, name))
      .filter((r) => r.entry);
  }

  private resolved(region: Region, local: string): ResolvedUnit {
    for (const variant of nameVariants(local, region)) {
      const key = this.keyOf(region, variant);
      const entry = this.units.get(key);
      if (entry) return { region, local, key, entry };
    }
    return { region, local, key: this.keyOf(region, local) };
  }

  get(key: string): UnitEntry | undefined {
    return this.units.get(key);
  }

  unitsOf(regionName?: string): UnitEntry[] {
    if (!regionName) return [...this.units.values()];
    if (!this.byRegion) {
      const by = new Map<string, UnitEntry[]>();
      for (const u of this.units.values()) {
        const list = by.get(u.region.name);
        if (list) list.push(u);
        else by.set(u.region.name, [u]);
      }
      this.byRegion = by;
    }
    return this.byRegion.get(regionName)?.slice() ?? [];
  }

  /**
   * Every printed unit name, for the tokenizer dictionary. Region names stay out: 会同县 is a county, but in
   * 县府办会同县财政局 the words are 县府办 / 会同 / 县财政局.
   */
  words(): string[] {
    if (this.unitsToRestore && this.savedWords) return [...this.savedWords];
    const out = new Set<string>();
    for (const u of this.units.values()) for (const n of u.names) out.add(n);
    return [...out];
  }

  /**
   * Known units named in a question: the longest stretch ending like a body's name (局, 办, 中心, 政府 …) that
   * resolves to a unit, with a region named right before it, else in the `scope` regions, else in every region.
   * A bare name of two characters or less (政府, 府办) needs a region or level prefix, so 政府网站 names no unit.
   */
  mentions(text: string, scope: Region[] = []): UnitMention[] {
    const found: UnitMention[] = [];
    const regionSpans = this.regionsIn(text);
    for (let j = 2; j <= text.length; j++) {
      if (!MENTION_END.test(text.slice(0, j))) continue;
      for (let i = Math.max(0, j - 24); i <= j - 2; i++) {
        const m = this.mentionAt(text, i, j, scope, regionSpans);
        if (m) {
          found.push(m);
          break;
        }
      }
    }
    // Longest first, no overlaps.
    found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const kept: UnitMention[] = [];
    for (const m of found) if (!kept.some((k) => m.start < k.end && m.end > k.start)) kept.push(m);
    return kept.sort((a, b) => a.start - b.start);
  }

  private mentionAt(text: string, i: number, j: number, scope: Region[], regionSpans: { region: Region; start: number; end: number }[]): UnitMention | undefined {
    const cand = text.slice(i, j);
    const isCategory = (name: string) => isCategoryName(name) && /(单位|部门|机关|组织|街镇|镇街|乡镇|街道|政府)$/.test(name);
    for (const [form, regionName] of this.formsAt(cand)) {
      if (cand.length > form.length) {
        const region = this.regions.get(regionName) as Region;
        const local = cand.slice(form.length);
        if (isCategory(local)) return { start: i, end: j, text: cand, units: [], category: true, region };
        const r = this.resolved(region, local);
        return r.entry ? { start: i, end: j, text: cand, units: [r], region } : undefined;
      }
    }
    if (isCategory(cand)) {
      const before = regionSpans.find((r) => r.end === i);
      return before
        ? { start: before.start, end: j, text: text.slice(before.start, j), units: [], category: true, region: before.region }
        : { start: i, end: j, text: cand, units: [], category: true };
    }
    const local = cleanUnitName(cand);
    if (local.length <= 2) return undefined;
    const before = regionSpans.find((r) => r.end === i);
    const regions = before ? [before.region] : scope.length ? scope : this.regionsNaming(local);
    const units = regions.map((r) => this.resolved(r, local)).filter((r) => r.entry);
    if (!units.length) return undefined;
    return before ? { start: before.start, end: j, text: text.slice(before.start, j), units, region: before.region } : { start: i, end: j, text: cand, units };
  }

  /** Known units closest to what was typed (shared characters, then length), for 您是不是要找. */
  nearest(text: string, region?: Region, limit = 3): UnitEntry[] {
    const chars = new Set(cleanUnitName(text));
    const scored = this.unitsOf(region?.name).map((u) => {
      const n = u.names[0] as string;
      let shared = 0;
      for (const ch of new Set(n)) if (chars.has(ch)) shared++;
      return { u, s: shared / Math.max(n.length, chars.size) };
    });
    return scored
      .filter((x) => x.s > 0.3)
      .sort((a, b) => b.s - a.s)
      .slice(0, limit)
      .map((x) => x.u);
  }
}
