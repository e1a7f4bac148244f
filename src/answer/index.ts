/**
 * The answerer: plans in, answers out. Builds the unit directory, the tokenizer dictionary, the search index, the
 * thesaurus and the spelling corrector from the plans, keeps them in step as plans are added or removed, and
 * answers one question at a time:
 *
 *   question ─normalize─▶ text ─spelling─▶ text ─understand─▶ Query ─(follow-up: merge with the chat's last
 *   Query)─▶ execute over the plans and the index ─▶ Answer (with its Query)
 */
import { alignPlans, type Alignment } from '../align/index.js';
import type { Logger } from '../logger.js';
import { lru } from '../lru.js';
import { afterWork, collectGarbage } from '../memory.js';
import type { Answer, AskContext, WorkPlan } from '../model.js';
import { isFollowUp, mergeFollowUp, type Turn } from '../query/followup.js';
import { normalizeQuestion } from '../query/normalize.js';
import type { Query } from '../query/schema.js';
import { understand } from '../query/understand.js';
import { ItemIndex } from '../search/index.js';
import { type PinyinMemo, pinyinMemo, SpellingCorrector, type Correction } from '../search/spelling.js';
import type { PackedDictionary } from '../search/segmenter.js';
import { Thesaurus } from '../search/thesaurus.js';
import { GOV_TERMS, STOP_WORDS, Tokenizer } from '../search/tokenizer.js';
import { shanghaiDate } from '../time.js';
import { readAliasFile } from '../units/aliases.js';
import { UnitDirectory, regionForms } from '../units/directory.js';
import { execute, type ExecDeps } from './execute.js';
import { topicHits, topicPlan, type TopicPlan, type TopicResult } from './topic.js';

export type { AskContext } from '../model.js';

export interface AnswererOptions {
  /** Admin jieba user dictionary. */
  userDictPath?: string;
  /** Admin alias file (JSON or text, see units/aliases.ts). */
  aliasPath?: string;
  /** Alias groups given directly: [region or '*', names]. */
  aliasGroups?: [string, string[]][];
  /** Admin thesaurus file (`口语 => 文档用词`, see search/thesaurus.ts). */
  thesaurusPath?: string;
  /** Items listed in full in a reply (default 5). */
  maxListed?: number;
  /** Topic answers cite at most this many items (default 10). */
  maxTopic?: number;
  /** The clock, for 本月/下周/逾期 when a question carries no `today`. */
  now?: () => Date;
  /** Answers remembered for repeated questions, per version of the plans (default 2000; 0: none, nor what questions say). */
  answerCache?: number;
  /** Where a build notes what went wrong without failing (a cut worker given up). */
  logger?: Logger;
}

export interface Answerer {
  answer(question: string, ctx?: AskContext): Answer;
  /** Add a plan, or replace the plan of the same file: only its items, units and words are touched. */
  addPlan(plan: WorkPlan): void;
  removePlan(file: string): boolean;
  plans(): WorkPlan[];
  /** Bumped by every change of the plans (answers remembered for repeated questions belong to one version). */
  readonly version: number;
  readonly index: ItemIndex;
  readonly directory: UnitDirectory;
  readonly tokenizer: Tokenizer;
  readonly thesaurus: Thesaurus;
  /** Pinyin readings worked out for the spelling corrector (kept in snapshots). */
  readonly readings: PinyinMemo;
}

/** What an answerer is made of: the plans and what is built from them (see snapshot.ts for saving them). */
export interface EngineParts {
  plans: WorkPlan[];
  directory: UnitDirectory;
  tokenizer: Tokenizer;
  thesaurus: Thesaurus;
  index: ItemIndex;
  readings?: PinyinMemo;
}

/**
 * The tokenizer, thesaurus and an empty directory the options ask for (the dictionary before any plan); the
 * tokenizer cuts over `dictionary` (jieba's packed, from a snapshot) when given.
 */
