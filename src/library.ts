/**
 * The library of documents every platform answers from: the loaded plans, where each came from, and the
 * answerer built over them. Documents come from a folder (DOCS_DIR / --docs) and from uploads kept under
 * DATA_DIR/documents/ (so a restart keeps them); with neither, the bundled samples. A change (upload, replace,
 * delete) parses and indexes aside, writes the file, then swaps the answerer in one assignment, so a failed parse
 * or write leaves the old documents serving. Changes run one at a time. Without an upload folder (the command
 * line) the library is read-only.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnswerer, type Answerer, type AnswererOptions, type AskContext } from './answer/index.js';
import { YaodianError } from './errors.js';
import {
  contentKey,
  duplicateOf,
  errorOf,
  type FileReport,
  formatOf,
  ingestDirectory,
  INGEST_EXTENSIONS,
  loadDocument,
  type LoadOptions,
  reportOf,
} from './ingest/index.js';
import type { Logger } from './logger.js';
import type { Answer, AnswerEngine, WorkPlan } from './model.js';
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
  logger: Logger;
  /** Called after an upload, replacement or removal has been swapped in (e.g. to record new documents for 新增). */
  onChange?: (plans: WorkPlan[]) => void | Promise<void>;
}

const TOMBSTONES = '.removed.json';

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

export class DocumentLibrary implements AnswerEngine, Catalog {
  private entries = new Map<string, LibraryEntry>();
  private current: Answerer;
  private removed = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Files that failed at start-up, for the documents list. */
  loadErrors: { file: string; code: string; message: string; source: DocumentSource }[] = [];

  private constructor(private readonly options: LibraryOptions) {
    this.current = createAnswerer([], options.answerer);
  }

  static async open(options: LibraryOptions): Promise<DocumentLibrary> {
    const lib = new DocumentLibrary(options);
    await lib.load();
    return lib;
  }

  private async load(): Promise<void> {
    const { uploadDir, docsDir, samplesDir, logger } = this.options;
    const none = { plans: [], reports: [], errors: [] };
    if (uploadDir) {
      await mkdir(uploadDir, { recursive: true });
      try {
        const list: unknown = JSON.parse(await readFile(join(uploadDir, TOMBSTONES), 'utf8'));
        if (Array.isArray(list)) for (const f of list) if (typeof f === 'string') this.removed.add(f);
      } catch {
        /* no tombstones yet */
      }
    }
    const uploads = uploadDir ? await ingestDirectory(uploadDir, undefined, this.options.load) : none;
    const baseDir = docsDir ?? (uploads.reports.length === 0 ? samplesDir : undefined);
    const baseSource: DocumentSource = docsDir ? 'docs' : 'samples';
    const base = baseDir ? await ingestDirectory(baseDir, undefined, this.options.load) : none;
    const add = (result: typeof uploads, source: DocumentSource) => {
      for (const r of result.reports) {
        if (this.removed.has(r.file) && source !== 'upload') continue;
        if (r.error) {
          this.loadErrors.push({ file: r.file, ...r.error, source });
          logger.warn({ file: r.file, code: r.error.code, source }, r.error.message);
          continue;
        }
        const plan = result.plans.find((p) => p.file === r.file);
        const twin = plan && this.twinOf(plan);
        if (plan && twin) {
          const { code, message } = errorOf(plan.file, duplicateOf(plan.file, twin));
          this.loadErrors.push({ file: plan.file, code, message, source });
          logger.warn({ file: plan.file, code, source }, message);
        } else if (plan) this.entries.set(plan.file, { plan, source, report: r });
      }
    };
    add(base, baseSource);
    add(uploads, 'upload');
    this.current = createAnswerer(this.plans(), this.options.answerer);
    logger.info({ documents: this.entries.size, errors: this.loadErrors.length, docsDir: baseDir ?? null, uploadDir: uploadDir ?? null }, 'documents loaded');
  }

  /** Answer with the latest answerer (the library is the engine the bot asks). */
  answer(question: string, ctx?: AskContext): Answer {
    return this.current.answer(question, ctx);
  }

  /** The latest answerer's unit directory. */
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
    const key = contentKey(plan);
    for (const e of this.entries.values()) if (e.plan.file !== plan.file && contentKey(e.plan) === key) return e.plan.file;
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
      // 2. Index aside.
      const next = new Map(this.entries);
      const replaced = next.has(file);
      next.set(file, entry);
      const answerer = createAnswerer([...next.values()].map((e) => e.plan), this.options.answerer);
      // 3. Keep the file (temp + rename, so a half-written file never replaces the old one).
      const target = join(uploadDir, file);
      const tmp = join(uploadDir, `.${file}.${process.pid}.${Date.now()}.tmp`);
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, target);
      } catch (cause) {
        await rm(tmp, { force: true });
        throw new YaodianError('INTERNAL', `保存文件失败：${file}`, { user: false, cause });
      }
      if (this.removed.delete(file)) await this.saveTombstones();
      // 4. Swap.
      this.entries = next;
      this.current = answerer;
      this.options.logger.info({ file, items: plan.items.length, replaced }, 'document stored');
      await this.changed();
      return { entry, replaced };
    });
  }

  /** Remove a document; false when there is none by that name. */
  remove(file: string): Promise<boolean> {
    return this.serial(async () => {
      const uploadDir = this.writable();
      const old = this.entries.get(file);
      if (!old) return false;
      const next = new Map(this.entries);
      next.delete(file);
      const answerer = createAnswerer([...next.values()].map((e) => e.plan), this.options.answerer);
      const onDisk = join(uploadDir, file);
      if (old.source === 'upload' && existsSync(onDisk)) await rm(onDisk, { force: true });
      if (old.source !== 'upload') {
        // A bundled or DOCS_DIR document is not deleted from its folder; remember that it was removed.
        this.removed.add(file);
        await this.saveTombstones();
      }
      this.entries = next;
      this.current = answerer;
      this.options.logger.info({ file, source: old.source }, 'document removed');
      await this.changed();
      return true;
    });
  }

  /** Tell the listener; its failure is logged, never undoes the change. */
  private async changed(): Promise<void> {
    try {
      await this.options.onChange?.(this.plans());
    } catch (err) {
      this.options.logger.error({ err }, 'document change listener failed');
    }
  }

  private writable(): string {
    if (!this.options.uploadDir) throw new YaodianError('BAD_ARGUMENT', '这里只能读取文件，不能上传或删除。');
    return this.options.uploadDir;
  }

  private async saveTombstones(): Promise<void> {
    const path = join(this.writable(), TOMBSTONES);
    await writeFile(path, JSON.stringify([...this.removed].sort(), null, 1));
  }
}
