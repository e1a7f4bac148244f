/**
 * How two 要点 stand to each other: one office's two years (this year against last), the level above and a level
 * below (省 > 市 > 县/区), or two offices of one level. Read from the issuing region and the year.
 */
import type { WorkPlan } from '../model.js';

/** 3 省, 2 市 (prefecture), 1 县/区/县级市, 0 unknown. */
export type LevelRank = 0 | 1 | 2 | 3;

export type Relation =
  | { kind: 'years'; newer: 'a' | 'b'; text: string }
  | { kind: 'above'; above: 'a' | 'b'; text: string }
  | { kind: 'peer'; text: string };

const LEVEL_NAME: Record<LevelRank, string> = { 3: '省级', 2: '市级', 1: '县（区）级', 0: '级别不明' };

/** A 市 that assigns work to 镇街/乡镇 and never to 县（市、区） is a county-level city (义乌市). */
function isCountyLevelCity(plan: WorkPlan): boolean {
  const text = plan.items.map((it) => `${it.body} ${it.units.join(' ')}`).join('\n') + plan.notes.join('\n');
  if (/县[（(]市、?区[)）]|各县市区|各区县|县市区/.test(text)) return false;
  return /镇街|街镇|乡镇|各镇|街道/.test(text);
}

export function levelOf(plan: WorkPlan): LevelRank {
  switch (plan.region?.level) {
    case 'province':
      return 3;
    case 'city':
      return isCountyLevelCity(plan) ? 1 : 2;
    case 'district':
    case 'county':
      return 1;
    default:
      return 0;
  }
}

export function levelName(plan: WorkPlan): string {
  return LEVEL_NAME[levelOf(plan)];
}

function office(plan: WorkPlan): string | null {
  return plan.region?.name ?? plan.issuer?.replace(/人民政府办公[室厅]$|政府办公[室厅]$|办公[室厅]$/, '') ?? null;
}

function nameOf(plan: WorkPlan): string {
  return plan.region?.name ?? plan.issuer ?? plan.title;
}

function yearText(plan: WorkPlan): string {
  return plan.year ? `${plan.year}年` : '';
}

export function relationOf(a: WorkPlan, b: WorkPlan): Relation {
  const oa = office(a);
  if (oa && oa === office(b) && a.year && b.year && a.year !== b.year) {
    const newer = a.year > b.year ? 'a' : 'b';
    const [n, o] = newer === 'a' ? [a, b] : [b, a];
    return { kind: 'years', newer, text: `同一地区两个年度：${nameOf(n)}${yearText(n)}要点对照${yearText(o)}要点（新增、删去、延续）` };
  }
  const la = levelOf(a);
  const lb = levelOf(b);
  if (la > 0 && lb > 0 && la !== lb) {
    const above = la > lb ? 'a' : 'b';
    const [hi, lo] = above === 'a' ? [a, b] : [b, a];
    return {
      kind: 'above',
      above,
      text: `上下级对照：${nameOf(hi)}（${levelName(hi)}）${yearText(hi)}要点在上，${nameOf(lo)}（${levelName(lo)}）${yearText(lo)}要点在下`,
    };
  }
  return { kind: 'peer', text: `同级对照：${nameOf(a)}${yearText(a)}要点与${nameOf(b)}${yearText(b)}要点` };
}

/** What people call the document's office in a sentence: 鹿城, 浙江, or the short title. */
export function shortOf(plan: WorkPlan): string {
  return plan.region?.short || plan.shortName || plan.title;
}

/**
 * Chinese names of the three lists for this relation: the pairs, the items only in A, the items only in B
 * (新增/删去 across years; 缺项 of the level below; what each of two peers has that the other lacks).
 */
export function listNames(r: Relation, a: string, b: string): { pairs: string; onlyA: string; onlyB: string } {
  if (r.kind === 'years') {
    return r.newer === 'a' ? { pairs: '延续', onlyA: '新增', onlyB: '删去' } : { pairs: '延续', onlyA: '删去', onlyB: '新增' };
  }
  if (r.kind === 'above') {
    return r.above === 'a'
      ? { pairs: '对应', onlyA: `${b}缺项`, onlyB: `${b}自有` }
      : { pairs: '对应', onlyA: `${a}自有`, onlyB: `${a}缺项` };
  }
  return { pairs: '对应', onlyA: `${a}独有`, onlyB: `${b}独有` };
}
