/**
 * `yaodian ledger --unit U [--csv|--json] [--docs DIR] [--today YYYY-MM-DD]`: a unit's ledger (台账) with its
 * progress and each item's status on the day; --csv is the same guarded CSV as the web page's export.
 */
import type { Env } from '../config.js';
import { toCsv } from '../ledger/export.js';
import { ledgerText, unitLedgerJson } from '../ledger/unit.js';
import { shanghaiDate } from '../time.js';
import { APP_VALUES, type OpenApp, openCliApp } from './app.js';
import { parseArgs } from './args.js';
import { checkToday } from './ask.js';
import { requireUnitArg } from './digest.js';
import { type CliIO, writeLine } from './io.js';

export async function runLedger(argv: string[], io: CliIO, env: Env = {}, open: OpenApp = openCliApp): Promise<number> {
  const args = parseArgs(argv, { flags: ['json', 'csv'], values: APP_VALUES });
  const unit = requireUnitArg(args.values.get('unit'));
  const date = checkToday(args.values.get('today')) ?? shanghaiDate();
  const app = await open(args, io, env);
  try {
    const ledger = await app.ledger.unitLedger(unit, date);
    if (args.flags.has('csv')) io.stdout.write(toCsv(ledger.rows));
    else if (args.flags.has('json')) writeLine(io.stdout, JSON.stringify(unitLedgerJson(ledger), null, 2));
    else writeLine(io.stdout, ledgerText(ledger));
    return 0;
  } finally {
    await app.close();
  }
}
