/**
 * Topic search: the topic words of a query → concepts (each word asked, its thesaurus expansions at a lower weight,
 * a word the corpus does not hold split into words it does, or its character bigrams as a last resort) → items
 * ranked by BM25F times how much of the question's meaning they cover, with the item title counting extra.
 */
import type { Item, WorkPlan } from '../model.js';
import type { Concept, ConceptTerm, ItemIndex, SearchHit } from '../search/index.js';
import { gramsOf } from '../search/index.js';
import { EXPANSION_WEIGHT, type Thesaurus } from '../search/thesaurus.js';
import { STRUCTURE_WORDS } from '../query/understand.js';
import { STOP_WORDS, type Tokenizer } from '../search/tokenizer.js';
import type { Hit } from './retrieve.js';

/** A topic hit must hold at least this weighted share of the question's meaning… */
export const MIN_COVER = 0.5;
/**
 * …or at least this share when it holds two or more of the question's concepts: in a long everyday question
 * (地方政府借了多少钱、什么时候还，要对外公布吗) the words the documents never use pile up, while an item holding two of
 * its ideas together is strong evidence.
 */
export const PAIRED_COVER = 0.3;
/**
 * …or, when no item does, at least this share made only of words the item's title holds: the question's subject
 * is a topic of the documents (政府网站老是打不开 → the 政府网站 items), though not all it asks. A word found only
 * in passing in a body (社保卡丢了怎么补办 → 社保) is no such subject.
 */
export const PARTIAL_COVER = 0.2;
/** A word on more than this share of the items is common (公开, 信息 in 政务公开 documents). */
const COMMON_SHARE = 0.1;
/**
 * Personal errands (补办, 挂号, 改签 …): with a thing the documents never mention (社保卡, 护照, 身份证) the question is
 * a citizen's own business, which no work point answers.
 */
const ERRANDS = new Set(['补办', '挂失', '办理', '换', '更换', '换证', '换领', '申领', '领取', '提取', '缴纳', '缴费', '交费', '预约', '挂号', '改签', '退票', '退款', '报名', '注册', '激活', '年检', '过户', '充值', '续费', '补卡', '办卡', '开户', '销户', '查分', '报销', '看病', '就诊']);
/** Vague modifiers: they narrow what they modify, they are not what is asked about. */
const VAGUE = new Set(['网上', '线上', '在线', '网络上', '网络', '现在', '目前', '一般', '主要', '日常', '平时', '相关', '有关', '方面', '一些', '基本']);
const VAGUE_SCALE = 0.4;
/**
 * How much of a word its parts cover, per character: a part found is weaker evidence than the word itself
 * (突发 + 事件 found together cover 突发事件 at 0.8; 分类 alone covers 垃圾分类 at 0.4).
 */
const PART_COVER = 0.8;
/** An expansion's weight when the documents also use the word asked. */
const EXPANSION_WEIGHT_BESIDE_LITERAL = 0.4;
/**
 * A word no item holds weighs as much as a word can when it is a noun (社保卡, 公积金: what is asked about, and the
 * documents do not have it); as a verb, adverb or adjective (澄清, 并成, 亲自) it says how, not what, and weighs less.
 */
const UNKNOWN_NON_NOUN = 0.3;
/** How many hits the ranking looks at. */
const CANDIDATES = 200;

export interface TopicPlan {
  /** The topic as shown back to the user: its content words (依申请公开咋整啊 → 依申请公开). */
  text: string;
  /** A personal errand about a thing the documents never mention: nothing here answers it. */
  errand?: boolean;
  concepts: Concept[];
  /** Words to find the best sentence of an item with (asked words and expansions). */
  words: string[];
  /** Thesaurus readings used, for the reply (公众号 → 政务新媒体). */
  expansions: { from: string; to: string[] }[];
}

export interface TopicDeps {
  index: ItemIndex;
  tokenizer: Tokenizer;
  thesaurus: Thesaurus;
}

