/**
 * The answerer on disk: each document's plan (with the hash of the document's bytes it was read from), the unit
 * directory, the item index and the pinyin readings worked out, in one versioned binary file, so that a restart
 * loads them instead of re-parsing and re-tokenising. A snapshot written by other code or under other settings
 * (another fingerprint) is not used.
 *
 * Plans load lazily, straight from the file: their light fields at once; their sections and notes the first time
 * one is read; each item (id, title, units, deadlines…) the first time it is cited or the plan's items are read; an
 * item's body, assignments and dates the first time one of those is read; a plan's lines apart. So a first answer
 * reads only what it cites.
 *
 * File: 'YDS3', the lengths of the front part and of the lazy part; the front part, read whole at start-up
 * (packSections: header JSON in UTF-16, offsets, the index's eager part, the directory's words, where each lazy
 * section is, jieba's dictionary packed for DictSegmenter); the lazy part, sections read when first needed (the
 * index's posting lists, each list at the first search for its term, and its docs' term ids; the directory's units
 * as JSON); then the plan texts (UTF-8 JSON, one after another: per plan its core, its lines, then each item's light
 * and heavy fields in turn), read on demand. A restart reads some 10 MB of the front at 1,000 documents, where it
 * read all 28 (the posting lists and term ids being most of them): fewer pages to fault in, less for V8 to count.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Item, WorkPlan } from '../model.js';
import { ItemIndex } from '../search/index.js';
import { packSections, unpackSections } from '../search/postings.js';
import { dictionaryFromSections, dictionarySections } from '../search/segmenter.js';
import { type DirectoryState, UnitDirectory } from '../units/directory.js';
import { type AnswererOptions, type Answerer, assemble, engineBase } from './index.js';
import { setItemLookup } from './topic.js';

export const SNAPSHOT_FORMAT = 5;
const MAGIC = 0x33534459; // 'YDS3'
/** Magic, 4 bytes unused, the front part's length, the lazy part's (float64 each). */
const HEAD = 24;

/**
 * A plan's fields read together on first use; its items one by one (a citation reads only its own item); its
 * lines apart; an item's heavy fields apart from its light ones.
 */
const PLAN_CORE = ['sections', 'notes', 'warnings'] as const;
const PLAN_LAZY = ['sections', 'items', 'notes', 'warnings', 'lines'];
const ITEM_HEAVY = ['body', 'assignments', 'bodyDates'] as const;

/** One document of a snapshot: the hash of its bytes, and what the caller keeps about it. */
export interface SnapshotDoc<M> {
  file: string;
  hash: string;
  meta: M;
  /**
   * Text kept out of the front part (a load report, read only by a listing): written with the lazy sections and
   * read, for all documents at once, the first time one is asked for (see LoadedSnapshot.detail).
   */
  detail?: string;
}

interface Header<M> {
  format: number;
  fingerprint: string;
  /** The engine's stamp when written (see EngineKey). */
  stamp: string;
  docs: SnapshotDoc<M>[];
  /** The plans' key lists (most plans share one), each plan's keys in its own order. */
  planShapes: string[][];
  /** Plans in the answerer's order: the index of their shape, then the values of their light fields in order. */
  plans: unknown[][];
  /** Items per plan (their light and heavy texts, in turn, are numbered on from the plan's lines). */
  itemCounts: number[];
  /** Each plan's item ids, one a line (an item is found by id without reading the others). */
  itemIds: string[];
  /** The directory's state but its units (a section of their own, read when a unit is first looked at). */
  directory: Omit<DirectoryState, 'units'>;
  readings: [string, string][];
}

/**
 * What decides whether a snapshot still holds: the code that reads documents, cuts words and builds the index and
 * the directory (its files' contents), the jieba package, and the settings files the engine reads. `fingerprint`
 * hashes their contents; `stamp` is only how they lie on disk (path, size, modification and change times, inode),
 * a stat per file instead of a read and a hash. A snapshot whose stamp is today's is trusted without hashing
 * (the change time is the system's, set by any write); any other is compared by fingerprint (files touched but the
 * same still match, and the snapshot written next records the new stamp).
 */
