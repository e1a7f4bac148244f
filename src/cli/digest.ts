/**
 * `yaodian digest [--json] [--docs DIR] --unit U [--today YYYY-MM-DD]`: a unit's daily digest, from the same
 * digest service as 今日摘要, the scheduler and GET /api/digest. Progress and document added times come from the
 * store in DATA_DIR (or DATABASE_URL) when there is one; without a store every item is 未开始 and nothing is 新增.
 */
import type { Env } from '../config.js';
import { digestJson } from '../digest/build.js';
import { renderDigest } from '../digest/render.js';
import { YaodianError } from '../errors.js';
import { shanghaiDate } from '../time.js';
import { APP_VALUES, type OpenApp, openCliApp } from './app.js';
import { parseArgs } from './args.js';
import { checkToday } from './ask.js';
import { type CliIO, writeLine } from './io.js';

export function requireUnitArg(unit: string | undefined): string {
  if (!unit?.trim()) throw new YaodianError('BAD_ARGUMENT', '请用 --unit 指定单位，例如 --unit 旌德县财政局');
  return unit.trim();
}

export async function runDigest(argv: string[], io: CliIO, env: Env = {}, open: OpenApp = openCliApp): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], values: APP_VALUES });
  const unit = requireUnitArg(args.values.get('unit'));
  const date = checkToday(args.values.get('today')) ?? shanghaiDate();
  const app = await open(args, io, env);
  try {
    const digest = await app.digests.digest(unit, date);
    writeLine(io.stdout, args.flags.has('json') ? JSON.stringify(digestJson(digest), null, 2) : renderDigest(digest).text);
    return 0;
  } finally {
    await app.close();
  }
}
