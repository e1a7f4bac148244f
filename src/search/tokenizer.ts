/**
 * Chinese tokenizer for indexing and queries: jieba with a domain dictionary (unit names from the loaded plans,
 * 政务 terms, an optional admin user dictionary), NFKC + lowercase normalization and stop-word removal.
 * The same instance tokenizes documents and questions, so both sides cut words the same way.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DictSegmenter, type LengthSink, packDictionary, type PackedDictionary } from './segmenter.js';

/**
 * jieba's default dictionary (the text of @node-rs/jieba's dict.txt), packed for each tokenizer (the package's own
 * dict.js would keep the text and the unused idf table in memory for the life of the process).
 */
function defaultDictionary(): PackedDictionary {
  return packDictionary(readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt'), 'utf8'));
}

/** 政务 terms the default dictionary cuts apart (依申请公开 → 依/申请/公开). */
export const GOV_TERMS: readonly string[] = [
  '政务公开', '政府信息公开', '依申请公开', '主动公开', '政务新媒体', '新媒体', '政府网站', '政府门户网站', '双随机',
  '一公开', '最多跑一次', '好差评', '政府公报', '12345', '标准目录', '政务舆情', '集约化', '预决算',
  '重大建设项目', '公共数据', '公共资源配置', '查阅点', '政策解读', '行政规范性文件', '规范性文件', '行政执法',
  '权责清单', '权力清单', '负面清单', '营商环境', '疫情防控', '涉疫', '政务服务', '办事指南', '政府信息',
  '重大行政决策', '行政复议', '行政争议', '回应关切', '民生领域', '标准化规范化', '基层政务公开', '政务大厅',
  '政府开放日', '政策文件库', '信息公开专栏', '公共企事业单位', '专项规划', '发展规划', '十四五', '浙里办',
  '数字政府', '一网通办', '政务信息', '公共数据开放', '行政服务中心', '政务服务中心', '市场监管', '知识产权',
  '政府债务', '政府采购', '惠民惠农', '村务公开', '居务公开', '突发公共事件', '考核评估', '监督监测',
  '政策咨询', '新闻发布会', '图解', '网络舆情', '政民互动', '政府开放', '信用信息', '公共信用', '减税降费',
  '稳企业', '稳增长', '年度报告', '工作年度报告', '领导小组', '试点领域', '重点领域',
];

/**
 * Filler and politeness words of everyday questions: dropped like stop words, never required (依申请公开咋整啊 asks
 * the same as 依申请公开). Single words as jieba cuts them, so 整 goes only where it stands alone (咋/整).
 */
export const FILLER_WORDS: readonly string[] = [
  '啥', '咋', '咋整', '咋办', '咋弄', '咋搞', '怎么办', '怎么整', '怎么弄', '怎么搞', '怎么做', '咋做', '整', '弄', '搞',
  '要不要', '需不需要', '用不用', '能不能', '可不可以', '是不是', '有没有', '会不会', '该不该', '行不行', '好不好',
  '请问', '想问', '想问下', '我想问', '问下', '问问', '问一下', '打听', '咨询一下', '麻烦', '麻烦你', '帮忙', '帮我',
  '帮', '查查', '查一下', '查下', '看看', '看一下', '瞧瞧', '告诉', '告诉我', '谢谢', '感谢', '多谢', '您好', '你好',
  '老师', '同志', '领导', '亲', '要点', '要点里', '文件里', '里面', '当中', '之中', '之类', '之类的', '什么的', '啥的',
  '哈', '哦', '噢', '啦', '呗', '嗯', '诶', '哎', '唉', '咧', '嘞', '喔', '耶', '呐', '哇', '咯', '么', '嘛', '吧',
  '做成', '弄成', '搞成', '整成', '做个', '弄个', '搞个', '一下子', '到底', '究竟', '具体', '具体来说', '大概',
  '应该', '得', '必须', '需要', '该', '该怎么', '咋样', '怎样才能', '如何才能', '才能', '能', '会', '想', '想要',
  '知道', '了解', '清楚', '明白', '现在', '目前', '最近', '今年', '咱们', '咱', '我们', '俺', '大伙', '有人',
  '这种', '那种', '这样', '那样', '这么', '那么', '这块', '那块', '这边', '那边', '方面', '一块', '这一块',
  '不要', '要不', '不用', '别', '时候', '什么时候', '多少钱', '哪个', '哪一个', '哪家', '哪条', '哪项', '哪一项', '哪一条', '哪种', '老是', '总是', '经常', '一直', '老', '总', '又',
];

/** English words that carry no topic in a mixed question (政策解读可以做成 video 吗). */
export const ENGLISH_STOP_WORDS: readonly string[] = [
  'a', 'an', 'the', 'is', 'are', 'was', 'were', 'be', 'been', 'am', 'do', 'does', 'did', 'can', 'could', 'should',
  'would', 'will', 'shall', 'may', 'might', 'must', 'i', 'we', 'you', 'he', 'she', 'they', 'it', 'me', 'us', 'my',
  'our', 'your', 'their', 'its', 'this', 'that', 'these', 'those', 'there', 'here', 'what', 'which', 'who', 'whom',
  'how', 'why', 'when', 'where', 'of', 'in', 'on', 'at', 'to', 'for', 'from', 'by', 'with', 'about', 'as', 'into',
  'and', 'or', 'not', 'no', 'yes', 'any', 'some', 'all', 'please', 'thanks', 'thank', 'hi', 'hello', 'ok', 'okay',
  'if', 'so', 'than', 'then', 'just', 'also', 'need', 'needs', 'want', 'make', 'made', 'get', 'got', 'have', 'has',
  'had', 'tell', 'know', 'let', 'lets', 'today', 'now', 'like', 'more', 'most', 'much', 'many', 'very', 'up', 'out',
];

/** Words that carry no topic: question words, particles, filler verbs. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  '的', '了', '和', '与', '及', '以及', '或', '等', '有', '是', '在', '要', '把', '被', '对', '为', '将', '并', '从',
  '吗', '呢', '吧', '啊', '呀', '么', '嘛', '请问', '请', '一下', '我', '我们', '你', '你们', '他们', '哪', '哪些',
  '什么', '怎么', '怎样', '如何', '怎么样', '为什么', '哪里', '哪儿', '多少', '几', '是否', '有没有', '能否', '可以',
  '要求', '需要', '应该', '应当', '方面', '相关', '有关', '内容', '情况', '问题', '工作', '任务', '做', '做好', '要做',
  '干', '搞', '讲', '说', '说说', '介绍', '关于', '这个', '那个', '这些', '那些', '一个', '之', '其', '中', '上', '下',
  '里', '个', '项', '条', '也', '都', '还', '就', '又', '而', '以', '于', '由', '向', '到', '给', '让', '使',
  ...FILLER_WORDS,
  ...ENGLISH_STOP_WORDS,
]);

export interface TokenizerOptions {
  /** Path of an admin user dictionary: one word a line, optionally "word freq tag" (jieba format). */
  userDictPath?: string;
  /** Extra words (unit names, region names). */
  words?: Iterable<string>;
  /** jieba's default dictionary, packed (a snapshot's); unset, it is packed from @node-rs/jieba's dict.txt. */
  dictionary?: PackedDictionary;
}