export interface EngineKey {
  stamp: string;
  fingerprint(): string;
}

/**
 * The engine key for these settings files (`extra`: settings given otherwise, as text, part of both), stamped now.
 * The fingerprint is worked out when first asked for (a snapshot written, or one whose stamp differs); should the
 * files have changed on disk since (code deployed under a running process), it is one no snapshot matches, since
 * the code running is no longer the code on disk.
 */
export function engineKey(settings: (string | undefined)[] = [], extra = ''): EngineKey {
  const stamp = engineStamp(settings) + extra;
  let fingerprint: string | undefined;
  return {
    stamp,
    fingerprint: () => {
      if (fingerprint === undefined) {
        const files = engineFiles();
        fingerprint = engineStamp(settings, files) + extra === stamp ? engineFingerprint(settings, files) + extra : `changed since ${stamp}`;
      }
      return fingerprint;
    },
  };
}

/** The folder of the engine's code (src/, or dist/src/ compiled). */
const ENGINE_SRC = dirname(dirname(fileURLToPath(import.meta.url)));

/** The paths of the engine's code files, in a fixed order, and of jieba's package.json. */
function engineFiles(): string[] {
  const src = ENGINE_SRC;
  const ext = extname(fileURLToPath(import.meta.url));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (extname(name.name) === ext) files.push(path);
    }
  };
  for (const part of ['parse', 'ingest', 'search', 'units']) walk(join(src, part));
  for (const file of ['model', 'answer/snapshot']) files.push(join(src, `${file}${ext}`));
  files.push(createRequire(import.meta.url).resolve('@node-rs/jieba/package.json'));
  return files;
}

/** The contents of the engine's files and of the settings files, hashed (see EngineKey). */
export function engineFingerprint(settings: (string | undefined)[] = [], files = engineFiles()): string {
  const h = createHash('sha256').update(`format ${SNAPSHOT_FORMAT}\n`);
  // Paths under src/ as they are there, so that the same install elsewhere (another folder) matches.
  for (const path of files) h.update(`${path.startsWith(ENGINE_SRC) ? path.slice(ENGINE_SRC.length) : 'jieba'}\n`).update(readFileSync(path));
  for (const path of settings) h.update(`\n${path ?? '-'}\n`).update(path ? readFileSync(path) : '');
  return h.digest('hex');
}

/** How the engine's files and the settings files lie on disk, hashed (see EngineKey). */
function engineStamp(settings: (string | undefined)[], files = engineFiles()): string {
  const h = createHash('sha256').update(`format ${SNAPSHOT_FORMAT}\n`);
  for (const path of [...files, ...settings]) {
    const s = path ? statSync(path, { throwIfNoEntry: false }) : undefined;
    h.update(s ? `${path} ${s.size} ${s.mtimeMs} ${s.ctimeMs} ${s.ino}\n` : `${path ?? ''} -\n`);
  }
  return h.digest('hex');
}

/** A part of a snapshot (its plan texts, its lazy part): in the open file, or in memory. */
interface Source {
  read(from: number, to: number): Buffer;
  /** Bytes from `from` on into `into` (its length of them). */
  readInto(from: number, into: Uint8Array): void;
  /** Bytes of texts available (a file cut short holds fewer than its offsets say). */
  size: number;
}

/** The texts of each plan, by plan object: those loaded lazily (not yet read), or encoded before. */
interface PlanTexts {
  core(): Buffer;
  lines(): Buffer;
  /** Items. */
  count: number;
  /** Item j's light fields, its heavy ones. */
  light(j: number): Buffer;
  heavy(j: number): Buffer;
  /** The items' ids, one a line. */
  ids: string;
  /** All of them at once, back to back as in a snapshot file (when they are in one), with their lengths. */
  block?(): { bytes: Buffer; lengths: number[] };
}
const texts = new WeakMap<WorkPlan, PlanTexts>();

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
/** JSON in UTF-16, for what a restart reads whole: mostly Chinese, it decodes several times faster than UTF-8. */
const jsonUtf16 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf16le');

