/**
 * The `yaodian` command line: dispatches to one module per command.
 */
import type { Env } from '../config.js';
import { isYaodianError } from '../errors.js';
import { type CliIO, tolerateClosedPipe, writeLine } from './io.js';
import { runParse } from './parse.js';

/** A command: its arguments, its streams, and the environment the entry read (for those that need settings). */
export type Command = (argv: string[], io: CliIO, env: Env) => Promise<number>;

export interface CommandDef {
  /** Loaded on use, so that `parse` and `ask` never load the platform SDKs. */
  run: () => Promise<Command>;
  help: string;
}

const CORE_COMMANDS: Record<string, CommandDef> = {
  parse: { run: async () => runParse, help: 'parse [--json] 文件或目录...  解析工作要点，输出提纲或 JSON' },
  ask: {
    run: async () => (await import('./ask.js')).runAsk,
    help: 'ask [--json] [--docs 目录] [--unit 单位] [--today 日期] ["问题"]   提问（无问题时从标准输入读 JSON 行）',
  },
  chat: { run: async () => (await import('./chat.js')).runChat, help: 'chat [--docs 目录] [--unit 单位] [--today 日期]   在终端里对话（可用“帮助”“今日摘要”等命令）' },
  ingest: {
    run: async () => (await import('./ingest.js')).runIngest,
    help: 'ingest [--json] 目录             导入目录中的文件（.txt/.md/.docx/.pdf/.html），逐个报告',
  },
  digest: {
    run: async () => (await import('./digest.js')).runDigest,
    help: 'digest [--json] [--docs 目录] --unit 单位 [--today 日期]   某单位的每日要点（逾期、7日内到期、持续推进、新增）',
  },
  ledger: {
    run: async () => (await import('./ledger.js')).runLedger,
    help: 'ledger --unit 单位 [--csv|--json] [--docs 目录] [--today 日期]   某单位的任务台账及进展',
  },
  align: {
    run: async () => (await import('./align.js')).runAlign,
    help: 'align [--json] [--xlsx 输出.xlsx] 文件甲 文件乙   两份要点逐条对标：对应关系、缺项（上下级、同级或两个年度）',
  },
};

export function usage(commands: Record<string, CommandDef> = CORE_COMMANDS): string {
  return ['要点助手 yaodian', '', '用法：yaodian <命令> [选项]', '', ...Object.values(commands).map((c) => `  ${c.help}`)].join('\n');
}

export interface MainOptions {
  /** The environment (the entry passes process.env over ./.env); default none: every setting at its default. */
  env?: Env;
  /** Commands that live outside the core (serve, which starts the platform adapters). */
  commands?: Record<string, CommandDef>;
}

/** Run the CLI. */
export async function main(argv: string[], io: CliIO, options: MainOptions = {}): Promise<number> {
  const commands = { ...CORE_COMMANDS, ...options.commands };
  tolerateClosedPipe(io.stdout);
  tolerateClosedPipe(io.stderr);
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    writeLine(io.stdout, usage(commands));
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    writeLine(io.stderr, `未知命令：${name}\n\n${usage(commands)}`);
    return 2;
  }
  try {
    return await (await command.run())(rest, io, options.env ?? {});
  } catch (e) {
    if (isYaodianError(e) && e.user) {
      writeLine(io.stderr, `错误：${e.message}`);
      return 2;
    }
    writeLine(io.stderr, `内部错误：${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
