/**
 * Full-text index over the items of the loaded plans: MiniSearch with the jieba tokenizer, one document per item
 * (id `file#itemId`); plans are added, replaced and removed incrementally.
 *
 * Beside MiniSearch the index keeps each item's title and body as term ids (compact), which give document
 * frequencies (word weights for answers) and a direct BM25 over a few documents, used when a question is scoped
 * to some plans: scoring a plan's twenty items directly beats scoring the whole corpus and filtering.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import type { WorkPlan } from '../model.js';
import { bracketReadings, type Tokenizer } from './tokenizer.js';

export interface ItemDoc {
  id: string;
  file: string;
  item: string;
  title: string;
  body: string;
  section: string;
  doc: string;
  units: string;
}

export interface SearchHit {
  file: string;
  item: string;
  score: number;
  /** Index terms the item matched. */
  terms: string[];
}

export interface SearchOptions {
  /** Only items of these files. */
  files?: ReadonlySet<string>;
  limit?: number;
}

/** Field weights: the item title says what the item is about; the body and section give context. */
export const FIELD_BOOST = { title: 4, section: 1.2, body: 1, doc: 0.3, units: 0.6 } as const;
/** Share of items above which a query word counts as common (see queryTerms). */
export const COMMON_SHARE = 0.12;
/** Fields a topic search scores: the document title and unit names say nothing about a topic. */
const TOPIC_FIELDS = ['title', 'body'];
const FIELDS = ['title', 'body', 'section', 'doc', 'units'];
const ASCII = /^[a-z0-9]+$/;
/** A title-only pass that finds at least this many items is enough for a corpus-wide search. */
const TITLE_TIER = 30;
/** Scoped searches over at most this many items score them directly. */
const DIRECT_MAX = 4000;
const K1 = 1.2;
const B = 0.7;

export interface SavedIndex {
  mini: unknown;
  files: [string, string[]][];
  terms: string[];
  docs: [string, number[], number[]][];
}

export const docId = (file: string, item: string): string => `${file}#${item}`;

/** The index documents of one plan. */
export function itemDocs(plan: WorkPlan): ItemDoc[] {
  const sectionTitle = new Map(plan.sections.map((s) => [s.number, s.title]));
  return plan.items.map((it) => ({
    id: docId(plan.file, it.id),
    file: plan.file,
    item: it.id,
    title: it.title,
    body: `${it.body} ${bracketReadings(it.body)}`,
    section: sectionTitle.get(it.section) ?? '',
    doc: `${plan.title} ${plan.shortName}`,
    units: it.units.join(' '),
  }));
}

interface Terms {
  title: Uint32Array;
  body: Uint32Array;
}

export class ItemIndex {
  private mini: MiniSearch<ItemDoc>;
  /** Document ids per file, for removal. */
  private readonly byFile = new Map<string, string[]>();
  /** Term ↔ id, document frequency per term id (title ∪ body), and each item's field terms. */
  private readonly termIds = new Map<string, number>();
  private readonly termList: string[] = [];
  private readonly df: number[] = [];
  private readonly docTerms = new Map<string, Terms>();
  private titleLen = 0;
  private bodyLen = 0;
  /** Tokens computed once per field text while a plan is added. */
  private readonly pending = new Map<string, string[]>();

  constructor(private readonly tokenizer: Tokenizer) {
    this.mini = new MiniSearch<ItemDoc>(this.options());
  }

  private tokens(text: string): string[] {
    return this.pending.get(text) ?? this.tokenizer.tokenize(text);
  }

  private options() {
    const tokenize = (text: string): string[] => this.tokens(text);
    return {
      fields: FIELDS,
      storeFields: ['file', 'item'],
      tokenize,
      processTerm: (term: string) => term,
      searchOptions: {
        boost: { ...FIELD_BOOST },
        combineWith: 'OR' as const,
        tokenize,
        processTerm: (term: string) => term,
        // Prefix and fuzzy matching only help Latin words and numbers (12345, app); on Chinese words they
        // would match unrelated terms that share a first character.
        prefix: (term: string) => ASCII.test(term) && term.length >= 3,
        fuzzy: (term: string) => (ASCII.test(term) && term.length >= 5 ? 0.2 : false),
      },
    };
  }

  get size(): number {
    return this.mini.documentCount;
  }

  has(file: string): boolean {
    return this.byFile.has(file);
  }

  private termId(t: string): number {
    let id = this.termIds.get(t);
    if (id === undefined) {
      id = this.termList.length;
      this.termIds.set(t, id);
      this.termList.push(t);
      this.df.push(0);
    }
    return id;
  }

  private addTerms(id: string, terms: Terms): void {
    this.docTerms.set(id, terms);
    this.titleLen += terms.title.length;
    this.bodyLen += terms.body.length;
    for (const t of new Set([...terms.title, ...terms.body])) this.df[t] = (this.df[t] ?? 0) + 1;
  }

  /** Add a plan, replacing an earlier version of the same file. */
  addPlan(plan: WorkPlan): void {
    if (this.byFile.has(plan.file)) this.removePlan(plan.file);
    const docs = itemDocs(plan);
    for (const d of docs) for (const f of [d.title, d.body, d.section, d.doc, d.units]) if (!this.pending.has(f)) this.pending.set(f, this.tokenizer.tokenize(f));
    this.mini.addAll(docs);
    for (const d of docs) {
      const ids = (text: string) => Uint32Array.from(this.tokens(text), (t) => this.termId(t));
      this.addTerms(d.id, { title: ids(d.title), body: ids(d.body) });
    }
    this.pending.clear();
    this.byFile.set(
      plan.file,
      docs.map((d) => d.id),
    );
  }

