import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isYaodianError } from '../../src/errors.js';
import { parseBuffer } from '../../src/parse/index.js';
import { planDifferences } from '../helpers/plan-diff.js';

const samplesDir = join(import.meta.dirname, '..', '..', 'samples');
const samples = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => readFileSync(join(samplesDir, f)));

type Mutation =
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'duplicate'; at: number; count: number }
  | { kind: 'shuffle'; seed: number }
  | { kind: 'bytes'; at: number; bytes: number[] }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('shuffle' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(buf: Buffer, m: Mutation): Buffer {
  if (m.kind === 'bytes') {
    const at = m.at % (buf.length + 1);
    return Buffer.concat([buf.subarray(0, at), Buffer.from(m.bytes), buf.subarray(at)]);
  }
  if (m.kind === 'truncate') return buf.subarray(0, m.at % (buf.length + 1));
  const lines = buf.toString('utf8').split('\n');
  const at = 'at' in m ? m.at % (lines.length + 1) : 0;
  if (m.kind === 'delete') lines.splice(at, m.count);
  else if (m.kind === 'duplicate') lines.splice(at, 0, ...lines.slice(at, at + m.count));
  else {
    let s = m.seed || 1;
    for (let i = lines.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const j = s % (i + 1);
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
    }
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

describe('the parser never throws on damaged documents', () => {
  it('returns a plan or a typed error, and every item is well formed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: samples.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, muts) => {
        const buf = muts.reduce(apply, samples[which] as Buffer);
        try {
          const plan = parseBuffer(buf, 'mutated.txt');
          for (const item of plan.items) {
            expect(item.id).toMatch(/^[一二三四五六七八九十]+\.\d+$/);
            expect(item.lines[0]).toBeLessThanOrEqual(item.lines[1]);
            expect(item.leadUnits.every((u) => item.units.includes(u))).toBe(true);
          }
          const ids = plan.items.map((i) => i.id);
          expect(new Set(ids).size).toBe(ids.length);
        } catch (e) {
          if (!isYaodianError(e)) throw e;
          expect(e.message).toMatch(/^mutated\.txt：/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** A line that would read as structure on its own: a heading, an item or sub-point number, a colophon line. */
const STRUCTURAL = [
  /^[一二三四五六七八九十]{1,3}[、．.]/,
  /^第[一二三四五六七八九十]{1,3}部分/,
  /^[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]/,
  /^\d{1,2}\s*[.．、]/,
  /^[①-⑳|]/,
  /^(抄送|抄报|主送|附件|主题词|（此件|\(此件)/,
  /^\d{4}年\d{1,2}月\d{1,2}日/,
  /(印发|要点|人民政府办公室|人民政府办公厅|人民政府)$/,
];
const structural = (line: string) => STRUCTURAL.some((re) => re.test(line));

/** Wrap a paragraph at `width` characters, moving a break by a character where the next line would read as structure. */
function wrap(text: string, width: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  let i = 0;
  while (i < chars.length) {
    let end = Math.min(chars.length, i + width);
    // The first line carries the item's number; no other line may read as structure.
    while (end > i + 1 && i + (end - i) <= chars.length && ((i > 0 && structural(chars.slice(i, end).join(''))) || (end < chars.length && structural(chars.slice(end, end + width).join(''))))) end--;
    out.push(chars.slice(i, end).join(''));
    i = end;
  }
  return out;
}

describe('re-flowing an item', () => {
  const files = readdirSync(samplesDir).filter((f) => f.endsWith('.txt'));
  const originals = files.map((f) => {
    const raw = readFileSync(join(samplesDir, f), 'utf8');
    return { raw, plan: parseBuffer(Buffer.from(raw), f) };
  });

  it('never changes its parse, whatever the line width and wherever a page break falls inside a sentence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.nat(),
        fc.integer({ min: 6, max: 90 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        (which, pick, width, breaks) => {
          const { raw, plan } = originals[which] as (typeof originals)[number];
          const item = plan.items[pick % plan.items.length] as (typeof plan.items)[number];
          const paragraphs = item.body.split('\n');
          const lines: string[] = [];
          paragraphs.forEach((p, pi) => {
            const wrapped = wrap(pi === 0 ? `${item.printed}${p}` : p, width);
            wrapped.forEach((l, li) => {
              lines.push(l);
              // A page break: a blank line inside a sentence (never after one that ends, which starts a paragraph).
              if (li < wrapped.length - 1 && breaks[(lines.length + pi) % breaks.length] && !/[。！？；;）)”]$/.test(l)) lines.push('');
            });
            lines.push('');
          });
          const rawLines = raw.split('\n');
          rawLines.splice(item.lines[0] - 1, item.lines[1] - item.lines[0] + 1, ...lines);
          const reflowed = parseBuffer(Buffer.from(rawLines.join('\n')), files[which] as string);
          expect(planDifferences(plan, reflowed)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
