/**
 * Line normalization: markdown marks from conversion, PDF spacing, odd whitespace.
 * One output line per source line, so line numbers stay those of the file.
 */

const CJK = '\\u3400-\\u9fff\\uf900-\\ufaff';
/** Chinese characters and the full-width punctuation and quotes that sit between them. */
const CJK_OR_PUNCT = `${CJK}\\u3000-\\u303f\\uff00-\\uffef“”‘’〈〉〔〕《》「」『』【】、。，；：！？（）`;
const SPACE_AFTER_CJK = new RegExp(`([${CJK_OR_PUNCT}])[ \\t\\u00a0\\u3000]+`, 'g');
// Only from the start of a run of spaces (the lookbehind): matching from inside a long run that no Chinese follows
// would rescan it from every position (quadratic; a 50,000-space line took 38 s).
const SPACE_BEFORE_CJK = new RegExp(`(?<![ \\t\\u00a0\\u3000])[ \\t\\u00a0\\u3000]+(?=[${CJK_OR_PUNCT}])`, 'g');

/** Remove the spaces a PDF extraction puts between Chinese characters ("县直有 关单位", "旌德县 2021 年"). */
export function squeezeSpaces(s: string): string {
  return s.replace(SPACE_AFTER_CJK, '$1').replace(SPACE_BEFORE_CJK, '');
}

/** Strip markdown marks that document converters add: headings, bold, bullets, rules, quotes. */
export function stripMarkdown(line: string): string {
  let s = line;
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(s)) return '';
  s = s.replace(/^\s*>+\s?/, '');
  s = s.replace(/^\s*#{1,6}\s+/, '').replace(/^\s*#{1,6}(?=\S)/, '');
  s = s.replace(/\*\*|__/g, '');
  s = s.replace(/^\s*[-*+•·]\s+/, '');
  return s;
}

export function cleanLine(line: string): string {
  let s = line.replace(/[\u200b-\u200d\ufeff]/g, '');
  s = stripMarkdown(s);
  s = squeezeSpaces(s);
  // trim() removes what /^[\s\u3000]+|[\s\u3000]+$/ did, in linear time.
  return s.trim();
}

/** Split text into cleaned lines (CRLF, CR and LF all end a line). */
export function toLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.split(/\r\n|\r|\n|\u2028|\u2029/).map(cleanLine);
}

/** Text with all whitespace removed, for comparisons. */
export function compact(s: string): string {
  return s.replace(/[\s\u3000]+/g, '');
}
