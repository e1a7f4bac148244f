/**
 * Storage for the item index: growable typed arrays, posting lists in typed arrays, and an integer hash map.
 *
 * A set of posting lists (one per term id) keeps a sealed base in compressed-sparse-row form — every list's doc ids
 * back to back in one Int32Array, its values beside them, `off[id]..off[id + 1]` the list's range — plus small tails
 * for documents added one at a time since the last seal. A bulk load queues (list, doc, value) triples and seals once
 * at the end. Doc ids only grow, so every list is ascending: base first, then tail.
 */

/** Triples per chunk of a bulk load's queue (3 MB). */
const QUEUE_CHUNK = 1 << 18;

/** A growable Int32Array. */
export class IntList {
  a: Int32Array;
  n = 0;
  constructor(capacity = 16) {
    this.a = new Int32Array(Math.max(4, capacity));
  }
  push(v: number): void {
    if (this.n === this.a.length) this.grow(this.n + 1);
    this.a[this.n++] = v;
  }
  grow(min: number): void {
    let cap = this.a.length;
    while (cap < min) cap *= 2;
    const b = new Int32Array(cap);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  view(): Int32Array {
    return this.a.subarray(0, this.n);
  }
  /** Give back the room beyond the elements held (after a bulk load). */
  trim(): void {
    if (this.a.length > this.n + 1024) this.a = this.a.slice(0, Math.max(4, this.n));
  }
  clear(): void {
    this.n = 0;
  }
}

/** A typed array of at least `min` elements holding `a`'s elements (grown by doubling). */
export function ensure<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array>(a: T, min: number): T {
  if (a.length >= min) return a;
  let cap = Math.max(64, a.length);
  while (cap < min) cap *= 2;
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** Open-addressing map from non-negative 31-bit integers to ids (0…size-1). */
export class IntIdMap {
  private keys: Int32Array = new Int32Array(1024).fill(-1);
  private vals: Int32Array = new Int32Array(1024);
  private mask = 1023;
  size = 0;

  /** A map of `keys` with ids 0, 1, … in their order (room made once, no rehashing as it fills). */
  static ofKeys(keys: Int32Array): IntIdMap {
    const m = new IntIdMap();
    let cap = 1024;
    while (cap < keys.length * 4) cap *= 2;
    m.keys = new Int32Array(cap).fill(-1);
    m.vals = new Int32Array(cap);
    m.mask = cap - 1;
    for (const key of keys) m.idOf(key);
    return m;
  }

  get(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const k = this.keys[i] as number;
      if (k === key) return this.vals[i] as number;
      if (k === -1) return -1;
      i = (i + 1) & this.mask;
    }
  }

  /** The key's id, adding it with the next id when absent. */
  idOf(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const k = this.keys[i] as number;
      if (k === key) return this.vals[i] as number;
      if (k === -1) break;
      i = (i + 1) & this.mask;
    }
    const id = this.size++;
    this.keys[i] = key;
    this.vals[i] = id;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  /** Keys in id order. */
  keysById(): Int32Array {
    const out = new Int32Array(this.size);
    for (let i = 0; i <= this.mask; i++) if ((this.keys[i] as number) !== -1) out[this.vals[i] as number] = this.keys[i] as number;
    return out;
  }

  private rehash(): void {
    const { keys, vals } = this;
    const cap = (this.mask + 1) * 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j] as number;
      if (k === -1) continue;
      let i = Math.imul(k, 0x9e3779b1) >>> 0 & this.mask;
      while ((this.keys[i] as number) !== -1) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.vals[i] = vals[j] as number;
    }
  }
}

interface Tail {
  docs: number[];
  vals: number[];
}

/** Posting lists: sealed base + per-list tails + queued bulk triples. */
export class PostingLists {
  /** @param withValues whether postings carry a value (term frequencies) or only doc ids (bigrams). */
  constructor(private readonly withValues: boolean) {}

  /** Base: list id → range in docs/vals; off.length - 1 lists. */
  off: Uint32Array = new Uint32Array(1);
  docs: Int32Array = new Int32Array(0);
  vals: Uint32Array = new Uint32Array(0);
  private tails = new Map<number, Tail>();
  private tailEntries = 0;
  /** Lists not read in yet (see load), how many are left, and how to read a range of the base. */
  private unread: { lists: Uint8Array; left: number; read: (from: number, to: number) => void } | undefined;
  /**
   * The bulk load's (list, doc, value) triples, in chunks of fixed size: the queue grows without copying, and
   * without leaving ever larger buffers for the collector (tens of MB at 10,000 documents, each a full collection).
   */
  private qChunks: Int32Array[] = [];
  private qCur: Int32Array = new Int32Array(0);
  private qAt = 0;
  private qn = 0;