/** A plan's texts: where they are in a snapshot file (it was loaded or saved there), else encoded now. */
function textsOf(p: WorkPlan): PlanTexts {
  const known = texts.get(p) ?? lazyPlans.get(p)?.first;
  if (known) return known;
  const light: Buffer[] = [];
  const heavy: Buffer[] = [];
  for (const it of p.items) {
    const h: Record<string, unknown> = {};
    for (const k of ITEM_HEAVY) h[k] = it[k];
    heavy.push(json(h));
    light.push(json(Object.fromEntries(Object.entries(it).map(([k, v]) => [k, (ITEM_HEAVY as readonly string[]).includes(k) ? null : v]))));
  }
  const core = json({ sections: p.sections, notes: p.notes, warnings: p.warnings });
  const lines = json(p.lines);
  return {
    core: () => core,
    lines: () => lines,
    count: light.length,
    light: (j) => light[j] as Buffer,
    heavy: (j) => heavy[j] as Buffer,
    ids: p.items.map((it) => it.id).join('\n'),
  };
}

/** A plan's texts in a snapshot file: parts `part` (core), `part + 1` (lines), then each item's light and heavy. */
class FileTexts implements PlanTexts {
  constructor(
    private readonly source: Source,
    private readonly offsets: Float64Array,
    private readonly part: number,
    readonly count: number,
    readonly ids: string,
  ) {}

  private range(k: number): Buffer {
    return this.source.read(this.offsets[k] as number, this.offsets[k + 1] as number);
  }

  core(): Buffer {
    return this.range(this.part);
  }

  lines(): Buffer {
    return this.range(this.part + 1);
  }

  light(j: number): Buffer {
    return this.range(this.part + 2 + 2 * j);
  }

  heavy(j: number): Buffer {
    return this.range(this.part + 3 + 2 * j);
  }

  block(): { bytes: Buffer; lengths: number[] } {
    const { offsets, part } = this;
    const parts = 2 + 2 * this.count;
    return {
      bytes: this.source.read(offsets[part] as number, offsets[part + parts] as number),
      lengths: Array.from({ length: parts }, (_, j) => (offsets[part + j + 1] as number) - (offsets[part + j] as number)),
    };
  }
}

export interface EncodedSnapshot {
  bytes: Uint8Array;
  /**
   * Once the bytes are written at `path`: read the plans' texts from there from now on (a later snapshot copies
   * them instead of encoding them again, and nothing is held in memory for them). Returns what closes the file.
   */
  bind(path: string): () => void;
}

