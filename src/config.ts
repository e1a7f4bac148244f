/**
 * Configuration: one zod schema per concern, validated once at start-up from the environment.
 * A bad value stops start-up with the variable's name and what is expected.
 */
import { z } from 'zod';
import { YaodianError } from './errors.js';

/** Empty strings in the environment count as unset. */
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const coreConfigSchema = z.object({
  PORT: z.coerce.number({ message: '应为端口号（0–65535 的整数，0 表示任选空闲端口）' }).int('应为整数').min(0, '应为 0–65535').max(65535, '应为 0–65535').default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DOCS_DIR: optionalString.describe('工作要点文件目录；不设置时用自带的 samples/'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_TOKEN: optionalString,
  UNIT_BINDINGS: optionalString.describe('平台用户与单位的绑定文件（JSON）'),
  USER_DICT: optionalString.describe('自定义分词词典文件'),
  UNIT_ALIASES: optionalString.describe('单位别名文件'),
});

export type CoreConfig = z.infer<typeof coreConfigSchema>;

/** Variables whose values never appear in a message or a log. */
const SECRET_NAME = /SECRET|TOKEN|KEY|PASSWORD|DATABASE_URL/i;

/** Validate `env` against `schema`; on failure throw a CONFIG error listing each bad variable and what it needs. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(环境变量)';
    const value = issue.path.length ? env[String(issue.path[0])] : undefined;
    const shown = value === undefined ? '' : SECRET_NAME.test(name) ? '（当前值已隐藏）' : `（当前值 ${JSON.stringify(value)}）`;
    return `  ${name}：${issue.message}${shown}`;
  });
  throw new YaodianError('CONFIG', `配置有误，请在环境变量或 .env 中修正：\n${lines.join('\n')}`);
}
