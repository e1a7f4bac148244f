/**
 * Configuration: one zod schema for the core's settings, validated once at start-up by the composition root
 * (src/app.ts, via the entry's environment). Defaults < environment (.env included) < overrides (command-line
 * flags). A bad value stops start-up with the variable's name and what is expected. Nothing else reads the
 * environment. Each platform adapter keeps its own schema next to its code (adapters/<platform>/config.ts).
 */
import { z } from 'zod';
import { YaodianError } from './errors.js';

/** The environment as the entry read it: process.env over ./.env. */
export type Env = Record<string, string | undefined>;

/** Empty strings in the environment count as unset. */
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const coreConfigSchema = z.object({
  // Server
  PORT: z.coerce.number({ message: '应为端口号（0–65535 的整数，0 表示任选空闲端口）' }).int('应为整数').min(0, '应为 0–65535').max(65535, '应为 0–65535').default(3000),
  HOST: z.string().min(1).default('127.0.0.1').describe('监听地址；默认只接受本机访问，对外开放请设为 0.0.0.0 并设置 VIEW_TOKEN'),
  DOCS_DIR: optionalString.describe('工作要点文件目录；不设置时用自带的 samples/'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_TOKEN: optionalString,
  VIEW_TOKEN: optionalString.describe('查看口令：设置后，网页和所有读取接口都要先输入它'),
  // Answers
  UNIT_BINDINGS: optionalString.describe('平台用户与单位的绑定文件（JSON）'),
  USER_DICT: optionalString.describe('自定义分词词典文件'),
  UNIT_ALIASES: optionalString.describe('单位别名文件'),
  THESAURUS: optionalString.describe('同义词表文件：每行“口语1 口语2 => 文档用词”'),
  TABLE_HEADERS: optionalString.describe('任务表表头同义词文件（JSON）'),
  FOLLOW_UP_MINUTES: z.coerce.number({ message: '应为分钟数（0–1440 的整数）' }).int('应为整数').min(0, '应为 0–1440').max(1440, '应为 0–1440').default(30),
  // Store, chat commands and digests
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), '应为 postgres://用户:密码@主机:端口/库名'),
  ADMIN_IDS: optionalString.describe('管理员：平台:用户ID，逗号分隔'),
  DIGEST_PACE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  DIGEST_LEASE_SECONDS: z.coerce.number({ message: '应为秒数（1–3600 的整数）' }).int('应为整数').min(1, '应为 1–3600').max(3600, '应为 1–3600').default(90),
  DIGEST_ENABLED: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v !== 'false' && v !== '0'),
});

export type CoreConfig = z.infer<typeof coreConfigSchema>;

/** Variables whose values never appear in a message or a log. */
const SECRET_NAME = /SECRET|TOKEN|KEY|PASSWORD|DATABASE_URL/i;

/**
 * Validate `env` (with `overrides` on top, e.g. `serve --port`) against `schema`; on failure throw a CONFIG error
 * listing each bad variable and what it needs.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env, overrides: Env = {}): z.infer<S> {
  const input: Env = { ...env };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) input[k] = v;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(环境变量)';
    const value = issue.path.length ? input[String(issue.path[0])] : undefined;
    const shown = value === undefined ? '' : SECRET_NAME.test(name) ? '（当前值已隐藏）' : `（当前值 ${JSON.stringify(value)}）`;
    return `  ${name}：${issue.message}${shown}`;
  });
  throw new YaodianError('CONFIG', `配置有误，请在环境变量或 .env 中修正：\n${lines.join('\n')}`);
}