  /** Remove every item of a file; returns whether the file was indexed. */
  removePlan(file: string): boolean {
    const ids = this.byFile.get(file);
    if (!ids) return false;
    for (const id of ids) {
      this.mini.discard(id);
      const terms = this.docTerms.get(id);
      if (!terms) continue;
      this.titleLen -= terms.title.length;
      this.bodyLen -= terms.body.length;
      for (const t of new Set([...terms.title, ...terms.body])) this.df[t] = Math.max(0, (this.df[t] ?? 1) - 1);
      this.docTerms.delete(id);
    }
    this.byFile.delete(file);
    return true;
  }

  private dfOf(token: string): number {
    const id = this.termIds.get(token);
    return id === undefined ? 0 : (this.df[id] ?? 0);
  }

  /** Inverse document frequency of a token over the indexed items (BM25 form; unseen words weigh most). */
  idf(token: string): number {
    const n = this.docTerms.size;
    const df = this.dfOf(token);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Query terms worth scoring: a sub-word of another query word the corpus holds (新媒体 in 政务新媒体) is dropped,
   * and so are words
   * held by more than COMMON_SHARE of the items (公开, 信息 in a corpus of 政务公开 plans), which add almost nothing
   * to BM25 but make every item a candidate; the rarest two stay when every word is common.
   */
  queryTerms(query: string): string[] {
    const tokens = [...new Set(this.tokenizer.tokenize(query))];
    const whole = tokens.filter((t) => !tokens.some((o) => o !== t && o.includes(t) && this.dfOf(o) > 0));
    const n = Math.max(1, this.docTerms.size);
    const kept = whole.filter((t) => this.dfOf(t) / n <= COMMON_SHARE);
    if (kept.length) return kept;
    return whole.sort((a, b) => this.dfOf(a) - this.dfOf(b)).slice(0, 2);
  }

  /**
   * Ranked items for a query. Corpus-wide: a title-only pass when it finds enough items (the usual case for a
   * topic many plans share), else title + body. Scoped to a few files: direct BM25 over their items.
   */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const terms = this.queryTerms(query);
    if (!terms.length) return [];
    const files = options.files;
    let out: SearchHit[];
    const scopedIds = files ? [...files].flatMap((f) => this.byFile.get(f) ?? []) : undefined;
    if (scopedIds && scopedIds.length <= DIRECT_MAX) out = this.direct(terms, scopedIds);
    else {
      const tokenize = (s: string) => s.split(' ');
      const filter = files ? { filter: (r: SearchResult) => files.has(r['file'] as string) } : {};
      let results: SearchResult[] = [];
      if (!files || files.size === this.byFile.size) {
        results = this.mini.search(terms.join(' '), { tokenize, fields: ['title'] });
        if (results.length < TITLE_TIER) results = [];
      }
      if (!results.length) results = this.mini.search(terms.join(' '), { tokenize, fields: TOPIC_FIELDS, ...filter });
      out = results.map((r) => ({ file: r['file'] as string, item: r['item'] as string, score: r.score, terms: r.terms }));
    }
    return options.limit ? out.slice(0, options.limit) : out;
  }

  /** BM25 over title and body of the given items, with the corpus-wide idf and average lengths. */
  private direct(terms: string[], ids: string[]): SearchHit[] {
    const n = Math.max(1, this.docTerms.size);
    const avgTitle = this.titleLen / n || 1;
    const avgBody = this.bodyLen / n || 1;
    const q = terms.map((t) => [t, this.termIds.get(t), this.idf(t)] as const).filter(([, id]) => id !== undefined);
    const hits: SearchHit[] = [];
    const bm25 = (tf: number, len: number, avg: number) => (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avg));
    for (const id of ids) {
      const d = this.docTerms.get(id);
      if (!d) continue;
      let score = 0;
      const matched: string[] = [];
      for (const [t, tid, idf] of q) {
        let tfT = 0;
        let tfB = 0;
        for (const x of d.title) if (x === tid) tfT++;
        for (const x of d.body) if (x === tid) tfB++;
        if (!tfT && !tfB) continue;
        matched.push(t);
        score += idf * (FIELD_BOOST.title * (tfT ? bm25(tfT, d.title.length, avgTitle) : 0) + FIELD_BOOST.body * (tfB ? bm25(tfB, d.body.length, avgBody) : 0));
      }
      if (score > 0) {
        const hash = id.lastIndexOf('#');
        hits.push({ file: id.slice(0, hash), item: id.slice(hash + 1), score, terms: matched });
      }
    }
    return hits.sort((a, b) => b.score - a.score);
  }

  /** Serializable state: MiniSearch JSON, the file → ids table and the items' term ids. */
  toJSON(): SavedIndex {
    return {
      mini: this.mini.toJSON(),
      files: [...this.byFile],
      terms: this.termList,
      docs: [...this.docTerms].map(([id, t]) => [id, [...t.title], [...t.body]]),
    };
  }

  /** Restore an index saved with toJSON; the tokenizer must hold the same dictionary. */
  static loadJSON(json: string | SavedIndex, tokenizer: Tokenizer): ItemIndex {
    const data = typeof json === 'string' ? (JSON.parse(json) as SavedIndex) : json;
    const index = new ItemIndex(tokenizer);
    index.mini = MiniSearch.loadJSON<ItemDoc>(JSON.stringify(data.mini), index.options());
    for (const [file, ids] of data.files) index.byFile.set(file, ids);
    for (const t of data.terms) index.termId(t);
    for (const [id, title, body] of data.docs) index.addTerms(id, { title: Uint32Array.from(title), body: Uint32Array.from(body) });
    return index;
  }
}
