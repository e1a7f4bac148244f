/**
 * `yaodian chat [--docs DIR] [--unit U] [--today YYYY-MM-DD]`: a console chat through the bot, like a direct chat
 * on any platform (帮助, 今日摘要, 绑定, 台账 … work here too; bindings and progress go to the store in DATA_DIR
 * when there is one, else they last for the session). Console commands: /unit 单位, /today 日期, /json (toggle
 * citations as JSON), /quit.
 */
import { createInterface } from 'node:readline';
import type { Env } from '../config.js';
import { YaodianError } from '../errors.js';
import { requireUnit } from '../ledger/units.js';
import type { Answer, IncomingMessage } from '../model.js';
import { APP_VALUES, openCliApp } from './app.js';
import { parseArgs } from './args.js';
import { checkToday } from './ask.js';
import { type CliIO, writeLine } from './io.js';

function sources(a: Answer): string {
  if (!a.citations.length) return '';
  const lines = a.citations.slice(0, 5).map((c) => `  [${c.file} 第${c.lines[0]}–${c.lines[1]}行] 《${c.doc}》${c.ref}`);
  return `出处：\n${lines.join('\n')}`;
}

export async function runChat(argv: string[], io: CliIO, env: Env = {}): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], values: APP_VALUES });
  let today = checkToday(args.values.get('today'));
  let json = args.flags.has('json');
  const app = await openCliApp(args, io, env);
  let unit: string | undefined;
  try {
    const typed = args.values.get('unit')?.trim();
    unit = typed ? requireUnit(app.library.directory, typed).name : undefined;
  } catch (e) {
    await app.close();
    throw e;
  }
  let n = 0;
  const message = (text: string): IncomingMessage => ({
    id: `cli-${process.pid}-${++n}`,
    platform: 'cli',
    chatId: 'cli',
    chatType: 'direct',
    senderId: 'cli',
    text,
    mentionedBot: true,
    time: Date.now(),
    ...(unit ? { unit } : {}),
    ...(today ? { today } : {}),
  });
  try {
    writeLine(io.stdout, `要点助手：已载入${app.library.plans().length}份文件。输入问题（“帮助”查看命令），/unit 设置单位，/today 设置日期，/quit 退出。`);
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
            // The unit as the documents name it: a name several regions have is refused with the choices.
            const typed = cmd[2]?.trim();
            unit = typed ? requireUnit(app.library.directory, typed).name : undefined;
            writeLine(io.stdout, unit ? `已设置单位：${unit}` : '已清除单位。');
          } else if (cmd[1] === 'today') {
            today = checkToday(cmd[2]);
            writeLine(io.stdout, `今天按 ${today ?? '系统日期'} 计算。`);
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
      const a = await app.bot.handle(message(line));
      if (a && json) writeLine(io.stdout, JSON.stringify(a, null, 2));
      else if (a) {
        writeLine(io.stdout, a.text);
        const src = sources(a);
        if (src) writeLine(io.stdout, src);
      }
      prompt();
    }
    rl.close();
    return 0;
  } finally {
    await app.close();
  }
}
