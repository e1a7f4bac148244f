/**
 * The answerer on disk: each document's plan (with the hash of the document's bytes it was read from), the unit
 * directory and the item index, in one versioned binary file, so that a restart loads them instead of re-parsing
 * and re-tokenising. Plans load lazily: their light fields at once, their sections, items, notes and warnings the
 * first time one is read, their lines apart. A snapshot written by other code or under other settings (another
 * fingerprint) is not used.
 *
 * Layout (sections of packSections): header JSON, plan bodies (UTF-8 JSON, one after another), plan lines (the
 * same), their offsets, the saved index.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkPlan } from '../model.js';
import { ItemIndex } from '../search/index.js';
import { packSections, unpackSections } from '../search/postings.js';
import { type DirectoryState, UnitDirectory } from '../units/directory.js';
import { type AnswererOptions, type Answerer, assemble, engineBase } from './index.js';

export const SNAPSHOT_FORMAT = 1;

/** Fields of a plan decoded together on first use, and apart from them its lines. */
const BODY = ['sections', 'items', 'notes', 'warnings'] as const;

/** One document of a snapshot: the hash of its bytes, what the caller keeps about it, and its plan if it has one. */
export interface SnapshotDoc<M> {
  file: string;
  hash: string;
  meta: M;
}

interface Header<M> {
  format: number;
  fingerprint: string;
  docs: SnapshotDoc<M>[];
  /** Plans in the answerer's order: their light fields, the heavy ones null. */
  plans: Record<string, unknown>[];
  directory: DirectoryState;
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

/** The answerer's plans, directory and index as bytes, with the caller's documents (plans matched by file). */
export function encodeSnapshot<M>(answerer: Answerer, docs: SnapshotDoc<M>[], fingerprint: string): Uint8Array {
  const plans = answerer.plans();
  const bodies: Buffer[] = [];
  const lines: Buffer[] = [];
  const skeletons = plans.map((p) => {
    const skeleton: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p)) skeleton[k] = k === 'lines' || (BODY as readonly string[]).includes(k) ? null : v;
    bodies.push(Buffer.from(JSON.stringify({ sections: p.sections, items: p.items, notes: p.notes, warnings: p.warnings })));
    lines.push(Buffer.from(JSON.stringify(p.lines)));
    return skeleton;
  });
  const offsets = new Uint32Array(plans.length * 2 + 2);
  bodies.forEach((b, i) => (offsets[i + 1] = (offsets[i] as number) + b.length));
  const lineOff = plans.length + 1;
  lines.forEach((b, i) => (offsets[lineOff + i + 1] = (offsets[lineOff + i] as number) + b.length));
  const header: Header<M> = { format: SNAPSHOT_FORMAT, fingerprint, docs, plans: skeletons, directory: answerer.directory.state() };
  return packSections(Buffer.from(JSON.stringify(header)), [Buffer.concat(bodies), Buffer.concat(lines), offsets, answerer.index.save()]);
}

export interface LoadedSnapshot<M> {
  answerer: Answerer;
  docs: SnapshotDoc<M>[];
}

/**
 * An answerer from snapshot bytes, or undefined when the bytes are no snapshot of this format and fingerprint.
 * `options` must be those the snapshot was written under (the fingerprint covers their files).
 */
export function decodeSnapshot<M>(bytes: Uint8Array, fingerprint: string, options: AnswererOptions = {}): LoadedSnapshot<M> | undefined {
  let sections: Uint8Array[];
  try {
    sections = unpackSections(bytes);
  } catch {
    return undefined;
  }
  const [head, bodies, lines, offsetBytes, indexBytes] = sections;
  if (!head || !bodies || !lines || !offsetBytes || !indexBytes) return undefined;
  let header: Header<M>;
  try {
    header = JSON.parse(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8')) as Header<M>;
  } catch {
    return undefined;
  }
  if (header.format !== SNAPSHOT_FORMAT || header.fingerprint !== fingerprint) return undefined;
  const offsets = new Uint32Array(offsetBytes.buffer, offsetBytes.byteOffset, offsetBytes.byteLength / 4);
  const n = header.plans.length;
  const text = (blob: Uint8Array, from: number, to: number) => Buffer.from(blob.buffer, blob.byteOffset + from, to - from).toString('utf8');
  const plans = header.plans.map((skeleton, i) =>
    lazyPlan(
      skeleton,
      () => JSON.parse(text(bodies, offsets[i] as number, offsets[i + 1] as number)) as Pick<WorkPlan, (typeof BODY)[number]>,
      () => JSON.parse(text(lines, offsets[n + 1 + i] as number, offsets[n + 2 + i] as number)) as string[],
    ),
  );
  const byFile = new Map(plans.map((p) => [p.file, p]));
  const { tokenizer, thesaurus } = engineBase(options);
  const directory = UnitDirectory.restore(header.directory, plans);
  tokenizer.addWords(directory.words());
  const index = ItemIndex.load(indexBytes, tokenizer, (f) => byFile.get(f));
  return { answerer: assemble({ plans, directory, tokenizer, thesaurus, index }, options), docs: header.docs };
}

/**
 * A plan whose heavy fields decode on first read (the body fields together, the lines apart), then stay: own,
 * enumerable properties in the plan's own key order, so that spreading or serializing it reads them all.
 */
function lazyPlan(skeleton: Record<string, unknown>, body: () => Pick<WorkPlan, (typeof BODY)[number]>, lines: () => string[]): WorkPlan {
  const plan = skeleton as unknown as WorkPlan;
  const settle = (key: string, value: unknown) => Object.defineProperty(plan, key, { value, writable: true, enumerable: true, configurable: true });
  const lazy = (key: string, load: () => void) =>
    Object.defineProperty(plan, key, {
      get() {
        load();
        return (plan as unknown as Record<string, unknown>)[key];
      },
      set(v: unknown) {
        settle(key, v);
      },
      enumerable: true,
      configurable: true,
    });
  const loadBody = () => {
    const b = body();
    for (const k of BODY) settle(k, b[k]);
  };
  for (const k of BODY) lazy(k, loadBody);
  lazy('lines', () => settle('lines', lines()));
  return plan;
}
