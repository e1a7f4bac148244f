/**
 * What a user typed as a unit → the unit's identity in the plans' unit directory (region-scoped), and the
 * canonical name the store keeps (旌德县财政局, 温州市鹿城区司法局, 义乌市数管中心).
 */
import type { Region } from '../model.js';
import { fullUnitName, type ResolvedUnit, type UnitDirectory } from '../units/directory.js';

export type UnitLookup =
  | { kind: 'found'; name: string; unit: ResolvedUnit }
  /** The name exists in several regions (县财政局 without a county). */
  | { kind: 'ambiguous'; candidates: string[] }
  /** No such unit; the nearest known names. */
  | { kind: 'unknown'; suggestions: string[] };

/** 旌德县 + 县财政局 → 旌德县财政局; 义乌市 + 数管中心 → 义乌市数管中心. */
export function canonicalUnitName(unit: ResolvedUnit): string {
  return fullUnitName(unit.region, unit.entry?.names[0] ?? unit.local);
}

/** Resolve a typed unit name; `defaultRegion` (e.g. the chat's unit's region) decides between regions. */
export function lookupUnit(directory: UnitDirectory, text: string, defaultRegion?: Region): UnitLookup {
  const typed = text.trim();
  if (!typed) return { kind: 'unknown', suggestions: [] };
  let known = directory.resolve(typed).filter((r) => r.entry);
  if (known.length > 1 && defaultRegion) {
    const inRegion = known.filter((r) => r.region.name === defaultRegion.name);
    if (inRegion.length) known = inRegion;
  }
  if (known.length === 1) {
    const unit = known[0] as ResolvedUnit;
    return { kind: 'found', name: canonicalUnitName(unit), unit };
  }
  if (known.length > 1) return { kind: 'ambiguous', candidates: [...new Set(known.map(canonicalUnitName))] };
  const region = directory.resolve(typed)[0]?.region ?? defaultRegion;
  const near = directory.nearest(typed, region);
  const suggestions = near.map((e) => canonicalUnitName({ region: e.region, local: e.names[0] as string, key: e.key, entry: e }));
  return { kind: 'unknown', suggestions: [...new Set(suggestions)] };
}

/** Resolve a stored (canonical) unit name; undefined when the loaded plans no longer name it. */
export function resolveStoredUnit(directory: UnitDirectory, name: string): ResolvedUnit | undefined {
  const r = lookupUnit(directory, name);
  return r.kind === 'found' ? r.unit : undefined;
}
