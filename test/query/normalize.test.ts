import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as OpenCC from 'opencc-js/t2cn';
import { mayBeTraditional, normalizeQuestion, simplified } from '../../src/query/normalize.js';

describe('question normalisation', () => {
  it.each([
    ['權責清單要公開嗎', '权责清单要公开吗'],
    ['政務新媒體怎麼管理', '政务新媒体怎么管理'],
    ['突 发 事 件 信 息', '突发事件信息'],
    ['政策解读可以做成 video 吗', '政策解读可以做成 video 吗'],
    ['Open  Data 怎么 做', 'open data 怎么做'],
    ['２０２１年９月底前', '2021年9月底前'],
    ['青田二、(三)', '青田二、（三）'],
    ['旌德 六.4 讲了什么', '旌德六.4讲了什么'],
    ['依申请公开\u200b咋整啊？', '依申请公开咋整啊？'],
  ])('%s → %s', (raw, want) => {
    expect(normalizeQuestion(raw)).toBe(want);
  });

  it('leaves simplified text and ASCII as they are', () => {
    expect(simplified('依申请公开有什么要求')).toBe('依申请公开有什么要求');
    expect(simplified('open data')).toBe('open data');
  });

  it('spaces between Chinese characters never change the normalised question (property)', () => {
    const text = fc.constantFrom('依申请公开有什么要求', '政务新媒体怎么管理', '青田县财政局负责哪些任务', '旌德县9月底前要完成哪些任务');
    fc.assert(
      fc.property(text, fc.array(fc.nat(40), { maxLength: 6 }), (q, cuts) => {
        const chars = [...q];
        for (const c of cuts) chars.splice(c % (chars.length + 1), 0, ' ');
        expect(normalizeQuestion(chars.join(''))).toBe(normalizeQuestion(q));
      }),
      { numRuns: 200 },
    );
  });
  it('leaves the converter unbuilt only for text no traditional entry could change', () => {
    const convert = OpenCC.Converter({ from: 't', to: 'cn' });
    let skipped = 0;
    for (const [from, to] of [[0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff]] as const) {
      for (let c = from; c <= to; c++) {
        const ch = String.fromCodePoint(c);
        if (mayBeTraditional(ch)) continue;
        skipped++;
        expect(convert(`${ch}${ch}`), ch).toBe(`${ch}${ch}`);
      }
    }
    expect(skipped).toBeGreaterThan(20_000);
    for (const t of ['權', '裡', '乾', '頭髮', '臺灣', '麵']) expect(mayBeTraditional(`政务${t}`)).toBe(true);
    // Characters of the phrase keys that the entries do not change (一目瞭然 → 一目了然 changes only 瞭), in any
    // order and run: the converter gives them back as they are.
    const phraseChars = new Set<string>();
    for (const group of OpenCC.Locale.to['cn'] ?? []) for (const dict of group) if (typeof dict === 'string') for (const entry of dict.split('|')) for (const ch of entry.split(' ')[0] ?? '') phraseChars.add(ch);
    const unchanged = [...phraseChars].filter((ch) => !mayBeTraditional(ch));
    expect(unchanged.length).toBeGreaterThan(500);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...unchanged), { minLength: 1, maxLength: 12 }), (chars) => {
        const text = chars.join('');
        expect(mayBeTraditional(text)).toBe(false);
        expect(convert(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
    expect(simplified('权责清单要公开吗')).toBe('权责清单要公开吗');
  });
});