  get baseLists(): number {
    return this.off.length - 1;
  }

  /** Entries held (base, tails and queue), dead documents included. */
  get entries(): number {
    return this.docs.length + this.tailEntries + this.qn;
  }

  /** Add one posting to a list's tail (documents added one at a time). */
  add(list: number, doc: number, val: number): void {
    let t = this.tails.get(list);
    if (!t) this.tails.set(list, (t = { docs: [], vals: [] }));
    t.docs.push(doc);
    if (this.withValues) t.vals.push(val);
    this.tailEntries++;
  }

  /** Queue one posting of a bulk load (sealed together by `seal`). */
  queue(list: number, doc: number, val: number): void {
    let at = this.qAt;
    if (at === this.qCur.length) {
      this.qCur = new Int32Array(QUEUE_CHUNK * 3);
      this.qChunks.push(this.qCur);
      at = 0;
    }
    const c = this.qCur;
    c[at] = list;
    c[at + 1] = doc;
    c[at + 2] = val;
    this.qAt = at + 3;
    this.qn++;
  }

  /** Should the tails be merged into the base (they have grown large)? */
  get wantsSeal(): boolean {
    return this.qn > 0 || this.tailEntries > Math.max(50_000, this.docs.length / 8);
  }

  /** The list's length (dead documents included). */
  length(list: number): number {
    const base = list < this.off.length - 1 ? (this.off[list + 1] as number) - (this.off[list] as number) : 0;
    return base + (this.tails.get(list)?.docs.length ?? 0);
  }

  tail(list: number): Tail | undefined {
    return this.tails.get(list);
  }

  /** Where the base's range of `list` starts (read in first, when the base is still being read lazily). */
  baseStart(list: number): number {
    if (this.unread) this.readList(list);
    return list < this.off.length - 1 ? (this.off[list] as number) : 0;
  }

  baseEnd(list: number): number {
    return list < this.off.length - 1 ? (this.off[list + 1] as number) : 0;
  }

  /** The value of `doc` in the list, or -1 (binary search). */
  find(list: number, doc: number): number {
    let lo = this.baseStart(list);
    let hi = this.baseEnd(list) - 1;
    const docs = this.docs;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = docs[mid] as number;
      if (d === doc) return this.withValues ? (this.vals[mid] as number) : 1;
      if (d < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    const t = this.tails.get(list);
    if (!t) return -1;
    let a = 0;
    let b = t.docs.length - 1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const d = t.docs[mid] as number;
      if (d === doc) return this.withValues ? (t.vals[mid] as number) : 1;
      if (d < doc) a = mid + 1;
      else b = mid - 1;
    }
    return -1;
  }

  /**
   * Merge base, tails and queue into a new base of `lists` lists; with `map` (old doc id → new id, -1 dropped),
   * renumber documents on the way (ids must keep their order).
   */
  seal(lists: number, map?: Int32Array): void {
    this.readAll();
    const withVals = this.withValues;
    const counts = new Uint32Array(lists + 1);
    const keep = (d: number) => (map ? (map[d] as number) >= 0 : true);
    const oldLists = this.off.length - 1;
    for (let l = 0; l < oldLists; l++) {
      const from = this.off[l] as number;
      const to = this.off[l + 1] as number;
      if (!map) counts[l] = to - from;
      else {
        let c = 0;
        for (let i = from; i < to; i++) if (keep(this.docs[i] as number)) c++;
        counts[l] = c;
      }
    }
    for (const [l, t] of this.tails) for (const d of t.docs) if (keep(d)) counts[l] = (counts[l] as number) + 1;
    // The queue's chunks, each up to its filled length.
    const chunks = this.qChunks.map((c, i) => (i === this.qChunks.length - 1 ? c.subarray(0, this.qAt) : c));
    for (const c of chunks) {
      for (let i = 0; i < c.length; i += 3) if (keep(c[i + 1] as number)) counts[c[i] as number] = (counts[c[i] as number] as number) + 1;
    }
    const off = new Uint32Array(lists + 1);
    for (let l = 0; l < lists; l++) off[l + 1] = (off[l] as number) + (counts[l] as number);
    const total = off[lists] as number;
    const docs = new Int32Array(total);
    const vals = new Uint32Array(withVals ? total : 0);
    const at = off.slice(0, lists);
    const put = (l: number, d: number, v: number) => {
      const to = map ? (map[d] as number) : d;
      if (to < 0) return;
      const i = at[l] as number;
      docs[i] = to;
      if (withVals) vals[i] = v;
      at[l] = i + 1;
    };
    for (let l = 0; l < oldLists; l++) for (let i = this.off[l] as number; i < (this.off[l + 1] as number); i++) put(l, this.docs[i] as number, withVals ? (this.vals[i] as number) : 0);
    // Tails hold later documents than the base, the queue later than the tails (a bulk load follows earlier adds).
    for (const l of [...this.tails.keys()].sort((a, b) => a - b)) {
      const t = this.tails.get(l) as Tail;
      for (let i = 0; i < t.docs.length; i++) put(l, t.docs[i] as number, withVals ? (t.vals[i] as number) : 0);
    }
    for (const c of chunks) for (let i = 0; i < c.length; i += 3) put(c[i] as number, c[i + 1] as number, withVals ? (c[i + 2] as number) : 0);
    this.off = off;
    this.docs = docs;
    this.vals = vals;
    this.tails = new Map();
    this.tailEntries = 0;
    // The queue of a bulk load is as large as the lists: let it go rather than keep its room.
    this.qChunks = [];
    this.qCur = new Int32Array(0);
    this.qAt = 0;
    this.qn = 0;
  }

