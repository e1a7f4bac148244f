/**
 * The PDF library writes nothing to the terminal: a PDF whose cross-reference table is damaged makes pdf.js rebuild
 * it ("Warning: Indexing all PDF objects" on stderr at its default verbosity); the loader reads it without a word
 * on stderr or the console.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDocument } from '../../src/ingest/index.js';
import { parseBuffer } from '../../src/parse/index.js';
import { layoutModel, printBlocks } from '../helpers/layouts.js';
import { writePdf } from '../helpers/pdf-writer.js';
import { samplesDir } from '../helpers/samples.js';
import { typeset } from '../helpers/typeset.js';

const FILE = '2021-旌德县政务公开工作要点.txt';
const plan = parseBuffer(readFileSync(join(samplesDir, FILE)), FILE);
const doc = layoutModel(plan);
const pdf = writePdf(typeset(printBlocks(doc), { header: doc.title }));

/** The same PDF with its cross-reference table's keyword broken, so that pdf.js must index every object. */
function brokenXref(): Buffer {
  const b = Buffer.from(pdf);
  const at = b.indexOf('\nxref');
  b.write('xxef', at + 1, 'latin1');
  return b;
}

function captureOutput() {
  const seen: string[] = [];
  const record = (...args: unknown[]) => void seen.push(args.map(String).join(' '));
  vi.spyOn(console, 'warn').mockImplementation(record);
  vi.spyOn(console, 'log').mockImplementation(record);
  vi.spyOn(console, 'error').mockImplementation(record);
  vi.spyOn(console, 'info').mockImplementation(record);
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    seen.push(String(chunk));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write);
  return seen;
}

afterEach(() => vi.restoreAllMocks());

describe('the PDF library is quiet', () => {
  it('a PDF that pdf.js must re-index loads with nothing on stderr or the console', async () => {
    const seen = captureOutput();
    const loaded = await loadDocument(brokenXref(), '要点.pdf');
    expect(loaded.plan.items.length).toBe(plan.items.length);
    expect(seen).toEqual([]);
  });

  it('(the same file at pdf.js’s warning verbosity does print it: the case is the one reported)', async () => {
    const seen = captureOutput();
    const { getDocumentProxy } = await import('unpdf');
    await getDocumentProxy(new Uint8Array(brokenXref()), { verbosity: 1 });
    expect(seen.join('\n')).toMatch(/Indexing all PDF objects/);
    // And the loader still is quiet afterwards (it sets the verbosity on each document).
    seen.length = 0;
    await loadDocument(brokenXref(), '要点.pdf');
    expect(seen).toEqual([]);
  });
});
