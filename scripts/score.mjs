#!/usr/bin/env node
// Runs the shared scorers (../shared/eval) against the built CLI when ../shared exists; part of `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.YAODIAN_SHARED ?? join(root, '..', 'shared');
const scorer = join(shared, 'eval', 'score.mjs');
if (!existsSync(scorer)) {
  console.log(`shared scorer not found at ${scorer}: skipped`);
  process.exit(0);
}
const cli = `node ${JSON.stringify(join(root, 'dist', 'index.js'))}`;
// [label, mode, documents, flag, gold or question set]
const runs = [
  ['parse samples', 'parse', join(shared, 'seeds'), '--gold', join(shared, 'gold')],
  ['parse layouts', 'parse', join(shared, 'eval', 'layouts', 'docs'), '--gold', join(shared, 'eval', 'layouts', 'gold')],
  ['parse formats', 'parse', join(shared, 'eval', 'formats', 'docs'), '--gold', join(shared, 'eval', 'formats', 'gold')],
  ['qa questions', 'qa', join(shared, 'seeds'), '--set', join(shared, 'eval', 'questions.jsonl')],
  ['qa everyday', 'qa', join(shared, 'seeds'), '--set', join(shared, 'eval', 'questions-everyday.jsonl')],
  ['align', 'align', join(shared, 'seeds'), '--gold', join(shared, 'eval', 'align')],
  // Our own sets over the same seeds, scored the same way: 237 questions of every kind, six more 对标 pairs.
  ['qa extra (ours)', 'qa', join(shared, 'seeds'), '--set', join(root, 'test', 'eval', 'questions-extra.jsonl')],
  ['align extra (ours)', 'align', join(shared, 'seeds'), '--gold', join(root, 'test', 'align', 'fixtures')],
];
let failed = 0;
let ran = 0;
for (const [label, mode, docs, flag, path] of runs) {
  if (!existsSync(path) || !existsSync(docs)) {
    console.log(`\n== shared ${label}: ${path} not found, skipped ==`);
    continue;
  }
  ran++;
  console.log(`\n== shared ${label} ==`);
  const r = spawnSync(process.execPath, [scorer, mode, '--cli', cli, '--docs', docs, flag, path, '--verbose'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
console.log(`\nshared scorers: ${ran - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