/** The answerer as snapshot bytes, with the caller's documents. */
export function encodeSnapshot<M>(answerer: Answerer, docs: SnapshotDoc<M>[], key: EngineKey | string): EncodedSnapshot {
  const { stamp, fingerprint } = keyOf(key);
  const plans = answerer.plans();
  const parts: Buffer[] = [];
  const offsets: number[] = [0];
  const add = (b: Buffer) => {
    parts.push(b);
    offsets.push((offsets[offsets.length - 1] as number) + b.length);
  };
  const itemCounts: number[] = [];
  const itemIds: string[] = [];
  const planShapes: string[][] = [];
  const shapeIds = new Map<string, number>();
  const rows = plans.map((p) => {
    const t = textsOf(p);
    if (t.block) {
      // Copied as it lies in the file, in one read.
      const { bytes, lengths } = t.block();
      parts.push(bytes);
      for (const len of lengths) offsets.push((offsets[offsets.length - 1] as number) + len);
    } else {
      add(t.core());
      add(t.lines());
      for (let j = 0; j < t.count; j++) {
        add(t.light(j));
        add(t.heavy(j));
      }
    }
    itemCounts.push(t.count);
    itemIds.push(t.ids);
    // The light fields only: reading a lazy one of a plan loaded lazily would decode it.
    const keys = Object.keys(p);
    const signature = keys.join('\n');
    let shape = shapeIds.get(signature);
    if (shape === undefined) {
      shapeIds.set(signature, (shape = planShapes.length));
      planShapes.push(keys);
    }
    const row: unknown[] = [shape];
    for (const k of keys) if (!PLAN_LAZY.includes(k)) row.push((p as unknown as Record<string, unknown>)[k]);
    return row;
  });
  const directoryState = answerer.directory.state();
  const header: Header<M> = {
    format: SNAPSHOT_FORMAT,
    fingerprint: fingerprint(),
    stamp,
    docs: docs.map(({ detail: _detail, ...doc }) => doc),
    planShapes,
    plans: rows,
    itemCounts,
    itemIds,
    directory: { regions: directoryState.regions, aliases: directoryState.aliases, pending: directoryState.pending, forms: directoryState.forms },
    readings: [...answerer.readings.words],
  };
  const offsetArray = Float64Array.from(offsets);
  const index = answerer.index.saveParts();
  // The lazy part: each section 8-byte aligned, where it starts and how long it is listed in the front. The index's
  // sections, then the directory's units, then the documents' details.
  const lazy = [...index.lazy, jsonUtf16(directoryState.units), jsonUtf16(docs.map((d) => d.detail ?? null))];
  const lazyTable = new Float64Array(2 * lazy.length);
  const lazyParts: Uint8Array[] = [];
  let lazyLength = 0;
  lazy.forEach((section, k) => {
    lazyTable[2 * k] = lazyLength;
    lazyTable[2 * k + 1] = section.byteLength;
    const padded = (section.byteLength + 7) & ~7;
    lazyParts.push(section, new Uint8Array(padded - section.byteLength));
    lazyLength += padded;
  });
  const front = packSections(jsonUtf16(header), [
    offsetArray,
    index.eager,
    jsonUtf16(answerer.directory.words()),
    lazyTable,
    ...dictionarySections(answerer.tokenizer.packedDictionary()),
  ]);
  const head = Buffer.alloc(HEAD);
  head.writeUInt32LE(MAGIC, 0);
  head.writeDoubleLE(front.byteLength, 8);
  head.writeDoubleLE(lazyLength, 16);
  return {
    bytes: Buffer.concat([head, front, ...lazyParts, ...parts]),
    bind(path) {
      const file = openFile(path);
      textsIn(itemCounts, itemIds, offsetArray, file.from(HEAD + front.byteLength + lazyLength)).forEach((t, i) => texts.set(plans[i] as WorkPlan, t));
      return file.close;
    },
  };
}

