/**
 * jieba's word cutting (no HMM, as the tokenizer always cuts) over a dictionary packed in typed arrays, so that a
 * restart reads the dictionary as bytes from the snapshot instead of building jieba's trie from its 349,046 lines
 * (150–200 ms on a 2-vCPU machine, most of a restart). A bulk cut (an index build) walks a trie of the words
 * instead (word-trie.ts) and gives the words as lengths: no string made per word, where the native jieba spends
 * most of its time (a cut of 1,000 documents: 0.4–0.5 s against 1.0–1.4 s). It follows jieba-rs step for step:
 * text split into runs of CJK, ASCII letters and digits and `+#&._%-` (every other character a token of its own,
 * \r\n together); in a run, every dictionary word starting at each character (a character no word starts with
 * stands alone with frequency 1); the route of highest Σ ln(freq) − ln(total), a tie going to the longer word;
 * single ASCII letters and digits in a row joined. Search mode adds the dictionary's two- and three-character
 * words inside longer words; tags come from the dictionary, else m (digits), eng (Latin) or x.
 *
 * test/search/segmenter.test.ts holds it to the native jieba on documents, questions and random text.
 */
import { WordTrie } from './word-trie.js';

/** Where the lengths of pieces go (an IntList, an array). */
export interface LengthSink {
  push(length: number): void;
}

/** The base dictionary: words sorted by UTF-16 code units, their frequencies and tags. */
export interface PackedDictionary {
  /** All words' characters, one word after another. */
  chars: Uint16Array;
  /** Word k is chars[starts[k]..starts[k+1]). */
  starts: Uint32Array;
  freqs: Float64Array;
  /** Index into tagNames. */
  tags: Uint16Array;
  tagNames: string[];
  /** Words by their first UTF-16 unit: those starting with u are firsts[u]…firsts[u + 1]. */
  firsts: Uint32Array;
  /** The frequencies' sum. */
  total: number;
}

/** A packed dictionary of these arrays, with its table of first units and total worked out. */
function finishPacking(d: Omit<PackedDictionary, 'firsts' | 'total'>): PackedDictionary {
  const n = d.freqs.length;
  let total = 0;
  for (let k = 0; k < n; k++) total += d.freqs[k] as number;
  // Sorted words: for each unit, the first word starting with it or a later one.
  const firsts = new Uint32Array(0x10001);
  let k = 0;
  for (let u = 0; u <= 0xffff; u++) {
    while (k < n && (d.chars[d.starts[k] as number] as number) < u) k++;
    firsts[u] = k;
  }
  firsts[0x10000] = n;
  return { ...d, firsts, total };
}

interface Entry {
  word: string;
  freq: number;
  tag: string;
}

/** Parse dictionary text (jieba's format: "word [freq] [tag]" a line) into entries, in jieba's order of loading. */
const SIMPLE_LINE = /^(\S+) (\d+) (\S+)$/;

function parseDict(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    // The usual line, "word freq tag", read at once (jieba's dictionary is 349,046 of them).
    const m = SIMPLE_LINE.exec(line);
    if (m) {
      out.push({ word: m[1] as string, freq: Number(m[2]), tag: m[3] as string });
      continue;
    }
    const parts = line.trim().split(/\s+/);
    const word = parts[0];
    if (!word) continue;
    const freqText = parts[1];
    if (freqText !== undefined && !/^\d+$/.test(freqText)) throw new Error(`dictionary line "${line}": frequency ${freqText} is not a number`);
    out.push({ word, freq: freqText === undefined ? 0 : Number(freqText), tag: parts[2] ?? '' });
  }
  return out;
}

/** Pack dictionary text (a word listed twice keeps its first tag and its last frequency, as jieba loads it). */
export function packDictionary(text: string): PackedDictionary {
  const lean = packSorted(text);
  if (lean) return lean;
  // Any other dictionary: parsed, merged and sorted.
  const byWord = new Map<string, Entry>();
  for (const e of parseDict(text)) {
    const known = byWord.get(e.word);
    if (known) known.freq = e.freq;
    else byWord.set(e.word, { ...e });
  }
  const entries = [...byWord.values()].sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  let size = 0;
  for (const e of entries) size += e.word.length;
  const chars = new Uint16Array(size);
  const starts = new Uint32Array(entries.length + 1);
  const freqs = new Float64Array(entries.length);
  const tags = new Uint16Array(entries.length);
  const tagIds = new Map<string, number>();
  let at = 0;
  entries.forEach((e, k) => {
    starts[k] = at;
    for (let i = 0; i < e.word.length; i++) chars[at++] = e.word.charCodeAt(i);
    freqs[k] = e.freq;
    let t = tagIds.get(e.tag);
    if (t === undefined) tagIds.set(e.tag, (t = tagIds.size));
    tags[k] = t;
  });
  starts[entries.length] = at;
  return finishPacking({ chars, starts, freqs, tags, tagNames: [...tagIds.keys()] });
}

