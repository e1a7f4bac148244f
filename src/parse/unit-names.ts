/**
 * Unit names inside an assignment: splitting a list (A、B，C), nested names (区政府办公室〈区大数据发展管理局〉,
 * 信访局（矛调中心）), trailing 等, and telling a named unit from a category (各行政机关, 县直有关单位).
 */

/** Last characters that end the name of a body or of a class of bodies. */
const UNIT_END = /[局办委厅心部组馆院所站队会处室府位门关镇乡街道织台社署司科行校区县市省团员军庭队]$/;

export function looksLikeUnit(name: string): boolean {
  // 区委宣传部〈区新闻办〉, 信访局（矛调中心）: judge the name before the bracket.
  const base = name.replace(/[（(〈〔【[<][^（(〈〔【[<]*[）)〉〕】\]>]$/, '');
  return base.length >= 2 && UNIT_END.test(base);
}

/** A class of bodies rather than one body: 各行政机关, 县直有关单位, 其他区级有关单位, 各街镇, 有关部门. */
export function isCategoryName(name: string): boolean {
  return (
    /^(各|其他|其它|有关|相关|所有|全体|全市|全县|全区|全省)/.test(name) ||
    /有关|相关|各(?!种)|直属|授权的|等单位|等部门/.test(name) ||
    /^(县|市|区|省|镇|乡)(直|级)?(单位|部门|机关)$/.test(name)
  );
}

const OPEN = '（(〈〔【[《<';
const CLOSE = '）)〉〕】]》>';

/** Split at top-level separators, never inside brackets. */
function splitTopLevel(s: string, seps: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (OPEN.includes(ch)) depth++;
    else if (CLOSE.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && seps.includes(ch)) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

/** 区委宣传部〈区新闻办、区网信办〉 → 区委宣传部, 区新闻办, 区网信办. Returns null when the bracket is no unit list. */
function expandNested(name: string): string[] | null {
  const m = name.match(/^(.+?)[（(〈〔【[<]([^（()）〈〉〔〕【】[\]<>]+)[）)〉〕】\]>]$/);
  if (!m) return null;
  const outer = (m[1] as string).trim();
  const inner = splitTopLevel(m[2] as string, '、，,；;').map(cleanName);
  if (!looksLikeUnit(outer) || inner.length === 0 || !inner.every(looksLikeUnit)) return null;
  return [outer, ...inner];
}

/** Remove list noise around one name: leading 由/和/及, trailing 等 and punctuation. */
export function cleanName(s: string): string {
  return s
    .replace(/[\s\u3000]+/g, '')
    .replace(/^[、，,；;：:。.]+|(?<![、，,；;：:。.])[、，,；;：:。.]+$/g, '')
    .replace(/^(由|以及|请)(?=..)/, '')
    .replace(/等$/, '')
    .trim();
}

/** Split one part on 或/和/及 / 等有关… when both sides are names: 各行政机关或法律、法规授权的…组织; 县财政局等有关部门. */
function splitJoined(name: string): string[] {
  const dengIdx = name.search(/等(?=(有关|相关|各|其他|其它)..)/);
  if (dengIdx > 0) {
    const left = name.slice(0, dengIdx);
    const right = name.slice(dengIdx + 1);
    if (looksLikeUnit(left) && looksLikeUnit(right)) return [...splitJoined(left), ...splitJoined(right)];
  }
  // 或 / 和 / 及 / 与 between two names (县委宣传部和县网信办); never inside one (县自然资源和规划局: 县自然资源 is no name).
  for (const m of name.matchAll(/或|以及|和|及|与/g)) {
    const left = name.slice(0, m.index);
    const right = name.slice((m.index as number) + m[0].length);
    if (left.length >= 2 && looksLikeUnit(left) && looksLikeUnit(right)) return [left, ...splitJoined(right)];
  }
  return [name];
}

/** A list of units as printed → names, in order, deduplicated. */
export function splitUnits(list: string): string[] {
  const parts = splitTopLevel(list.replace(/[\s\u3000]+/g, ''), '、，,；;/').map(cleanName).filter(Boolean);
  // 法律、法规授权的组织: a part that is no name on its own belongs to the next one.
  const merged: string[] = [];
  let carry = '';
  for (const [i, p] of parts.entries()) {
    const cur = carry ? `${carry}、${p}` : p;
    if (!looksLikeUnit(cur) && i < parts.length - 1) {
      carry = cur;
      continue;
    }
    carry = '';
    merged.push(cur);
  }
  const out: string[] = [];
  for (const part of merged) {
    for (const name of splitJoined(part)) {
      for (const n of expandNested(name) ?? [name]) {
        const c = cleanName(n);
        if (c && !out.includes(c)) out.push(c);
      }
    }
  }
  return out;
}