export function engineBase(options: AnswererOptions = {}, dictionary?: PackedDictionary): { directory: UnitDirectory; tokenizer: Tokenizer; thesaurus: Thesaurus } {
  const groups = [...(options.aliasGroups ?? []), ...(options.aliasPath ? readAliasFile(options.aliasPath) : [])];
  const directory = new UnitDirectory(groups);
  const tokenizer = new Tokenizer({ ...(options.userDictPath ? { userDictPath: options.userDictPath } : {}), ...(dictionary ? { dictionary } : {}) });
  const thesaurus = options.thesaurusPath ? Thesaurus.fromFile(options.thesaurusPath) : new Thesaurus();
  // The thesaurus's document words are words: 办事流程 is cut whole in documents and questions alike.
  tokenizer.addWords(thesaurus.targets());
  return { directory, tokenizer, thesaurus };
}

/** Build an answerer over plans. */
export function createAnswerer(initial: WorkPlan[], options: AnswererOptions = {}): Answerer {
  // A large build cuts in a worker thread (see parallel-cut.ts): it is given the texts now, normalizes them while
  // the directory is built, and cuts once it has the dictionary's words.
  const cut = ItemIndex.parallelCut(initial);
  let parts: ReturnType<typeof engineBase>;
  try {
    parts = engineBase(options);
    // Directory first for every plan, so the dictionary knows all unit names before any item is indexed.
    for (const p of initial) parts.directory.addPlan(p);
    parts.tokenizer.addWords(parts.directory.words());
    cut?.begin(parts.tokenizer);
  } catch (e) {
    cut?.close();
    throw e;
  }
  const { directory, tokenizer, thesaurus } = parts;
  const index = new ItemIndex(tokenizer);
  index.addPlans(initial, cut);
  if (cut?.failure) options.logger?.warn({ reason: cut.failure, stolen: cut.stolen }, 'cut worker given up; the build cut the rest itself');
  // A build over many plans leaves its postings queues (tens of MB outside the heap) for V8 to free at leisure: free
  // them now, before the engine settles into answering (see memory.ts). Put off to the next turn of the event loop,
  // the engine had already answered a while by then and its settled RSS at 1,000 documents rose from 176 to 198 MB.
  if (initial.length >= BULK_COLLECT) collectGarbage();
  afterWork.touch();
  return assemble({ plans: initial, directory, tokenizer, thesaurus, index }, options);
}

