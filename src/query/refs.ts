/**
 * Outline references as people type them: 第三部分, 第三部分第一条, 三（二）, 三(二), 五、（二）, 四.3, 四-3, 第10项
 * (counted through the whole document), 最后一部分, 第一部分最后一项, 倒数第二条. Pure.
 */
import { cnNumber } from '../parse/deadlines.js';
import type { OutlineRef } from './schema.js';

const CN = '[一二三四五六七八九十]{1,3}';
const N = `(?:\\d{1,3}|${CN})`;
const ITEM_WORD = '(?:条|项|点|个任务|项任务|条任务|个)';

/** 1 → 一, 12 → 十二, 20 → 二十. */
export function numberToCn(n: number): string {
  const d = '零一二三四五六七八九';
  if (n < 10) return d[n] as string;
  if (n < 20) return `十${n % 10 ? d[n % 10] : ''}`;
  return `${d[Math.floor(n / 10)]}十${n % 10 ? d[n % 10] : ''}`;
}

const sectionOf = (s: string): string | undefined => {
  const n = cnNumber(s);
  return n && n > 0 && n < 100 ? numberToCn(n) : undefined;
};

export interface RefMatch {
  ref: OutlineRef;
  start: number;
  end: number;
  rule: string;
}

export function parseRef(q: string): RefMatch | undefined {
  const rules: [string, RegExp, (m: RegExpExecArray) => OutlineRef | undefined][] = [
    ['第N部分最后一项', new RegExp(`(?:第(${N})|最后一)(?:部分|大项|方面|章)的?(?:最后一|倒数第(${N}))${ITEM_WORD}`), (m) => ({ section: m[1] ? sectionOf(m[1]) ?? 'last' : 'last', fromEnd: m[2] ? cnNumber(m[2]) ?? 1 : 1 })],
    ['第N部分第M条', new RegExp(`(?:第(${N})|最后一)(?:部分|大项|方面|章)的?第(${N})${ITEM_WORD}`), (m) => ({ section: m[1] ? sectionOf(m[1]) ?? 'last' : 'last', item: cnNumber(m[2] as string) ?? 1 })],
    ['三（二）', new RegExp(`(${CN})[、.．]?（(${CN}|\\d{1,2})）`), (m) => ({ section: sectionOf(m[1] as string), item: cnNumber(m[2] as string) ?? 1, printed: m[2] as string })],
    ['四.3', new RegExp(`(${CN})[.．\\-－·・](\\d{1,2})(?!\\d)`), (m) => ({ section: sectionOf(m[1] as string), item: Number(m[2]) })],
    ['倒数第N条', new RegExp(`倒数第(${N})${ITEM_WORD}`), (m) => ({ fromEnd: cnNumber(m[1] as string) ?? 1 })],
    ['最后一部分', /最后一(?:部分|大项|方面|章)/, () => ({ section: 'last' })],
    ['最后一条', new RegExp(`最后一${ITEM_WORD}`), () => ({ fromEnd: 1 })],
    ['第N部分', new RegExp(`第(${N})(?:部分|大项|方面|章)|(${CN})、?部分`), (m) => ({ section: sectionOf((m[1] ?? m[2]) as string) })],
    ['第N条', new RegExp(`第(${N})${ITEM_WORD}`), (m) => ({ item: cnNumber(m[1] as string) ?? 1, bare: true })],
  ];
  for (const [rule, re, make] of rules) {
    const m = re.exec(q);
    if (!m) continue;
    const ref = make(m);
    if (!ref || (ref.section === undefined && !ref.item && !ref.fromEnd && !('section' in ref))) continue;
    if ('section' in ref && ref.section === undefined) continue;
    return { ref, start: m.index, end: m.index + m[0].length, rule };
  }
  return undefined;
}
