/**
 * The item index: one document per item (`file#itemId`), two fields (the item title and its body), jieba words as
 * terms (integer ids; posting lists of doc ids with packed title/body frequencies, in typed arrays) and character
 * bigrams as a backstop for words the corpus does not hold (an unusual segmentation, a one-character slip).
 *
 * Indexing calls jieba once per item: the title is the body's first sentence, so the pieces inside the title's
 * length count for the title as well (an item whose title is not a prefix of its body has it cut apart). What a
 * piece is indexed as (the word and the sub-words jieba's search mode finds in it) is remembered per piece.
 *
 * A query is a list of concepts, each a group of terms that mean the same thing to the asker (the word asked, its
 * thesaurus expansions, a spelling correction), each term with a weight. An item's score is BM25F summed over the
 * concepts, where a concept counts its best term only; the item's coverage is the weighted share of the query's
 * concepts it holds. No concept is required: a word that matches nothing lowers coverage, it does not empty the
 * result.
 *
 * With a limit, the search keeps the best `limit` items without scoring every posting (max-score): concepts are
 * scored list by list until the best score a new item could still reach with the remaining concepts falls below
 * the `limit`-th best so far; from then on only the items that can still make the cut are looked up in the
 * remaining lists. Sums run in the concepts' order either way, so the result is the exhaustive one, cut.
 *
 * Plans are added, replaced and removed incrementally: removal marks the items dead and fixes the document
 * frequencies at once; postings are compacted when dead items pile up. `save` and `load` give the index as bytes.
 */
import type { Item, WorkPlan } from '../model.js';
import { IntIdMap, IntList, PostingLists, ensure, packSections, unpackSections } from './postings.js';
import { ParallelCut, type ParallelCutOptions } from './parallel-cut.js';
import { indexedText, normalizeText, type Tokenizer } from './tokenizer.js';

export interface SearchHit {
  file: string;
  item: string;
  score: number;
  /**
   * Terms the item matched (the best term of each concept found whole): worked out when first read, since most
   * candidates of a search are ranked and never shown; read it before the index changes.
   */
  readonly terms: string[];
  /** Weighted share of the query's concepts the item holds (0–1). */
  cover: number;
  /** The same share counting the item title only. */
  titleCover: number;
}

/** How a search's hits work out the terms of a doc (see SearchHit.terms). */
interface HitSource {
  matched(doc: number): string[];
}

/**
 * A search hit: plain fields, its terms worked out on first read through the search's source. A class, so that the
 * hundreds of candidates a search ranks share one getter rather than each holding closures of its own.
 */
class RankedHit implements SearchHit {
  private matchedTerms: string[] | undefined;
  constructor(
    readonly file: string,
    readonly item: string,
    readonly score: number,
    readonly cover: number,
    readonly titleCover: number,
    private readonly doc: number,
    private readonly source: HitSource,
  ) {}

  get terms(): string[] {
    return (this.matchedTerms ??= this.source.matched(this.doc));
  }
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
/** Relative slack on pruning bounds, so that rounding never drops an item that belongs in the result. */
const SLACK = 1 - 1e-9;
/** Fewest characters to cut in one addPlans that are worth the tokenizer's trie (some 50 documents of 要点). */
const BULK_CUT_CHARS = 200_000;
/** Saved index format. */
const FORMAT = 4;
/** Sections of a saved index read when first needed: docs' term ids, term docs, term values, bigram docs. */
const LAZY_SECTIONS = 4;

/**
 * Where a loaded index reads its lazy sections from (see saveParts): `read(k, from, into)` fills `into` with the
 * bytes of section k from byte `from` on. It must stay readable until they are all read (a save reads them all).
 */
export interface LazySections {
  lengths: number[];
  read(k: number, from: number, into: Uint8Array): void;
}

/** Lazy sections held in memory. */
export function lazySectionsOf(sections: Uint8Array[]): LazySections {
  return {
    lengths: sections.map((s) => s.byteLength),
    read: (k, from, into) => into.set((sections[k] as Uint8Array).subarray(from, from + into.byteLength)),
  };
}

export const docId = (file: string, item: string): string => `${file}#${item}`;

/** Han characters (the blocks bigrams are kept for) as 0…HAN_SPAN-1, or -1. */
const HAN_SPAN = 0x9fff - 0x3400 + 1 + 0x200;
function hanIndex(c: number): number {
  if (c >= 0x3400 && c <= 0x9fff) return c - 0x3400;
  if (c >= 0xf900 && c <= 0xfaff) return 0x9fff - 0x3400 + 1 + (c - 0xf900);
  return -1;
}
/** A Han bigram as one 31-bit code, or -1. */
function gramCodeAt(text: string, i: number): number {
  const a = hanIndex(text.charCodeAt(i));
  if (a < 0) return -1;
  const b = hanIndex(text.charCodeAt(i + 1));
  return b < 0 ? -1 : a * HAN_SPAN + b;
}

/**
 * A string that holds its own characters: a slice of 13 characters or more is a view that keeps the whole text
 * alive, and a piece kept as a key must not keep its item's text (or a cut worker's batch).
 */
function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

const collator = new Intl.Collator();

interface FileEntry {
  id: number;
  /** The plan indexed (its items are the docs, in order: the bigram lists are read from them when needed). */
  plan: WorkPlan;
  /** Doc ids start…end-1 (a plan's items are added together). */
  start: number;
  end: number;
}

/** A query term found in the index. */
interface RTerm {
  id: number;
  weight: number;
  cover: number;
  idf: number;
}

/** A concept resolved against the index. */
interface RConcept {
  terms: RTerm[];
  sum: boolean;
  /** Share of the question (concept weight over the sum of weights). */
  cw: number;
  /** Bigram fallback: gram ids held, how many grams the word has, their mean idf. */
  grams?: { ids: number[]; count: number; avgIdf: number };
  /** The most the concept can add to an item's score. */
  ub: number;
  /** Postings it would scan. */
  work: number;
}

export class ItemIndex {
  private readonly termIds = new Map<string, number>();
  private termList: string[] = [];
  private df: Int32Array = new Int32Array(1024);
  private readonly terms = new PostingLists(true);
  private gramIds = new IntIdMap();
  /** Live items holding each bigram (what the spelling corrector asks about every question). */
  private gramDf: Int32Array = new Int32Array(1024);
  /** Items of each bigram: laid out the first time a word falls back on its bigrams, then kept up to date. */
  private readonly grams = new PostingLists(false);
  private gramsBuilt = false;

