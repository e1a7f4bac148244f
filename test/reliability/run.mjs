#!/usr/bin/env node
/**
 * `npm run test:reliability` (after the build): the reliability suite's long half — 10,000 seeded document
 * mutations, zip bombs and cut office files, every webhook attack, 20 kill -9 restarts during digest pushes, a 60 s soak
 * and the HTTP bad-input table — with a fixed seed, one file after another (so that timings and memory are
 * measured without the other files competing), then the figures each file recorded, as one table.
 *
 * RELIABILITY_SEED replays another seed; RELIABILITY_LONG=0 runs the quick half (as `npm test` does).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const figures = mkdtempSync(join(tmpdir(), 'yaodian-figures-'));
const env = {
  ...process.env,
  RELIABILITY_LONG: process.env.RELIABILITY_LONG ?? '1',
  RELIABILITY_SEED: process.env.RELIABILITY_SEED ?? '20210901',
  RELIABILITY_FIGURES: figures,
};
const started = Date.now();
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', 'test/reliability', '--no-file-parallelism'], { cwd: root, env, stdio: 'inherit' });

const rows = readdirSync(figures)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(join(figures, f), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)));
rmSync(figures, { recursive: true, force: true });
const groups = new Map();
for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
const order = ['document mutations', 'zip bombs', 'webhooks', 'crash during a push', 'steady-load soak', 'HTTP bad input'];
const width = Math.max(20, ...rows.map((r) => r.name.length));
const lines = [
  '',
  `Reliability figures (${env.RELIABILITY_LONG === '1' ? 'long half' : 'quick half'}, seed ${env.RELIABILITY_SEED}, ${Math.round((Date.now() - started) / 1000)} s, exit ${run.status})`,
];
for (const g of [...order.filter((g) => groups.has(g)), ...[...groups.keys()].filter((g) => !order.includes(g))]) {
  lines.push('', `  ${g}`);
  for (const r of groups.get(g)) lines.push(`    ${r.name.padEnd(width)}  ${String(r.value)}${r.note ? `   (${r.note})` : ''}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(run.status ?? 1);
