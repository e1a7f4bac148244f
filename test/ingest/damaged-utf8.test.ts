/**
 * One invalid byte in a UTF-8 document: the file loads (the rest parses as before), the damaged line holds U+FFFD,
 * and a warning names that line. GBK files are still read as GBK, and a file that is mostly damage is still refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/ingest/index.js';
import { parseBuffer } from '../../src/parse/index.js';
import { encodeGb18030 } from '../helpers/gbk.js';
import { samplesDir } from '../helpers/samples.js';

const FILE = '2021-青田县政务公开工作要点.txt';
const bytes = readFileSync(join(samplesDir, FILE));
const whole = parseBuffer(bytes, FILE);

/** Offsets of the lead bytes of three-byte UTF-8 characters (CJK text). */
const leads = [...bytes.keys()].filter((i) => (bytes[i] as number) >= 0xe0 && (bytes[i] as number) < 0xf0);

/** The 1-based line of a byte offset. */
const lineOf = (offset: number) => bytes.subarray(0, offset).toString('latin1').split('\n').length;

function damage(offset: number, value = 0xff): Buffer {
  const b = Buffer.from(bytes);
  b[offset] = value;
  return b;
}

describe('a UTF-8 document with one invalid byte', () => {
  it('loads, with the same items, and a warning naming the damaged line', async () => {
    const at = leads[Math.floor(leads.length / 2)] as number;
    const line = lineOf(at);
    const { plan } = await loadDocument(damage(at), FILE);
    expect(plan.encoding).toBe('utf-8');
    expect(plan.items.map((i) => i.id)).toEqual(whole.items.map((i) => i.id));
    expect(plan.lines[line - 1]).toContain('\ufffd');
    const warning = plan.warnings.find((w) => w.code === 'ENCODING_DAMAGE');
    expect(warning).toMatchObject({ line });
    expect(warning?.message).toMatch(new RegExp(`^${FILE.replace(/\./g, '\\.')}：第 ${line} 行有无法识别的字节`));
  });

  it('any single damaged byte: the file still loads with every item, and the warning names the right line', () => {
    fc.assert(
      fc.property(fc.constantFrom(...leads), fc.constantFrom(0x80, 0xbf, 0xc0, 0xff, 0xf8), (at, value) => {
        const plan = parseBuffer(damage(at, value), FILE);
        expect(plan.items.length).toBe(whole.items.length);
        const lines = plan.warnings.filter((w) => w.code === 'ENCODING_DAMAGE').map((w) => w.line);
        expect(lines).toEqual([lineOf(at)]);
      }),
      { numRuns: 60, seed: 16 },
    );
  });

  it('with a BOM too', () => {
    const at = leads[100] as number;
    const plan = parseBuffer(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), damage(at)]), FILE);
    expect(plan.encoding).toBe('utf-8-bom');
    expect(plan.warnings.find((w) => w.code === 'ENCODING_DAMAGE')?.line).toBe(lineOf(at));
  });

  it('many damaged lines: five named, the rest counted', () => {
    const b = Buffer.from(bytes);
    const lines = new Set<number>();
    for (const at of leads) {
      if (lines.size === 8) break;
      if (lines.has(lineOf(at))) continue;
      b[at] = 0xff;
      lines.add(lineOf(at));
    }
    const warnings = parseBuffer(b, FILE).warnings.filter((w) => w.code === 'ENCODING_DAMAGE');
    expect(warnings.slice(0, 5).map((w) => w.line)).toEqual([...lines].slice(0, 5));
    expect(warnings.at(-1)?.message).toMatch(new RegExp(`另有 ${lines.size - 5} 行`));
  });

  it('a GBK document is still read as GBK, without damage warnings', () => {
    const plan = parseBuffer(encodeGb18030(bytes.toString('utf8')), FILE);
    expect(plan.encoding).toBe('gb18030');
    expect(plan.items.length).toBe(whole.items.length);
    expect(plan.warnings.some((w) => w.code === 'ENCODING_DAMAGE')).toBe(false);
  });
});