  private nDocs = 0;
  /**
   * Bumped by every change of the indexed items and every renumbering of them (a save drops removed items): a
   * search hit's terms are read before the next one (see `version`).
   */
  private changes = 0;
  private docFile: Int32Array = new Int32Array(1024);
  private titleLen: Int32Array = new Int32Array(1024);
  private bodyLen: Int32Array = new Int32Array(1024);
  private itemRank: Int32Array = new Int32Array(1024);
  private alive: Uint8Array = new Uint8Array(1024);
  private docItem: string[] = [];
  /** Each doc's distinct term ids (for removal): docTermOff[d]…docTermOff[d + 1] in docTermIds. */
  private docTermOff: Uint32Array = new Uint32Array(1025);
  private readonly docTermIds = new IntList(1 << 16);
  /** Reads docTermIds in, when the index was loaded and they have not been read yet (see loadParts). */
  private docTermsUnread: (() => void) | undefined;

  private fileNames: string[] = [];
  private fileRank: Int32Array = new Int32Array(64);
  private readonly byFile = new Map<string, FileEntry>();
  private ranksDirty = false;
  private liveDocs = 0;
  private deadDocs = 0;
  private titleTotal = 0;
  private bodyTotal = 0;

  /**
   * What each distinct jieba piece is indexed as (its term ids, the bigram ids inside it, the Han index of its first
   * and last character), by slot, for the tokenizer's dictionary version `piecesVersion`. A piece is found by its
   * char code (one character), its bigram code (two Han characters) or its text, so most are found without hashing
   * a string.
   */
  private slotIds: Int32Array[] = [];
  private slotGrams: Int32Array[] = [];
  private readonly slotFirst = new IntList(1024);
  private readonly slotLast = new IntList(1024);
  private singleSlot: Int32Array = new Int32Array(65536).fill(-1);
  private pairIds = new IntIdMap();
  private pairSlot: Int32Array = new Int32Array(1024).fill(-1);
  private pieceSlot = new Map<string, number>();
  private piecesVersion = -1;
  // Indexing scratch: packed frequencies by term id, last doc holding a gram.
  private bodyCount: Uint16Array = new Uint16Array(1024);
  private titleCount: Uint16Array = new Uint16Array(1024);
  private readonly seen = new IntList(256);
  /** The pieces' lengths of the item being indexed, when cut here. */
  private readonly cutHere = new IntList(1024);
  /** The stamp of the last doc each bigram was counted for (stamps only grow, so no reset is needed). */
  private gramLast: Int32Array = new Int32Array(1024);
  private gramStamp = 0;

  // Scoring scratch, grown with the index (one search at a time: the index is used synchronously).
  private acc: Float64Array = new Float64Array(0);
  private cov: Float64Array = new Float64Array(0);
  private tcov: Float64Array = new Float64Array(0);
  private best: Float64Array = new Float64Array(0);
  private credit: Float64Array = new Float64Array(0);
  private tcredit: Float64Array = new Float64Array(0);
  private mark: Uint8Array = new Uint8Array(0);
  private hit: Uint8Array = new Uint8Array(0);
  /** Scratch for finding the k-th best score. */
  private select: Float64Array = new Float64Array(0);
  // One concept evaluated for one doc (evalConcept).
  private eBest = 0;
  private eCredit = 0;
  private eTcredit = 0;
  private eTerm = -1;

  /** How searches ran: all, those that stopped scanning lists early, those that looked up few allowed items. */
  readonly stats = { searches: 0, pruned: 0, lookups: 0 };

  constructor(private readonly tokenizer: Tokenizer) {}

  get size(): number {
    return this.liveDocs;
  }

  /**
   * Changes so far, renumberings included: search hits taken at another version can no longer work out their
   * terms, so whoever keeps hits drops them when it moves.
   */
  get version(): number {
    return this.changes;
  }

  /** Term posting lists of a loaded index not read in yet (see loadParts). */
  get unreadLists(): number {
    return this.terms.unreadLists;
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
    if (gram.length !== 2) return false;
    const code = gramCodeAt(gram, 0);
    const id = code < 0 ? -1 : this.gramIds.get(code);
    return id >= 0 && (this.gramDf[id] as number) > 0;
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
      if (id >= this.df.length) {
        this.df = ensure(this.df, id + 1);
        this.bodyCount = ensure(this.bodyCount, id + 1);
        this.titleCount = ensure(this.titleCount, id + 1);
      }
    }
    return id;
  }

  /** Add a plan, replacing an earlier version of the same file. */
  addPlan(plan: WorkPlan): void {
    if (this.byFile.has(plan.file)) this.removePlan(plan.file);
    this.indexPlan(plan, false);
    if (this.terms.wantsSeal || (this.gramsBuilt && this.grams.wantsSeal)) this.seal();
  }

  /**
   * Add many plans at once (a first load): postings are queued and laid out once at the end. With `cut`, the items'
   * pieces come from it, in order (a worker cutting with the same dictionary, see parallel-cut.ts).
   */
  addPlans(plans: Iterable<WorkPlan>, cut?: ParallelCut): void {
    const list = [...plans];
    // Cutting many items is worth the tokenizer's trie (see DictSegmenter.bulk), also beside a cut worker (this
    // thread cuts some batches too); let go once done.
    let chars = 0;
    for (const p of list) for (const it of p.items) chars += it.body.length;
    const bulkCut = chars >= BULK_CUT_CHARS;
    if (bulkCut) this.tokenizer.bulk(true);
    try {
      for (const plan of list) {
        if (this.byFile.has(plan.file)) this.removePlan(plan.file);
        this.indexPlan(plan, true, cut);
      }
    } finally {
      cut?.close();
      if (bulkCut) this.tokenizer.bulk(false);
    }
    this.seal();
    this.docTermIds.trim();
  }

  /**
   * A worker cutting the items of these plans for `addPlans`, in the order it indexes them, where they are many
   * enough to be worth one (see parallel-cut.ts).
   */
  static parallelCut(plans: readonly WorkPlan[], options?: ParallelCutOptions): ParallelCut | undefined {
    return ParallelCut.start(
      plans.flatMap((p) => p.items),
      options,
    );
  }

  private seal(): void {
    this.terms.seal(this.termList.length);
    if (this.gramsBuilt) this.grams.seal(this.gramIds.size);
  }

  /** Lay out the bigram lists from the indexed plans (once; later items are added as they come). */
  private ensureGrams(): void {
    if (this.gramsBuilt) return;
    const files = [...this.byFile.values()].sort((a, b) => a.start - b.start);
    for (const e of files) {
      e.plan.items.forEach((it, i) => {
        const d = e.start + i;
        if (this.alive[d]) this.eachGram(indexedText(it), (g) => this.grams.queue(g, d, 0));
      });
    }
    this.gramsBuilt = true;
    this.grams.seal(this.gramIds.size);
  }

