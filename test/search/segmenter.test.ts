import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { Jieba } from '@node-rs/jieba';
import { beforeAll, describe, expect, it } from 'vitest';
import { DictSegmenter, dictionaryFromSections, dictionarySections, packDictionary, type PackedDictionary } from '../../src/search/segmenter.js';
import { packSections, unpackSections } from '../../src/search/postings.js';
import { GOV_TERMS, Tokenizer } from '../../src/search/tokenizer.js';
import type { WorkPlan } from '../../src/model.js';
import { samplePlans } from '../helpers/samples.js';
import { benchQuestions, planText, syntheticCorpus } from '../../bench/corpus.js';

const dictText = readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt'), 'utf8');

/** Everything the tokenizer asks of jieba, on one text. */
const cuts = (j: { cut: (s: string, h?: boolean) => string[]; cutForSearch: (s: string, h?: boolean) => string[]; tag: (s: string, h?: boolean) => { word: string; tag: string }[] }, s: string) => ({
  cut: j.cut(s, false),
  search: j.cutForSearch(s, false),
  tag: j.tag(s, false).map((t) => `${t.word}/${t.tag}`),
});

describe('DictSegmenter (jieba over a packed dictionary)', () => {
  let packed: PackedDictionary;
  let native: Jieba;
  let ours: DictSegmenter;
  /** The same over its trie (as a bulk build cuts), some words loaded before the trie was built, some after. */
  let bulk: DictSegmenter;
  let plans: WorkPlan[];
  // Words loaded on top as the tokenizer loads them: domain words, a unit name, a known word's new frequency (its
  // tag stays), a word with no frequency.
  const extra = `${GOV_TERMS.map((w) => `${w} 200000 n`).join('\n')}\n县数据资源局 200000 n\n人民 5 zz\n新词语\n`;

  beforeAll(async () => {
    packed = packDictionary(dictText);
    native = Jieba.withDict(Buffer.from(dictText));
    ours = new DictSegmenter(packed);
    native.loadDict(Buffer.from(extra));
    ours.loadDict(Buffer.from(extra));
    bulk = new DictSegmenter(packed);
    const [before, after] = [extra.slice(0, extra.indexOf('县数据资源局')), extra.slice(extra.indexOf('县数据资源局'))];
    bulk.loadDict(before);
    bulk.bulk(true);
    bulk.loadDict(after);
    plans = await samplePlans();
  });

  it('cuts, cuts for search and tags every line of the samples, of generated documents and every held-out question as jieba does', () => {
    const questions = readFileSync(join(__dirname, '..', 'eval', 'questions-extra.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { q: string }).q);
    const generated = syntheticCorpus(plans, 40);
    const texts = [...plans.flatMap((p) => p.lines), ...generated.map(planText), ...questions, ...benchQuestions(generated, 300).map((q) => q.q)];
    expect(texts.length).toBeGreaterThan(900);
    let chars = 0;
    for (const s of texts) {
      chars += s.length;
      const expected = cuts(native, s);
      expect(cuts(ours, s), s).toEqual(expected);
      expect(cuts(bulk, s), s).toEqual(expected);
    }
    expect(chars).toBeGreaterThan(150_000);
  });

  it('cuts any mix of words, rare and astral characters, Latin, digits, punctuation and line ends as jieba does', () => {
    const pieces = fc.constantFrom(
      ...['政务公开', '依申请公开', '中华人民共和国', '人民', '新词语', '县数据资源局', '公开', '工作', '要点', '的', '了', '龘', '㐀', '𠀀', '𪚥', '乾隆', '頭髮'],
      ...['a', 'B', 'x1', '12', '3d', 'iPhone', '+', '#', '&', '.', '_', '%', '-', ' ', '\t', '\r\n', '\r', '\n', '，', '。', '（', '）', '、', '：', '“', '”', '①', 'ａ', '\u0000'],
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 30 }), (parts) => {
        const s = parts.join('');
        const expected = cuts(native, s);
        expect(cuts(ours, s)).toEqual(expected);
        expect(cuts(bulk, s)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('packs any dictionary as jieba loads it: sorted, a word listed twice keeping its first tag and last frequency', () => {
    const d = packDictionary('乙 5 n\n甲乙 3 v\n甲 2 a\n乙 7 x\n甲乙丙\n');
    const words = Array.from({ length: d.freqs.length }, (_, k) => String.fromCharCode(...d.chars.subarray(d.starts[k], d.starts[k + 1])));
    expect(words).toEqual(['乙', '甲', '甲乙', '甲乙丙']);
    expect([...d.freqs]).toEqual([7, 2, 3, 0]);
    expect(Array.from(d.tags, (t) => d.tagNames[t])).toEqual(['n', 'a', 'v', '']);
    expect(() => packDictionary('甲 3.5 n\n')).toThrow(/3\.5/);
    const j = Jieba.withDict(Buffer.from('乙 5 n\n甲乙 3 v\n甲 2 a\n乙 7 x\n甲乙丙\n'));
    const overTrie = new DictSegmenter(d);
    overTrie.bulk(true);
    for (const s of ['甲乙', '甲乙丙乙', '乙甲', '丙甲乙']) {
      expect(cuts(new DictSegmenter(d), s)).toEqual(cuts(j, s));
      expect(cuts(overTrie, s)).toEqual(cuts(j, s));
    }
    // Routes of equal value (words of frequency 0): the longer word wins, as in jieba.
    const tied = '甲 0 n\n甲乙 0 n\n乙 0 n\n丙 5 n\n';
    const nativeTied = Jieba.withDict(Buffer.from(tied));
    const tiedArrays = new DictSegmenter(packDictionary(tied));
    const tiedTrie = new DictSegmenter(packDictionary(tied));
    tiedTrie.bulk(true);
    for (const s of ['甲乙', '丙甲乙丙']) {
      expect(cuts(tiedArrays, s)).toEqual(cuts(nativeTied, s));
      expect(cuts(tiedTrie, s)).toEqual(cuts(nativeTied, s));
    }
    expect(tiedTrie.cut('丙甲乙丙')).toEqual(['丙', '甲乙', '丙']);
  });

  it('is read back from saved sections without copying, and refuses sections that do not fit', () => {
    const bytes = packSections(new Uint8Array(3), dictionarySections(packed));
    const [, ...sections] = unpackSections(bytes);
    const back = dictionaryFromSections(sections)!;
    expect(back.chars.buffer).toBe(bytes.buffer);
    expect(back.freqs.length).toBe(packed.freqs.length);
    for (const s of ['依申请公开怎么做', '中华人民共和国万岁 iPhone12']) expect(cuts(new DictSegmenter(back), s)).toEqual(cuts(new DictSegmenter(packed), s));
    expect(dictionaryFromSections(sections.slice(0, 5))).toBeUndefined();
    expect(dictionaryFromSections([sections[0]!, sections[0]!, sections[2]!, sections[3]!, sections[4]!, sections[5]!])).toBeUndefined();
  });

  it('gives a tokenizer the same words, tokens, pieces and tags over its trie as without, words added later included', () => {
    const a = new Tokenizer({ dictionary: packed, words: ['县数据资源局', '青田县财政局'] });
    const b = new Tokenizer({ words: ['县数据资源局', '青田县财政局'] });
    b.bulk(true);
    a.addWords(['县府办', '数管中心']);
    b.addWords(['县府办', '数管中心']);
    for (const s of [...(plans[0] as WorkPlan).lines.slice(0, 200), '青田县财政局和县府办负责哪些任务', '数管中心咋整', '依申情公开']) {
      expect(b.tokenize(s)).toEqual(a.tokenize(s));
      expect(b.words(s)).toEqual(a.words(s));
      expect(b.tagged(s)).toEqual(a.tagged(s));
      expect(b.isWord(s.slice(0, 4))).toBe(a.isWord(s.slice(0, 4)));
      const lengths: number[] = [];
      b.pieceLengths(s, lengths);
      expect(lengths).toEqual(a.pieces(s).map((p) => p.length));
      expect(lengths.reduce((x, y) => x + y, 0)).toBe(s.length);
    }
    expect(a.packedDictionary()).toBe(packed);
    // Let go of the trie, it cuts the same.
    b.bulk(false);
    expect(b.tokenize('县府办和数管中心的依申请公开')).toEqual(a.tokenize('县府办和数管中心的依申请公开'));
  });

  it('lets a tokenizer made over another’s packed dictionary, its history replayed, cut as that one does (a restart)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yd-dict-'));
    const userDict = join(dir, 'user.txt');
    writeFileSync(userDict, '数管中心 5 nt\n人民 7\n');
    const t = new Tokenizer({ userDictPath: userDict, words: ['县数据资源局'] });
    t.addWords(['青田县财政局', '县府办']);
    const texts = [...(plans[1] as WorkPlan).lines.slice(0, 150), '青田县财政局和县府办负责哪些任务', '数管中心咋整', '人民群众'];
    const restarted = new Tokenizer({ dictionary: t.packedDictionary() });
    restarted.replay(t.history());
    restarted.bulk(true);
    for (const s of texts) expect([restarted.tokenize(s), restarted.words(s), restarted.tagged(s)]).toEqual([t.tokenize(s), t.words(s), t.tagged(s)]);
    // Words added afterwards are cut alike too.
    t.addWords(['龙泉市大数据中心']);
    restarted.addWords(['龙泉市大数据中心']);
    for (const s of ['龙泉市大数据中心牵头的任务', ...texts.slice(0, 40)]) expect(restarted.tokenize(s)).toEqual(t.tokenize(s));
  });
});
