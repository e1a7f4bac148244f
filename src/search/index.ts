/**
 * The item index: one document per item (`file#itemId`), two fields (the item title and its body), jieba words as
 * terms (integer ids, postings of doc ids with packed title/body frequencies) and character bigrams as a backstop
 * for words the corpus does not hold (an unusual segmentation, a one-character slip).
 *
 * A query is a list of concepts, each a group of terms that mean the same thing to the asker (the word asked, its
 * thesaurus expansions, a spelling correction), each term with a weight. An item's score is BM25F summed over the
 * concepts, where a concept counts its best term only; the item's coverage is the weighted share of the query's
 * concepts it holds. No concept is required: a word that matches nothing lowers coverage, it does not empty the
 * result.
 *
 * Plans are added, replaced and removed incrementally: removal marks the items dead and fixes the document
 * frequencies at once; postings are compacted when dead items pile up.
 */
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
  /** Terms the item matched (the best term of each concept found whole). */
  terms: string[];
  /** Weighted share of the query's concepts the item holds (0–1). */
  cover: number;
  /** The same share counting the item title only. */
  titleCover: number;
}

export interface SearchOptions {
  /** Only items of these files. */
  files?: ReadonlySet<string>;
  limit?: number;
}

export interface ConceptTerm {
  term: string;
  /** Score weight: 1 for a word asked, less for an expansion (the words asked rank first). */
  weight: number;
  /** How much of the concept the term covers (default 1: a synonym covers the meaning as well as the word asked). */
  cover?: number;
}

/**
 * A unit of meaning in a query. `any` (synonyms): its best term carries it. `sum` (the parts of a word the corpus
 * does not hold whole, 突发事件 → 突发 + 事件): each part found adds its score and its share of the word.
 */
export interface Concept {
  label: string;
  terms: ConceptTerm[];
  mode?: 'any' | 'sum';
  /** Scales the concept's share of the question (a vague modifier such as 网上 counts less than what it modifies). */
  scale?: number;
  /** Character bigrams to fall back on when none of the terms is in the corpus. */
  grams?: string[];
}

/** Field weights: the item title says what the item is about. */
export const FIELD_BOOST = { title: 4, body: 1 } as const;
const K1 = 1.2;
const B_TITLE = 0.5;
const B_BODY = 0.75;
/** A bigram fallback counts when at least this share of the word's bigrams is in the item… */
const GRAM_MIN_SHARE = 0.5;
/** …and then weighs this much against a word found whole. */
const GRAM_WEIGHT = 0.5;
/** A 'sum' concept is found whole when its parts cover at least this much of it. */
const WHOLE = 0.75;
/** Compact postings when this share of the indexed items is dead. */
const COMPACT_SHARE = 0.3;
const MAX_TF = 0xffff;

export const docId = (file: string, item: string): string => `${file}#${item}`;

/** The index documents of one plan (also used by the bench's baseline). */
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

const isHan = (c: number) => (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);

/** The distinct Chinese character bigrams of a text, as 32-bit codes. */
export function bigramCodes(text: string): number[] {
  const out = new Set<number>();
  for (let i = 0; i + 1 < text.length; i++) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    if (isHan(a) && isHan(b)) out.add(a * 0x10000 + b);
  }
  return [...out];
}

const gramCode = (g: string) => g.charCodeAt(0) * 0x10000 + g.charCodeAt(1);

interface Postings {
  docs: number[];
  /** title tf × 65536 + body tf. */
  tf: number[];
}

export interface SavedIndex {
  version: 2;
  files: [string, number[]][];
  docs: [file: string, item: string, titleLen: number, bodyLen: number, terms: number[]][];
  terms: string[];
  postings: [number[], number[]][];
  grams: [number, number[]][];
}

export class ItemIndex {
  private readonly termIds = new Map<string, number>();
  private readonly termList: string[] = [];
  private readonly postings: Postings[] = [];
  private readonly df: number[] = [];
  private readonly grams = new Map<number, number[]>();