  /** Each distinct Han bigram id of a (normalized) text (ids are added for new bigrams). */
  private eachGram(text: string, visit: (g: number) => void): void {
    const stamp = ++this.gramStamp;
    let last = this.gramLast;
    let prev = hanIndex(text.charCodeAt(0));
    for (let i = 1; i < text.length; i++) {
      const cur = hanIndex(text.charCodeAt(i));
      if (prev >= 0 && cur >= 0) {
        const g = this.gramId(prev * HAN_SPAN + cur);
        last = this.gramLast;
        if (last[g] !== stamp) {
          last[g] = stamp;
          visit(g);
        }
      }
      prev = cur;
    }
  }

  /** Read in the docs' term ids of a loaded index (before they are read, or added to). */
  private readDocTerms(): void {
    const read = this.docTermsUnread;
    this.docTermsUnread = undefined;
    read?.();
  }

  private indexPlan(plan: WorkPlan, bulk: boolean, cut?: ParallelCut): void {
    this.changes++;
    this.readDocTerms();
    if (this.piecesVersion !== this.tokenizer.version) this.resetPieces();
    const start = this.nDocs;
    const fileId = this.fileNames.length;
    this.fileNames.push(plan.file);
    this.fileRank = ensure(this.fileRank, fileId + 1);
    const order = plan.items.map((it, i) => [it.id, i] as const).sort((a, b) => collator.compare(a[0], b[0]));
    const rank = new Int32Array(plan.items.length);
    order.forEach(([id, i], r) => {
      const prev = order[r - 1];
      rank[i] = prev && collator.compare(prev[0], id) === 0 ? (rank[prev[1]] as number) : r;
    });
    plan.items.forEach((it, i) => this.indexItem(fileId, it, rank[i] as number, bulk, cut));
    this.byFile.set(plan.file, { id: fileId, plan, start, end: this.nDocs });
    this.ranksDirty = true;
  }

  private resetPieces(): void {
    this.slotIds = [];
    this.slotGrams = [];
    this.slotFirst.clear();
    this.slotLast.clear();
    this.singleSlot.fill(-1);
    this.pairIds = new IntIdMap();
    this.pairSlot.fill(-1);
    this.pieceSlot = new Map();
    this.piecesVersion = this.tokenizer.version;
  }

  /** A bigram's id (new bigrams get one, and room in the per-bigram arrays). */
  private gramId(code: number): number {
    const g = this.gramIds.idOf(code);
    if (g >= this.gramLast.length) {
      const old = this.gramLast.length;
      this.gramLast = ensure(this.gramLast, g + 1);
      this.gramLast.fill(0, old);
      this.gramDf = ensure(this.gramDf, g + 1);
    }
    return g;
  }

  /** The slot of a piece seen for the first time: its terms (itself and the sub-words jieba's search mode finds). */
  private newSlot(piece: string): number {
    const slot = this.slotIds.length;
    this.slotIds.push(Int32Array.from(this.tokenizer.tokenize(piece), (t) => this.termId(t)));
    const grams: number[] = [];
    for (let i = 0; i + 1 < piece.length; i++) {
      const code = gramCodeAt(piece, i);
      if (code >= 0) grams.push(this.gramId(code));
    }
    this.slotGrams.push(Int32Array.from(grams));
    this.slotFirst.push(hanIndex(piece.charCodeAt(0)));
    this.slotLast.push(hanIndex(piece.charCodeAt(piece.length - 1)));
    return slot;
  }

  /** The slot of the piece text[at … at+len-1]: one or two characters are looked up without making a string. */
  private slotAt(text: string, at: number, len: number): number {
    if (len === 1) {
      const c = text.charCodeAt(at);
      let slot = this.singleSlot[c] as number;
      if (slot < 0) this.singleSlot[c] = slot = this.newSlot(text.slice(at, at + 1));
      return slot;
    }
    if (len === 2) {
      const code = gramCodeAt(text, at);
      if (code >= 0) {
        const id = this.pairIds.idOf(code);
        if (id >= this.pairSlot.length) {
          const old = this.pairSlot.length;
          this.pairSlot = ensure(this.pairSlot, id + 1);
          this.pairSlot.fill(-1, old);
        }
        let slot = this.pairSlot[id] as number;
        if (slot < 0) this.pairSlot[id] = slot = this.newSlot(text.slice(at, at + 2));
        return slot;
      }
    }
    const piece = text.slice(at, at + len);
    let slot = this.pieceSlot.get(piece);
    if (slot === undefined) this.pieceSlot.set(ownString(piece), (slot = this.newSlot(piece)));
    return slot;
  }

