/**
 * `yaodian parse [--json] FILE|DIR...`: a readable outline of each document, or the JSON of the eval contract; a
 * folder stands for the documents in it.
 */
import { isYaodianError } from '../errors.js';
import { stat } from 'node:fs/promises';
import { listDocuments, type LoadOptions, loadFile, READABLE_FORMATS, readTableHeaders } from '../ingest/index.js';
import type { WorkPlan } from '../model.js';
import { parseArgs } from './args.js';
import { type CliIO, writeLine } from './io.js';

/** The contract's JSON (../shared/eval/README.md) plus extra fields; the source lines are left out. */
export function planToJson(plan: WorkPlan): Record<string, unknown> {
  return {
    file: plan.file,
    title: plan.title,
    shortName: plan.shortName,
    issuer: plan.issuer,
    docNumber: plan.docNumber,
    issuedDate: plan.issuedDate,
    year: plan.year,
    region: plan.region,
    encoding: plan.encoding,
    format: plan.format ?? 'text',
    sections: plan.sections,
    items: plan.items.map((it) => ({
      id: it.id,
      printed: it.printed,
      title: it.title,
      leadUnits: it.leadUnits,
      units: it.units,
      deadlines: it.deadlines,
      lines: it.lines,
      source: it.source ?? { line: it.lines[0] },
      assignments: it.assignments,
      bodyDates: it.bodyDates,
      body: it.body,
    })),
    notes: plan.notes,
    warnings: plan.warnings,
  };
}

/** 第12–14行, 第3页, 工作表“任务”第5行. */
function where(it: WorkPlan['items'][number]): string {
  const s = it.source;
  if (s?.sheet) return `工作表“${s.sheet}”第${s.row ?? it.lines[0]}行`;
  if (s?.page) return `第${s.page}页`;
  return `第${it.lines[0]}–${it.lines[1]}行`;
}

export function outline(plan: WorkPlan): string {
  const out: string[] = [];
  out.push(`《${plan.title}》 ${plan.docNumber ?? ''}`.trim());
  out.push(
    `  发文：${plan.issuer ?? '未知'}  印发：${plan.issuedDate ?? '未知'}  地区：${plan.region?.name ?? '未知'}  年度：${plan.year ?? '未知'}  格式：${plan.format ?? 'text'}  编码：${plan.encoding}`,
  );
  for (const s of plan.sections) {
    out.push(`${s.number}、${s.title}`);
    for (const it of plan.items.filter((i) => i.section === s.number)) {
      out.push(`  ${it.id} ${it.printed}${it.title}  [${where(it)}]`);
      for (const a of it.assignments) {
        const units = a.units.map((u) => (u.lead ? `${u.name}(牵头)` : u.kind === 'category' ? `${u.name}(类别)` : u.name));
        const dl = a.deadlines.map((d) => (d.kind === 'date' ? d.date : d.text));
        out.push(`      责任：${units.join('、') || '—'}${dl.length ? `  时限：${dl.join('、')}` : ''}`);
      }
      if (it.assignments.length === 0) out.push('      责任：（未列明）');
      if (it.deadlines.length > 0 && it.assignments.every((a) => a.deadlines.length === 0)) {
        out.push(`      时限：${it.deadlines.join('、')}`);
      }
    }
  }
  for (const n of plan.notes) out.push(`注：${n}`);
  for (const w of plan.warnings) out.push(`警告：${w.message}`);
  return out.join('\n');
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function runParse(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], values: ['table-headers'] });
  if (args.positionals.length === 0) {
    writeLine(io.stderr, '用法：yaodian parse [--json] [--table-headers 同义词.json] 文件或目录...');
    return 2;
  }
  const headersPath = args.values.get('table-headers');
  const options: LoadOptions = headersPath ? { tableHeaders: await readTableHeaders(headersPath) } : {};
  let failed = 0;
  // A folder stands for its documents (sorted, README and hidden files left out), as `ingest DIR` reads them.
  const paths: string[] = [];
  for (const path of args.positionals) {
    if (!(await isDirectory(path))) {
      paths.push(path);
      continue;
    }
    const inside = await listDocuments(path);
    if (!inside.length) {
      failed++;
      writeLine(io.stderr, `错误：目录中没有可读取的文件（支持 ${READABLE_FORMATS}）：${path}`);
    }
    paths.push(...inside);
  }
  for (const path of paths) {
    let plan: WorkPlan;
    try {
      plan = (await loadFile(path, options)).plan;
    } catch (e) {
      if (!isYaodianError(e)) throw e;
      failed++;
      writeLine(io.stderr, `错误：${e.message}（${e.code}）`);
      continue;
    }
    if (args.flags.has('json')) {
      writeLine(io.stdout, JSON.stringify(planToJson(plan), null, paths.length === 1 ? 2 : undefined));
    } else {
      writeLine(io.stdout, outline(plan));
      writeLine(io.stdout);
    }
  }
  return failed > 0 ? 1 : 0;
}
