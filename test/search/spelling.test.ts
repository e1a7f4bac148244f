import { beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import { SpellingCorrector } from '../../src/search/spelling.js';
import { STOP_WORDS, Tokenizer } from '../../src/search/tokenizer.js';
import { sampleEngine } from '../helpers/samples.js';

let engine: Answerer;
beforeAll(async () => {
  engine = await sampleEngine();
});

describe('spelling correction', () => {
  it.each([
    ['政府公抱', '政府公报'],
    ['依申情公开', '依申请公开'],
    ['政务舆请', '政务舆情'],
    ['规化信息公开', '规划'],
    ['政务网占怎么建', '网站'],
  ])('input-method homophones: %s → %s', (typed, fixed) => {
    const a = engine.answer(typed);
    expect(a.corrections?.map((c) => c.to)).toContain(fixed);
    expect(a.text).toMatch(new RegExp(`已按“${fixed}”查找`));
    expect(a.citations.length).toBeGreaterThan(0);
  });

  it('never corrects question words, particles or words the segmenter knows', () => {
    for (const q of ['鹿城区的要点一共有几项任务', '旌德县财政局有哪些任务', '依申请公开有什么要求', '依申请公开咋整啊', '社保卡丢了怎么补办']) {
      expect(engine.answer(q).corrections ?? [], q).toEqual([]);
    }
  });

  it('a one-character slip in a long word is read as that word', () => {
    const tokenizer = new Tokenizer();
    const corrector = new SpellingCorrector(['政府信息公开', '政务新媒体'], {
      hasBigram: (g) => ['政府', '府信', '信息', '息公', '公开', '政务', '务新', '新媒', '媒体'].includes(g),
      segment: (t) => tokenizer.words(t),
      isFunctionWord: (w) => STOP_WORDS.has(w),
      isWord: (w) => tokenizer.isWord(w),
      frequency: () => 1,
    });
    const r = corrector.correct('政务新煤体');
    expect(r.text).toBe('政务新媒体');
    expect(r.corrections).toEqual([{ from: '政务新煤体', to: '政务新媒体', kind: 'homophone' }]);
  });

  it('two equally likely readings are offered, not applied', () => {
    const tokenizer = new Tokenizer();
    const corrector = new SpellingCorrector(['公报', '公宝'], {
      hasBigram: () => false,
      segment: (t) => tokenizer.words(t),
      isFunctionWord: (w) => STOP_WORDS.has(w),
      isWord: () => false,
      frequency: () => 3,
    });
    const r = corrector.correct('公抱');
    expect(r.text).toBe('公抱');
    expect(r.corrections).toEqual([]);
    expect(r.suggestions.sort()).toEqual(['公宝', '公报']);
  });
});