const isContent = (w: string) => w.length > 0 && !STOP_WORDS.has(w) && !STRUCTURE_WORDS.has(w) && !/^[\s\p{P}\p{S}]+$/u.test(w);

/** The concepts of a topic text. */
export function topicPlan(topic: string, deps: TopicDeps): TopicPlan {
  const { index, tokenizer, thesaurus } = deps;
  const tagged = mergeCompounds(tokenizer.tagged(topic), (w) => index.dfOf(w) > 0 || !!thesaurus.lookup(w));
  const raw = tagged.map((t) => t.word);
  const nounish = (i: number) => /^(n|nr|ns|nt|nz|nrt|j|eng|x)$/.test(tagged[i]?.tag ?? 'n');
  const concepts: Concept[] = [];
  const words: string[] = [];
  const expansions: TopicPlan['expansions'] = [];
  const covered = new Set<number>();

  // A target phrase the segmenter keeps whole is one term; else its words each (突发事件 → 突发, 事件).
  const termsOf = (phrase: string, weight: number): ConceptTerm[] => tokenizer.cut(phrase).filter(isContent).map((t) => ({ term: t, weight }));

  for (const e of thesaurus.expand(raw)) {
    if (!isContent(e.text)) continue;
    // The word asked counts itself when the corpus holds it whole, or the specific words of it the corpus holds
    // (网络谣言 → 谣言; never 公众号 → 公众 + 号: parts of one or two characters that are vague or common are no
    // stand-ins). When the documents use the word asked, its synonyms weigh less still: those items answer better.
    const asked = e.text.toLowerCase();
    const literal = index.dfOf(asked) > 0 && isContent(asked) ? [asked] : tokenizer.tokenize(asked).filter((t) => t !== asked && t.length >= 2 && isContent(t) && !VAGUE.has(t) && index.dfOf(t) > 0 && index.dfOf(t) <= index.size * 0.1);
    const terms: ConceptTerm[] = literal.map((t) => ({ term: t, weight: 1 }));
    const weight = terms.length ? EXPANSION_WEIGHT_BESIDE_LITERAL : EXPANSION_WEIGHT;
    for (const target of e.targets) for (const t of termsOf(target, weight)) if (!terms.some((x) => x.term === t.term)) terms.push(t);
    if (!terms.length) continue;
    for (let i = e.start; i < e.end; i++) covered.add(i);
    concepts.push({ label: e.text, terms });
    expansions.push({ from: e.text, to: e.targets });
    words.push(...terms.map((t) => t.term));
  }

  raw.forEach((w, i) => {
    if (covered.has(i) || !isContent(w)) return;
    // A single character left over says little (多 of 最/多, 建 of 怎么建); the thesaurus has the ones that do (钱).
    if (w.length === 1 && !/[a-z0-9]/.test(w)) return;
    if (index.dfOf(w) > 0) {
      concepts.push({ label: w, terms: [{ term: w, weight: 1 }], ...(VAGUE.has(w) ? { scale: VAGUE_SCALE } : {}) });
      words.push(w);
      return;
    }
    // Not in the corpus whole. A word of the language the documents just do not use (服务器, 公积金) stays one
    // unknown concept: its parts (服务) are other words. A stretch the segmenter does not know as a word (an odd
    // compound, a run it cut apart) is one concept made of the words of it the corpus holds, each covering its share
    // (个人 is 2/5 of 个人所得税, so a generic part never stands for the whole); bigrams when it holds none.
    const parts = tokenizer.isWord(w) ? [] : knownParts(w, tokenizer.tokenize(w).filter((t) => t !== w && t.length > 1 && index.dfOf(t) > 0));
    if (parts.length) {
      concepts.push({ label: w, mode: 'sum', terms: parts.map((p) => ({ term: p, weight: 1, cover: (PART_COVER * p.length) / w.length })) });
      words.push(...parts);
      return;
    }
    const grams = tokenizer.isWord(w) ? undefined : gramsOf(w);
    concepts.push({ label: w, terms: [{ term: w, weight: 1 }], ...(grams ? { grams } : {}), ...(nounish(i) ? {} : { scale: UNKNOWN_NON_NOUN }) });
    words.push(w);
  });
  const unknownNoun = raw.some((w, i) => !covered.has(i) && isContent(w) && w.length > 1 && index.dfOf(w) === 0 && nounish(i));
  const errand = unknownNoun && raw.some((w) => ERRANDS.has(w));
  const shown = raw.filter((w, i) => covered.has(i) || (isContent(w) && (w.length > 1 || /[a-z0-9]/.test(w))));
  const text = shown.reduce((acc, w) => (acc && /[a-z0-9]$/.test(acc) && /^[a-z0-9]/.test(w) ? `${acc} ${w}` : acc + w), '');
  return { text, concepts, words: [...new Set(words)], expansions, ...(errand ? { errand } : {}) };
}