  private indexItem(fileId: number, it: Item, rank: number, bulk: boolean, cut?: ParallelCut): void {
    const d = this.nDocs++;
    this.growDocs(d + 1);
    // The pieces' lengths, lens[lo … hi-1]: from the cut worker, or cut here.
    let body: string;
    let lens: Int32Array;
    let lo = 0;
    let hi: number;
    if (cut?.next()) {
      body = cut.body;
      lens = cut.lens;
      lo = cut.at;
      hi = lo + cut.count;
    } else {
      body = indexedText(it);
      const cutHere = this.cutHere;
      cutHere.clear();
      this.tokenizer.pieceLengths(body, cutHere);
      lens = cutHere.a;
      hi = cutHere.n;
    }
    const title = normalizeText(it.title);
    const titleEnd = body.startsWith(title) ? title.length : -1;
    const seen = this.seen;
    seen.clear();
    const stamp = ++this.gramStamp;
    const built = this.gramsBuilt;
    let titleLen = 0;
    let bodyLen = 0;
    let at = 0;
    let prevLast = -1;
    // Hot loop: the arrays it reads are held in locals, fetched again when a new piece or bigram grows them.
    const gramIds = this.gramIds;
    let firsts = this.slotFirst.a;
    let lasts = this.slotLast.a;
    let gramLast = this.gramLast;
    let gramDf = this.gramDf;
    for (let p = lo; p < hi; p++) {
      const len = lens[p] as number;
      const slot = this.slotAt(body, at, len);
      if (slot >= firsts.length || gramLast !== this.gramLast) {
        firsts = this.slotFirst.a;
        lasts = this.slotLast.a;
        gramLast = this.gramLast;
        gramDf = this.gramDf;
      }
      at += len;
      // Bigrams: the one across the boundary with the previous piece, then those inside this one.
      const first = firsts[slot] as number;
      if (prevLast >= 0 && first >= 0) {
        let g = gramIds.idOf(prevLast * HAN_SPAN + first);
        if (g >= gramLast.length) {
          g = this.gramId(prevLast * HAN_SPAN + first);
          gramLast = this.gramLast;
          gramDf = this.gramDf;
        }
        if (gramLast[g] !== stamp) {
          gramLast[g] = stamp;
          gramDf[g] = (gramDf[g] as number) + 1;
          if (built) this.listGram(g, d, bulk);
        }
      }
      const grams = this.slotGrams[slot] as Int32Array;
      for (let k = 0; k < grams.length; k++) {
        const g = grams[k] as number;
        if (gramLast[g] !== stamp) {
          gramLast[g] = stamp;
          gramDf[g] = (gramDf[g] as number) + 1;
          if (built) this.listGram(g, d, bulk);
        }
      }
      prevLast = lasts[slot] as number;
      const ids = this.slotIds[slot] as Int32Array;
      const n = ids.length;
      if (n === 0) continue;
      const inTitle = at <= titleEnd;
      const bc = this.bodyCount;
      const tc = this.titleCount;
      for (let k = 0; k < n; k++) {
        const id = ids[k] as number;
        const c = bc[id] as number;
        if (c === 0) seen.push(id);
        if (c < MAX_TF) bc[id] = c + 1;
        if (inTitle && (tc[id] as number) < MAX_TF) tc[id] = (tc[id] as number) + 1;
      }
      bodyLen += n;
      if (inTitle) titleLen += n;
    }
    if (titleEnd < 0) {
      for (const t of this.tokenizer.tokenize(it.title)) {
        const id = this.termId(t);
        const bc = this.bodyCount;
        const tc = this.titleCount;
        if ((bc[id] as number) === 0 && (tc[id] as number) === 0) seen.push(id);
        if ((tc[id] as number) < MAX_TF) tc[id] = (tc[id] as number) + 1;
        titleLen++;
      }
    }
    const termOff = this.docTermOff[d] as number;
    const df = this.df;
    const bc = this.bodyCount;
    const tc = this.titleCount;
    for (let k = 0; k < seen.n; k++) {
      const id = seen.a[k] as number;
      const packed = (tc[id] as number) * 0x10000 + (bc[id] as number);
      bc[id] = 0;
      tc[id] = 0;
      if (bulk) this.terms.queue(id, d, packed);
      else this.terms.add(id, d, packed);
      df[id] = (df[id] as number) + 1;
      this.docTermIds.push(id);
    }
    this.docTermOff[d + 1] = termOff + seen.n;
    this.docFile[d] = fileId;
    this.docItem[d] = it.id;
    this.titleLen[d] = titleLen;
    this.bodyLen[d] = bodyLen;
    this.itemRank[d] = rank;
    this.alive[d] = 1;
    this.liveDocs++;
    this.titleTotal += titleLen;
    this.bodyTotal += bodyLen;
  }

  /** A bigram of doc d into the bigram lists (once they are laid out). */
  private listGram(g: number, d: number, bulk: boolean): void {
    if (bulk) this.grams.queue(g, d, 0);
    else this.grams.add(g, d, 0);
  }

  private growDocs(n: number): void {
    if (n <= this.docFile.length && n + 1 <= this.docTermOff.length) return;
    this.docFile = ensure(this.docFile, n);
    this.titleLen = ensure(this.titleLen, n);
    this.bodyLen = ensure(this.bodyLen, n);
    this.itemRank = ensure(this.itemRank, n);
    this.alive = ensure(this.alive, n);
    this.docTermOff = ensure(this.docTermOff, n + 1);
  }

  /** Remove every item of a file; returns whether the file was indexed. */
  removePlan(file: string): boolean {
    const entry = this.byFile.get(file);
    if (!entry) return false;
    this.changes++;
    this.readDocTerms();
    for (let d = entry.start; d < entry.end; d++) {
      if (!this.alive[d]) continue;
      this.alive[d] = 0;
      const item = entry.plan.items[d - entry.start];
      if (item) this.eachGram(indexedText(item), (g) => void (this.gramDf[g] = (this.gramDf[g] as number) - 1));
      for (let k = this.docTermOff[d] as number; k < (this.docTermOff[d + 1] as number); k++) {
        const id = this.docTermIds.a[k] as number;
        this.df[id] = Math.max(0, (this.df[id] as number) - 1);
      }
      this.liveDocs--;
      this.deadDocs++;
      this.titleTotal -= this.titleLen[d] as number;
      this.bodyTotal -= this.bodyLen[d] as number;
    }
    this.byFile.delete(file);
    this.ranksDirty = true;
    if (this.deadDocs > COMPACT_SHARE * (this.liveDocs + this.deadDocs)) this.compact();
    return true;
  }

  /** Drop dead items from the postings and renumber the live ones (in order). */
  private compact(): void {
    this.changes++;
    this.readDocTerms();
    const n = this.nDocs;
    const map = new Int32Array(n).fill(-1);
    let m = 0;
    for (let d = 0; d < n; d++) if (this.alive[d]) map[d] = m++;
    const docTermOff = new Uint32Array(m + 1);
    const docTermIds = new IntList(this.docTermIds.n);
    const docItem: string[] = [];
    for (let d = 0; d < n; d++) {
      const to = map[d] as number;
      if (to < 0) continue;
      this.docFile[to] = this.docFile[d] as number;
      this.titleLen[to] = this.titleLen[d] as number;
      this.bodyLen[to] = this.bodyLen[d] as number;
      this.itemRank[to] = this.itemRank[d] as number;
      docItem.push(this.docItem[d] as string);
      for (let k = this.docTermOff[d] as number; k < (this.docTermOff[d + 1] as number); k++) docTermIds.push(this.docTermIds.a[k] as number);
      docTermOff[to + 1] = docTermIds.n;
    }
    this.docItem = docItem;
    this.docTermOff = ensure(docTermOff, this.docFile.length + 1);
    this.docTermIds.a = docTermIds.a;
    this.docTermIds.n = docTermIds.n;
    this.terms.seal(this.termList.length, map);
    if (this.gramsBuilt) this.grams.seal(this.gramIds.size, map);
    // A live file's items are all alive and consecutive: its range moves to where its first item went.
    const liveBefore = new Int32Array(n + 1);
    for (let d = 0; d < n; d++) liveBefore[d + 1] = (liveBefore[d] as number) + (this.alive[d] ? 1 : 0);
    for (const e of this.byFile.values()) {
      const len = e.end - e.start;
      e.start = liveBefore[e.start] as number;
      e.end = e.start + len;
    }
    this.alive.fill(0);
    this.alive.fill(1, 0, m);
    this.nDocs = m;
    this.deadDocs = 0;
  }

