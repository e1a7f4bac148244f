/**
 * `yaodian digest [--json] [--docs DIR] --unit U [--today YYYY-MM-DD]`: a unit's daily digest, from the same
 * digest service as 今日摘要, the scheduler and GET /api/digest.
 * `yaodian ledger --unit U [--csv] [--json] [--docs DIR] [--today YYYY-MM-DD]`: the unit's ledger with progress.
 * Progress and document added times come from the store in DATA_DIR (or DATABASE_URL) when there is one;
 * without a store every item is 未开始 and nothing is 新增.
 */
import type { Env } from '../config.js';
import { digestJson } from '../digest/build.js';
import { renderDigest } from '../digest/render.js';
import { createDigestService } from '../digest/service.js';
import { YaodianError } from '../errors.js';
import { toCsv } from '../ledger/export.js';
import { createLedgerService } from '../ledger/service.js';
import { ledgerText, unitLedgerJson } from '../ledger/unit.js';
import { openStore, storeExists, type Store } from '../store/index.js';
import { shanghaiDate } from '../time.js';
import { parseArgs } from './args.js';
import { answererFromArgs, checkToday } from './ask.js';
import { type CliIO, writeLine } from './io.js';

/** The store when one exists; never creates one. */
async function existingStore(env: Env): Promise<Store | undefined> {
  const databaseUrl = env['DATABASE_URL']?.trim() || undefined;
  const options = { dataDir: env['DATA_DIR']?.trim() || './data', ...(databaseUrl ? { databaseUrl } : {}) };
  return storeExists(options) ? openStore(options) : undefined;
}

function requireUnitArg(unit: string | undefined): string {
  if (!unit?.trim()) throw new YaodianError('BAD_ARGUMENT', '请用 --unit 指定单位，例如 --unit 旌德县财政局');
  return unit.trim();
}

export async function runDigest(argv: string[], io: CliIO, env: Env = {}): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], values: ['docs', 'unit', 'today', 'dict', 'aliases'] });
  const unit = requireUnitArg(args.values.get('unit'));
  const date = checkToday(args.values.get('today')) ?? shanghaiDate();
  const answerer = await answererFromArgs(args, io);
  const store = await existingStore(env);
  try {
    const digests = createDigestService({ ledger: createLedgerService({ catalog: answerer, ...(store ? { store } : {}) }), ...(store ? { store } : {}) });
    const digest = await digests.digest(unit, date);
    writeLine(io.stdout, args.flags.has('json') ? JSON.stringify(digestJson(digest), null, 2) : renderDigest(digest).text);
    return 0;
  } finally {
    await store?.close();
  }
}

export async function runLedger(argv: string[], io: CliIO, env: Env = {}): Promise<number> {
  const args = parseArgs(argv, { flags: ['json', 'csv'], values: ['docs', 'unit', 'today', 'dict', 'aliases'] });
  const unit = requireUnitArg(args.values.get('unit'));
  const date = checkToday(args.values.get('today')) ?? shanghaiDate();
  const answerer = await answererFromArgs(args, io);
  const store = await existingStore(env);
  try {
    const ledger = await createLedgerService({ catalog: answerer, ...(store ? { store } : {}) }).unitLedger(unit, date);
    if (args.flags.has('csv')) io.stdout.write(toCsv(ledger.rows));
    else if (args.flags.has('json')) writeLine(io.stdout, JSON.stringify(unitLedgerJson(ledger), null, 2));
    else writeLine(io.stdout, ledgerText(ledger));
    return 0;
  } finally {
    await store?.close();
  }
}
