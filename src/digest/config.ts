/**
 * Settings of the store, the chat commands and the digests (to be merged into src/config.ts by the lead).
 */
import { z } from 'zod';
import { optionalString } from '../config.js';


export const digestConfigSchema = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), '应为 postgres://用户:密码@主机:端口/库名'),
  ADMIN_IDS: optionalString.describe('管理员：平台:用户ID，逗号分隔'),
  DIGEST_PACE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  DIGEST_ENABLED: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v !== 'false' && v !== '0'),
});

export type DigestConfig = z.infer<typeof digestConfigSchema>;