  /** File ranks in collation order (the tie-break of equal scores: file, then item, as localeCompare orders them). */
  private ensureRanks(): void {
    if (!this.ranksDirty) return;
    const live = [...this.byFile.entries()].sort((a, b) => collator.compare(a[0], b[0]));
    live.forEach(([name, e], i) => {
      const prev = live[i - 1];
      this.fileRank[e.id] = prev && collator.compare(prev[0], name) === 0 ? (this.fileRank[prev[1].id] as number) : i;
    });
    this.ranksDirty = false;
  }

  private ensureScratch(): void {
    const n = this.nDocs;
    if (this.acc.length >= n) return;
    const cap = Math.max(n, this.acc.length * 2, 64);
    this.acc = new Float64Array(cap);
    this.cov = new Float64Array(cap);
    this.tcov = new Float64Array(cap);
    this.best = new Float64Array(cap);
    this.credit = new Float64Array(cap);
    this.tcredit = new Float64Array(cap);
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

  private resolve(c: Concept, cw: number): RConcept {
    const terms: RTerm[] = [];
    let ub = 0;
    let work = 0;
    const sum = c.mode === 'sum';
    for (const { term, weight, cover = 1 } of c.terms) {
      const id = this.termIds.get(term);
      if (id === undefined || !this.df[id]) continue;
      const idf = this.idfOfDf(this.df[id] as number);
      terms.push({ id, weight, cover, idf });
      const most = weight * idf * (K1 + 1);
      ub = sum ? ub + most : Math.max(ub, most);
      work += this.terms.length(id);
    }
    if (terms.length || !c.grams?.length) return { terms, sum, cw, ub, work };
    const ids: number[] = [];
    let idfSum = 0;
    for (const g of c.grams) {
      const code = g.length === 2 ? gramCodeAt(g, 0) : -1;
      const id = code < 0 ? -1 : this.gramIds.get(code);
      if (id < 0) continue;
      const len = this.gramDf[id] as number;
      if (!len) continue;
      ids.push(id);
      idfSum += this.idfOfDf(len);
      work += len;
    }
    const avgIdf = idfSum / c.grams.length;
    return { terms, sum, cw, grams: { ids, count: c.grams.length, avgIdf }, ub: GRAM_WEIGHT * avgIdf, work };
  }

  /** A term's score for doc d with packed frequencies (title × 65536 + body). */
  private termScore(t: RTerm, d: number, packed: number, avgT: number, avgB: number): number {
    const tfT = Math.floor(packed / 0x10000);
    const tfB = packed & 0xffff;
    const tt = tfT ? (FIELD_BOOST.title * tfT) / (1 - B_TITLE + (B_TITLE * (this.titleLen[d] as number)) / avgT) : 0;
    const tb = tfB ? (FIELD_BOOST.body * tfB) / (1 - B_BODY + (B_BODY * (this.bodyLen[d] as number)) / avgB) : 0;
    const tf = tt + tb;
    return t.weight * t.idf * ((tf * (K1 + 1)) / (tf + K1));
  }

  /** Ranked items for a list of concepts. */
  searchConcepts(concepts: Concept[], options: SearchOptions = {}): SearchHit[] {
    if (!concepts.length || !this.liveDocs) return [];
    this.stats.searches++;
    this.ensureScratch();
    this.ensureRanks();
    const avgT = this.titleTotal / this.liveDocs || 1;
    const avgB = this.bodyTotal / this.liveDocs || 1;
    const weights = concepts.map((c) => this.conceptWeight(c));
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    const rc = concepts.map((c, ci) => this.resolve(c, (weights[ci] as number) / total));
    const limit = options.limit && options.limit > 0 ? options.limit : undefined;
    const work = rc.reduce((s, c) => s + c.work, 0);

    const files = options.files;
    let allowed: Uint8Array | undefined;
    let pool: Int32Array;
    let poolSize: number;
    if (files && files.size < this.byFile.size) {
      const ranges = [...files].map((f) => this.byFile.get(f)).filter((e): e is FileEntry => !!e).sort((a, b) => a.start - b.start);
      const count = ranges.reduce((s, e) => s + e.end - e.start, 0);
      if (count * 16 < work) {
        // Few items allowed: look each one up rather than scan the lists.
        const cands = new Int32Array(count);
        let k = 0;
        for (const e of ranges) for (let d = e.start; d < e.end; d++) if (this.alive[d]) cands[k++] = d;
        this.stats.lookups++;
        poolSize = this.probe(rc, 0, cands, k, limit, avgT, avgB);
        pool = cands;
        return this.finish(rc, pool, poolSize, limit, avgT, avgB);
      }
      allowed = new Uint8Array(this.nDocs);
      for (const e of ranges) allowed.fill(1, e.start, e.end);
    }

    // Score list by list, in the concepts' order; with a limit, switch to lookups once the rest cannot matter.
    const touched = new IntList(1024);
    const suffixUb = new Float64Array(rc.length + 1);
    const suffixWork = new Float64Array(rc.length + 1);
    for (let i = rc.length - 1; i >= 0; i--) {
      suffixUb[i] = (suffixUb[i + 1] as number) + (rc[i] as RConcept).ub;
      suffixWork[i] = (suffixWork[i + 1] as number) + (rc[i] as RConcept).work;
    }
    for (let ci = 0; ci < rc.length; ci++) {
      this.scanConcept(rc[ci] as RConcept, allowed, touched, avgT, avgB);
      const restUb = suffixUb[ci + 1] as number;
      const restWork = suffixWork[ci + 1] as number;
      if (!limit || restWork === 0 || touched.n <= limit || restWork < touched.n) continue;
      const theta = this.kthScore(touched.a, touched.n, limit);
      if (!(restUb < theta * SLACK)) continue;
      const cands = new Int32Array(touched.n);
      let k = 0;
      for (let i = 0; i < touched.n; i++) {
        const d = touched.a[i] as number;
        if ((this.acc[d] as number) + restUb >= theta * SLACK) cands[k++] = d;
      }
      const sorted = cands.subarray(0, k).sort();
      if (k * Math.log2(restWork / k + 2) * 4 >= restWork) continue;
      this.stats.pruned++;
      poolSize = this.probe(rc, ci + 1, sorted, k, limit, avgT, avgB);
      const result = this.finish(rc, sorted, poolSize, limit, avgT, avgB);
      this.reset(touched.a, touched.n);
      return result;
    }
    const result = this.finish(rc, touched.a, touched.n, limit, avgT, avgB);
    this.reset(touched.a, touched.n);
    return result;
  }

  /** Score one concept over its posting lists, folding it into acc/cov/tcov for every item it matches. */
  private scanConcept(c: RConcept, allowed: Uint8Array | undefined, touched: IntList, avgT: number, avgB: number): void {
    const { acc, cov, tcov, best, credit, tcredit, mark, hit, alive } = this;
    const cw = c.cw;
    const terms = this.terms;
    if (c.terms.length === 1 && !c.sum) {
      // One term: its score is the concept's.
      const t = c.terms[0] as RTerm;
      const tcw = t.weight >= 1 ? cw * t.cover : 0;
      const ccw = cw * t.cover;
      // BM25F of one term, as termScore computes it (the same operations in the same order, so the same bits),
      // inlined over the list: the hottest loop of a search.
      const wi = t.weight * t.idf;
      const titleLen = this.titleLen;
      const bodyLen = this.bodyLen;
      const tail = terms.tail(t.id);
      for (let part = 0; part < 2; part++) {
        const docs = part === 0 ? terms.docs : tail?.docs;
        const vals = part === 0 ? terms.vals : tail?.vals;
        if (!docs || !vals) continue;
        const from = part === 0 ? terms.baseStart(t.id) : 0;
        const to = part === 0 ? terms.baseEnd(t.id) : docs.length;
        for (let i = from; i < to; i++) {
          const d = docs[i] as number;
          if (!alive[d] || (allowed !== undefined && !allowed[d])) continue;
          const packed = vals[i] as number;
          const tfT = Math.floor(packed / 0x10000);
          const tfB = packed & 0xffff;
          const tt = tfT ? (FIELD_BOOST.title * tfT) / (1 - B_TITLE + (B_TITLE * (titleLen[d] as number)) / avgT) : 0;
          const tb = tfB ? (FIELD_BOOST.body * tfB) / (1 - B_BODY + (B_BODY * (bodyLen[d] as number)) / avgB) : 0;
          const tf = tt + tb;
          acc[d] = (acc[d] as number) + wi * ((tf * (K1 + 1)) / (tf + K1));
          cov[d] = (cov[d] as number) + ccw;
          if (tfT) tcov[d] = (tcov[d] as number) + tcw;
          if (!hit[d]) {
            hit[d] = 1;
            touched.push(d);
          }
        }
      }
      return;
    }
    const local = new IntList(256);
    const sum = c.sum;
    for (const t of c.terms) {
      const visit = (d: number, packed: number) => {
        if (!alive[d] || (allowed && !allowed[d])) return;
        const s = this.termScore(t, d, packed, avgT, avgB);
        if (!mark[d]) {
          mark[d] = 1;
          local.push(d);
        }
        const tfT = packed >= 0x10000;
        if (sum) {
          best[d] = (best[d] as number) + s;
          credit[d] = Math.min(1, (credit[d] as number) + t.cover);
          if (tfT) tcredit[d] = Math.min(1, (tcredit[d] as number) + t.cover);
          return;
        }
        if (s > (best[d] as number)) best[d] = s;
        // Coverage credit: the best cover of the terms found. Title coverage counts the words asked only: a title
        // holding the word asked is about the question; one holding a synonym of a side word may not be.
        if (t.cover > (credit[d] as number)) credit[d] = t.cover;
        if (tfT && t.weight >= 1 && t.cover > (tcredit[d] as number)) tcredit[d] = t.cover;
      };
      const docs = terms.docs;
      const vals = terms.vals;
      for (let i = terms.baseStart(t.id), end = terms.baseEnd(t.id); i < end; i++) visit(docs[i] as number, vals[i] as number);
      const tail = terms.tail(t.id);
      if (tail) for (let i = 0; i < tail.docs.length; i++) visit(tail.docs[i] as number, tail.vals[i] as number);
    }
    if (!c.terms.length && c.grams) this.gramScan(c.grams, allowed, local);
    for (let i = 0; i < local.n; i++) {
      const d = local.a[i] as number;
      acc[d] = (acc[d] as number) + (best[d] as number);
      cov[d] = (cov[d] as number) + cw * (credit[d] as number);
      tcov[d] = (tcov[d] as number) + cw * (tcredit[d] as number);
      if (!hit[d]) {
        hit[d] = 1;
        touched.push(d);
      }
      mark[d] = 0;
      best[d] = 0;
      credit[d] = 0;
      tcredit[d] = 0;
    }
  }

  /** Items holding most of a word's bigrams: a weak, partial match for a word the corpus does not hold whole. */
  private gramScan(g: NonNullable<RConcept['grams']>, allowed: Uint8Array | undefined, local: IntList): void {
    if (g.ids.length) this.ensureGrams();
    const counts = new Map<number, number>();
    const count = (d: number) => {
      if (this.alive[d] && (!allowed || allowed[d])) counts.set(d, (counts.get(d) ?? 0) + 1);
    };
    for (const id of g.ids) {
      for (let i = this.grams.baseStart(id), end = this.grams.baseEnd(id); i < end; i++) count(this.grams.docs[i] as number);
      for (const d of this.grams.tail(id)?.docs ?? []) count(d);
    }
    for (const [d, k] of counts) {
      const share = k / g.count;
      if (share < GRAM_MIN_SHARE) continue;
      if (!this.mark[d]) {
        this.mark[d] = 1;
        local.push(d);
      }
      this.best[d] = GRAM_WEIGHT * share * g.avgIdf;
      this.credit[d] = GRAM_WEIGHT * share;
    }
  }

  /** One concept for one doc, by lookups: sets eBest, eCredit, eTcredit, eTerm; returns whether the doc matched. */
  private evalConcept(c: RConcept, d: number, avgT: number, avgB: number): boolean {
    let matched = false;
    let best = 0;
    let credit = 0;
    let tcredit = 0;
    let term = -1;
    for (const t of c.terms) {
      const packed = this.terms.find(t.id, d);
      if (packed < 0) continue;
      matched = true;
      const s = this.termScore(t, d, packed, avgT, avgB);
      const tfT = packed >= 0x10000;
      if (c.sum) {
        best += s;
        credit = Math.min(1, credit + t.cover);
        if (tfT) tcredit = Math.min(1, tcredit + t.cover);
        if (term === -1) term = t.id;
        continue;
      }
      if (s > best) {
        best = s;
        term = t.id;
      }
      if (t.cover > credit) credit = t.cover;
      if (tfT && t.weight >= 1 && t.cover > tcredit) tcredit = t.cover;
    }
    if (!c.terms.length && c.grams) {
      if (c.grams.ids.length) this.ensureGrams();
      let k = 0;
      for (const id of c.grams.ids) if (this.grams.find(id, d) >= 0) k++;
      const share = k / c.grams.count;
      if (share >= GRAM_MIN_SHARE) {
        matched = true;
        best = GRAM_WEIGHT * share * c.grams.avgIdf;
        credit = GRAM_WEIGHT * share;
      }
    }
    this.eBest = best;
    this.eCredit = credit;
    this.eTcredit = tcredit;
    this.eTerm = term;
    return matched;
  }

  /**
   * Concepts from `from` on by lookups, for the candidates only (ascending doc ids, alive); after each concept the
   * candidates that can no longer reach the `limit`-th best score are dropped. Returns how many remain (in place).
   */
  private probe(rc: RConcept[], from: number, cands: Int32Array, n: number, limit: number | undefined, avgT: number, avgB: number): number {
    const { acc, cov, tcov, hit } = this;
    let k = n;
    for (let ci = from; ci < rc.length; ci++) {
      const c = rc[ci] as RConcept;
      for (let i = 0; i < k; i++) {
        const d = cands[i] as number;
        if (!this.evalConcept(c, d, avgT, avgB)) continue;
        acc[d] = (acc[d] as number) + this.eBest;
        cov[d] = (cov[d] as number) + c.cw * this.eCredit;
        tcov[d] = (tcov[d] as number) + c.cw * this.eTcredit;
        hit[d] = 1;
      }
      if (!limit || k <= limit || ci === rc.length - 1) continue;
      let restUb = 0;
      for (let j = ci + 1; j < rc.length; j++) restUb += (rc[j] as RConcept).ub;
      const theta = this.kthScore(cands, k, limit);
      let m = 0;
      for (let i = 0; i < k; i++) {
        const d = cands[i] as number;
        if ((acc[d] as number) + restUb >= theta * SLACK) cands[m++] = d;
        else this.clear(d);
      }
      k = m;
    }
    // Items no concept matched are no hits.
    let m = 0;
    for (let i = 0; i < k; i++) {
      const d = cands[i] as number;
      if (hit[d]) cands[m++] = d;
    }
    return m;
  }

  /** The `k`-th largest acc among the first n docs of `docs` (n > k). */
  private kthScore(docs: Int32Array, n: number, k: number): number {
    if (this.select.length < n) this.select = new Float64Array(Math.max(n, this.select.length * 2));
    const xs = this.select;
    for (let i = 0; i < n; i++) xs[i] = this.acc[docs[i] as number] as number;
    // Quickselect for the (k-1)-th element in descending order.
    let lo = 0;
    let hi = n - 1;
    const want = k - 1;
    while (lo < hi) {
      const pivot = xs[(lo + hi) >>> 1] as number;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while ((xs[i] as number) > pivot) i++;
        while ((xs[j] as number) < pivot) j--;
        if (i <= j) {
          const t = xs[i] as number;
          xs[i] = xs[j] as number;
          xs[j] = t;
          i++;
          j--;
        }
      }
      if (want <= j) hi = j;
      else if (want >= i) lo = i;
      else break;
    }
    return xs[want] as number;
  }

