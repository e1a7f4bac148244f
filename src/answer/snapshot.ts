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
 * File: 'YDS2', the length of the front part, the front part (packSections: header JSON in UTF-16, offsets,
 * saved index, the directory's units as JSON and their words, jieba's dictionary packed for DictSegmenter), then
 * the plan texts (UTF-8 JSON, one after another: per plan its core, its lines, then each item's light and
 * heavy fields in turn), read on demand.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
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

export const SNAPSHOT_FORMAT = 3;
const MAGIC = 0x32534459; // 'YDS2'

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
}

interface Header<M> {
  format: number;
  fingerprint: string;
  docs: SnapshotDoc<M>[];
  /** Plans in the answerer's order: their light fields, the others null. */
  plans: Record<string, unknown>[];
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
 * the directory (its files' contents), the jieba package, and the settings files the engine reads.
 */
export function engineFingerprint(settings: (string | undefined)[] = []): string {
  const h = createHash('sha256');
  h.update(`format ${SNAPSHOT_FORMAT}\n`);
  const src = dirname(dirname(fileURLToPath(import.meta.url)));
  const ext = extname(fileURLToPath(import.meta.url));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (extname(name.name) === ext) h.update(path.slice(src.length)).update(readFileSync(path));
    }
  };
  for (const part of ['parse', 'ingest', 'search', 'units']) walk(join(src, part));
  for (const file of ['model', 'answer/snapshot']) h.update(readFileSync(join(src, `${file}${ext}`)));
  const require = createRequire(import.meta.url);
  h.update(String((require('@node-rs/jieba/package.json') as { version?: string }).version));
  for (const path of settings) h.update(`\n${path ?? '-'}\n`).update(path ? readFileSync(path) : '');
  return h.digest('hex');
}

