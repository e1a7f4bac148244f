import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isYaodianError } from '../../src/errors.js';
import { parseBuffer } from '../../src/parse/index.js';

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