  /** Is doc a ranked before doc b (score, then file and item in collation order)? */
  private before(a: number, b: number): boolean {
    const sa = this.acc[a] as number;
    const sb = this.acc[b] as number;
    if (sa !== sb) return sa > sb;
    const fa = this.fileRank[this.docFile[a] as number] as number;
    const fb = this.fileRank[this.docFile[b] as number] as number;
    if (fa !== fb) return fa < fb;
    const ra = this.itemRank[a] as number;
    const rb = this.itemRank[b] as number;
    return ra !== rb ? ra < rb : a < b;
  }

  /** The best `limit` docs of the pool (all with no limit), ranked, as hits. */
  private finish(rc: RConcept[], pool: Int32Array, n: number, limit: number | undefined, avgT: number, avgB: number): SearchHit[] {
    let chosen: number[];
    if (limit && n > limit) {
      // The `limit`-th best score, then the docs above it and those equal to it (ties broken by file and item).
      const theta = this.kthScore(pool, n, limit);
      const above: number[] = [];
      const at: number[] = [];
      const acc = this.acc;
      for (let i = 0; i < n; i++) {
        const d = pool[i] as number;
        const x = acc[d] as number;
        if (x > theta) above.push(d);
        else if (x === theta) at.push(d);
      }
      if (above.length + at.length > limit) at.sort((a, b) => (this.before(a, b) ? -1 : 1));
      chosen = above.concat(at.slice(0, limit - above.length));
    } else chosen = Array.from(pool.subarray(0, n));
    chosen.sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
    const changes = this.changes;
    // One source per search, shared by its hits: a hit holds its doc and works out its terms when read.
    const source: HitSource = {
      matched: (d) => {
        if (this.changes !== changes) throw new Error('a search hit\'s terms were read after the index changed');
        const terms: string[] = [];
        // A concept counts as matched when found whole: one part of a word (分类 of 垃圾分类) is not.
        for (const c of rc) {
          if (this.evalConcept(c, d, avgT, avgB) && this.eTerm >= 0 && (!c.sum || this.eCredit >= WHOLE)) terms.push(this.termList[this.eTerm] as string);
        }
        return terms;
      },
    };
    const hits = chosen.map(
      (d): SearchHit =>
        new RankedHit(
          this.fileNames[this.docFile[d] as number] as string,
          this.docItem[d] as string,
          this.acc[d] as number,
          Math.min(1, this.cov[d] as number),
          Math.min(1, this.tcov[d] as number),
          d,
          source,
        ),
    );
    this.reset(pool, n);
    return hits;
  }

