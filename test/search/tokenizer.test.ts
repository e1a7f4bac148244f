import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/search/tokenizer.js';
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
