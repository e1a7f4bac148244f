/**
 * Categories: assignments to a class of bodies (各行政机关, 县直有关单位, 各镇人民政府, 其他区级有关单位, 各街镇).
 * An item assigned to a category concerns every unit of that kind in the plan's region; it is reported apart
 * from the items that name a unit.
 */
import type { UnitRef } from '../model.js';
import { isCategoryName } from '../parse/unit-names.js';

/** What a category or a unit is: a department of the government, a township/street, or a lower government. */
export type Scope = 'department' | 'township' | 'government';

/** A class of bodies rather than one body (the parser's rule, so both agree on every name). */
export { isCategoryName };

export function isCategory(ref: UnitRef): boolean {
  return ref.kind === 'category';
}

/** The kind of body a category covers. */
export function categoryScope(name: string): Scope {
  if (/部门|单位|机关|组织|厅局|委办/.test(name)) return 'department';
  if (/镇|乡|街道|街镇|镇街|村|社区/.test(name)) return 'township';
  if (/政府/.test(name)) return 'government';
  return 'department';
}

/** The kind of body a named unit is. */
export function unitScope(name: string): Scope {
  if (/(镇|乡|街道|街道办事处|镇人民政府|乡人民政府)$/.test(name)) return 'township';
  if (/^.{0,6}(县|市|区)?人民政府$|^(县|市|区|省)政府$/.test(name)) return 'government';
  return 'department';
}

/** Does an item assigned to `category` concern `unit`? */
export function categoryCovers(category: string, unit: string): boolean {
  return categoryScope(category) === unitScope(unit);
}