  /** The index as bytes (dead items dropped, postings laid out): `saveParts`, its lazy sections after the rest. */
  save(): Uint8Array {
    const { eager, lazy } = this.saveParts();
    return packSections(eager, lazy);
  }

  /**
   * The index as bytes in two parts: `eager` (a header, then the arrays a search reads at once, 8-byte aligned)
   * and `lazy`, the arrays a loaded index reads only when it needs them (see loadParts): each doc's term ids (read
   * by a removal), the term posting lists (each read by the first search for its term), the bigram lists.
   */
  saveParts(): { eager: Uint8Array; lazy: Uint8Array[] } {
    if (this.deadDocs) this.compact();
    this.readDocTerms();
    this.seal();
    const n = this.nDocs;
    const header = {
      format: FORMAT,
      docs: n,
      titleTotal: this.titleTotal,
      bodyTotal: this.bodyTotal,
      terms: this.termList,
      items: this.docItem.slice(0, n),
      files: this.fileNames,
      live: [...this.byFile].map(([name, e]) => [name, e.id, e.start, e.end]),
      gramsBuilt: this.gramsBuilt,
    };
    const eager: ArrayBufferView[] = [
      this.docFile.subarray(0, n),
      this.titleLen.subarray(0, n),
      this.bodyLen.subarray(0, n),
      this.itemRank.subarray(0, n),
      this.docTermOff.subarray(0, n + 1),
      this.df.subarray(0, this.termList.length),
      this.terms.off,
      this.gramIds.keysById(),
      this.gramDf.subarray(0, this.gramIds.size),
      this.gramsBuilt ? this.grams.off : new Uint32Array(0),
    ];
    const lazy = [this.docTermIds.view(), this.terms.docs, this.terms.vals, this.gramsBuilt ? this.grams.docs : new Int32Array(0)];
    return { eager: packSections(Buffer.from(JSON.stringify(header)), eager), lazy: lazy.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) };
  }

  /**
   * Restore an index from `save`, with the plans it was built from (by file); the tokenizer must hold the same
   * dictionary (unit names included).
   */
  static load(bytes: Uint8Array, tokenizer: Tokenizer, planOf: (file: string) => WorkPlan | undefined): ItemIndex {
    const [eager, ...lazy] = unpackSections(bytes);
    if (!eager || lazy.length !== LAZY_SECTIONS) throw new Error('saved index is incomplete');
    return ItemIndex.loadParts(eager, lazySectionsOf(lazy), tokenizer, planOf);
  }

  /**
   * Restore an index from `saveParts`: the eager part now, the lazy sections read from `lazy` when first needed
   * (which must stay readable until then, see LazySections).
   */
  static loadParts(eagerBytes: Uint8Array, lazy: LazySections, tokenizer: Tokenizer, planOf: (file: string) => WorkPlan | undefined): ItemIndex {
    const [head, ...s] = unpackSections(eagerBytes);
    const h = JSON.parse(Buffer.from(head as Uint8Array).toString('utf8')) as {
      format: number;
      docs: number;
      titleTotal: number;
      bodyTotal: number;
      terms: string[];
      items: string[];
      files: string[];
      live: [string, number, number, number][];
      gramsBuilt: boolean;
    };
    if (h.format !== FORMAT) throw new Error(`saved index format ${h.format}, expected ${FORMAT}`);
    const i32 = (u: Uint8Array) => new Int32Array(u.buffer, u.byteOffset, u.byteLength / 4);
    const u32 = (u: Uint8Array) => new Uint32Array(u.buffer, u.byteOffset, u.byteLength / 4);
    if (s.length !== 10 || lazy.lengths.length !== LAZY_SECTIONS) throw new Error('saved index is incomplete');
    const [docFile, titleLen, bodyLen, itemRank, docTermOff, df, termOff, gramKeys, gramDf, gramOff] = s as [
      Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array,
    ];
    // The lazy arrays: zeroed at their full length (the system maps their pages only once written), read in place.
    const [termIdsBytes, termDocsBytes, termValsBytes, gramDocsBytes] = lazy.lengths as [number, number, number, number];
    const docTermIds = new Int32Array(termIdsBytes / 4);
    const termDocs = new Int32Array(termDocsBytes / 4);
    const termVals = new Uint32Array(termValsBytes / 4);
    const gramDocs = new Int32Array(gramDocsBytes / 4);
    const readInto = (k: number, a: Int32Array | Uint32Array, from: number, to: number) => lazy.read(k, from * 4, new Uint8Array(a.buffer, a.byteOffset + from * 4, (to - from) * 4));
    const lastOf = (u: Uint8Array) => (u.byteLength ? u32(u)[u.byteLength / 4 - 1] : 0);
    if (lastOf(termOff) !== termDocs.length || termVals.length !== termDocs.length || lastOf(docTermOff) !== docTermIds.length || (h.gramsBuilt && lastOf(gramOff) !== gramDocs.length)) {
      throw new Error('saved index is inconsistent');
    }
    const index = new ItemIndex(tokenizer);
    const n = h.docs;
    index.nDocs = n;
    index.docFile = i32(docFile);
    index.titleLen = i32(titleLen);
    index.bodyLen = i32(bodyLen);
    index.itemRank = i32(itemRank);
    index.alive = new Uint8Array(n).fill(1);
    index.docItem = h.items;
    index.docTermOff = u32(docTermOff);
    index.docTermIds.a = docTermIds;
    index.docTermIds.n = docTermIds.length;
    index.docTermsUnread = () => readInto(0, docTermIds, 0, docTermIds.length);
    index.termList = h.terms;
    h.terms.forEach((t, id) => index.termIds.set(t, id));
    index.df = ensure(i32(df).slice(), h.terms.length + 1);
    index.bodyCount = new Uint16Array(index.df.length);
    index.titleCount = new Uint16Array(index.df.length);
    index.terms.load(u32(termOff), termDocs, termVals, (from, to) => {
      readInto(1, termDocs, from, to);
      readInto(2, termVals, from, to);
    });
    index.gramIds = IntIdMap.ofKeys(i32(gramKeys));
    index.gramLast = new Int32Array(Math.max(1024, index.gramIds.size));
    index.gramDf = ensure(i32(gramDf).slice(), index.gramIds.size + 1);
    index.gramsBuilt = h.gramsBuilt;
    if (h.gramsBuilt) index.grams.load(u32(gramOff), gramDocs, new Uint32Array(0), (from, to) => readInto(3, gramDocs, from, to));
    index.fileNames = h.files;
    index.fileRank = new Int32Array(Math.max(64, h.files.length));
    for (const [name, id, start, end] of h.live) {
      // The plan's items are not read here (a loaded plan may decode them only when asked): the caller vouches that
      // they are the ones saved.
      const plan = planOf(name);
      if (!plan) throw new Error(`saved index does not match the plan of ${name}`);
      index.byFile.set(name, { id, plan, start, end });
    }
    index.ranksDirty = true;
    index.liveDocs = n;
    index.titleTotal = h.titleTotal;
    index.bodyTotal = h.bodyTotal;
    return index;
  }

  private clear(d: number): void {
    this.acc[d] = 0;
    this.cov[d] = 0;
    this.tcov[d] = 0;
    this.hit[d] = 0;
  }

  private reset(docs: Int32Array, n: number): void {
    for (let i = 0; i < n; i++) this.clear(docs[i] as number);
  }
}

/** The Chinese bigrams of a word of three or more characters (a two-character word is its own only bigram). */
export function gramsOf(word: string): string[] | undefined {
  if (!/^[\u3400-\u9fff]{2,}$/.test(word)) return undefined;
  const out: string[] = [];
  for (let i = 0; i + 1 < word.length; i++) out.push(word.slice(i, i + 2));
  return out.length > 1 ? out : undefined;
}