/** White_Space, as Rust's split_whitespace reads it. */
function isSpace(c: number): boolean {
  return c <= 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/**
 * jieba's own dictionary, packed straight from its text with no object per word (it is sorted, each word once, each
 * line "word freq tag"). Undefined for any other text (see packDictionary).
 */
function packSorted(text: string): PackedDictionary | undefined {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const chars = new Uint16Array(text.length);
  const starts = new Uint32Array(lines + 1);
  const freqs = new Float64Array(lines);
  const tags = new Uint16Array(lines);
  const tagIds = new Map<string, number>();
  let k = 0;
  let at = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    if (end === pos) {
      pos++;
      continue;
    }
    const a = text.indexOf(' ', pos);
    const b = a < 0 ? -1 : text.indexOf(' ', a + 1);
    if (a <= pos || b <= a + 1 || b >= end - 1) return undefined;
    const from = at;
    for (let i = pos; i < a; i++) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) return undefined;
      chars[at++] = c;
    }
    // Strictly after the word before it (UTF-16 order, as the segmenter searches).
    if (k > 0) {
      const p0 = starts[k - 1] as number;
      const pn = from - p0;
      const n = at - from;
      let cmp = 0;
      for (let i = 0; i < Math.min(pn, n) && cmp === 0; i++) cmp = (chars[p0 + i] as number) - (chars[from + i] as number);
      if (cmp > 0 || (cmp === 0 && pn >= n)) return undefined;
    }
    let freq = 0;
    for (let i = a + 1; i < b; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      freq = freq * 10 + d;
    }
    for (let i = b + 1; i < end; i++) if (isSpace(text.charCodeAt(i))) return undefined;
    const tag = text.slice(b + 1, end);
    let t = tagIds.get(tag);
    if (t === undefined) tagIds.set(tag, (t = tagIds.size));
    starts[k] = from;
    freqs[k] = freq;
    tags[k] = t;
    k++;
    pos = end + 1;
  }
  starts[k] = at;
  return finishPacking({ chars: chars.slice(0, at), starts: starts.slice(0, k + 1), freqs: freqs.slice(0, k), tags: tags.slice(0, k), tagNames: [...tagIds.keys()] });
}

/** A packed dictionary as sections to save (typed arrays, then the tag names and total as JSON bytes). */
export function dictionarySections(d: PackedDictionary): ArrayBufferView[] {
  return [d.freqs, d.starts, d.chars, d.tags, d.firsts, Buffer.from(JSON.stringify({ tagNames: d.tagNames, total: d.total }))];
}

/** A packed dictionary from saved sections (views into them, nothing copied), or undefined when they do not fit. */
export function dictionaryFromSections(sections: Uint8Array[]): PackedDictionary | undefined {
  const [freqs, starts, chars, tags, firsts, meta] = sections;
  if (!freqs || !starts || !chars || !tags || !firsts || !meta) return undefined;
  const view = <T>(b: Uint8Array, T: { new (buf: ArrayBufferLike, off: number, len: number): T; BYTES_PER_ELEMENT: number }) =>
    b.byteOffset % T.BYTES_PER_ELEMENT === 0 && b.byteLength % T.BYTES_PER_ELEMENT === 0 ? new T(b.buffer, b.byteOffset, b.byteLength / T.BYTES_PER_ELEMENT) : undefined;
  const d = {
    freqs: view(freqs, Float64Array),
    starts: view(starts, Uint32Array),
    chars: view(chars, Uint16Array),
    tags: view(tags, Uint16Array),
    firsts: view(firsts, Uint32Array),
  };
  if (!d.freqs || !d.starts || !d.chars || !d.tags || !d.firsts) return undefined;
  const n = d.freqs.length;
  if (d.starts.length !== n + 1 || d.tags.length !== n || d.starts[n] !== d.chars.length || d.firsts.length !== 0x10001 || d.firsts[0x10000] !== n) return undefined;
  let info: { tagNames?: unknown; total?: unknown };
  try {
    info = JSON.parse(Buffer.from(meta.buffer, meta.byteOffset, meta.byteLength).toString('utf8')) as typeof info;
  } catch {
    return undefined;
  }
  const { tagNames, total } = info;
  if (!Array.isArray(tagNames) || !tagNames.every((t) => typeof t === 'string') || typeof total !== 'number') return undefined;
  return { freqs: d.freqs, starts: d.starts, chars: d.chars, tags: d.tags, firsts: d.firsts, tagNames: tagNames as string[], total };
}