  private docFile: string[] = [];
  private docItem: string[] = [];
  private titleLen: number[] = [];
  private bodyLen: number[] = [];
  private alive: boolean[] = [];
  /** Each doc's distinct term ids, for removal. */
  private docTerms: Uint32Array[] = [];
  private readonly byFile = new Map<string, number[]>();
  private liveDocs = 0;
  private deadDocs = 0;
  private titleTotal = 0;
  private bodyTotal = 0;

  // Scratch space for scoring, grown with the index (one search at a time: the index is used synchronously).
  private acc = new Float64Array(0);
  private cov = new Float64Array(0);
  private tcov = new Float64Array(0);
  private best = new Float64Array(0);
  private credit = new Float64Array(0);
  private tcredit = new Float64Array(0);
  private bestTerm = new Int32Array(0);
  private mark = new Uint8Array(0);
  private hit = new Uint8Array(0);

  constructor(private readonly tokenizer: Tokenizer) {}

  get size(): number {
    return this.liveDocs;
  }

  has(file: string): boolean {
    return this.byFile.has(file);
  }

  /** Number of live items holding the term. */
  dfOf(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.df[id] ?? 0);
  }

  /** Inverse document frequency (BM25 form; a word no item holds weighs most). */
  idf(term: string): number {
    return this.idfOfDf(this.dfOf(term));
  }

  private idfOfDf(df: number): number {
    const n = this.liveDocs;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Does any live item hold this Chinese bigram? */
  hasBigram(gram: string): boolean {
    return gram.length === 2 && (this.grams.get(gramCode(gram))?.length ?? 0) > 0;
  }

  /** Terms held by at least one live item, with their document frequency. */
  *vocabulary(): Iterable<[string, number]> {
    for (let i = 0; i < this.termList.length; i++) if ((this.df[i] ?? 0) > 0) yield [this.termList[i] as string, this.df[i] as number];
  }

  private termId(t: string): number {
    let id = this.termIds.get(t);
    if (id === undefined) {
      id = this.termList.length;
      this.termIds.set(t, id);
      this.termList.push(t);
      this.postings.push({ docs: [], tf: [] });
      this.df.push(0);
    }
    return id;
  }

  /** Add a plan, replacing an earlier version of the same file. */
  addPlan(plan: WorkPlan): void {
    if (this.byFile.has(plan.file)) this.removePlan(plan.file);
    const ids: number[] = [];
    for (const it of plan.items) {
      const body = `${it.body} ${bracketReadings(it.body)}`;
      ids.push(this.addDoc(plan.file, it.id, this.tokenizer.tokenize(it.title), this.tokenizer.tokenize(body), body));
    }
    this.byFile.set(plan.file, ids);
  }

  private addDoc(file: string, item: string, title: string[], body: string[], bodyText: string): number {
    const d = this.docFile.length;
    const counts = new Map<number, number>();
    for (const t of title) {
      const id = this.termId(t);
      const c = counts.get(id) ?? 0;
      if (Math.floor(c / 0x10000) < MAX_TF) counts.set(id, c + 0x10000);
    }
    for (const t of body) {
      const id = this.termId(t);
      const c = counts.get(id) ?? 0;
      if ((c & 0xffff) < MAX_TF) counts.set(id, c + 1);
    }
    const terms = new Uint32Array(counts.size);
    let k = 0;
    for (const [id, tf] of counts) {
      const p = this.postings[id] as Postings;
      p.docs.push(d);
      p.tf.push(tf);
      this.df[id] = (this.df[id] ?? 0) + 1;
      terms[k++] = id;
    }
    for (const g of bigramCodes(bodyText)) {
      const list = this.grams.get(g);
      if (list) list.push(d);
      else this.grams.set(g, [d]);
    }
    this.docFile.push(file);
    this.docItem.push(item);
    this.titleLen.push(title.length);
    this.bodyLen.push(body.length);
    this.alive.push(true);
    this.docTerms.push(terms);
    this.liveDocs++;
    this.titleTotal += title.length;
    this.bodyTotal += body.length;
    return d;
  }

  /** Remove every item of a file; returns whether the file was indexed. */
  removePlan(file: string): boolean {
    const ids = this.byFile.get(file);
    if (!ids) return false;
    for (const d of ids) {
      if (!this.alive[d]) continue;
      this.alive[d] = false;
      for (const id of this.docTerms[d] as Uint32Array) this.df[id] = Math.max(0, (this.df[id] ?? 1) - 1);
      this.docTerms[d] = new Uint32Array(0);
      this.liveDocs--;
      this.deadDocs++;
      this.titleTotal -= this.titleLen[d] as number;
      this.bodyTotal -= this.bodyLen[d] as number;
    }
    this.byFile.delete(file);
    if (this.deadDocs > COMPACT_SHARE * (this.liveDocs + this.deadDocs)) this.compact();
    return true;
  }

  /** Drop dead items from the postings and renumber the live ones. */
  private compact(): void {
    const map = new Int32Array(this.docFile.length).fill(-1);
    let n = 0;
    for (let d = 0; d < this.docFile.length; d++) if (this.alive[d]) map[d] = n++;
    const keep = <T>(xs: T[]) => xs.filter((_, d) => this.alive[d]);
    this.docFile = keep(this.docFile);
    this.docItem = keep(this.docItem);
    this.titleLen = keep(this.titleLen);
    this.bodyLen = keep(this.bodyLen);
    this.docTerms = keep(this.docTerms);
    this.alive = this.docFile.map(() => true);
    for (const p of this.postings) {
      const docs: number[] = [];
      const tf: number[] = [];
      p.docs.forEach((d, i) => {
        const to = map[d] as number;
        if (to >= 0) {
          docs.push(to);
          tf.push(p.tf[i] as number);
        }
      });
      p.docs = docs;
      p.tf = tf;
    }
    for (const [g, list] of this.grams) {
      const next = list.map((d) => map[d] as number).filter((d) => d >= 0);
      if (next.length) this.grams.set(g, next);
      else this.grams.delete(g);
    }
    for (const [file, ids] of this.byFile) this.byFile.set(file, ids.map((d) => map[d] as number));
    this.deadDocs = 0;
  }

  private ensureScratch(): void {
    const n = this.docFile.length;
    if (this.acc.length >= n) return;
    const cap = Math.max(n, this.acc.length * 2, 64);
    this.acc = new Float64Array(cap);
    this.cov = new Float64Array(cap);
    this.tcov = new Float64Array(cap);
    this.best = new Float64Array(cap);
    this.credit = new Float64Array(cap);
    this.tcredit = new Float64Array(cap);
    this.bestTerm = new Int32Array(cap).fill(-1);
    this.mark = new Uint8Array(cap);
    this.hit = new Uint8Array(cap);
  }

  /**
   * Concepts of a plain query: each word of the tokenizer its own concept, weight 1. Sub-words of a longer query
   * word the corpus holds (新媒体 in 政务新媒体) join that word's concept rather than counting again.
   */
  conceptsOf(query: string): Concept[] {
    const words = [...new Set(this.tokenizer.tokenize(query))];
    const whole = words.filter((t) => !words.some((o) => o !== t && o.includes(t) && this.dfOf(o) > 0));
    return whole.map((w) => ({ label: w, terms: [{ term: w, weight: 1 }], grams: gramsOf(w) }));
  }

  /** Ranked items for a plain query (every word a concept). */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    return this.searchConcepts(this.conceptsOf(query), options);
  }

  /**
   * Concept weight (its share of the question's meaning): the idf of the rarest word asked that the corpus holds;
   * when it holds none of them, of the most common expansion it holds (an expansion says the concept is there, not
   * how specific it is); an unseen word weighs as much as a word can.
   */
  conceptWeight(c: Concept): number {
    let asked = 0;
    let expanded = Infinity;
    for (const t of c.terms) {
      const df = this.dfOf(t.term);
      if (!df) continue;
      const idf = this.idfOfDf(df);
      if (t.weight >= 1) asked = Math.max(asked, idf);
      else expanded = Math.min(expanded, idf);
    }
    // The parts of a word the corpus does not hold (垃圾分类 → 分类) do not make it known: it weighs as unseen.
    const w = c.mode === 'sum' ? this.idfOfDf(0) : asked || (Number.isFinite(expanded) ? expanded : this.idfOfDf(0));
    return w * (c.scale ?? 1);
  }

  /** Ranked items for a list of concepts. */
  searchConcepts(concepts: Concept[], options: SearchOptions = {}): SearchHit[] {
    if (!concepts.length || !this.liveDocs) return [];
    this.ensureScratch();
    const files = options.files;
    const allowed = files && files.size < this.byFile.size ? this.allowedMask(files) : undefined;
    const avgT = this.titleTotal / this.liveDocs || 1;
    const avgB = this.bodyTotal / this.liveDocs || 1;
    const weights = concepts.map((c) => this.conceptWeight(c));
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    const { acc, cov, tcov, best, credit, tcredit, bestTerm, mark, hit } = this;
    const touched: number[] = [];
    const matched = new Map<number, number[]>();

    concepts.forEach((c, ci) => {
      const cw = (weights[ci] as number) / total;
      const local: number[] = [];
      const sum = c.mode === 'sum';
      let anyTerm = false;
      for (const { term, weight, cover = 1 } of c.terms) {
        const id = this.termIds.get(term);
        if (id === undefined || !(this.df[id] ?? 0)) continue;
        anyTerm = true;
        const idf = this.idfOfDf(this.df[id] as number);
        const p = this.postings[id] as Postings;
        for (let i = 0; i < p.docs.length; i++) {
          const d = p.docs[i] as number;
          if (!this.alive[d] || (allowed && !allowed[d])) continue;
          const packed = p.tf[i] as number;
          const tfT = Math.floor(packed / 0x10000);
          const tfB = packed & 0xffff;
          const tt = tfT ? (FIELD_BOOST.title * tfT) / (1 - B_TITLE + (B_TITLE * (this.titleLen[d] as number)) / avgT) : 0;
          const tb = tfB ? (FIELD_BOOST.body * tfB) / (1 - B_BODY + (B_BODY * (this.bodyLen[d] as number)) / avgB) : 0;
          const tf = tt + tb;
          const s = weight * idf * ((tf * (K1 + 1)) / (tf + K1));
          if (!mark[d]) {
            mark[d] = 1;
            local.push(d);
          }
          if (sum) {
            best[d] = (best[d] as number) + s;
            credit[d] = Math.min(1, (credit[d] as number) + cover);
            if (tfT) tcredit[d] = Math.min(1, (tcredit[d] as number) + cover);
            if (bestTerm[d] === -1) bestTerm[d] = id;
            continue;
          }
          if (s > (best[d] as number)) {
            best[d] = s;
            bestTerm[d] = id;
          }
          // Coverage credit: the best cover of the terms found. Title coverage counts the words asked only: a title
          // holding the word asked is about the question; one holding a synonym of a side word may not be.
          if (cover > (credit[d] as number)) credit[d] = cover;
          if (tfT && weight >= 1 && cover > (tcredit[d] as number)) tcredit[d] = cover;
        }
      }
      if (!anyTerm && c.grams?.length) this.gramFallback(c.grams, allowed, local);
      for (const d of local) {
        acc[d] = (acc[d] as number) + (best[d] as number);
        cov[d] = (cov[d] as number) + cw * (credit[d] as number);
        tcov[d] = (tcov[d] as number) + cw * (tcredit[d] as number);
        // A concept counts as matched (SearchHit.terms) when found whole: one part of a word (分类 of 垃圾分类) is not.
        if ((bestTerm[d] as number) >= 0 && (!sum || (credit[d] as number) >= WHOLE)) {
          const list = matched.get(d);
          if (list) list.push(bestTerm[d] as number);
          else matched.set(d, [bestTerm[d] as number]);
        }
        if (!hit[d]) {
          hit[d] = 1;
          touched.push(d);
        }
        mark[d] = 0;
        best[d] = 0;
        credit[d] = 0;
        tcredit[d] = 0;
        bestTerm[d] = -1;
      }
    });

    const hits: SearchHit[] = [];
    for (const d of touched) {
      hits.push({
        file: this.docFile[d] as string,
        item: this.docItem[d] as string,
        score: acc[d] as number,
        terms: (matched.get(d) ?? []).map((id) => this.termList[id] as string),
        cover: Math.min(1, cov[d] as number),
        titleCover: Math.min(1, tcov[d] as number),
      });
      acc[d] = 0;
      cov[d] = 0;
      tcov[d] = 0;
      hit[d] = 0;
    }
    hits.sort((a, b) => b.score - a.score || a.file.localeCompare(b.file) || a.item.localeCompare(b.item));
    return options.limit ? hits.slice(0, options.limit) : hits;
  }

  /** Items holding most of a word's bigrams: a weak, partial match for a word the corpus does not hold whole. */
  private gramFallback(grams: string[], allowed: Uint8Array | undefined, local: number[]): void {
    const counts = new Map<number, number>();
    let idfSum = 0;
    for (const g of grams) {
      const list = this.grams.get(gramCode(g));
      if (!list) continue;
      idfSum += this.idfOfDf(list.length);
      for (const d of list) if (this.alive[d] && (!allowed || allowed[d])) counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    const avgIdf = grams.length ? idfSum / grams.length : 0;
    for (const [d, k] of counts) {
      const share = k / grams.length;
      if (share < GRAM_MIN_SHARE) continue;
      if (!this.mark[d]) {
        this.mark[d] = 1;
        local.push(d);
      }
      this.best[d] = GRAM_WEIGHT * share * avgIdf;
      this.credit[d] = GRAM_WEIGHT * share;
    }
  }

  private allowedMask(files: ReadonlySet<string>): Uint8Array {
    const mask = new Uint8Array(this.docFile.length);
    for (const f of files) for (const d of this.byFile.get(f) ?? []) mask[d] = 1;
    return mask;
  }

  /** Serializable state. */
  toJSON(): SavedIndex {
    if (this.deadDocs) this.compact();
    return {
      version: 2,
      files: [...this.byFile],
      docs: this.docFile.map((f, d) => [f, this.docItem[d] as string, this.titleLen[d] as number, this.bodyLen[d] as number, [...(this.docTerms[d] as Uint32Array)]]),
      terms: this.termList,
      postings: this.postings.map((p) => [p.docs, p.tf]),
      grams: [...this.grams],
    };
  }

  /** Restore an index saved with toJSON; the tokenizer must hold the same dictionary. */
  static loadJSON(json: string | SavedIndex, tokenizer: Tokenizer): ItemIndex {
    const data = typeof json === 'string' ? (JSON.parse(json) as SavedIndex) : json;
    const index = new ItemIndex(tokenizer);
    data.terms.forEach((t) => index.termId(t));
    data.postings.forEach(([docs, tf], id) => {
      const p = index.postings[id] as Postings;
      p.docs = [...docs];
      p.tf = [...tf];
    });
    for (const [file, item, tl, bl, terms] of data.docs) {
      index.docFile.push(file);
      index.docItem.push(item);
      index.titleLen.push(tl);
      index.bodyLen.push(bl);
      index.alive.push(true);
      index.docTerms.push(Uint32Array.from(terms));
      for (const id of terms) index.df[id] = (index.df[id] ?? 0) + 1;
      index.liveDocs++;
      index.titleTotal += tl;
      index.bodyTotal += bl;
    }
    for (const [g, list] of data.grams) index.grams.set(g, [...list]);
    for (const [file, ids] of data.files) index.byFile.set(file, [...ids]);
    return index;
  }
}

/** The Chinese bigrams of a word of three or more characters (a two-character word is its own only bigram). */
export function gramsOf(word: string): string[] | undefined {
  if (!/^[\u3400-\u9fff]{2,}$/.test(word)) return undefined;
  const out: string[] = [];
  for (let i = 0; i + 1 < word.length; i++) out.push(word.slice(i, i + 2));
  return out.length > 1 ? out : undefined;
}
