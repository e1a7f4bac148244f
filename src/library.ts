/**
 * The library of documents every platform answers from: the loaded plans, where each came from, and the
 * answerer built over them. Documents come from a folder (DOCS_DIR / --docs) and from uploads (kept in the store,
 * shared by every instance, with a copy under DATA_DIR/documents); with neither, the bundled samples.
 *
 * Start-up reads every document's bytes and hashes them; with a snapshot (DATA_DIR, see answer/snapshot.ts) the
 * plans and the index of unchanged documents are loaded from it and only new or changed documents are parsed and
 * indexed. An upload, replacement or removal touches only that document: it is parsed aside, kept (store, file),
 * then applied to the answerer in one synchronous step, so questions see the old documents until the new one is
 * ready, and a failed parse or write changes nothing. Changes run one at a time; another instance's changes
 * arrive through the store (PostgreSQL LISTEN/NOTIFY) and are applied the same way. Without an upload folder (the
 * command line) the library is read-only.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnswerer, type Answerer, type AnswererOptions, type AskContext } from './answer/index.js';
import { encodeSnapshot, type EngineKey, engineKey, openSnapshot, type SnapshotDoc } from './answer/snapshot.js';
import { YaodianError } from './errors.js';
import { duplicateOf, errorOf, type FileReport, formatOf, INGEST_EXTENSIONS, isIngestible, loadDocument, type LoadOptions, reportOf } from './ingest/index.js';
import type { Logger } from './logger.js';
import { collectGarbage } from './memory.js';
import type { Answer, AnswerEngine, WorkPlan } from './model.js';
import type { DocumentChange, UploadStore } from './store/documents.js';
import { planHash, rememberPlanHash } from './plan-hash.js';
import type { UnitDirectory } from './units/directory.js';

/** What the ledger, the digest and the commands read of the loaded documents. */
export interface Catalog {
  plans(): WorkPlan[];
  readonly directory: UnitDirectory;
}

/** The bundled samples/: the nearest ancestor of this module (source or dist/) that has samples/ and package.json. */
export function bundledSamplesDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'samples')) && existsSync(join(dir, 'package.json'))) return join(dir, 'samples');
    dir = dirname(dir);
  }
  return undefined;
}

export type DocumentSource = 'upload' | 'docs' | 'samples';

export interface LibraryEntry {
  plan: WorkPlan;
  source: DocumentSource;
  report: FileReport;
}

export interface LibraryOptions {
  /** DATA_DIR/documents: uploads are written here; unset: no uploads (read-only). */
  uploadDir?: string;
  /** Folder given by DOCS_DIR or --docs (read only). */
  docsDir?: string;
  /** The bundled samples, loaded when neither docsDir nor uploads give any document. */
  samplesDir?: string;
  answerer?: AnswererOptions;
  /** How documents are read (extra table header names, TABLE_HEADERS). */
  load?: LoadOptions;
  /** Where the snapshot of plans and index is kept and read at start-up (serve: DATA_DIR/index.snapshot). */
  snapshotPath?: string;
  /** Uploads and removals kept in the store, shared by instances (serve); unset: the upload folder only. */
  store?: UploadStore;
  logger: Logger;
  /** Called after an upload, replacement or removal has been applied (e.g. to record new documents for 新增). */
  onChange?: (plans: WorkPlan[], change: { added: WorkPlan[] }) => void | Promise<void>;
}

const TOMBSTONES = '.removed.json';

/** A load report as the snapshot keeps it: JSON text, a document's detail (see SnapshotDoc.detail). */
const savedReport = (text: string): FileReport => JSON.parse(text) as FileReport;

/**
 * A document loaded from the snapshot: its report read from the snapshot (`detail`, by file) when first asked for
 * (a listing).
 */
function savedEntry(plan: WorkPlan, source: DocumentSource, detail: (file: string) => string | undefined): LibraryEntry {
  let report: FileReport | undefined;
  return {
    plan,
    source,
    get report(): FileReport {
      if (!report) {
        const text = detail(plan.file);
        if (text === undefined) throw new Error(`the snapshot holds no load report of ${plan.file}`);
        report = savedReport(text);
      }
      return report;
    },
  };
}
/** Wait this long after a change before writing the snapshot (changes in a row are written once). */
const SNAPSHOT_DELAY_MS = 1000;

