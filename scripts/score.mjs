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
const runs = [
  ['parse', '--gold', join(shared, 'gold')],
  ['qa', '--set', join(shared, 'eval', 'questions.jsonl')],
];
let failed = 0;
for (const [mode, flag, path] of runs) {
  if (!existsSync(path)) continue;
  console.log(`\n== shared ${mode} scorer ==`);
  const r = spawnSync(process.execPath, [scorer, mode, '--cli', cli, '--docs', join(shared, 'seeds'), flag, path, '--verbose'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
console.log(`\nshared scorers: ${runs.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