/** An answerer over parts already built (a snapshot loaded: see snapshot.ts). */
export function assemble(parts: EngineParts, options: AnswererOptions = {}): Answerer {
  const { directory, tokenizer, thesaurus, index } = parts;
  const plans = new Map<string, WorkPlan>(parts.plans.map((p) => [p.file, p]));
  const now = () => (options.now ? options.now() : new Date());
  let version = 0;
  let planList: WorkPlan[] | undefined;
  const all = () => (planList ??= [...plans.values()]);
  const cache = lru<Answer>(options.answerCache ?? DEFAULT_ANSWER_CACHE);

  // Spelling: a typo is read only as a word people mean here — the 政务 terms, the thesaurus, unit and place names,
  // and the corpus's words of three characters or more — never as a two-character everyday word (局有 ≠ 具有). The corrector is built
  // on first use after a change, its vocabulary gathered when a stretch is first suspect; readings worked out before are kept.
  const memo = parts.readings ?? pinyinMemo();
  let speller: SpellingCorrector | undefined;
  const spelling = (): SpellingCorrector => {
    if (!speller) {
      const vocab = (): string[] => {
        const words: string[] = [...GOV_TERMS, ...thesaurus.keys(), ...thesaurus.targets(), ...directory.words(), ...tokenizer.userWords()];
        for (const r of directory.allRegions()) words.push(...regionForms(r));
        for (const [t] of index.vocabulary()) if (t.length >= 3) words.push(t);
        return words;
      };
      speller = new SpellingCorrector(
        vocab,
        {
          hasBigram: (g) => index.hasBigram(g),
          segment: (t) => tokenizer.words(t),
          isFunctionWord: (w) => STOP_WORDS.has(w),
          isWord: (w) => tokenizer.isWord(w) || !!thesaurus.lookup(w),
          frequency: (w) => index.dfOf(w),
        },
        memo,
      );
    }
    return speller;
  };

  const changed = () => {
    afterWork.touch();
    version++;
    planList = undefined;
    speller = undefined;
    cache.clear();
    topics.clear();
    understandings.clear();
    hitMemo.clear();
  };

  function addPlan(plan: WorkPlan): void {
    plans.set(plan.file, plan);
    directory.addPlan(plan);
    tokenizer.addWords(directory.words());
    index.addPlan(plan);
    changed();
  }

  function removePlan(file: string): boolean {
    const had = plans.delete(file);
    directory.removePlan(file);
    index.removePlan(file);
    changed();
    return had;
  }

  // 对标 results, by the pair of plan objects (a replaced plan is a new object, so its entries just go unused).
  const aligned = new WeakMap<WorkPlan, WeakMap<WorkPlan, Alignment>>();
  const align = (a: WorkPlan, b: WorkPlan): Alignment => {
    const row = aligned.get(a) ?? aligned.set(a, new WeakMap()).get(a)!;
    let al = row.get(b);
    if (!al) {
      al = alignPlans(a, b, tokenizer);
      row.set(b, al);
    }
    return al;
  };

  // The items for a topic over a list of plans (a region's, all), by topic and list, for this version of the plans:
  // follow-ups and questions scoped elsewhere ask the same topics again (那义乌呢, 旌德9月底前的).
  const lists = new WeakMap<WorkPlan[], number>();
  let listCount = 0;
  const hitMemo = lru<TopicResult>(options.answerCache === 0 ? 0 : HIT_MEMO_SIZE);
  let hitVersion = index.version;
  const hitsOf = (topic: TopicPlan, list: WorkPlan[], scoped: boolean): TopicResult => {
    // The hits work out their terms when read: kept no longer than the index's numbering (a save renumbers it).
    if (index.version !== hitVersion) {
      hitMemo.clear();
      hitVersion = index.version;
    }
    let id = lists.get(list);
    if (id === undefined) lists.set(list, (id = listCount++));
    const key = `${id}\u0000${scoped ? 1 : 0}\u0000${topic.text}`;
    let found = hitMemo.get(key);
    if (!found) hitMemo.set(key, (found = topicHits(topic, deps(), list, scoped)));
    return { ...found, hits: [...found.hits] };
  };
  const deps = (): ExecDeps => ({ plans: all(), directory, index, tokenizer, thesaurus, align, maxListed: options.maxListed ?? 5, maxTopic: options.maxTopic ?? 10, hitsOf });
  // The topic's concepts, by topic text (for this version of the plans).
  // Nothing is remembered with answerCache 0 (the bench measures the engine, not its memory).
  const remembered = options.answerCache === 0 ? 0 : MEMO_SIZE;
  const topics = lru<TopicPlan>(remembered);
  const topicOf = (text: string): TopicPlan => {
    let t = topics.get(text);
    if (!t) topics.set(text, (t = topicPlan(text, deps())));
    return t;
  };

  /**
   * What a question says on its own, before any conversation: spelling read, Query understood, topic planned.
   * A pure function of the question, the day and the plans, so kept per version (follow-ups reuse it too).
   */
  const understandings = lru<Understanding>(remembered);
  function understandOnce(question: string, today: string): Understanding {
    const key = `${question}\u0000${today}`;
    const known = understandings.get(key);
    if (known) return known;
    const normalized = normalizeQuestion(question);
    const spelled = spelling().correct(normalized);
    const understood = understand(spelled.text, directory, today);
    let query: Query = understood.query;
    // Leftovers with no content (的, 呢, 要干的) are no topic.
    let topic = query.topic ? topicOf(query.topic) : undefined;
    if (topic && !topic.concepts.length) {
      const { topic: _none, ...rest } = query;
      query = rest;
      topic = undefined;
    } else if (topic) query = { ...query, topic: topic.text };
    // Would any previous turn make this a follow-up? (One with citations is the most that can: see isFollowUp.)
    const standalone = !isFollowUp(query, understood.followUp, { query, citations: [''], at: 0 });
    const u: Understanding = { spelled, query, ...(topic ? { topic } : {}), followUp: understood.followUp, standalone };
    understandings.set(key, u);
    return u;
  }

  /** The answer, and whether it stands on its own (no previous turn could change it). */
  function compute(question: string, ctx: AskContext, today: string): { answer: Answer; standalone: boolean } {
    const { spelled, standalone, followUp, ...first } = understandOnce(question, today);
    let query: Query = first.query;
    let topic = first.topic;
    const prev: Turn | undefined = ctx.previous;
    const follow = isFollowUp(query, followUp, prev);
    if (follow && prev) {
      query = mergeFollowUp(prev.query, query, prev.units);
      topic = query.topic ? topicOf(query.topic) : undefined;
    }
    const result = execute(query, deps(), {
      today,
      ...(ctx.unit ? { unit: ctx.unit } : {}),
      ...(follow && prev ? { previousCitations: prev.citations, previousList: prev.list ?? prev.citations } : {}),
    }, topic);
    return { answer: withNotes(result, query, spelled.corrections, spelled.suggestions), standalone };
  }

  function answerOne(question: string, ctx: AskContext = {}): Answer {
    // Once questions stop for a while, the young generation they grew is given back (see memory.ts).
    afterWork.touch();
    const today = ctx.today ?? shanghaiDate(now());
    // A repeated question is answered from memory when its answer depends on nothing but the question, the
    // asker's unit and the day (not on the conversation), for this version of the plans.
    const key = `${question}\u0000${ctx.unit ?? ''}\u0000${today}`;
    const hit = cache.get(key);
    if (hit) return { ...hit };
    const { answer, standalone } = compute(question, ctx, today);
    if (standalone) cache.set(key, answer);
    return answer;
  }

  return {
    answer: answerOne,
    addPlan,
    removePlan,
    plans: all,
    get version() {
      return version;
    },
    index,
    directory,
    tokenizer,
    thesaurus,
    readings: memo,
  };
}