/**
 * A file name safe to keep on disk and show: no directories, no control characters, no bidi controls or invisible
 * marks (报告\u202Efdp.exe would display as 报告exe.pdf), a known ending.
 */
export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"|?*\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '')
    .trim();
  if (!base || base.startsWith('.') || base.length > 200) throw new YaodianError('BAD_ARGUMENT', `文件名不可用：${name}`);
  if (!formatOf(base)) throw new YaodianError('BAD_ARGUMENT', `不支持的文件类型：${base}。请上传 ${INGEST_EXTENSIONS.join('、')} 文件。`);
  return base;
}

/** sha256 of a document's bytes: what a snapshot keys its plan by. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What the snapshot keeps of each document besides its plan. */
interface DocMeta {
  source: DocumentSource;
  /** The plan's hash (see planHash), so that recording it or finding its text twice needs no reading of its lines. */
  planHash?: string;
  /** A folder file's size and modification time when it was hashed: the same again, and its hash is trusted. */
  size?: number;
  mtimeMs?: number;
}

/** A document found at start-up, before it is parsed. */
interface Found {
  file: string;
  source: DocumentSource;
  /** The bytes; for a folder file known to the snapshot (same size and time), read only if it must be parsed. */
  bytes?: Buffer;
  path?: string;
  size?: number;
  mtimeMs?: number;
  hash: string;
}

export class DocumentLibrary implements AnswerEngine, Catalog {
  private entries = new Map<string, LibraryEntry>();
  /** Set by load(), before the library is handed out. */
  private current!: Answerer;
  private removed = new Set<string>();
  private hashes = new Map<string, string>();
  /** Size and modification time of folder files, kept in the snapshot with their hashes. */
  private stats = new Map<string, { size: number; mtimeMs: number }>();
  /** Start-up failures by file, with the hash of the bytes that failed (kept in the snapshot). */
  private failed = new Map<string, { hash: string; source: DocumentSource; report: FileReport }>();
  private queue: Promise<unknown> = Promise.resolve();
  private snapshotTimer: NodeJS.Timeout | undefined;
  private snapshotWrite: Promise<void> = Promise.resolve();
  /** What a snapshot must have been written under to be used (see EngineKey). */
  private engineKey: EngineKey | undefined;
  private stopListening: (() => Promise<void>) | undefined;
  /** Closes the snapshot file the plans' texts are read from. */
  private closeSnapshot: (() => void) | undefined;
  /** Files that failed at start-up, for the documents list. */
  loadErrors: { file: string; code: string; message: string; source: DocumentSource }[] = [];
  /** How the last start went: documents from the snapshot, documents parsed. */
  readonly startup = { fromSnapshot: 0, parsed: 0, snapshot: false };

  private constructor(private readonly options: LibraryOptions) {}

  static async open(options: LibraryOptions): Promise<DocumentLibrary> {
    const lib = new DocumentLibrary(options);
    await lib.load();
    return lib;
  }