/** Where a loaded plan's texts are: the open snapshot file and the texts' ranges in it. */
interface Source {
  read(from: number, to: number): Buffer;
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
  const known = texts.get(p);
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
export function encodeSnapshot<M>(answerer: Answerer, docs: SnapshotDoc<M>[], fingerprint: string): EncodedSnapshot {
  const plans = answerer.plans();
  const parts: Buffer[] = [];
  const offsets: number[] = [0];
  const add = (b: Buffer) => {
    parts.push(b);
    offsets.push((offsets[offsets.length - 1] as number) + b.length);
  };
  const itemCounts: number[] = [];
  const itemIds: string[] = [];
  const skeletons = plans.map((p) => {
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
    // Keys only: reading a plan loaded lazily would decode it.
    const skeleton: Record<string, unknown> = {};
    for (const k of Object.keys(p)) skeleton[k] = PLAN_LAZY.includes(k) ? null : (p as unknown as Record<string, unknown>)[k];
    return skeleton;
  });
  const directoryState = answerer.directory.state();
  const header: Header<M> = {
    format: SNAPSHOT_FORMAT,
    fingerprint,
    docs,
    plans: skeletons,
    itemCounts,
    itemIds,
    directory: { regions: directoryState.regions, aliases: directoryState.aliases, pending: directoryState.pending },
    readings: [...answerer.readings.words],
  };
  const offsetArray = Float64Array.from(offsets);
  const front = packSections(jsonUtf16(header), [
    offsetArray,
    answerer.index.save(),
    jsonUtf16(directoryState.units),
    jsonUtf16(answerer.directory.words()),
    ...dictionarySections(answerer.tokenizer.packedDictionary()),
  ]);
  const head = Buffer.alloc(12);
  head.writeUInt32LE(MAGIC, 0);
  head.writeDoubleLE(front.byteLength, 4);
  return {
    bytes: Buffer.concat([head, front, ...parts]),
    bind(path) {
      const { source, close } = fileSource(path, 12 + front.byteLength);
      bindTexts(plans, itemCounts, itemIds, offsetArray, source);
      return close;
    },
  };
}

/** Reads of ranges of a snapshot file's plan texts (which start at `base`). */
function fileSource(path: string, base: number): { source: Source; close: () => void } {
  const fd = openSync(path, 'r');
  let open = true;
  return {
    source: {
      size: fstatSync(fd).size - base,
      read(from, to) {
        if (!open) throw new Error('snapshot closed before this plan was read');
        const b = Buffer.allocUnsafe(to - from);
        if (readSync(fd, b, 0, b.length, base + from) !== b.length) throw new Error('snapshot is truncated');
        return b;
      },
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Point each plan's texts at `source` (plans in file order): a plan not read yet reads from there from now on. */
function bindTexts(plans: WorkPlan[], itemCounts: number[], itemIds: string[], offsets: Float64Array, source: Source): PlanTexts[] {
  let part = 0;
  return plans.map((plan, i) => {
    const n = itemCounts[i] as number;
    const t = new FileTexts(source, offsets, part, n, itemIds[i] ?? '');
    texts.set(plan, t);
    part += 2 + 2 * n;
    return t;
  });
}

export interface LoadedSnapshot<M> {
  answerer: Answerer;
  docs: SnapshotDoc<M>[];
  /** Let go of the file (plans not read by then can no longer be). */
  close(): void;
}

/**
 * An answerer from a snapshot file, or undefined when the file holds no snapshot of this format and fingerprint.
 * `options` must be those the snapshot was written under (the fingerprint covers their files). The file stays open
 * for the plans' texts until `close` (replacing the file meanwhile is fine: the open one is read).
 */
export function openSnapshot<M>(path: string, fingerprint: string, options: AnswererOptions = {}): LoadedSnapshot<M> | undefined {
  let head: Buffer;
  let front: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    head = Buffer.alloc(12);
    if (readSync(fd, head, 0, 12, 0) !== 12 || head.readUInt32LE(0) !== MAGIC) return undefined;
    const frontLength = head.readDoubleLE(4);
    if (!(frontLength > 0 && frontLength < 2 ** 32)) return undefined;
    // Read over at once: no need to zero it first.
    front = Buffer.allocUnsafe(frontLength);
    if (readSync(fd, front, 0, frontLength, 12) !== frontLength) return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const { source, close } = fileSource(path, 12 + front.byteLength);
  try {
    const loaded = decodeFront<M>(front, source, fingerprint, options);
    if (!loaded) return void close();
    return { ...loaded, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** An answerer from snapshot bytes held in memory (see openSnapshot), or undefined. */
export function decodeSnapshot<M>(bytes: Uint8Array, fingerprint: string, options: AnswererOptions = {}): { answerer: Answerer; docs: SnapshotDoc<M>[] } | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 12 || b.readUInt32LE(0) !== MAGIC) return undefined;
  const frontLength = b.readDoubleLE(4);
  if (12 + frontLength > b.length) return undefined;
  const base = 12 + frontLength;
  const source: Source = {
    size: b.length - base,
    read(from, to) {
      if (base + to > b.length) throw new Error('snapshot is truncated');
      return b.subarray(base + from, base + to);
    },
  };
  // The front part's typed arrays want 8-byte alignment: copy it when the bytes do not give it.
  const front = b.subarray(12, base);
  return decodeFront<M>(front.byteOffset % 8 === 0 ? front : Buffer.from(front), source, fingerprint, options);
}

function decodeFront<M>(front: Uint8Array, source: Source, fingerprint: string, options: AnswererOptions) {
  let sections: Uint8Array[];
  try {
    sections = unpackSections(front.byteOffset % 8 === 0 ? front : front.slice());
  } catch {
    return undefined;
  }
  const [head, offsetBytes, indexBytes, unitBytes, wordBytes, ...dictionaryBytes] = sections;
  if (!head || !offsetBytes || !indexBytes || !unitBytes || !wordBytes) return undefined;
  let header: Header<M>;
  try {
    header = JSON.parse(utf16(head)) as Header<M>;
  } catch {
    return undefined;
  }
  if (header.format !== SNAPSHOT_FORMAT || header.fingerprint !== fingerprint) return undefined;
  const offsets = new Float64Array(offsetBytes.buffer, offsetBytes.byteOffset, offsetBytes.byteLength / 8);
  if ((offsets[offsets.length - 1] ?? 0) > source.size) return undefined;
  const plans = header.plans as unknown as WorkPlan[];
  if (!Array.isArray(header.itemIds) || header.itemIds.length !== plans.length) return undefined;
  const bound = bindTexts(plans, header.itemCounts, header.itemIds, offsets, source);
  plans.forEach((plan, i) => lazyPlan(plan, bound[i] as PlanTexts));
  const byFile = new Map(plans.map((p) => [p.file, p]));
  const { tokenizer, thesaurus } = engineBase(options, dictionaryFromSections(dictionaryBytes));
  let words: unknown;
  try {
    words = JSON.parse(utf16(wordBytes));
  } catch {
    return undefined;
  }
  if (!Array.isArray(words)) return undefined;
  const directory = UnitDirectory.restore({ ...header.directory, units: () => JSON.parse(utf16(unitBytes)) as DirectoryState['units'] }, plans, words as string[]);
  tokenizer.addWords(directory.words());
  const index = ItemIndex.load(indexBytes, tokenizer, (f) => byFile.get(f));
  const readings = { words: new Map(header.readings), chars: new Map<string, string[]>() };
  return { answerer: assemble({ plans, directory, tokenizer, thesaurus, index, readings }, options), docs: header.docs };
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
 * Make a plan's fields beyond the light ones read from the snapshot when first asked for (see the header): its
 * sections and notes together, its items one by one (found by id through itemById, or all at once through
 * `items`, the same objects either way), its lines apart. The texts stay where they are: a later snapshot copies
 * them.
 */
function lazyPlan(plan: WorkPlan, first: PlanTexts): void {
  lazyPlans.set(plan, { first, decoded: [] });
  Object.defineProperties(plan, PLAN_ACCESSORS);
  setItemLookup(plan, lazyItem);
}