/**
 * A one-character noun right after a noun is part of it (社保 + 卡 → 社保卡, 身份 + 证): the segmenter cut a compound
 * it does not know around a word of the domain dictionary, and the compound is what is asked about.
 */
function mergeCompounds(words: { word: string; tag: string }[], known: (w: string) => boolean): { word: string; tag: string }[] {
  const out: { word: string; tag: string }[] = [];
  for (const w of words) {
    const prev = out[out.length - 1];
    const single = prev && w.word.length === 1 && /^[\u4e00-\u9fff]$/.test(w.word) && /^n/.test(w.tag) && /^(n|j|vn)/.test(prev.tag) && prev.word.length >= 2 && !STOP_WORDS.has(w.word);
    // 垃圾 + 分类: a noun the documents never use before one they do names another thing (垃圾分类 is no 分类).
    const modified = prev && /^n/.test(prev.tag) && /^n/.test(w.tag) && prev.word.length >= 2 && w.word.length >= 2 && !known(prev.word) && known(w.word);
    if (single || modified) out[out.length - 1] = { word: prev!.word + w.word, tag: prev!.tag };
    else out.push(w);
  }
  return out;
}

/** The sub-words of a word the corpus holds, longest first, never overlapping, in the word's order. */
function knownParts(word: string, subs: string[]): string[] {
  const used = new Array<boolean>(word.length).fill(false);
  const out: string[] = [];
  for (const s of [...new Set(subs)].sort((a, b) => b.length - a.length)) {
    const at = word.indexOf(s);
    if (at < 0 || used.slice(at, at + s.length).some(Boolean)) continue;
    for (let i = at; i < at + s.length; i++) used[i] = true;
    out.push(s);
  }
  return out.sort((a, b) => word.indexOf(a) - word.indexOf(b));
}

const itemMaps = new WeakMap<WorkPlan, Map<string, Item>>();
const itemLookups = new WeakMap<WorkPlan, (plan: WorkPlan, id: string) => Item | undefined>();
/**
 * How to find an item of `plan` by id without reading all its items (a plan loaded lazily from a snapshot), until
 * its items are read (`undefined`): then the plan's own items are the ones found.
 */
export function setItemLookup(plan: WorkPlan, lookup: ((plan: WorkPlan, id: string) => Item | undefined) | undefined): void {
  if (lookup) itemLookups.set(plan, lookup);
  else itemLookups.delete(plan);
}

/** An item of a plan by id (the map is built once per plan object). */
export function itemById(plan: WorkPlan, id: string): Item | undefined {
  const lookup = itemLookups.get(plan);
  if (lookup) return lookup(plan, id);
  let m = itemMaps.get(plan);
  if (!m) {
    m = new Map(plan.items.map((it) => [it.id, it]));
    itemMaps.set(plan, m);
  }
  return m.get(id);
}