  private async load(): Promise<void> {
    const { uploadDir, docsDir, samplesDir, logger, store } = this.options;
    if (uploadDir) await mkdir(uploadDir, { recursive: true });
    for (const f of await this.readRemoved()) this.removed.add(f);
    const answererOptions = this.options.answerer ?? {};
    this.engineKey = this.options.snapshotPath
      ? engineKey([answererOptions.userDictPath, answererOptions.aliasPath, answererOptions.thesaurusPath], JSON.stringify([answererOptions.aliasGroups ?? [], this.options.load ?? {}]))
      : undefined;
    const snap = await this.readSnapshot();
    const saved = new Map((snap?.docs ?? []).map((d) => [d.file, d]));
    const uploads = await this.readUploads(saved);
    const baseDir = docsDir ?? (uploads.length === 0 ? samplesDir : undefined);
    const baseSource: DocumentSource = docsDir ? 'docs' : 'samples';
    const base = baseDir ? (await this.readFolder(baseDir, baseSource, saved)).filter((d) => !this.removed.has(d.file)) : [];
    // An upload wins over a folder document of the same name.
    const byFile = new Map<string, Found>();
    for (const d of [...base, ...uploads]) {
      byFile.delete(d.file);
      byFile.set(d.file, d);
    }
    const found = [...byFile.values()];
    const same = (d: Found) => saved.get(d.file)?.hash === d.hash;
    // Mostly new documents (or no snapshot): build at once; else start from the snapshot and redo the changes.
    const changed = found.filter((d) => !same(d));
    const useSnapshot = !!snap && changed.length <= found.length / 2;
    const parsed = new Map<string, { plan?: WorkPlan; report: FileReport }>();
    // Start-up parses in the process (nothing is served yet; the worker's start and copies would cost more).
    for (const d of useSnapshot ? changed : found) parsed.set(d.file, await this.parse(d, { inProcess: true }));
    // The same text twice (a folder under two names, another encoding, an upload under another name): the first
    // in order (folder, then uploads) is loaded, the other reported, so that no citation doubles.
    const twins = new Map<string, string>();
    const firstWith = new Map<string, string>();
    for (const d of found) {
      const fresh = parsed.get(d.file);
      const key = fresh ? fresh.plan && planHash(fresh.plan) : saved.get(d.file)?.meta.planHash;
      if (!key) continue;
      const first = firstWith.get(key);
      if (first) twins.set(d.file, first);
      else firstWith.set(key, d.file);
    }

    if (!useSnapshot) snap?.close();
    if (useSnapshot && snap) {
      // Gone, or changed and no longer readable: out. Changed or new: in (a changed one keeps its place).
      const answerer = snap.answerer;
      const wanted = new Set(found.filter((d) => !twins.has(d.file) && (!parsed.has(d.file) || parsed.get(d.file)?.plan)).map((d) => d.file));
      for (const p of answerer.plans()) if (!wanted.has(p.file)) answerer.removePlan(p.file);
      for (const d of changed) {
        const plan = parsed.get(d.file)?.plan;
        if (plan && wanted.has(d.file)) answerer.addPlan(plan);
      }
      this.current = answerer;
    } else {
      this.current = createAnswerer(
        found.filter((d) => !twins.has(d.file)).map((d) => parsed.get(d.file)?.plan).filter((p): p is WorkPlan => !!p),
        { ...answererOptions, logger },
      );
    }
    const inAnswerer = new Map(this.current.plans().map((p) => [p.file, p]));
    // The snapshot's load reports are read when a document is first listed (a failed one's now).
    const detail = snap ? snap.detail : () => undefined;
    for (const d of found) {
      const original = twins.get(d.file);
      if (original) {
        const { code, message } = errorOf(d.file, duplicateOf(d.file, original));
        this.loadErrors.push({ file: d.file, code, message, source: d.source });
        logger.warn({ file: d.file, code, source: d.source }, message);
        continue;
      }
      this.hashes.set(d.file, d.hash);
      if (d.size !== undefined && d.mtimeMs !== undefined) this.stats.set(d.file, { size: d.size, mtimeMs: d.mtimeMs });
      const fresh = parsed.get(d.file);
      const meta = fresh ? undefined : saved.get(d.file)?.meta;
      const plan = inAnswerer.get(d.file);
      if (plan && meta?.planHash) rememberPlanHash(plan, meta.planHash);
      if (plan && (fresh || meta)) {
        this.entries.set(d.file, fresh ? { plan, source: d.source, report: fresh.report } : savedEntry(plan, d.source, detail));
        continue;
      }
      const text = meta && detail(d.file);
      const report = fresh?.report ?? (text === undefined ? undefined : savedReport(text));
      if (report?.error) {
        this.failed.set(d.file, { hash: d.hash, source: d.source, report });
        this.loadErrors.push({ file: d.file, ...report.error, source: d.source });
        logger.warn({ file: d.file, code: report.error.code, source: d.source }, report.error.message);
      }
    }
    Object.assign(this.startup, { fromSnapshot: useSnapshot ? found.length - changed.length : 0, parsed: parsed.size, snapshot: useSnapshot });
    if (!useSnapshot || changed.length || saved.size !== found.length) this.scheduleSnapshot(0);
    if (store?.onDocumentsChanged) this.stopListening = await store.onDocumentsChanged((c) => void this.applyRemote(c));
    logger.info(
      { documents: this.entries.size, errors: this.loadErrors.length, fromSnapshot: this.startup.fromSnapshot, parsed: this.startup.parsed, docsDir: baseDir ?? null, uploadDir: uploadDir ?? null },
      'documents loaded',
    );
  }

