/**
 * A small argv parser: `--flag`, `--key value`, `--key=value`, positionals. Unknown flags are errors.
 */
import { YaodianError } from '../errors.js';

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
  positionals: string[];
}

export function parseArgs(argv: string[], spec: { flags?: string[]; values?: string[] }): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positionals: string[] = [];
  const known = new Set([...(spec.flags ?? []), ...(spec.values ?? [])]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    if (!known.has(name)) throw new YaodianError('BAD_ARGUMENT', `未知选项 --${name}`);
    if (spec.values?.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new YaodianError('BAD_ARGUMENT', `选项 --${name} 需要一个值`);
      values.set(name, value);
    } else flags.add(name);
  }
  return { flags, values, positionals };
}
