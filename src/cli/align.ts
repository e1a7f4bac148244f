/**
 * `yaodian align [--json] [--xlsx OUT] [--dict FILE] FILE_A FILE_B`: line up the items of two 要点 (对标). Prints the
 * 对照表 in Chinese, or the JSON of the eval contract ({pairs, onlyA, onlyB} plus the documents, their relation and
 * the sentence pair behind each pair); --xlsx also writes the 对照表 as an Excel file.
 */
import { stat, writeFile } from 'node:fs/promises';
import { alignPlans } from '../align/index.js';
import { alignmentJson, alignmentText } from '../align/render.js';
import { alignmentToXlsx } from '../align/xlsx.js';
import { type ErrorCode, YaodianError } from '../errors.js';
import { ingestFile } from '../ingest/index.js';
import type { WorkPlan } from '../model.js';
import { Tokenizer } from '../search/tokenizer.js';
import { parseArgs } from './args.js';
import { type CliIO, writeLine } from './io.js';

const USAGE = '用法：yaodian align [--json] [--xlsx 输出.xlsx] 文件甲 文件乙';

const CODES: ReadonlySet<string> = new Set<ErrorCode>(['FILE_EMPTY', 'FILE_BINARY', 'FILE_ENCODING', 'FILE_TOO_LARGE', 'NO_STRUCTURE', 'BAD_ARGUMENT']);

async function kindOf(path: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    return (await stat(path)).isFile() ? 'file' : 'directory';
  } catch {
    return 'missing';
  }
}

/** Parse one document through the ingest loader (any supported format); a file that cannot be read is a user error. */
async function load(path: string): Promise<WorkPlan> {
  const kind = await kindOf(path);
  if (kind === 'missing') throw new YaodianError('FILE_NOT_FOUND', `找不到文件：${path}`);
  if (kind === 'directory') throw new YaodianError('BAD_ARGUMENT', `${path} 是一个目录，请给出两份要点文件。`);
  const { plan, report } = await ingestFile(path);
  if (plan) return plan;
  const code = report.error?.code ?? '';
  throw new YaodianError(CODES.has(code) ? (code as ErrorCode) : 'INTERNAL', report.error?.message ?? `${report.file}：无法读取。`);
}

export async function runAlign(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], values: ['xlsx', 'dict'] });
  if (args.positionals.length !== 2) throw new YaodianError('BAD_ARGUMENT', USAGE);
  const [fileA, fileB] = args.positionals as [string, string];
  const [a, b] = await Promise.all([load(fileA), load(fileB)]);
  const dict = args.values.get('dict');
  if (dict && (await kindOf(dict)) !== 'file') throw new YaodianError('FILE_NOT_FOUND', `找不到词典文件：${dict}`);
  const alignment = alignPlans(a, b, new Tokenizer(dict ? { userDictPath: dict } : {}));
  const out = args.values.get('xlsx');
  if (out) {
    await writeFile(out, await alignmentToXlsx(alignment));
    writeLine(io.stderr, `对照表已保存：${out}`);
  }
  writeLine(io.stdout, args.flags.has('json') ? JSON.stringify(alignmentJson(alignment), null, 2) : alignmentText(alignment));
  return 0;
}
