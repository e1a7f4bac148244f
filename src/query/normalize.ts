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
/**
 * The characters OpenCC's traditional → simplified entries change (a key's characters where its value differs). A
 * key that changes text holds one of them, so a text with none of them comes out of the converter as it went in.
 */
let changed: Set<number> | undefined;

function changedCharacters(): Set<number> {
  const out = new Set<number>();
  // key[ka..kb) against value[va..vb) of the same string: the key's characters where they differ (all when the lengths do).
  const add = (s: string, ka: number, kb: number, va: number, vb: number) => {
    const same = kb - ka === vb - va;
    for (let i = ka; i < kb; ) {
      const c = s.codePointAt(i) as number;
      const w = c > 0xffff ? 2 : 1;
      if (!same || c !== s.codePointAt(va + (i - ka))) out.add(c);
      i += w;
    }
  };
  for (const group of OpenCC.Locale.to['cn'] ?? []) {
    for (const dict of group) {
      // Each dictionary is "key value|key value|…" (or [key, value] pairs); the first value is the one used.
      if (typeof dict !== 'string') {
        for (const [key, value] of dict) add(`${key}${value}`, 0, key.length, key.length, key.length + value.length);
        continue;
      }
      for (let at = 0; at < dict.length; ) {
        let end = dict.indexOf('|', at);
        if (end < 0) end = dict.length;
        const space = dict.indexOf(' ', at);
        if (space > at && space < end) {
          let valueEnd = dict.indexOf(' ', space + 1);
          if (valueEnd < 0 || valueEnd > end) valueEnd = end;
          add(dict, at, space, space + 1, valueEnd);
        }
        at = end + 1;
      }
    }
  }
  return out;
}

/** Does the text hold a character some traditional → simplified entry changes? */
export function mayBeTraditional(text: string): boolean {
  changed ??= changedCharacters();
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    // Compatibility ideographs (豈 U+F900) are read as the characters they stand for.
    if (changed.has(c) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x2f800 && c <= 0x2fa1f)) return true;
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