/** A snapshot file held open: reads of ranges of it from a part's start (`from(base)`), until `close`. */
function openFile(path: string): { from(base: number): Source; close: () => void } {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  let open = true;
  const readAt = (at: number, into: Uint8Array) => {
    if (!open) throw new Error('snapshot closed before this part of it was read');
    if (readSync(fd, into, 0, into.byteLength, at) !== into.byteLength) throw new Error('snapshot is truncated');
  };
  return {
    from: (base) => ({
      size: size - base,
      read(from, to) {
        const b = Buffer.allocUnsafe(to - from);
        readAt(base + from, b);
        return b;
      },
      readInto: (from, into) => readAt(base + from, into),
    }),
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** The texts of plans in a snapshot file, in file order (each plan's item count and ids given). */
function textsIn(itemCounts: number[], itemIds: string[], offsets: Float64Array, source: Source): FileTexts[] {
  let part = 0;
  return itemCounts.map((n, i) => {
    const t = new FileTexts(source, offsets, part, n, itemIds[i] ?? '');
    part += 2 + 2 * n;
    return t;
  });
}

export interface LoadedSnapshot<M> {
  answerer: Answerer;
  /** The documents, each without its detail (see `detail`). */
  docs: SnapshotDoc<M>[];
  /** A document's detail, read with all the others on the first call (before `close`). */
  detail(file: string): string | undefined;
  /** Let go of the file (plans not read by then can no longer be). */
  close(): void;
}

/** A snapshot's head (HEAD bytes of a file `size` long): the lengths of its parts, or undefined when it is none. */
function partsOf(head: Buffer, size: number): { frontLength: number; lazyLength: number } | undefined {
  if (head.length < HEAD || head.readUInt32LE(0) !== MAGIC) return undefined;
  const frontLength = head.readDoubleLE(8);
  const lazyLength = head.readDoubleLE(16);
  return frontLength > 0 && lazyLength >= 0 && HEAD + frontLength + lazyLength <= size ? { frontLength, lazyLength } : undefined;
}

/**
 * An answerer from a snapshot file, or undefined when the file holds no snapshot of this format and fingerprint.
 * `options` must be those the snapshot was written under (the fingerprint covers their files). The file stays open
 * for the plans' texts until `close` (replacing the file meanwhile is fine: the open one is read).
 */
export function openSnapshot<M>(path: string, key: EngineKey | string, options: AnswererOptions = {}): LoadedSnapshot<M> | undefined {
  let file: ReturnType<typeof openFile>;
  let front: Buffer;
  let lazyLength: number;
  try {
    file = openFile(path);
  } catch {
    return undefined;
  }
  try {
    const whole = file.from(0);
    const parts = partsOf(whole.read(0, HEAD), whole.size);
    if (!parts) return void file.close();
    lazyLength = parts.lazyLength;
    // Read over at once: no need to zero it first.
    front = whole.read(HEAD, HEAD + parts.frontLength);
  } catch {
    file.close();
    return undefined;
  }
  try {
    const base = HEAD + front.byteLength;
    const loaded = decodeFront<M>(front, file.from(base), lazyLength, file.from(base + lazyLength), keyOf(key), options);
    if (!loaded) return void file.close();
    return { ...loaded, close: file.close };
  } catch (e) {
    file.close();
    throw e;
  }
}

/** An answerer from snapshot bytes held in memory (see openSnapshot), or undefined. */
export function decodeSnapshot<M>(bytes: Uint8Array, key: EngineKey | string, options: AnswererOptions = {}): Omit<LoadedSnapshot<M>, 'close'> | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts = partsOf(b, b.length);
  if (!parts) return undefined;
  const { frontLength, lazyLength } = parts;
  const memory = (base: number): Source => ({
    size: b.length - base,
    read(from, to) {
      if (base + to > b.length) throw new Error('snapshot is truncated');
      return b.subarray(base + from, base + to);
    },
    readInto(from, into) {
      if (base + from + into.byteLength > b.length) throw new Error('snapshot is truncated');
      into.set(b.subarray(base + from, base + from + into.byteLength));
    },
  });
  // The front part's typed arrays want 8-byte alignment: copy it when the bytes do not give it.
  const front = b.subarray(HEAD, HEAD + frontLength);
  return decodeFront<M>(front.byteOffset % 8 === 0 ? front : Buffer.from(front), memory(HEAD + frontLength), lazyLength, memory(HEAD + frontLength + lazyLength), keyOf(key), options);
}

/** A key given as one string: stamp and fingerprint both. */
const keyOf = (key: EngineKey | string): EngineKey => (typeof key === 'string' ? { stamp: key, fingerprint: () => key } : key);

/** The front part decoded, the lazy part (`lazyLength` bytes of `lazySource`) and the texts left where they are. */
function decodeFront<M>(front: Uint8Array, lazySource: Source, lazyLength: number, source: Source, key: EngineKey, options: AnswererOptions) {
  let sections: Uint8Array[];
  try {
    sections = unpackSections(front.byteOffset % 8 === 0 ? front : front.slice());
  } catch {
    return undefined;
  }
  const [head, offsetBytes, indexBytes, wordBytes, lazyTableBytes, ...dictionaryBytes] = sections;
  if (!head || !offsetBytes || !indexBytes || !wordBytes || !lazyTableBytes) return undefined;
  let header: Header<M>;
  try {
    header = JSON.parse(utf16(head)) as Header<M>;
  } catch {
    return undefined;
  }
  if (header.format !== SNAPSHOT_FORMAT || (header.stamp !== key.stamp && header.fingerprint !== key.fingerprint())) return undefined;
  const offsets = new Float64Array(offsetBytes.buffer, offsetBytes.byteOffset, offsetBytes.byteLength / 8);
  if ((offsets[offsets.length - 1] ?? 0) > source.size) return undefined;
  // The lazy sections: the index's, then the units, then the documents' details.
  const lazyTable = new Float64Array(lazyTableBytes.buffer, lazyTableBytes.byteOffset, lazyTableBytes.byteLength / 8);
  const starts: number[] = [];
  const lengths: number[] = [];
  for (let k = 0; k + 1 < lazyTable.length; k += 2) {
    const start = lazyTable[k] as number;
    const length = lazyTable[k + 1] as number;
    if (!(start >= 0 && length >= 0 && start + length <= lazyLength)) return undefined;
    starts.push(start);
    lengths.push(length);
  }
  const detailsAt = starts.length - 1;
  const unitsAt = detailsAt - 1;
  if (unitsAt < 0) return undefined;
  const lazyIndex = {
    lengths: lengths.slice(0, unitsAt),
    read: (k: number, from: number, into: Uint8Array) => lazySource.readInto((starts[k] as number) + from, into),
  };
  const readLazy = (k: number) => lazySource.read(starts[k] as number, (starts[k] as number) + (lengths[k] as number));
  const readUnits = () => readLazy(unitsAt);
  const rows = header.plans;
  const shapes = header.planShapes;
  if (!Array.isArray(rows) || !Array.isArray(shapes) || !Array.isArray(header.itemIds) || header.itemIds.length !== rows.length || header.itemCounts?.length !== rows.length) return undefined;
  const planTexts = textsIn(header.itemCounts, header.itemIds, offsets, source);
  const plans: WorkPlan[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown[];
    const keys = shapes[row[0] as number];
    if (!keys) return undefined;
    plans.push(lazyPlan(keys, row, planTexts[i] as FileTexts));
  }
  const byFile = new Map(plans.map((p) => [p.file, p]));
  const { tokenizer, thesaurus } = engineBase(options, dictionaryFromSections(dictionaryBytes));
  let words: unknown;
  try {
    words = JSON.parse(utf16(wordBytes));
  } catch {
    return undefined;
  }
  if (!Array.isArray(words)) return undefined;
  const directory = UnitDirectory.restore({ ...header.directory, units: () => JSON.parse(utf16(readUnits())) as DirectoryState['units'] }, plans, words as string[]);
  tokenizer.addWords(directory.words());
  const index = ItemIndex.loadParts(indexBytes, lazyIndex, tokenizer, (f) => byFile.get(f));
  const readings = { words: new Map(header.readings), chars: new Map<string, string[]>() };
  let details: Map<string, string | null> | undefined;
  const detail = (file: string): string | undefined => {
    if (!details) {
      const texts = JSON.parse(utf16(readLazy(detailsAt))) as (string | null)[];
      details = new Map(header.docs.map((d, i) => [d.file, texts[i] ?? null]));
    }
    return details.get(file) ?? undefined;
  };
  return { answerer: assemble({ plans, directory, tokenizer, thesaurus, index, readings }, options), docs: header.docs, detail };
}

const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as unknown;
const utf16 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf16le');

/** Make `key` of `target` a plain property holding `value` (own, enumerable, in place). */
const settle = (target: object, key: string, value: unknown) => Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });

/** Make `keys` of `target` read `load()` on first access (own, enumerable, in place), then plain properties. */
function lazyFields(target: object, keys: readonly string[], load: () => Record<string, unknown>): void {
  let loaded = false;
  const loadAll = () => {
    if (loaded) return;
    loaded = true;
    const values = load();
    for (const k of keys) settle(target, k, values[k]);
  };
  for (const k of keys) {
    Object.defineProperty(target, k, {
      get() {
        loadAll();
        return (target as Record<string, unknown>)[k];
      },
      set(v: unknown) {
        loadAll();
        settle(target, k, v);
      },
      enumerable: true,
      configurable: true,
    });
  }
}

/** A plan loaded lazily: its texts where it was loaded from, the items read so far, the items' positions by id. */
interface LazyPlan {
  first: PlanTexts;
  decoded: Item[];
  positions?: Map<string, number>;
}
const lazyPlans = new WeakMap<WorkPlan, LazyPlan>();

/** A plan's texts now: read through the map, since a later snapshot written and bound moves them to its file. */
const textsNow = (plan: WorkPlan, state: LazyPlan) => texts.get(plan) ?? state.first;

function itemAt(plan: WorkPlan, state: LazyPlan, j: number): Item {
  let item = state.decoded[j];
  if (!item) {
    const light = parse(textsNow(plan, state).light(j)) as Record<string, unknown>;
    lazyFields(light, ITEM_HEAVY, () => parse(textsNow(plan, state).heavy(j)) as Record<string, unknown>);
    state.decoded[j] = item = light as unknown as Item;
  }
  return item;
}

