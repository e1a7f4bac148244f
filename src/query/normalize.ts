/**
 * Question normalisation, before anything else reads the question: NFKC (full-width letters and digits, compatibility
 * forms), traditional → simplified characters, one kind of bracket and quote, spaces between Chinese characters
 * removed (突 发 事 件 → 突发事件) while spaces between Latin words stay (open data). Lowercase Latin.
 *
 * Filler and politeness words are not removed here: they are stop words of the topic (see fillers.ts), so the slot
 * rules can still see 那…呢 (a follow-up) and 吗 (a yes/no question).
 */
import * as OpenCC from 'opencc-js';

let toSimplified: ((s: string) => string) | undefined;

/** Traditional → simplified (OpenCC's phrase tables: 權責清單 → 权责清单, 裡 → 里). */
export function simplified(text: string): string {
  // Only run the converter on text that has characters outside ASCII.
  if (!/[^\x00-\x7f]/.test(text)) return text;
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
