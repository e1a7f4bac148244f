/**
 * The `yaodian` command line: dispatches to one module per command.
 */
import { isYaodianError } from '../errors.js';
import { type CliIO, writeLine } from './io.js';
import { runParse } from './parse.js';

type Command = (argv: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, { run: () => Promise<Command>; help: string }> = {
  parse: { run: async () => runParse, help: 'parse [--json] 文件...        解析工作要点，输出提纲或 JSON' },
};

export function usage(): string {
  return ['要点助手 yaodian', '', '用法：yaodian <命令> [选项]', '', ...Object.values(COMMANDS).map((c) => `  ${c.help}`)].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    writeLine(io.stdout, usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `未知命令：${name}\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.run())(rest, io);
  } catch (e) {
    if (isYaodianError(e) && e.user) {
      writeLine(io.stderr, `错误：${e.message}`);
      return 2;
    }
    writeLine(io.stderr, `内部错误：${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
