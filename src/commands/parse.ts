/**
 * What follows a command word: a time of day (订阅 每天 8:30) and an item reference with an optional document and
 * note (完成 《旌德2021要点》三（一） 已印发).
 */
import { cnNumber } from '../parse/deadlines.js';

/** "每天 8:30", "8点半", "下午3点", "08：30" → HH:MM; '' → 08:30; undefined when unreadable. */
export function parseTimeOfDay(text: string): string | undefined {
  let t = text.normalize('NFKC').replace(/\s+/g, '').replace(/^(每天|每日)/, '');
  if (!t) return '08:30';
  let pm = false;
  const period = t.match(/^(早上|上午|早晨|中午|下午|晚上)/);
  if (period) {
    pm = ['下午', '晚上'].includes(period[1] as string);
    t = t.slice((period[1] as string).length);
  }
  const m = t.match(/^(\d{1,2})(?::(\d{2})|点(?:(半)|(\d{1,2})分?|整)?|时(?:(\d{1,2})分?)?)$/);
  if (!m) return undefined;
  let h = Number(m[1]);
  const min = m[3] ? 30 : Number(m[2] ?? m[4] ?? m[5] ?? 0);
  if (pm && h < 12) h += 12;
  if (h > 23 || min > 59) return undefined;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

const ITEM_REF = /^([一二三四五六七八九十]+)(?:[.．、·。]|(?=[（(]))?[（(]?([一二三四五六七八九十]+|\d+)[)）]?$/;

/** 完成 三.1 备注 / 完成 《旌德2021要点》三（一） 备注 → document selector, section, number, note. */
export function parseProgress(rest: string): { doc?: string; section: string; number: string; note: string } | undefined {
  const tokens = rest.normalize('NFKC').trim().split(/\s+/).filter(Boolean);
  // 三（一）written with the document glued on: 《旌德2021要点》三（一）
  const expanded = tokens.flatMap((t) => t.split(/(?<=》)/)).map((t) => t.trim()).filter(Boolean);
  const at = expanded.findIndex((t) => ITEM_REF.test(t));
  if (at < 0) return undefined;
  const m = (expanded[at] as string).match(ITEM_REF) as RegExpMatchArray;
  const doc = expanded.slice(0, at).join('').replace(/[《》]/g, '');
  const n = cnNumber(m[2] as string);
  if (n === null) return undefined;
  return { ...(doc ? { doc } : {}), section: m[1] as string, number: String(n), note: expanded.slice(at + 1).join(' ') };
}
