/**
 * Word automatic numbering: the levels of numbering.xml (start, numFmt, lvlText, overrides), the paragraph styles
 * that carry numbering, and how a number is printed in each format (一、 （一） 1. ① IV …).
 */
import { attr, val } from './xml.js';

export interface Level {
  start: number;
  fmt: string;
  text: string;
}

interface NumDef {
  abstractId: string;
  overrides: Map<number, number>;
}

export interface Numbering {
  abstracts: Map<string, Map<number, Level>>;
  nums: Map<string, NumDef>;
}

export function readNumbering(xml: string | undefined): Numbering {
  const abstracts = new Map<string, Map<number, Level>>();
  const nums = new Map<string, NumDef>();
  if (!xml) return { abstracts, nums };
  for (const m of xml.matchAll(/<w:abstractNum\s([^>]*)>([\s\S]*?)<\/w:abstractNum>/g)) {
    const id = attr(m[1] as string, 'w:abstractNumId') ?? '';
    const levels = new Map<number, Level>();
    for (const l of (m[2] as string).matchAll(/<w:lvl\s([^>]*)>([\s\S]*?)<\/w:lvl>/g)) {
      const ilvl = Number(attr(l[1] as string, 'w:ilvl') ?? '0');
      const body = l[2] as string;
      levels.set(ilvl, { start: Number(val(body, 'start') ?? '1'), fmt: val(body, 'numFmt') ?? 'decimal', text: val(body, 'lvlText') ?? '' });
    }
    abstracts.set(id, levels);
  }
  for (const m of xml.matchAll(/<w:num\s([^>]*)>([\s\S]*?)<\/w:num>/g)) {
    const id = attr(m[1] as string, 'w:numId') ?? '';
    const body = m[2] as string;
    const overrides = new Map<number, number>();
    for (const o of body.matchAll(/<w:lvlOverride\s([^>]*)>([\s\S]*?)<\/w:lvlOverride>/g)) {
      const start = val(o[2] as string, 'startOverride');
      if (start !== undefined) overrides.set(Number(attr(o[1] as string, 'w:ilvl') ?? '0'), Number(start));
    }
    nums.set(id, { abstractId: val(body, 'abstractNumId') ?? '', overrides });
  }
  return { abstracts, nums };
}

/** Paragraph styles that carry numbering: styleId → {numId, ilvl}. */
export function readStyleNumbering(xml: string | undefined): Map<string, { numId: string; ilvl: number }> {
  const out = new Map<string, { numId: string; ilvl: number }>();
  if (!xml) return out;
  for (const m of xml.matchAll(/<w:style\s([^>]*)>([\s\S]*?)<\/w:style>/g)) {
    const id = attr(m[1] as string, 'w:styleId');
    const numPr = /<w:numPr>([\s\S]*?)<\/w:numPr>/.exec(m[2] as string);
    if (!id || !numPr) continue;
    const numId = val(numPr[1] as string, 'numId');
    if (numId) out.set(id, { numId, ilvl: Number(val(numPr[1] as string, 'ilvl') ?? '0') });
  }
  return out;
}

const DIGITS = '〇一二三四五六七八九';

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五. */
export function chineseNumber(n: number): string {
  if (n <= 0) return String(n);
  if (n < 10) return DIGITS[n] as string;
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ''}`;
  if (n < 1000) {
    const rest = n % 100;
    return `${DIGITS[Math.floor(n / 100)]}百${rest === 0 ? '' : rest < 10 ? `零${DIGITS[rest]}` : rest < 20 ? `一${chineseNumber(rest)}` : chineseNumber(rest)}`;
  }
  return String(n);
}

function roman(n: number): string {
  const table: Array<[number, string]> = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [v, s] of table) while (n >= v) (out += s), (n -= v);
  return out;
}

function letters(n: number): string {
  const c = String.fromCharCode(64 + (((n - 1) % 26) + 1));
  return c.repeat(Math.floor((n - 1) / 26) + 1);
}

export function formatNumber(n: number, fmt: string): string {
  switch (fmt) {
    case 'chineseCounting':
    case 'chineseCountingThousand':
    case 'chineseLegalSimplified':
    case 'ideographTraditional':
    case 'japaneseCounting':
    case 'taiwaneseCounting':
    case 'taiwaneseCountingThousand':
      return chineseNumber(n);
    case 'upperLetter':
      return letters(n);
    case 'lowerLetter':
      return letters(n).toLowerCase();
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'decimalFullWidth':
    case 'decimalFullWidth2':
      return String(n).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    case 'decimalEnclosedCircle':
    case 'decimalEnclosedCircleChinese':
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : String(n);
    case 'decimalZero':
      return String(n).padStart(2, '0');
    case 'none':
      return '';
    default:
      return String(n);
  }
}
