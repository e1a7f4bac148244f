/**
 * Lark / Feishu settings from the environment.
 */
import { z } from 'zod';
import { optionalString } from '../../src/config.js';
import { requireTogether } from '../shared/config.js';

export const larkConfigSchema = z
  .object({
    LARK_APP_ID: optionalString,
    LARK_APP_SECRET: optionalString,
    LARK_MODE: optionalString.pipe(z.enum(['ws', 'webhook'], { message: '应为 ws（长连接）或 webhook' }).default('ws')),
    LARK_ENCRYPT_KEY: optionalString,
    LARK_VERIFICATION_TOKEN: optionalString,
    LARK_DOMAIN: optionalString.pipe(
      z
        .string()
        .default('feishu')
        .refine((v) => /^(feishu|lark)$/i.test(v) || /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(v), {
          message: '应为 feishu、lark 或开放平台地址（如 https://open.feishu.cn）',
        }),
    ),
  })
  .superRefine((v, ctx) => {
    requireTogether(ctx, { LARK_APP_ID: v.LARK_APP_ID, LARK_APP_SECRET: v.LARK_APP_SECRET });
    if (v.LARK_APP_ID && v.LARK_MODE === 'ws' && !/^cli_[0-9a-f]{16}$/i.test(v.LARK_APP_ID)) {
      ctx.addIssue({ code: 'custom', path: ['LARK_APP_ID'], message: '应为开放平台的 App ID（cli_ 加 16 位十六进制字符）' });
    }
    if (v.LARK_APP_ID && v.LARK_MODE === 'webhook' && !v.LARK_ENCRYPT_KEY && !v.LARK_VERIFICATION_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['LARK_VERIFICATION_TOKEN'], message: 'webhook 模式需要 LARK_VERIFICATION_TOKEN 或 LARK_ENCRYPT_KEY，否则任何人都能伪造事件' });
    }
  });

export type LarkEnv = z.infer<typeof larkConfigSchema>;

export interface LarkConfig {
  appId: string;
  appSecret: string;
  mode: 'ws' | 'webhook';
  encryptKey?: string;
  verificationToken?: string;
  /** Open API base URL: https://open.feishu.cn, https://open.larksuite.com, or a test server. */
  domain: string;
}

export function larkDomain(value: string): string {
  if (/^feishu$/i.test(value)) return 'https://open.feishu.cn';
  if (/^lark$/i.test(value)) return 'https://open.larksuite.com';
  return value.replace(/\/$/, '');
}

/** The adapter's config, or undefined when its credentials are not set. */
export function larkConfigFrom(env: LarkEnv): LarkConfig | undefined {
  if (!env.LARK_APP_ID || !env.LARK_APP_SECRET) return undefined;
  return {
    appId: env.LARK_APP_ID,
    appSecret: env.LARK_APP_SECRET,
    mode: env.LARK_MODE,
    encryptKey: env.LARK_ENCRYPT_KEY,
    verificationToken: env.LARK_VERIFICATION_TOKEN,
    domain: larkDomain(env.LARK_DOMAIN),
  };
}
