/**
 * `yaodian chat [--docs DIR] [--unit U] [--today YYYY-MM-DD]`: a console chat. Commands: /unit 单位, /today 日期,
 * /json (toggle citations as JSON), /quit.
 */
import { createInterface } from 'node:readline';
import { YaodianError } from '../errors.js';
import type { Answer } from '../model.js';
import type { AskContext } from '../answer/index.js';
import { parseArgs } from './args.js';
import { ANSWER_OPTIONS, answererFromArgs, checkToday } from './ask.js';
import { type CliIO, writeLine } from './io.js';

function sources(a: Answer): string {
  if (!a.citations.length) return '';
  const lines = a.citations.slice(0, 5).map((c) => `  [${c.file} 第${c.lines[0]}–${c.lines[1]}行] 《${c.doc}》${c.ref}`);
  return `出处：\n${lines.join('\n')}`;
}

export async function runChat(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, ANSWER_OPTIONS);
  const ctx: AskContext = {};
  const unit = args.values.get('unit');
  if (unit) ctx.unit = unit;
  const today = checkToday(args.values.get('today'));
  if (today) ctx.today = today;
  let json = args.flags.has('json');
  const answerer = await answererFromArgs(args, io);
  writeLine(io.stdout, `要点助手：已载入${answerer.plans().length}份文件。输入问题，/unit 设置单位，/today 设置日期，/quit 退出。`);
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
  const prompt = () => io.stdout.write('> ');
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit' || line === '退出') break;
    if (!line) {
      prompt();
      continue;
    }
    const cmd = line.match(/^\/(unit|today|json)\s*(.*)$/);
    if (cmd) {
      try {
        if (cmd[1] === 'unit') {
          if (cmd[2]) ctx.unit = cmd[2];
          else delete ctx.unit;
          writeLine(io.stdout, ctx.unit ? `已设置单位：${ctx.unit}` : '已清除单位。');
        } else if (cmd[1] === 'today') {
          const t = checkToday(cmd[2]);
          if (t) ctx.today = t;
          else delete ctx.today;
          writeLine(io.stdout, `今天按 ${ctx.today ?? '系统日期'} 计算。`);
        } else {
          json = !json;
          writeLine(io.stdout, json ? '将以 JSON 显示回答。' : '将以文字显示回答。');
        }
      } catch (e) {
        writeLine(io.stdout, e instanceof YaodianError ? e.message : String(e));
      }
      prompt();
      continue;
    }
    const a = answerer.answer(line, ctx);
    if (json) writeLine(io.stdout, JSON.stringify(a, null, 2));
    else {
      writeLine(io.stdout, a.text);
      const src = sources(a);
      if (src) writeLine(io.stdout, src);
    }
    prompt();
  }
  rl.close();
  return 0;
}
