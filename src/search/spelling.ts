/**
 * Spelling correction for questions. Chinese typos are mostly input-method homophones (依申情 → 依申请, 网占 → 网站,
 * 规化 → 规划, 舆请 → 舆情, 公抱 → 公报) and sometimes a one-character slip (公廾 → 公开). A stretch of the question
 * is suspect when it holds a character pair that no loaded item holds and jieba does not know it as a word; it is
 * corrected to a word of the known vocabulary (the corpus, the 政务 terms, the thesaurus, unit and region names)
 * that sounds the same (pinyin, tones ignored, any reading of a 多音字) or differs in one character. A correction
 * is applied when one candidate is clearly best; otherwise the candidates are offered (您是不是要找).
 */
import { createRequire } from 'node:module';

/**
 * pinyin-pro, loaded the first time a reading is needed (its dictionaries weigh tens of MB, and most questions
 * have no typo to read).
 */
let pinyinLib: typeof import('pinyin-pro') | undefined;
const pinyin: (typeof import('pinyin-pro'))['pinyin'] = ((text: string, options: object) => {
  pinyinLib ??= createRequire(import.meta.url)('pinyin-pro') as typeof import('pinyin-pro');
  return pinyinLib.pinyin(text, options);
}) as (typeof import('pinyin-pro'))['pinyin'];

export interface Correction {
  /** What was typed. */
  from: string;
  /** The vocabulary word it was read as. */
  to: string;
  kind: 'homophone' | 'edit';
}

export interface SpellResult {
  /** The text with unambiguous corrections applied. */
  text: string;
  corrections: Correction[];
  /** Candidates for stretches that could not be corrected unambiguously. */
  suggestions: string[];
}

export interface SpellingSources {
  /** Does any loaded item hold this two-character pair? */
  hasBigram(gram: string): boolean;
  /** The question's words as the segmenter cuts them (a typo falls apart into single characters: 政府/公/抱). */
  segment(text: string): string[];
  /** A particle, question or filler word (有, 几, 咋, 呢): never the stray character of a typo. */
  isFunctionWord(word: string): boolean;
  /** Is this a word of its own to the segmenter (then it is no typo)? */
  isWord(text: string): boolean;
  /** How common a vocabulary word is (document frequency; higher wins a tie). */
  frequency(word: string): number;
}

const HAN = /^[\u3400-\u9fff]+$/;
const MIN_LEN = 2;
const MAX_LEN = 8;
/** One-character slips are only read into words at least this long (公开 is too short to guess from 公x). */
const EDIT_MIN_LEN = 4;
/** A homophone this long is read as the word even over a real word (政策解毒 → 政策解读). */
const LONG_HOMOPHONE = 4;

function readings(ch: string): string[] {
  const r = pinyin(ch, { toneType: 'none', type: 'array', multiple: true, v: true }) as string[];
  return r.length ? [...new Set(r)] : [ch];
}

function contextual(word: string): string {
  return (pinyin(word, { toneType: 'none', type: 'array', v: true }) as string[]).join(' ');
}

/**
 * Readings worked out once and kept across correctors (a corrector is rebuilt when the documents change): each
 * word's contextual pinyin, each character's readings. Bounded by the vocabulary and the characters asked.
 */
export interface PinyinMemo {
  words: Map<string, string>;
  chars: Map<string, string[]>;
}

export function pinyinMemo(): PinyinMemo {
  return { words: new Map(), chars: new Map() };
}

export class SpellingCorrector {
  private byPinyin?: Map<string, string[]>;
  private byMask?: Map<string, string[]>;
  /** The vocabulary, gathered the first time a stretch is suspect (most questions have none). */
  private vocabulary: Set<string> | undefined;
  private gather: (() => Iterable<string>) | undefined;
  private readonly charReadings: Map<string, string[]>;
  private readonly wordReadings: Map<string, string>;
  /** The segmentation of the run being corrected: single-character words, and those that are no particle. */
  private window: { single: boolean[]; anchor: boolean[] } = { single: [], anchor: [] };

  constructor(
    vocabulary: Iterable<string> | (() => Iterable<string>),
    private readonly sources: SpellingSources,
    memo: PinyinMemo = pinyinMemo(),
  ) {
    this.charReadings = memo.chars;
    this.wordReadings = memo.words;
    this.gather = typeof vocabulary === 'function' ? vocabulary : () => vocabulary;
  }

  private get words(): Set<string> {
    if (!this.vocabulary) {
      const words = new Set<string>();
      for (const w of (this.gather as () => Iterable<string>)()) if (w.length >= MIN_LEN && w.length <= MAX_LEN && HAN.test(w)) words.add(w);
      this.vocabulary = words;
      this.gather = undefined;
    }
    return this.vocabulary;
  }

  /** Add words (a new document's units, an admin's thesaurus); the lookup tables are rebuilt on next use. */
  addWords(words: Iterable<string>): void {
    for (const w of words) if (w.length >= MIN_LEN && w.length <= MAX_LEN && HAN.test(w)) this.words.add(w);
    this.byPinyin = undefined;
    this.byMask = undefined;
  }

  private tables(): { byPinyin: Map<string, string[]>; byMask: Map<string, string[]> } {
    if (!this.byPinyin || !this.byMask) {
      const byPinyin = new Map<string, string[]>();
      const byMask = new Map<string, string[]>();
      for (const w of this.words) {
        let reading = this.wordReadings.get(w);
        if (reading === undefined) this.wordReadings.set(w, (reading = contextual(w)));
        const key = `${w.length}|${reading}`;
        (byPinyin.get(key) ?? byPinyin.set(key, []).get(key)!).push(w);
        if (w.length >= EDIT_MIN_LEN) {
          for (let i = 0; i < w.length; i++) {
            const m = `${w.slice(0, i)}*${w.slice(i + 1)}`;
            (byMask.get(m) ?? byMask.set(m, []).get(m)!).push(w);
          }
        }
      }
      this.byPinyin = byPinyin;
      this.byMask = byMask;
    }
    return { byPinyin: this.byPinyin, byMask: this.byMask };
  }