/** An item of a lazily loaded plan by id, reading only that item (see setItemLookup). */
function lazyItem(plan: WorkPlan, id: string): Item | undefined {
  const state = lazyPlans.get(plan) as LazyPlan;
  state.positions ??= new Map(state.first.ids.split('\n').map((x, j) => [x, j]));
  const j = state.positions.get(id);
  return j === undefined ? undefined : itemAt(plan, state, j);
}

/** Read a lazy plan's `keys` (its core, its lines or its items) and make them plain properties. */
function settlePlan(plan: WorkPlan, keys: 'core' | 'lines' | 'items'): void {
  const state = lazyPlans.get(plan) as LazyPlan;
  if (keys === 'core') {
    const core = parse(textsNow(plan, state).core()) as Record<string, unknown>;
    for (const k of PLAN_CORE) settle(plan, k, core[k]);
  } else if (keys === 'lines') settle(plan, 'lines', parse(textsNow(plan, state).lines()));
  else {
    setItemLookup(plan, undefined);
    settle(plan, 'items', Array.from({ length: state.first.count }, (_, j) => itemAt(plan, state, j)));
  }
}

/** The lazy fields' accessors, one set shared by every plan (each reads its plan's state). */
const PLAN_ACCESSORS: PropertyDescriptorMap = Object.fromEntries(
  [...PLAN_CORE.map((k) => [k, 'core'] as const), ['lines', 'lines'] as const, ['items', 'items'] as const].map(([key, part]) => [
    key,
    {
      get(this: WorkPlan) {
        settlePlan(this, part);
        return (this as unknown as Record<string, unknown>)[key];
      },
      set(this: WorkPlan, v: unknown) {
        settlePlan(this, part);
        settle(this, key, v);
      },
      enumerable: true,
      configurable: true,
    },
  ]),
);

/**
 * A plan loaded lazily: its light fields from `row` (after its shape), its other fields read from the snapshot when
 * first asked for (see the header): its sections and notes together, its items one by one (found by id through
 * itemById, or all at once through `items`, the same objects either way), its lines apart. Its keys come in its
 * own order, each lazy one an accessor shared by every plan (so plans of one shape share their hidden class). The
 * texts stay where they are: a later snapshot copies them.
 */
function lazyPlan(keys: string[], row: unknown[], first: PlanTexts): WorkPlan {
  const plan: Record<string, unknown> = {};
  let at = 1;
  for (const k of keys) {
    if (PLAN_LAZY.includes(k)) Object.defineProperty(plan, k, PLAN_ACCESSORS[k] as PropertyDescriptor);
    else plan[k] = row[at++];
  }
  const p = plan as unknown as WorkPlan;
  lazyPlans.set(p, { first, decoded: [] });
  setItemLookup(p, lazyItem);
  return p;
}
