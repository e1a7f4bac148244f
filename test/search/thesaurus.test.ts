import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnswerer } from '../../src/answer/index.js';
import { topicPlan } from '../../src/answer/topic.js';
import { EXPANSION_WEIGHT, Thesaurus, parseThesaurus } from '../../src/search/thesaurus.js';
import { Tokenizer } from '../../src/search/tokenizer.js';
import { plan } from '../helpers/plans.js';

describe('thesaurus', () => {
  it('ships hundreds of everyday and English words mapped to document words', () => {
    const t = new Thesaurus();
    expect(t.size).toBeGreaterThan(500);
    expect(t.lookup('谣言')).toContain('舆情');
    expect(t.lookup('公众号')).toContain('政务新媒体');
    expect(t.lookup('电子版')).toContain('数字化');
    expect(t.lookup('权力清单')).toContain('权责清单');
    expect(t.lookup('防疫')).toContain('疫情防控');
    expect(t.lookup('open data')).toContain('公共数据开放');
    expect(t.lookup('Video')).toContain('视频');
  });

  it('matches keys on word boundaries only: 发 is no key inside 发展', () => {
    const tok = new Tokenizer();
    const t = new Thesaurus();
    expect(t.expand(tok.words('网上传言很多')).map((e) => e.text)).toEqual(['网上传言']);
    expect(t.expand(tok.words('推动高质量发展')).map((e) => e.text)).not.toContain('发');
  });

  it('reads an admin file and names the line of a mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yd-thes-'));
    const good = join(dir, 'ok.txt');
    writeFileSync(good, '# 本地说法\n浙政钉 钉钉群 => 政务新媒体\n');
    expect(Thesaurus.fromFile(good).lookup('钉钉群')).toEqual(['政务新媒体']);
    expect(() => parseThesaurus('甲 乙\n', 'bad.txt')).toThrow(/bad\.txt 第1行/);
  });

  it('an expansion weighs less than the word asked: the item with the word itself ranks first', () => {
    const plans = [
      plan('a.txt', '青田县', 2021, [
        ['一.1', '加强政务舆情回应。及时回应社会关切。', ['县府办']],
        ['一.2', '及时处置网络谣言。发现谣言及时澄清。', ['县委网信办']],
      ]),
    ];
    const bot = createAnswerer(plans);
    const tp = topicPlan('网络谣言', { index: bot.index, tokenizer: bot.tokenizer, thesaurus: bot.thesaurus });
    const terms = tp.concepts.flatMap((c) => c.terms);
    expect(terms.find((t) => t.term === '舆情')?.weight).toBe(EXPANSION_WEIGHT);
    // Both items answer; the one that says 谣言 itself comes first.
    expect(bot.answer('谣言').citations.map((c) => c.item)).toEqual(['一.2', '一.1']);
  });
});