/**
 * A topic hit: its item looked up when read (most candidates are ranked and never shown, and, loaded from a
 * snapshot, never need reading), its terms worked out when read (see SearchHit.terms). A class, so that the
 * hundreds of candidates of a topic share one pair of getters (the hit memory keeps them).
 */
class TopicHit implements Hit {
  private found: Item | undefined;
  readonly cover: number;
  constructor(
    readonly plan: WorkPlan,
    private readonly hit: SearchHit,
    readonly score: number,
  ) {
    this.cover = hit.cover;
  }

  get item(): Item {
    this.found ??= itemById(this.plan, this.hit.item);
    if (!this.found) throw new Error(`the index names ${this.plan.file}#${this.hit.item}, which the plan does not hold`);
    return this.found;
  }

  get matched(): string[] {
    return this.hit.terms;
  }
}

export interface TopicResult {
  hits: Hit[];
  /** No item held MIN_COVER: these hold the question's subject in their titles, not all it asks. */
  partial: boolean;
}

const fileMaps = new WeakMap<WorkPlan[], { byFile: Map<string, WorkPlan>; files: Set<string> }>();
/** A list of plans by file name (built once per list: the plans in scope are the same list until a change). */
function filesOf(plans: WorkPlan[]): { byFile: Map<string, WorkPlan>; files: Set<string> } {
  let m = fileMaps.get(plans);
  if (!m) {
    const byFile = new Map(plans.map((p) => [p.file, p]));
    m = { byFile, files: new Set(byFile.keys()) };
    fileMaps.set(plans, m);
  }
  return m;
}

/**
 * Items for a topic, best first: BM25F × (0.5 + coverage) × (1 + title coverage). Items below MIN_COVER are left
 * out (see PARTIAL_COVER for the one exception): a question whose words match nothing gets no items, never random
 * ones.
 */
export function topicHits(plan: TopicPlan, deps: TopicDeps, plans: WorkPlan[], scoped: boolean): TopicResult {
  if (!plan.concepts.length) return { hits: [], partial: false };
  const { byFile, files } = filesOf(plans);
  const found = deps.index.searchConcepts(plan.concepts, scoped ? { files, limit: CANDIDATES } : { limit: CANDIDATES * 4 });
  const toHits = (keep: (h: (typeof found)[number]) => boolean): Hit[] => {
    const hits: Hit[] = [];
    for (const h of found) {
      if (!keep(h)) continue;
      const p = byFile.get(h.file);
      if (!p) continue;
      hits.push(new TopicHit(p, h, h.score * (0.5 + h.cover) * (1 + h.titleCover)));
    }
    return hits.sort((a, b) => b.score - a.score);
  };
  if (plan.errand) return { hits: [], partial: false };
  // Two ideas together, at least one of them specific (not vague, not on a tenth of all items like 公开, 信息).
  const specific = (t: string) => !VAGUE.has(t) && deps.index.dfOf(t) <= deps.index.size * COMMON_SHARE;
  const full = toHits((h) => h.cover >= MIN_COVER || (h.cover >= PAIRED_COVER && h.terms.filter((t) => !VAGUE.has(t)).length >= 2 && h.terms.some(specific)));
  if (full.length) return { hits: full, partial: false };
  // The partial tier counts only words asked, not their expansions: the subject must be the documents' own word.
  const literal = plan.concepts.map((c) => ({ ...c, terms: c.terms.filter((t) => t.weight >= 1) }));
  const subject = new Map(deps.index.searchConcepts(literal, scoped ? { files: new Set(byFile.keys()), limit: CANDIDATES } : { limit: CANDIDATES * 4 }).map((h) => [`${h.file}#${h.item}`, h]));
  return {
    hits: toHits((h) => {
      const s = subject.get(`${h.file}#${h.item}`);
      return !!s && s.cover >= PARTIAL_COVER && s.titleCover >= s.cover - 1e-9;
    }),
    partial: true,
  };
}
