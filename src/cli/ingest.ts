/**
 * `yaodian ingest [--json] [--table-headers FILE] DIR`: load a folder of 工作要点 documents in any format the loader
 * reads, with a progress line per file and a report per file (items, warnings, errors). Exit code 1 when no file
 * could be read.
 */
import { YaodianError } from '../errors.js';
import { type FileReport, ingestDirectory, type LoadOptions, READABLE_FORMATS, readTableHeaders } from '../ingest/index.js';
import { parseArgs } from './args.js';
import { type CliIO, writeLine } from './io.js';

/** A message without the file name it starts with, for lines that already name the file. */
function own(message: string, file: string): string {
  return message.startsWith(`${file}：`) ? message.slice(file.length + 1) : message;
}

function summary(r: FileReport): string {
  if (r.error?.code === 'DUPLICATE') return `↷ ${r.file}：${own(r.error.message, r.file)}`;
  if (!r.ok) return `✗ ${r.file}：${r.error ? own(r.error.message, r.file) : '无法读取'}`;
  const extra = [r.warnings.length ? `${r.warnings.length} 条提示` : '', ...r.notes].filter(Boolean).join('，');
  return `✓ ${r.file}：${r.sections} 个部分、${r.items} 项任务${extra ? `（${extra}）` : ''}`;
}

export async function runIngest(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], values: ['table-headers'] });
  const dir = args.positionals[0];
  if (!dir || args.positionals.length > 1) throw new YaodianError('BAD_ARGUMENT', '用法：yaodian ingest [--json] [--table-headers 同义词.json] 目录');
  const json = args.flags.has('json');
  const headersPath = args.values.get('table-headers');
  const options: LoadOptions = headersPath ? { tableHeaders: await readTableHeaders(headersPath) } : {};
  const result = await ingestDirectory(
    dir,
    (r, i, total) => {
      if (!json) writeLine(io.stderr, `[${i + 1}/${total}] ${summary(r)}`);
    },
    options,
  );
  if (json) {
    writeLine(io.stdout, JSON.stringify({ dir, reports: result.reports }, null, 2));
  } else {
    const twins = result.errors.filter((e) => e.code === 'DUPLICATE').length;
    const failed = result.errors.length - twins;
    writeLine(io.stdout, `目录 ${dir}：共 ${result.reports.length} 个文件，读取成功 ${result.plans.length} 个，失败 ${failed} 个${twins ? `，内容重复跳过 ${twins} 个` : ''}。`);
    for (const r of result.reports) {
      writeLine(io.stdout, summary(r));
      for (const w of r.warnings) writeLine(io.stdout, `    提示${w.line ? `（第 ${w.line} 行）` : ''}：${own(w.message, r.file)}`);
    }
  }
  if (result.reports.length === 0) {
    writeLine(io.stderr, `目录中没有可读取的文件（支持 ${READABLE_FORMATS}）：${dir}`);
    return 1;
  }
  return result.plans.length ? 0 : 1;
}
