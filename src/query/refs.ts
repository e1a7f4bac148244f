/**
 * Outline references as people type them: 第三部分, 第三部分第一条, 三（二）, 三(二), 五、（二）, 四.3, 四-3, 第10项
 * (counted through the whole document), 最后一部分, 第一部分最后一项, 倒数第二条. Pure.
 */
import { cnNumber } from '../parse/deadlines.js';
import type { OutlineRef } from './schema.js';

const CN = '[一二三四五六七八九十]{1,3}';
const N = `(?:\\d{1,3}|${CN})`;
const ITEM_WORD = '(?:条|项|点|小项|小点|子项|个任务|项任务|条任务|个)';

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
    ['第N部分第M条', new RegExp(`(?:第(${N})|最后一)(?:部分|大项|方面|章)的?第(${N})${ITEM_WORD}?(?=[、和及与，,]|${ITEM_WORD})`), (m) => ({ section: m[1] ? sectionOf(m[1]) ?? 'last' : 'last', item: cnNumber(m[2] as string) ?? 1 })],
    ['第N部分第M条', new RegExp(`(?:第(${N})|最后一)(?:部分|大项|方面|章)的?第(${N})${ITEM_WORD}`), (m) => ({ section: m[1] ? sectionOf(m[1]) ?? 'last' : 'last', item: cnNumber(m[2] as string) ?? 1 })],
    ['三（二）', new RegExp(`(${CN})[、.．]?（(${CN}|\\d{1,2})）`), (m) => ({ section: sectionOf(m[1] as string), item: cnNumber(m[2] as string) ?? 1, printed: m[2] as string })],
    ['四.3', new RegExp(`(${CN})[.．\\-－·・](\\d{1,2})(?!\\d)`), (m) => ({ section: sectionOf(m[1] as string), item: Number(m[2]) })],
    // 4.1 standing alone (not a date, not a version): section 四, item 1.
    ['4.1', /(?<![\d.．\-\/年月])([1-9])[.．](\d{1,2})(?![\d.．\-\/月日号])/, (m) => ({ section: numberToCn(Number(m[1])), item: Number(m[2]) })],
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
    // More items of the same section: 第一、二项, 第2条和第3条, 四.3、四.4.
    let end = m.index + m[0].length;
    if (ref?.item && !ref.bare) {
      const more = new RegExp(`^(?:、|和|及|与|，|,)(?:第)?(${N})${ITEM_WORD}?`);
      const extra: number[] = [];
      for (let x = more.exec(q.slice(end)); x; x = more.exec(q.slice(end))) {
        const k = cnNumber(x[1] as string);
        if (!k) break;
        extra.push(k);
        end += x[0].length;
      }
      if (extra.length) ref.also = extra;
    }
    if (!ref || (ref.section === undefined && !ref.item && !ref.fromEnd && !('section' in ref))) continue;
    if ('section' in ref && ref.section === undefined) continue;
    return { ref, start: m.index, end, rule };
  }
  return undefined;
}
