/**
 * The answerer: plans in, answers out. Builds the unit directory, the tokenizer dictionary, the search index, the
 * thesaurus and the spelling corrector from the plans, keeps them in step as plans are added or removed, and
 * answers one question at a time:
 *
 *   question ─normalize─▶ text ─spelling─▶ text ─understand─▶ Query ─(follow-up: merge with the chat's last
 *   Query)─▶ execute over the plans and the index ─▶ Answer (with its Query)
 */
import { alignPlans, type Alignment } from '../align/index.js';
import type { Answer, AskContext, WorkPlan } from '../model.js';
import { isFollowUp, mergeFollowUp, type Turn } from '../query/followup.js';
import { normalizeQuestion } from '../query/normalize.js';
import type { Query } from '../query/schema.js';
import { understand } from '../query/understand.js';
import { ItemIndex } from '../search/index.js';
import { SpellingCorrector, type Correction } from '../search/spelling.js';
import { Thesaurus } from '../search/thesaurus.js';
import { GOV_TERMS, STOP_WORDS, Tokenizer } from '../search/tokenizer.js';
import { shanghaiDate } from '../time.js';
import { readAliasFile } from '../units/aliases.js';
import { UnitDirectory, regionForms } from '../units/directory.js';
import { execute, type ExecDeps } from './execute.js';
import { topicPlan } from './topic.js';

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
}

export interface Answerer {
  answer(question: string, ctx?: AskContext): Answer;
  addPlan(plan: WorkPlan): void;
  removePlan(file: string): boolean;
  plans(): WorkPlan[];
  readonly index: ItemIndex;
  readonly directory: UnitDirectory;
  readonly tokenizer: Tokenizer;
  readonly thesaurus: Thesaurus;
}

export function createAnswerer(initial: WorkPlan[], options: AnswererOptions = {}): Answerer {
  const groups = [...(options.aliasGroups ?? []), ...(options.aliasPath ? readAliasFile(options.aliasPath) : [])];
  const directory = new UnitDirectory(groups);
  const tokenizer = new Tokenizer(options.userDictPath ? { userDictPath: options.userDictPath } : {});
  const thesaurus = options.thesaurusPath ? Thesaurus.fromFile(options.thesaurusPath) : new Thesaurus();
  // The thesaurus's document words are words: 办事流程 is cut whole in documents and questions alike.
  tokenizer.addWords(thesaurus.targets());
  const index = new ItemIndex(tokenizer);
  const plans = new Map<string, WorkPlan>();
  const now = () => (options.now ? options.now() : new Date());

  // Spelling: a typo is read only as a word people mean here — the 政务 terms, the thesaurus, unit and place names,
  // and the corpus's words of three characters or more — never as a two-character everyday word (局有 ≠ 具有).
  let speller: SpellingCorrector | undefined;
  const spelling = (): SpellingCorrector => {
    if (!speller) {
      const vocab: string[] = [...GOV_TERMS, ...thesaurus.keys(), ...thesaurus.targets(), ...directory.words(), ...tokenizer.userWords()];
      for (const r of directory.allRegions()) vocab.push(...regionForms(r));
      for (const [t] of index.vocabulary()) if (t.length >= 3) vocab.push(t);
      speller = new SpellingCorrector(vocab, {
        hasBigram: (g) => index.hasBigram(g),
        segment: (t) => tokenizer.words(t),
        isFunctionWord: (w) => STOP_WORDS.has(w),
        isWord: (w) => tokenizer.isWord(w) || !!thesaurus.lookup(w),
        frequency: (w) => index.dfOf(w),
      });
    }
    return speller;
  };

  function addPlan(plan: WorkPlan): void {
    plans.set(plan.file, plan);
    directory.addPlan(plan);
    tokenizer.addWords(directory.words());
    index.addPlan(plan);
    speller = undefined;
  }
  // Directory first for every plan, so the dictionary knows all unit names before any item is indexed.
  for (const p of initial) {
    plans.set(p.file, p);
    directory.addPlan(p);
  }
  tokenizer.addWords(directory.words());
  for (const p of initial) index.addPlan(p);

  function removePlan(file: string): boolean {
    const had = plans.delete(file);
    directory.removePlan(file);
    index.removePlan(file);
    speller = undefined;
    return had;
  }

  const all = () => [...plans.values()];

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

  function answerOne(question: string, ctx: AskContext = {}): Answer {
    const today = ctx.today ?? shanghaiDate(now());
    const normalized = normalizeQuestion(question);
    const spelled = spelling().correct(normalized);
    const understood = understand(spelled.text, directory, today);
    let query: Query = understood.query;
    const deps: ExecDeps = { plans: all(), directory, index, tokenizer, thesaurus, align, maxListed: options.maxListed ?? 5, maxTopic: options.maxTopic ?? 10 };
    // Leftovers with no content (的, 呢, 要干的) are no topic.
    let topic = query.topic ? topicPlan(query.topic, deps) : undefined;
    if (topic && !topic.concepts.length) {
      const { topic: _none, ...rest } = query;
      query = rest;
      topic = undefined;
    } else if (topic) query = { ...query, topic: topic.text };
    const prev: Turn | undefined = ctx.previous;
    const follow = isFollowUp(query, understood.followUp, prev);
    if (follow && prev) {
      query = mergeFollowUp(prev.query, query, prev.units);
      topic = query.topic ? topicPlan(query.topic, deps) : undefined;
    }
    const result = execute(query, deps, {
      today,
      ...(ctx.unit ? { unit: ctx.unit } : {}),
      ...(follow && prev ? { previousCitations: prev.citations, previousList: prev.list ?? prev.citations } : {}),
    }, topic);
    return withNotes(result, query, spelled.corrections, spelled.suggestions);
  }

  return { answer: answerOne, addPlan, removePlan, plans: all, index, directory, tokenizer, thesaurus };
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
