/**
 * WeChat (wechaty) settings from the environment. The puppet is configuration: its npm name and token.
 */
import { z } from 'zod';
import { optionalString } from '../../src/config.js';

export const wechatConfigSchema = z.object({
  WECHATY_PUPPET: optionalString.pipe(
    z
      .string()
      .regex(/^(@[\w.-]+\/)?wechaty-puppet-[\w.-]+$/, { message: '应为 puppet 的 npm 包名，如 wechaty-puppet-service' })
      .optional(),
  ),
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  WECHATY_NAME: optionalString.pipe(z.string().regex(/^[\w.-]+$/, { message: '只能含字母、数字、点、下划线和连字符' }).default('yaodian')),
});

export type WechatEnv = z.infer<typeof wechatConfigSchema>;

export interface WechatConfig {
  puppet: string;
  token?: string;
  /** Wechaty name (its memory card file: <name>.memory-card.json keeps the login). */
  name: string;
}

export function wechatConfigFrom(env: WechatEnv): WechatConfig | undefined {
  if (!env.WECHATY_PUPPET) return undefined;
  return { puppet: env.WECHATY_PUPPET, token: env.WECHATY_PUPPET_SERVICE_TOKEN, name: env.WECHATY_NAME };
}
