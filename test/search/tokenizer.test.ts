import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeText, Tokenizer } from '../../src/search/tokenizer.js';
import { createAnswerer } from '../../src/answer/index.js';
import { fixturePlans } from '../helpers/plans.js';

describe('tokenizer', () => {
  it('the default dictionary alone cuts 会同县 out of 县府办会同县财政局', () => {
    // Documents why the domain dictionary exists: without it the county name wins.
    expect(new Tokenizer().cut('县府办会同县财政局')).toContain('会同县');
  });

  it('with the unit names of the loaded plans, 县府办会同县财政局 is 县府办 / 会同 / 县财政局', () => {
    const { tokenizer } = createAnswerer(fixturePlans());
    expect(tokenizer.cut('县府办会同县财政局等有关部门负责')).toEqual(expect.arrayContaining(['县府办', '会同', '县财政局']));
    expect(tokenizer.cut('县府办会同县财政局')).not.toContain('会同县');
  });

  it('keeps 政务 terms whole and adds their parts for search', () => {
    const t = new Tokenizer();
    expect(t.cut('依申请公开有什么要求')).toEqual(['依申请公开']);
    expect(t.tokenize('政务新媒体怎么管理')).toEqual(expect.arrayContaining(['政务新媒体', '新媒体', '管理']));
    expect(t.cut('财政预决算公开')).toContain('预决算');
  });

  it('normalizes full-width and case, and drops stop words and punctuation', () => {
    const t = new Tokenizer();
    expect(t.cut('１２３４５热线，ＡＰＰ！')).toEqual(expect.arrayContaining(['12345', 'app']));
    expect(t.cut('什么是哪些的和？')).toEqual([]);
  });

  it('loads an admin user dictionary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yd-dict-'));
    const path = join(dir, 'user.dict');
    writeFileSync(path, '# 管理员词典\n浙里问 1000 n\n阳光政务大厅\n');
    const t = new Tokenizer({ userDictPath: path });
    expect(t.cut('打造阳光政务大厅')).toContain('阳光政务大厅');
    expect(t.has('浙里问')).toBe(true);
  });
});

describe('bracketed alternatives', () => {
  it('index both readings', async () => {
    const { bracketReadings } = await import('../../src/search/tokenizer.js');
    expect(bracketReadings('与村（居）务公开有效衔接').split(' ')).toEqual(['村务公开有', '居务公开有']);
    expect(bracketReadings('指导村(居)民委员会').split(' ')).toEqual(['村民委员会', '居民委员会']);
    expect(bracketReadings('没有括号的句子')).toBe('');
  });
});

describe('normalizeText', () => {
  const reference = (s: string) => s.normalize('NFKC').toLowerCase();
  // Every character of the ranges the fast path looks at, and some it leaves to NFKC (combining marks, half-width
  // kana and jamo that compose, surrogates, Latin with accents).
  const fast: string[] = [];
  for (const [from, to] of [[0x20, 0x7f], [0x2010, 0x2028], [0x3000, 0x3040], [0xff01, 0xff61], [0xffe0, 0xffef]] as const) {
    for (let c = from; c < to; c++) fast.push(String.fromCharCode(c));
  }
  const others = ['\u0301', '\u3099', '\uff76', '\uff9e', '\uffa1', '\uffc2', '\u302a', 'é', 'İ', 'Σ', '𠀀', '\ud840', '①', '½', '\u1100', '\u1161'];

  it('is NFKC then lowercase for each character and each pair of them', () => {
    const chars = [...fast, ...others, '政', '务', '㐀'];
    for (const a of chars) {
      expect(normalizeText(a)).toBe(reference(a));
      for (const b of chars) expect(normalizeText(a + b)).toBe(reference(a + b));
    }
  });

  it('is NFKC then lowercase on any text, and the same string when nothing changes', () => {
    const ch = fc.oneof(fc.constantFrom(...fast, ...others), fc.constantFrom('政', '务', '公', '开', '（', '）', '，', '。', '1', 'A', ' '));
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 40 }), (chars) => {
        const s = chars.join('');
        expect(normalizeText(s)).toBe(reference(s));
      }),
      { numRuns: 3000 },
    );
    const plain = '推进政务公开标准化规范化建设，2021年底前完成。';
    expect(normalizeText(plain)).toBe('推进政务公开标准化规范化建设,2021年底前完成。');
    const kept = '推进政务公开标准化规范化建设';
    expect(normalizeText(kept)).toBe(kept);
  });
});
