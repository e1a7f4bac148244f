/**
 * `yaodian digest [--json] [--docs DIR] --unit U [--today YYYY-MM-DD]`: a unit's daily digest.
 * `yaodian ledger --unit U [--csv] [--json] [--docs DIR]`: the unit's ledger with progress.
 * Progress and document added times come from the store in DATA_DIR (or DATABASE_URL) when there is one;
 * without a store every item is 未开始 and nothing is 新增.
 */
import { YaodianError } from '../errors.js';
import { buildDigest, digestJson } from '../digest/build.js';
import { buildLedger, ledgerCsv, ledgerText } from '../digest/ledger.js';
import { renderDigest } from '../digest/render.js';
import { lookupUnit } from '../digest/units.js';
import type { ProgressRecord } from '../store/index.js';
import { openStore, storeExists, type Store } from '../store/index.js';
import { documentDates } from '../store/bindings.js';
import { shanghaiDate } from '../time.js';
import { parseArgs } from './args.js';
import { answererFromArgs, checkToday } from './ask.js';
import { type CliIO, writeLine } from './io.js';

function storeOptions(env: Record<string, string | undefined>) {
  const databaseUrl = env['DATABASE_URL']?.trim() || undefined;
  const dataDir = env['DATA_DIR']?.trim() || './data';
  return { dataDir, ...(databaseUrl ? { databaseUrl } : {}) };
}

/** The store when one exists; never creates one. */
async function existingStore(env: Record<string, string | undefined>): Promise<Store | undefined> {
  const options = storeOptions(env);
  return storeExists(options) ? openStore(options) : undefined;
}

function requireUnit(unit: string | undefined): string {
  if (!unit?.trim()) throw new YaodianError('BAD_ARGUMENT', '请用 --unit 指定单位，例如 --unit 旌德县财政局');
  return unit.trim();
}

export async function runDigest(argv: string[], io: CliIO, env: Record<string, string | undefined> = {}): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], values: ['docs', 'unit', 'today', 'dict', 'aliases'] });
  const unitText = requireUnit(args.values.get('unit'));
  const date = checkToday(args.values.get('today')) ?? shanghaiDate();
  const answerer = await answererFromArgs(args, io);
  const plans = answerer.plans();
  const found = lookupUnit(answerer.directory, unitText);
  if (found.kind === 'unknown') throw new YaodianError('BAD_ARGUMENT', `没有找到单位“${unitText}”。${found.suggestions.length ? `您是不是要找：${found.suggestions.join('、')}？` : ''}`);
  if (found.kind === 'ambiguous') throw new YaodianError('BAD_ARGUMENT', `多个地区都有“${unitText}”：${found.candidates.join('、')}。请加上地区名。`);
  const unit = found.name;
  let progress: ProgressRecord[] = [];
  let addedAt: Map<string, string> | undefined;
  const store = await existingStore(env);
  if (store) {
    try {
      progress = await store.progressOf(unit);
      addedAt = await documentDates(store);
    } finally {
      await store.close();
    }
  }
  const digest = buildDigest(plans, answerer.directory, unit, date, progress, undefined, addedAt ? { addedAt } : {});
  writeLine(io.stdout, args.flags.has('json') ? JSON.stringify(digestJson(digest), null, 2) : renderDigest(digest).text);
  return 0;
}

export async function runLedger(argv: string[], io: CliIO, env: Record<string, string | undefined> = {}): Promise<number> {
  const args = parseArgs(argv, { flags: ['json', 'csv'], values: ['docs', 'unit', 'dict', 'aliases'] });
  const unitText = requireUnit(args.values.get('unit'));
  const answerer = await answererFromArgs(args, io);
  const found = lookupUnit(answerer.directory, unitText);
  if (found.kind === 'unknown') throw new YaodianError('BAD_ARGUMENT', `没有找到单位“${unitText}”。${found.suggestions.length ? `您是不是要找：${found.suggestions.join('、')}？` : ''}`);
  if (found.kind === 'ambiguous') throw new YaodianError('BAD_ARGUMENT', `多个地区都有“${unitText}”：${found.candidates.join('、')}。请加上地区名。`);
  let progress: ProgressRecord[] = [];
  const store = await existingStore(env);
  if (store) {
    try {
      progress = await store.progressOf(found.name);
    } finally {
      await store.close();
    }
  }
  const ledger = buildLedger(answerer.plans(), answerer.directory, found.name, [found.unit], progress);
  if (args.flags.has('csv')) writeLine(io.stdout, ledgerCsv(ledger));
  else if (args.flags.has('json')) writeLine(io.stdout, JSON.stringify(ledger, null, 2));
  else writeLine(io.stdout, ledgerText(ledger));
  return 0;
}