/** jieba's RE_HAN_DEFAULT: CJK ideographs, ASCII letters and digits, + # & . _ % -. */
function isHanDefault(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x20000 && c <= 0x2a6df) ||
    (c >= 0x2a700 && c <= 0x2ebef) ||
    (c >= 0x2f800 && c <= 0x2fa1f) ||
    isAsciiAlnum(c) ||
    c === 0x2b || c === 0x23 || c === 0x26 || c === 0x2e || c === 0x5f || c === 0x25 || c === 0x2d
  );
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const width = (c: number) => (c > 0xffff ? 2 : 1);

/** jieba's tag for a word not in the dictionary. */
function guessTag(word: string): string {
  let eng = 0;
  let digits = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (isAsciiAlnum(c)) {
      eng++;
      if (c <= 0x39) digits++;
    }
  }
  return eng === 0 ? 'x' : eng === digits ? 'm' : 'eng';
}

export class DictSegmenter {
  /** Words loaded after the base (domain words, a user dictionary): new ones, and new frequencies of base words. */
  private readonly added = new Map<string, { freq: number; tag: string }>();
  private readonly baseFreq = new Map<number, number>();
  /** Longest added word by its first character (added words are found by trying each length). */
  private readonly addedReach = new Map<number, number>();
  private total = 0;
  private logTotal = 0;
  /** The words as a trie while cutting in bulk (see bulk), else undefined. */
  private trie: WordTrie | undefined;
  // Route scratch, grown to the longest run cut: best value and next word end from each unit of the run.
  private value = new Float64Array(256);
  private route = new Int32Array(256);
  // Without the trie: the words starting at a character, their ends and frequencies (see edges).
  private readonly ends: number[] = [];
  private readonly freqs: number[] = [];

  constructor(private readonly base: PackedDictionary) {
    this.total = base.total;
    this.logTotal = Math.log(base.total);
  }

  /** Load more dictionary text (as jieba's loadDict: a known word takes the new frequency and keeps its tag). */
  loadDict(dict: Uint8Array | string): void {
    const text = typeof dict === 'string' ? dict : Buffer.from(dict.buffer, dict.byteOffset, dict.byteLength).toString('utf8');
    this.load(parseDict(text));
  }

  /** Words with one frequency and tag, as loadDict of "word freq tag" lines would load them (without the text). */
  addWords(words: readonly string[], freq: number, tag: string): void {
    this.load(words.map((word) => ({ word, freq, tag })));
  }

  /**
   * Cut with the words as a trie from now on (true), or go back to the packed arrays and let the trie go (false). A
   * bulk cut (an index build) is six to eight times faster with it; building it takes about 100 ms and some 15 MB,
   * which a restart, a question or one upload would not earn back.
   */
  bulk(on: boolean): void {
    if (!on) {
      this.trie = undefined;
      return;
    }
    if (this.trie) return;
    const trie = WordTrie.ofPacked(this.base, (k) => this.baseFreq.get(k) ?? (this.base.freqs[k] as number));
    for (const [word, a] of this.added) trie.set(word, a.freq);
    this.trie = trie;
  }

  private load(entries: Entry[]): void {
    for (const e of entries) {
      this.trie?.set(e.word, e.freq);
      const added = this.added.get(e.word);
      if (added) {
        this.total += e.freq - added.freq;
        added.freq = e.freq;
        continue;
      }
      const k = this.baseIndex(e.word);
      if (k >= 0) {
        this.total += e.freq - (this.baseFreq.get(k) ?? (this.base.freqs[k] as number));
        this.baseFreq.set(k, e.freq);
        continue;
      }
      this.added.set(e.word, { freq: e.freq, tag: e.tag });
      this.total += e.freq;
      const first = e.word.charCodeAt(0);
      this.addedReach.set(first, Math.max(this.addedReach.get(first) ?? 0, e.word.length));
    }
    this.logTotal = Math.log(this.total);
  }