  private readingsOf(ch: string): string[] {
    let r = this.charReadings.get(ch);
    if (!r) {
      r = readings(ch);
      this.charReadings.set(ch, r);
    }
    return r;
  }

  /** Vocabulary words that sound like `w` (every character may take any of its readings). */
  private homophones(w: string): string[] {
    const { byPinyin } = this.tables();
    let keys = [''];
    for (const ch of w) {
      const rs = this.readingsOf(ch);
      const next: string[] = [];
      for (const k of keys) for (const r of rs) next.push(k ? `${k} ${r}` : r);
      keys = next.slice(0, 64);
    }
    const out = new Set<string>();
    for (const k of keys) for (const x of byPinyin.get(`${w.length}|${k}`) ?? []) if (x !== w) out.add(x);
    return [...out];
  }

  /** Vocabulary words one character away from `w`. */
  private oneEdit(w: string): string[] {
    if (w.length < EDIT_MIN_LEN) return [];
    const { byMask } = this.tables();
    const out = new Set<string>();
    for (let i = 0; i < w.length; i++) for (const x of byMask.get(`${w.slice(0, i)}*${w.slice(i + 1)}`) ?? []) if (x !== w) out.add(x);
    return [...out];
  }

  /** Is this stretch suspect: a pair no item holds, and (unless long) not a word of its own? */
  private suspect(s: string, long = false): boolean {
    // The pairs first: a stretch whose pairs the items all hold is no typo, and needs no vocabulary gathered.
    let unseen = false;
    for (let i = 0; i + 1 < s.length && !unseen; i++) if (!this.sources.hasBigram(s.slice(i, i + 2))) unseen = true;
    return unseen && !this.words.has(s) && (long || !this.sources.isWord(s));
  }

  correct(text: string): SpellResult {
    const corrections: Correction[] = [];
    const suggestions: string[] = [];
    let out = '';
    let last = 0;
    for (const run of text.matchAll(/[\u3400-\u9fff]{2,}/g)) {
      const s = run[0];
      const base = run.index ?? 0;
      // A typo falls apart into single characters (依/申/情, 政府/公/抱): those are where a correction may change
      // a character, and a window must hold one that is no particle (an anchor).
      const single = new Array<boolean>(s.length).fill(false);
      const anchor = new Array<boolean>(s.length).fill(false);
      let at = 0;
      for (const w of this.sources.segment(s)) {
        if (w.length === 1) {
          single[at] = true;
          anchor[at] = !this.sources.isFunctionWord(w);
        }
        at += w.length;
      }
      this.window = { single, anchor };
      let i = 0;
      while (i < s.length - 1) {
        const fix = this.bestAt(s, i);
        if (!fix) {
          i++;
          continue;
        }
        if (Array.isArray(fix)) {
          for (const x of fix) if (!suggestions.includes(x)) suggestions.push(x);
          i++;
          continue;
        }
        out += text.slice(last, base + fix.start) + fix.to;
        last = base + fix.end;
        corrections.push({ from: s.slice(fix.start, fix.end), to: fix.to, kind: fix.kind });
        i = fix.end;
      }
    }
    out += text.slice(last);
    return { text: out, corrections, suggestions };
  }

  /** Is `to` an acceptable reading of the window at `start`: it changes only the characters a typo leaves alone? */
  private fits(w: string, to: string, start: number, kind: Correction['kind']): boolean {
    const diff: number[] = [];
    for (let k = 0; k < w.length; k++) if (w[k] !== to[k]) diff.push(start + k);
    if (!diff.length) return false;
    // A long homophone (政策解毒 → 政策解读: four or more characters sounding alike) is specific enough to stand
    // even when the typo happens to be a word of its own (解毒).
    if (kind === 'homophone' && w.length >= LONG_HOMOPHONE && diff.length <= 2) return true;
    // A homophone may change any stray character (舆/请 → 舆情); a slip only a stray character that is no particle.
    return kind === 'homophone' ? diff.every((k) => this.window.single[k]) : diff.length === 1 && diff.every((k) => this.window.anchor[k]);
  }

  /**
   * The best correction of a window starting at `start`: the longest window holding an anchor, holding a pair no
   * item holds, and with candidates wins; homophones beat one-character slips; a near tie is offered, not applied.
   */
  private bestAt(s: string, start: number): { start: number; end: number; to: string; kind: Correction['kind'] } | string[] | undefined {
    for (let len = Math.min(MAX_LEN, s.length - start); len >= MIN_LEN; len--) {
      const w = s.slice(start, start + len);
      const anchored = this.window.anchor.slice(start, start + len).some(Boolean) || len >= LONG_HOMOPHONE;
      if (!anchored || !this.suspect(w, len >= LONG_HOMOPHONE)) continue;
      for (const kind of ['homophone', 'edit'] as const) {
        const found = (kind === 'homophone' ? this.homophones(w) : this.oneEdit(w)).filter((x) => this.fits(w, x, start, kind));
        if (!found.length) continue;
        const ranked = found.map((x) => [x, this.sources.frequency(x)] as const).sort((a, b) => b[1] - a[1]);
        const [first, second] = ranked;
        if (first && (!second || first[1] > 2 * second[1] || (first[1] > 0 && second[1] === 0))) return { start, end: start + len, to: first[0], kind };
        return ranked.slice(0, 3).map(([x]) => x);
      }
    }
    return undefined;
  }
}