/** Plans from which a build frees its scratch memory at once. */
const BULK_COLLECT = 100;

/** Answers remembered by default (a few MB at most). */
const DEFAULT_ANSWER_CACHE = 2000;
/** Understandings and topic plans remembered. */
const MEMO_SIZE = 4000;
/** Topic results remembered (each up to a few hundred hits). */
const HIT_MEMO_SIZE = 256;

interface Understanding {
  spelled: { corrections: Correction[]; suggestions: string[] };
  query: Query;
  topic?: TopicPlan;
  /** Marked as a follow-up (那…呢, 其中…). */
  followUp: boolean;
  standalone: boolean;
}

/** The answer with its query, and the reading of typos said in the reply (已按“政府公报”查找). */
function withNotes(a: Answer, query: Query, corrections: Correction[], suggestions: string[]): Answer {
  const out: Answer = { ...a, query };
  if (corrections.length) {
    out.corrections = corrections;
    out.text = `已按“${corrections.map((c) => c.to).join('”“')}”查找（您输入的是“${corrections.map((c) => c.from).join('”“')}”）。\n${a.text}`;
  } else if (suggestions.length && !a.citations.length) {
    out.text = `${a.text}\n您是不是要找：${suggestions.join('、')}？`;
    out.followUps = [...suggestions, ...a.followUps].slice(0, 4);
  }
  return out;
}
