/**
 * Question normalisation, before anything else reads the question: NFKC (full-width letters and digits, compatibility
 * forms), traditional → simplified characters, one kind of bracket and quote, spaces between Chinese characters
 * removed (突 发 事 件 → 突发事件) while spaces between Latin words stay (open data). Lowercase Latin.
 *
 * Filler and politeness words are not removed here: they are stop words of the topic (see fillers.ts), so the slot
 * rules can still see 那…呢 (a follow-up) and 吗 (a yes/no question).
 */
import * as OpenCC from 'opencc-js/t2cn';

let toSimplified: ((s: string) => string) | undefined;
/** The characters OpenCC's traditional → simplified entries start with (a text with none of them stays as it is). */
let entryStarts: Set<number> | undefined;

/** Does the text hold a character some traditional → simplified entry starts with? */
export function mayBeTraditional(text: string): boolean {
  if (!entryStarts) {
    entryStarts = new Set();
    // Each dictionary is "key value|key value|…".
    for (const group of OpenCC.Locale.to['cn'] ?? []) {
      for (const dict of group) {
        if (typeof dict !== 'string') {
          for (const [key] of dict) if (key) entryStarts.add(key.codePointAt(0) as number);
          continue;
        }
        const s = dict;
        for (let i = 0; i < s.length; ) {
          entryStarts.add(s.codePointAt(i) as number);
          const bar = s.indexOf('|', i);
          if (bar < 0) break;
          i = bar + 1;
        }
      }
    }
  }
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    // Compatibility ideographs (豈 U+F900) are read as the characters they stand for.
    if (entryStarts.has(c) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x2f800 && c <= 0x2fa1f)) return true;
  }
  return false;
}

/** Traditional → simplified (OpenCC's phrase tables: 權責清單 → 权责清单, 裡 → 里). */
export function simplified(text: string): string {
  // Only build and run the converter (its tables take a while) when some entry could match.
  if (!/[^\x00-\x7f]/.test(text) || !mayBeTraditional(text)) return text;
  const convert = (toSimplified ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  return convert(text);
}

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}（）()“”、，。？！：；])\\s+(?=[${CJK}（）()“”、，。？！：；])`, 'g');
const SPACE_AROUND_DIGITS = new RegExp(`(?<=[${CJK}])\\s+(?=\\d)|(?<=\\d)\\s+(?=[${CJK}])`, 'g');

/** The normalised question: what every later step reads. */
export function normalizeQuestion(raw: string): string {
  let s = raw.normalize('NFKC');
  s = simplified(s);
  s = s
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g, '')
    .replace(/[\u3000\t\r\n]+/g, ' ')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/[“”„‟«»「」『』"]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/,/g, '，')
    .replace(/\?/g, '？')
    .replace(/!/g, '！')
    .replace(/;/g, '；')
    .replace(/[:：]/g, '：')
    .toLowerCase();
  s = s.replace(SPACE_BETWEEN_CJK, '').replace(SPACE_AROUND_DIGITS, '');
  return s.replace(/\s{2,}/g, ' ').trim();
}