  /**
   * Replace the base with saved arrays (tails and queue empty). With `read`, the lists are read in when first
   * needed: `docs` and `vals` are zeroed arrays of their full length (pages the system maps only once written), and
   * `read(from, to)` fills their range from…to-1 in place; a list is read at its first `baseStart` (every scan and
   * lookup starts there), all of them before a seal.
   */
  load(off: Uint32Array, docs: Int32Array, vals: Uint32Array, read?: (from: number, to: number) => void): void {
    this.off = off;
    this.docs = docs;
    this.vals = vals;
    this.tails = new Map();
    this.tailEntries = 0;
    this.unread = read && off.length > 1 ? { lists: new Uint8Array(off.length - 1).fill(1), left: off.length - 1, read } : undefined;
  }

  /** Read list `list` in, unless it is (see load). */
  private readList(list: number): void {
    const u = this.unread as NonNullable<typeof this.unread>;
    if (list >= u.lists.length || !u.lists[list]) return;
    const from = this.off[list] as number;
    const to = this.off[list + 1] as number;
    if (to > from) u.read(from, to);
    u.lists[list] = 0;
    if (--u.left === 0) this.unread = undefined;
  }

  /** Lists of a loaded base not read in yet. */
  get unreadLists(): number {
    return this.unread?.left ?? 0;
  }

  /** Read in every list not read yet (in one go: those read before are read again, the same). */
  private readAll(): void {
    const u = this.unread;
    if (!u) return;
    this.unread = undefined;
    const total = this.off[this.off.length - 1] as number;
    if (total > 0) u.read(0, total);
  }
}

const MAGIC = 0x58494459; // 'YDIX'

/** Sections of bytes, each 8-byte aligned: magic, count, then (length, bytes) for each. */
export function packSections(head: Uint8Array, arrays: ArrayBufferView[]): Uint8Array {
  const parts = [head, ...arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))];
  const pad = (n: number) => (n + 7) & ~7;
  let size = 8;
  for (const p of parts) size += 8 + pad(p.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, parts.length, true);
  let at = 8;
  for (const p of parts) {
    view.setFloat64(at, p.byteLength, true);
    out.set(p, at + 8);
    at += 8 + pad(p.byteLength);
  }
  return out;
}

/** The sections of `packSections`, as views into the bytes (copied once when the bytes are not 8-byte aligned). */
export function unpackSections(bytes: Uint8Array): Uint8Array[] {
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('not a saved index');
  const count = view.getUint32(4, true);
  const out: Uint8Array[] = [];
  let at = 8;
  for (let i = 0; i < count; i++) {
    if (at + 8 > b.byteLength) throw new Error('saved index is truncated');
    const len = view.getFloat64(at, true);
    if (at + 8 + len > b.byteLength) throw new Error('saved index is truncated');
    out.push(new Uint8Array(b.buffer, b.byteOffset + at + 8, len));
    at += 8 + ((len + 7) & ~7);
  }
  return out;
}