  /** The base word equal to `w`, or -1. */
  private baseIndex(w: string): number {
    const { chars, starts } = this.base;
    let lo = 0;
    let hi = this.base.freqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const a = starts[mid] as number;
      const len = (starts[mid + 1] as number) - a;
      let cmp = 0;
      const n = Math.min(len, w.length);
      for (let i = 0; i < n && cmp === 0; i++) cmp = (chars[a + i] as number) - w.charCodeAt(i);
      if (cmp === 0) cmp = len - w.length;
      if (cmp === 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** A word's frequency and tag, or undefined when it is not in the dictionary. */
  private lookup(w: string): { freq: number; tag: string } | undefined {
    const added = this.added.get(w);
    if (added) return added;
    const k = this.baseIndex(w);
    if (k < 0) return undefined;
    return { freq: this.baseFreq.get(k) ?? (this.base.freqs[k] as number), tag: this.base.tagNames[this.base.tags[k] as number] ?? '' };
  }

  has(w: string): boolean {
    return this.added.has(w) || this.baseIndex(w) >= 0;
  }

  /**
   * The dictionary words starting at `i` in s[i..end): their ends, in increasing order, and their frequencies.
   * The base is walked character by character (a range of the sorted words narrowed per character); added words
   * are tried at each length up to the longest starting with that character.
   */
  private edges(s: string, i: number, end: number, ends: number[], freqs: number[]): void {
    ends.length = 0;
    freqs.length = 0;
    const { chars, starts } = this.base;
    // The words starting with the first character, from the table of first characters.
    const c0 = s.charCodeAt(i);
    let lo = this.base.firsts[c0] as number;
    let hi = this.base.firsts[c0 + 1] as number;
    if (lo < hi && (starts[lo + 1] as number) - (starts[lo] as number) === 1) {
      ends.push(i + 1);
      freqs.push(this.baseFreq.get(lo) ?? (this.base.freqs[lo] as number));
    }
    for (let k = 1; lo < hi && i + k < end; k++) {
      const c = s.charCodeAt(i + k);
      // Within [lo, hi) every word starts with s[i..i+k) and is at least k long; one exactly k long comes first.
      if (lo < hi && (starts[lo + 1] as number) - (starts[lo] as number) === k) lo++;
      let a = lo;
      let b = hi;
      while (a < b) {
        const m = (a + b) >>> 1;
        if ((chars[(starts[m] as number) + k] as number) < c) a = m + 1;
        else b = m;
      }
      let z = a;
      b = hi;
      while (z < b) {
        const m = (z + b) >>> 1;
        if ((chars[(starts[m] as number) + k] as number) <= c) z = m + 1;
        else b = m;
      }
      lo = a;
      hi = z;
      if (lo >= hi) break;
      if ((starts[lo + 1] as number) - (starts[lo] as number) === k + 1) {
        ends.push(i + k + 1);
        freqs.push(this.baseFreq.get(lo) ?? (this.base.freqs[lo] as number));
      }
    }
    const reach = this.addedReach.get(s.charCodeAt(i));
    if (reach) {
      for (let len = 1; len <= reach && i + len <= end; len++) {
        const a = this.added.get(s.slice(i, i + len));
        if (!a) continue;
        let at = ends.length;
        while (at > 0 && (ends[at - 1] as number) > i + len) at--;
        if (at > 0 && ends[at - 1] === i + len) freqs[at - 1] = a.freq;
        else {
          ends.splice(at, 0, i + len);
          freqs.splice(at, 0, a.freq);
        }
      }
    }
  }

  /**
   * The best route through one run of RE_HAN_DEFAULT characters s[from…to) without HMM (jieba-rs cut_dag_no_hmm):
   * this.route[i - from] is where the word starting at i ends, for each code point start i.
   */
  private routeRun(s: string, from: number, to: number): void {
    const n = to - from;
    if (this.value.length < n + 1) {
      this.value = new Float64Array(2 * n + 2);
      this.route = new Int32Array(2 * n + 2);
    }
    const value = this.value;
    const route = this.route;
    value[n] = 0;
    const { ends, freqs } = this;
    const logTotal = this.logTotal;
    const trie = this.trie;
    // Code point starts, from the last one back.
    let i = to;
    while (i > from) {
      i--;
      if (i > from && isLowSurrogate(s.charCodeAt(i)) && isHighSurrogate(s.charCodeAt(i - 1))) i--;
      let best = -Infinity;
      let bestEnd = -1;
      if (trie) {
        // The words starting at i, shortest first: a tie goes to the longer word.
        const logFreq = trie.logFreq;
        let node = trie.next(0, s.charCodeAt(i));
        let e = i + 1;
        while (node > 0) {
          const lf = logFreq[node] as number;
          if (lf === lf) {
            const v = lf - logTotal + (value[e - from] as number);
            if (bestEnd < 0 || v >= best) {
              best = v;
              bestEnd = e;
            }
          }
          if (e >= to) break;
          node = trie.next(node, s.charCodeAt(e));
          e++;
        }
      } else {
        this.edges(s, i, to, ends, freqs);
        for (let k = 0; k < ends.length; k++) {
          const e = ends[k] as number;
          const v = Math.log(freqs[k] as number) - logTotal + (value[e - from] as number);
          // max by (value, end): a tie goes to the longer word.
          if (bestEnd < 0 || v > best || (v === best && e > bestEnd)) {
            best = v;
            bestEnd = e;
          }
        }
      }
      if (bestEnd < 0) {
        bestEnd = i + width(s.codePointAt(i) as number);
        best = 0 - logTotal + (value[bestEnd - from] as number);
      }
      value[i - from] = best;
      route[i - from] = bestEnd;
    }
  }

  /**
   * The words of a text (jieba `cut(text, false)`) as their lengths in UTF-16 units, one after another (they join
   * back into the text): `cut` without making a string of each word.
   */
  cutLengths(s: string, out: LengthSink): void {
    let i = 0;
    while (i < s.length) {
      const c = s.codePointAt(i) as number;
      if (isHanDefault(c)) {
        let j = i + width(c);
        while (j < s.length) {
          const d = s.codePointAt(j) as number;
          if (!isHanDefault(d)) break;
          j += width(d);
        }
        this.routeRun(s, i, j);
        // Walk the route; single ASCII letters and digits in a row are one word.
        const route = this.route;
        let x = i;
        let left = -1;
        while (x < j) {
          const y = route[x - i] as number;
          if (y - x === 1 && isAsciiAlnum(s.charCodeAt(x))) {
            if (left < 0) left = x;
          } else {
            if (left >= 0) {
              out.push(x - left);
              left = -1;
            }
            out.push(y - x);
          }
          x = y;
        }
        if (left >= 0) out.push(j - left);
        i = j;
      } else if (c === 0x0d && s.charCodeAt(i + 1) === 0x0a) {
        out.push(2);
        i += 2;
      } else {
        const w = width(c);
        out.push(w);
        i += w;
      }
    }
  }

  /** The words of a text (jieba `cut(text, false)`). */
  cut(s: string, _hmm?: boolean | null): string[] {
    const lengths: number[] = [];
    this.cutLengths(s, lengths);
    const out: string[] = new Array(lengths.length);
    let at = 0;
    for (let k = 0; k < lengths.length; k++) {
      const len = lengths[k] as number;
      out[k] = s.slice(at, at + len);
      at += len;
    }
    return out;
  }

  /** jieba `cutForSearch(text, false)`: each word, after the dictionary's 2- and 3-character words inside it. */
  cutForSearch(s: string, _hmm?: boolean | null): string[] {
    const out: string[] = [];
    for (const w of this.cut(s)) {
      const cps = [...w];
      if (cps.length > 2) {
        for (let i = 0; i + 2 <= cps.length; i++) {
          const g = cps.slice(i, i + 2).join('');
          if (this.has(g)) out.push(g);
        }
      }
      if (cps.length > 3) {
        for (let i = 0; i + 3 <= cps.length; i++) {
          const g = cps.slice(i, i + 3).join('');
          if (this.has(g)) out.push(g);
        }
      }
      out.push(w);
    }
    return out;
  }

  /** jieba `tag(text, false)`: the words with the dictionary's tag, else m, eng or x. */
  tag(s: string, _hmm?: boolean | null): { word: string; tag: string }[] {
    return this.cut(s).map((word) => ({ word, tag: this.lookup(word)?.tag ?? guessTag(word) }));
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
