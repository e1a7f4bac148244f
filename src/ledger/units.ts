/**
 * What a user typed as a unit → the unit's identity in the plans' unit directory (region-scoped), and the
 * canonical name the store keeps bindings and progress under (旌德县财政局, 温州市鹿城区司法局, 义乌市数管中心).
 * Binding (绑定), progress (完成), the ledger and the digest all resolve units here.
 */
import { YaodianError } from '../errors.js';
import type { Region } from '../model.js';
import { cleanUnitName, levelChar, stripLevel } from '../units/aliases.js';
import type { ResolvedUnit, UnitDirectory } from '../units/directory.js';

export type UnitLookup =
  | { kind: 'found'; name: string; unit: ResolvedUnit }
  /** The name exists in several regions (县财政局 without a county). */
  | { kind: 'ambiguous'; candidates: string[] }
  /** No such unit; the nearest known names. */
  | { kind: 'unknown'; suggestions: string[] };

/**
 * 旌德县 + 县财政局 → 旌德县财政局 (the name's level prefix is the region's own); 义乌市 + 数管中心 → 义乌市数管中心;
 * 义乌市 + 市场监管局 → 义乌市市场监管局 (市场 is no level prefix: the name must read back as the same unit).
 */
export function canonicalUnitName(unit: ResolvedUnit): string {
  return unitFullName(unit.region.name, unit.entry?.names[0] ?? unit.local);
}

/** A printed local name with its region, as above: 青田县 + 县司法局 → 青田县司法局. */
export function unitFullName(regionName: string, printed: string): string {
  const local = cleanUnitName(printed);
  const level = levelChar(regionName);
  const prefixed = level !== '' && local.startsWith(level) && stripLevel(local, level) !== local;
  return `${regionName}${prefixed ? local.slice(1) : local}`;
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

/** A unit for a ledger or a digest: found, or a user error naming the problem (您是不是要找 / 请加上地区名). */
export function requireUnit(directory: UnitDirectory, text: string): { name: string; unit: ResolvedUnit } {
  const found = lookupUnit(directory, text);
  if (found.kind === 'found') return { name: found.name, unit: found.unit };
  if (found.kind === 'ambiguous') throw new YaodianError('BAD_ARGUMENT', `多个地区都有“${text.trim()}”：${found.candidates.join('、')}。请加上地区名。`);
  throw new YaodianError('BAD_ARGUMENT', `没有找到单位“${text.trim()}”。${found.suggestions.length ? `您是不是要找：${found.suggestions.join('、')}？` : '请检查单位名称，可加上地区名（如“旌德县财政局”）。'}`);
}