  /**
   * The documents of a folder, hashed (not parsed): a file the snapshot knows with the same size and modification
   * time keeps its hash without being read (as git trusts its index); any other is read and hashed.
   */
  private async readFolder(dir: string, source: DocumentSource, saved: Map<string, SnapshotDoc<DocMeta>> = new Map()): Promise<Found[]> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter(isIngestible).sort();
    } catch {
      this.options.logger.warn({ dir }, 'documents folder not found');
      return [];
    }
    const out: Found[] = [];
    // The folder's path once: join per file normalizes it a thousand times over at start-up.
    const prefix = join(dir, '/');
    for (const file of names) {
      const path = prefix + file;
      try {
        // Start-up, before anything is served: a stat at a time without a trip through the thread pool each.
        const info = statSync(path);
        if (!info.isFile()) continue;
        const known = saved.get(file);
        if (known && known.meta.size === info.size && known.meta.mtimeMs === info.mtimeMs) {
          out.push({ file, source, path, size: info.size, mtimeMs: info.mtimeMs, hash: known.hash });
          continue;
        }
        const bytes = await readFile(path);
        out.push({ file, source, bytes, path, size: info.size, mtimeMs: info.mtimeMs, hash: contentHash(bytes) });
      } catch (err) {
        this.options.logger.warn({ file, err }, 'document not readable');
      }
    }
    return out;
  }

  /** Uploads: the store's (with legacy files of the upload folder moved in), else the upload folder's. */
  private async readUploads(saved: Map<string, SnapshotDoc<DocMeta>>): Promise<Found[]> {
    const { uploadDir, store } = this.options;
    const local = uploadDir ? await this.readFolder(uploadDir, 'upload', store ? new Map() : saved) : [];
    if (!store) return local;
    const stored = await store.uploads();
    const inStore = new Set(stored.map((u) => u.file));
    for (const f of local) {
      if (inStore.has(f.file)) continue;
      if (this.removed.has(f.file)) {
        // Removed by another instance while this one was away: the local copy goes too.
        if (uploadDir) await rm(join(uploadDir, f.file), { force: true });
        continue;
      }
      const bytes = f.bytes ?? (await readFile(f.path as string));
      await store.putUpload({ file: f.file, bytes, hash: f.hash, by: 'folder' });
      stored.push({ file: f.file, bytes, hash: f.hash });
    }
    return stored.map((u) => ({ file: u.file, source: 'upload' as const, bytes: Buffer.from(u.bytes), hash: u.hash }));
  }

  private async readRemoved(): Promise<string[]> {
    const { uploadDir, store } = this.options;
    if (store) return store.removedFiles();
    if (!uploadDir) return [];
    try {
      const list: unknown = JSON.parse(await readFile(join(uploadDir, TOMBSTONES), 'utf8'));
      return Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string') : [];
    } catch {
      return [];
    }
  }

  private async parse(d: Found, how: { inProcess?: boolean } = {}): Promise<{ plan?: WorkPlan; report: FileReport }> {
    const started = Date.now();
    try {
      const bytes = d.bytes ?? (await readFile(d.path as string));
      const { isolate, ...inProcess } = this.options.load ?? {};
      const { plan, format, notes } = await loadDocument(bytes, d.file, how.inProcess || !isolate ? inProcess : { ...inProcess, isolate });
      const withNotes = notes.length ? Object.assign(plan, { conversionNotes: notes }) : plan;
      return { plan: withNotes, report: reportOf(withNotes, format, Date.now() - started) };
    } catch (e) {
      const format = formatOf(d.file) ?? 'unknown';
      return { report: { file: d.file, ok: false, format, items: 0, sections: 0, warnings: [], notes: [], error: errorOf(d.file, e), ms: Date.now() - started } };
    }
  }

  private async readSnapshot() {
    const path = this.options.snapshotPath;
    const key = this.engineKey;
    if (!path || !key || !existsSync(path)) return undefined;
    try {
      const snap = openSnapshot<DocMeta>(path, key, this.options.answerer);
      if (!snap) this.options.logger.info({ path }, 'snapshot written by other code or settings: rebuilding');
      else this.closeSnapshot = snap.close;
      return snap;
    } catch (err) {
      this.options.logger.warn({ path, err }, 'snapshot unreadable: rebuilding');
      return undefined;
    }
  }

  /** Write the snapshot `delay` ms from now (once for changes in a row). */
  private scheduleSnapshot(delay = SNAPSHOT_DELAY_MS): void {
    if (!this.options.snapshotPath) return;
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      this.snapshotWrite = this.snapshotWrite.then(() => this.writeSnapshot());
    }, delay);
    this.snapshotTimer.unref();
  }

  private async writeSnapshot(): Promise<void> {
    const path = this.options.snapshotPath;
    const key = this.engineKey;
    if (!path || !key) return;
    const docs: SnapshotDoc<DocMeta>[] = [];
    for (const [file, e] of this.entries) docs.push({ file, hash: this.hashes.get(file) ?? '', meta: { source: e.source, planHash: planHash(e.plan), ...this.stats.get(file) }, detail: JSON.stringify(e.report) });
    for (const [file, f] of this.failed) docs.push({ file, hash: f.hash, meta: { source: f.source, ...this.stats.get(file) }, detail: JSON.stringify(f.report) });
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      const encoded = encodeSnapshot(this.current, docs, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, encoded.bytes);
      await rename(tmp, path);
      // From now on the plans' texts are read from the new file; the old one can go.
      const close = encoded.bind(path);
      this.closeSnapshot?.();
      this.closeSnapshot = close;
      // The encoded buffers live outside the heap: let them go now rather than at V8's leisure (see memory.ts).
      collectGarbage();
    } catch (err) {
      await rm(tmp, { force: true });
      this.options.logger.warn({ path, err }, 'snapshot not written');
    }
  }

  /** Write any pending snapshot now, stop listening to other instances (before the store closes), let go of files. */
  async close(): Promise<void> {
    if (this.snapshotTimer) {
      clearTimeout(this.snapshotTimer);
      this.snapshotTimer = undefined;
      this.snapshotWrite = this.snapshotWrite.then(() => this.writeSnapshot());
    }
    await this.snapshotWrite;
    await this.stopListening?.();
    this.stopListening = undefined;
    // The snapshot file goes too: plans not read by now can no longer be.
    this.closeSnapshot?.();
    this.closeSnapshot = undefined;
  }

  /** Answer with the current answerer (the library is the engine the bot asks). */
  answer(question: string, ctx?: AskContext): Answer {
    return this.current.answer(question, ctx);
  }

  get directory(): UnitDirectory {
    return this.current.directory;
  }

  get answerer(): Answerer {
    return this.current;
  }

  plans(): WorkPlan[] {
    return [...this.entries.values()].map((e) => e.plan);
  }

  list(): LibraryEntry[] {
    return [...this.entries.values()];
  }

  get(file: string): LibraryEntry | undefined {
    return this.entries.get(file);
  }

  /** Another loaded document with the same text as `plan` (a replacement under its own name is no twin). */
  private twinOf(plan: WorkPlan): string | undefined {
    // Plans from the snapshot had their hash remembered at start-up: no lines are read here.
    const key = planHash(plan);
    for (const e of this.entries.values()) if (e.plan.file !== plan.file && planHash(e.plan) === key) return e.plan.file;
    return undefined;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Add or replace a document from uploaded bytes. Parse errors throw (a YaodianError) and change nothing.
   */
  put(name: string, bytes: Buffer): Promise<{ entry: LibraryEntry; replaced: boolean }> {
    return this.serial(async () => {
      const uploadDir = this.writable();
      const file = safeFileName(name);
      const started = Date.now();
      // 1. Parse aside.
      const { plan, format, notes } = await loadDocument(bytes, file, this.options.load);
      const twin = this.twinOf(plan);
      if (twin) throw duplicateOf(file, twin);
      const entry: LibraryEntry = { plan, source: 'upload', report: { ...reportOf(plan, format, Date.now() - started), notes } };
      const hash = contentHash(bytes);
      // 2. Keep it: the store (every instance reads it), the upload folder (temp + rename, never half a file).
      await this.options.store?.putUpload({ file, bytes, hash, by: 'upload' });
      const target = join(uploadDir, file);
      const tmp = join(uploadDir, `.${file}.${process.pid}.${Date.now()}.tmp`);
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, target);
      } catch (cause) {
        await rm(tmp, { force: true });
        throw new YaodianError('INTERNAL', `保存文件失败：${file}`, { user: false, cause });
      }
      if (this.removed.delete(file)) await this.saveRemoved(file, false);
      // 3. Apply: one synchronous step, so no question sees half of it.
      const replaced = this.apply(file, entry, hash);
      this.options.logger.info({ file, items: plan.items.length, replaced }, 'document stored');
      await this.options.store?.notifyDocumentsChanged?.({ op: 'put', file, hash });
      await this.changed([plan]);
      return { entry, replaced };
    });
  }

  /** Remove a document; false when there is none by that name. */
  remove(file: string): Promise<boolean> {
    return this.serial(async () => {
      const uploadDir = this.writable();
      const old = this.entries.get(file);
      if (!old) return false;
      if (old.source === 'upload') {
        await this.options.store?.removeUpload(file);
        const onDisk = join(uploadDir, file);
        if (existsSync(onDisk)) await rm(onDisk, { force: true });
      }
      // Remembered as removed: a folder document is not deleted from its folder, and another instance may still
      // hold a local copy of an upload.
      if (old.source !== 'upload' || this.options.store) {
        this.removed.add(file);
        await this.saveRemoved(file, true);
      }
      this.unapply(file);
      this.options.logger.info({ file, source: old.source }, 'document removed');
      await this.options.store?.notifyDocumentsChanged?.({ op: 'remove', file });
      await this.changed();
      return true;
    });
  }

  /** Another instance's upload or removal, read back from the store and applied here. */
  private applyRemote(change: DocumentChange): Promise<void> {
    return this.serial(async () => {
      const { store, logger } = this.options;
      if (!store) return;
      try {
        const added: WorkPlan[] = [];
        if (change.op === 'remove') {
          this.removed.add(change.file);
          if (this.entries.has(change.file)) this.unapply(change.file);
        } else {
          if (change.hash && this.hashes.get(change.file) === change.hash) return;
          const u = await store.upload(change.file);
          if (!u || this.hashes.get(change.file) === u.hash) return;
          const { plan, report } = await this.parse({ file: u.file, source: 'upload', bytes: Buffer.from(u.bytes), hash: u.hash });
          if (!plan) {
            logger.warn({ file: change.file, error: report.error }, 'another instance uploaded a document this one cannot read');
            return;
          }
          this.removed.delete(change.file);
          this.apply(change.file, { plan, source: 'upload', report }, u.hash);
          added.push(plan);
        }
        logger.info({ file: change.file, op: change.op }, 'document changed by another instance');
        await this.changed(added);
      } catch (err) {
        logger.error({ err, file: change.file }, 'applying another instance’s change failed');
      }
    });
  }

  /** Swap one document in (the answerer first, then the list); returns whether it replaced one. */
  private apply(file: string, entry: LibraryEntry, hash: string): boolean {
    const replaced = this.entries.has(file);
    this.current.addPlan(entry.plan);
    this.entries.set(file, entry);
    this.hashes.set(file, hash);
    this.stats.delete(file);
    this.failed.delete(file);
    this.loadErrors = this.loadErrors.filter((e) => e.file !== file);
    this.scheduleSnapshot();
    return replaced;
  }

  private unapply(file: string): void {
    this.current.removePlan(file);
    this.entries.delete(file);
    this.hashes.delete(file);
    this.stats.delete(file);
    this.scheduleSnapshot();
  }

  /** Tell the listener; its failure is logged, never undoes the change. */
  private async changed(added: WorkPlan[] = []): Promise<void> {
    try {
      await this.options.onChange?.(this.plans(), { added });
    } catch (err) {
      this.options.logger.error({ err }, 'document change listener failed');
    }
  }

  private writable(): string {
    if (!this.options.uploadDir) throw new YaodianError('BAD_ARGUMENT', '这里只能读取文件，不能上传或删除。');
    return this.options.uploadDir;
  }

  private async saveRemoved(file: string, removed: boolean): Promise<void> {
    if (this.options.store) {
      await this.options.store.setRemoved(file, removed);
      return;
    }
    await writeFile(join(this.writable(), TOMBSTONES), JSON.stringify([...this.removed].sort(), null, 1));
  }
}