const PUNCT = /^[\s\p{P}\p{S}]+$/u;
const DOMAIN_FREQ = 200000;

/**
 * The readings a bracketed alternative stands for, for indexing: 村（居）务公开 → 村务公开 居务公开,
 * 村（居）民委员会 → 村民委员会 居民委员会. Returns the readings only (empty when there are none).
 */
export function bracketReadings(text: string): string {
  // Most texts hold no bracket at all: no need to run the pattern over them.
  if (!text.includes('（') && !text.includes('(')) return '';
  const out: string[] = [];
  for (const m of text.matchAll(/([\u4e00-\u9fff])[（(]([\u4e00-\u9fff]{1,2})[）)]([\u4e00-\u9fff]{1,4})/g)) {
    out.push(`${m[1]}${m[3]}`, `${m[2]}${m[3]}`);
  }
  return out.join(' ');
}

/** NFKC, then lowercase. */
export function normalizeText(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/** What the index reads of an item: its body and the readings of its bracketed alternatives, normalized. */
export function indexedText(item: { body: string }): string {
  return normalizeText(`${item.body} ${bracketReadings(item.body)}`);
}

export class Tokenizer {
  /** jieba's cut over its packed dictionary (DictSegmenter: the same words as the native jieba, see segmenter.ts). */
  private readonly jieba: DictSegmenter;
  private readonly dictionary: PackedDictionary;
  /** What was loaded on top of jieba's dictionary, in order (the domain words in batches, user dictionary text). */
  private readonly loaded: (string[] | string)[] = [];
  private readonly known = new Set<string>();
  private readonly userDict = new Set<string>();
  /** Bumped whenever the dictionary changes: what a word is cut into may change with it. */
  version = 0;

  constructor(options: TokenizerOptions = {}) {
    this.dictionary = options.dictionary ?? defaultDictionary();
    this.jieba = new DictSegmenter(this.dictionary);
    this.addWords(GOV_TERMS);
    if (options.userDictPath) this.loadUserDict(readFileSync(options.userDictPath, 'utf8'));
    if (options.words) this.addWords(options.words);
  }

  /** Add words to the domain dictionary; returns how many were new. */
  addWords(words: Iterable<string>): number {
    const fresh: string[] = [];
    for (const raw of words) {
      const w = normalizeText(raw).replace(/\s+/g, '');
      if (w.length < 2 || this.known.has(w)) continue;
      this.known.add(w);
      fresh.push(w);
    }
    if (fresh.length) {
      this.loaded.push(fresh);
      this.jieba.addWords(fresh, DOMAIN_FREQ, 'n');
      this.version++;
    }
    return fresh.length;
  }

  /** Jieba user dictionary text: "word [freq] [tag]" per line; # starts a comment. */
  loadUserDict(text: string): void {
    const lines: string[] = [];
    for (const line of text.split(/\r?\n/)) {
      const t = line.replace(/#.*$/, '').trim();
      if (!t) continue;
      const [word, freq, tag] = t.split(/\s+/);
      if (!word) continue;
      const w = normalizeText(word);
      this.known.add(w);
      this.userDict.add(w);
      lines.push(`${w} ${freq && /^\d+$/.test(freq) ? freq : DOMAIN_FREQ} ${tag ?? 'n'}`);
    }
    if (lines.length) {
      const dict = lines.join('\n') + '\n';
      this.loaded.push(dict);
      this.jieba.loadDict(dict);
      this.version++;
    }
  }

  /** jieba's default dictionary packed (for a snapshot), the words added since left out. */
  packedDictionary(): PackedDictionary {
    return this.dictionary;
  }

  /** Cut in bulk (an index build) from now on, or no longer (see DictSegmenter.bulk). */
  bulk(on: boolean): void {
    this.jieba.bulk(on);
  }

  /**
   * What was loaded on top of jieba's dictionary, in order: a tokenizer made anew that `replay`s it cuts the same
   * (the parallel cut of a bulk build, see cut-worker.ts).
   */
  history(): (string[] | string)[] {
    return this.loaded.slice();
  }

  /** Load another tokenizer's `history`, in its order. */
  replay(history: readonly (string[] | string)[]): void {
    for (const load of history) {
      if (typeof load === 'string') this.loadUserDict(load);
      else this.addWords(load);
    }
  }

  /** Words of the admin user dictionary. */
  userWords(): string[] {
    return [...this.userDict];
  }

  has(word: string): boolean {
    return this.known.has(normalizeText(word));
  }

  /** Words as jieba cuts them, normalized, punctuation and spaces removed, stop words kept (for phrase matching). */
  words(text: string): string[] {
    return this.jieba
      .cut(normalizeText(text), false)
      .map((w) => w.trim())
      .filter((w) => w && !PUNCT.test(w));
  }

  /** Words with their part of speech (jieba's tags: n noun, v verb, a adjective, eng Latin …), punctuation removed. */
  tagged(text: string): { word: string; tag: string }[] {
    return this.jieba
      .tag(normalizeText(text), false)
      .map((t) => ({ word: t.word.trim(), tag: t.tag }))
      .filter((t) => t.word && !PUNCT.test(t.word));
  }

  /** Is this text one word of the segmenter's dictionary (then it is no typo)? */
  isWord(text: string): boolean {
    const w = normalizeText(text);
    if (this.known.has(w)) return true;
    const cut = this.jieba.cut(w, false);
    return cut.length === 1 && cut[0] === w;
  }

  /** Words as jieba cuts them (no sub-words), normalized, punctuation and stop words removed. */
  cut(text: string): string[] {
    return this.jieba
      .cut(normalizeText(text), false)
      .map((w) => w.trim())
      .filter((w) => w && !PUNCT.test(w) && !STOP_WORDS.has(w));
  }

  /**
   * The pieces jieba cuts an already normalized text into, punctuation and spaces included, as their lengths: they
   * join back into the text (offsets are the running sum of lengths). `tokenize` of the text is `tokenize` of each
   * piece.
   */
  pieceLengths(normalized: string, out: LengthSink): void {
    this.jieba.cutLengths(normalized, out);
  }

  /** The pieces of `pieceLengths` as strings. */
  pieces(normalized: string): string[] {
    return this.jieba.cut(normalized, false);
  }

  /**
   * Index/query tokens: the words of `cut` plus, for long words, the dictionary sub-words jieba's search mode
   * finds (政务新媒体 → 政务新媒体, 政务, 新媒体, 媒体), so a question using part of a term still matches.
   */
  tokenize(text: string): string[] {
    return this.jieba
      .cutForSearch(normalizeText(text), false)
      .map((w) => w.trim())
      .filter((w) => w && !PUNCT.test(w) && !STOP_WORDS.has(w));
  }
}
