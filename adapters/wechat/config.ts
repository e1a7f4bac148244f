/**
 * WeChat (wechaty) settings from the environment. The puppet is configuration: its npm name and token.
 */
import { z } from 'zod';
import { optionalString } from '../../src/config.js';
import { defaultRoomKeyMode, type RoomKeyMode } from './identity.js';

export const wechatConfigSchema = z.object({
  WECHATY_PUPPET: optionalString.pipe(
    z
      .string()
      .regex(/^(@[\w.-]+\/)?wechaty-puppet-[\w.-]+$/, { message: '应为 puppet 的 npm 包名，如 wechaty-puppet-service' })
      .optional(),
  ),
  WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
  WECHATY_NAME: optionalString.pipe(z.string().regex(/^[\w.-]+$/, { message: '只能含字母、数字、点、下划线和连字符' }).default('yaodian')),
  WECHATY_ROOM_KEY: optionalString.pipe(z.enum(['id', 'topic'], { message: '应为 id（群 ID 稳定的 puppet）或 topic（群名加群主，网页版协议）' }).optional()),
});

export type WechatEnv = z.infer<typeof wechatConfigSchema>;

export interface WechatConfig {
  puppet: string;
  token?: string;
  /** Wechaty name (its memory card file: <name>.memory-card.json keeps the login). */
  name: string;
  /** How rooms and senders are keyed (adapters/wechat/identity.ts); default by puppet. */
  roomKey: RoomKeyMode;
}

export function wechatConfigFrom(env: WechatEnv): WechatConfig | undefined {
  if (!env.WECHATY_PUPPET) return undefined;
  return { puppet: env.WECHATY_PUPPET, token: env.WECHATY_PUPPET_SERVICE_TOKEN, name: env.WECHATY_NAME, roomKey: env.WECHATY_ROOM_KEY ?? defaultRoomKeyMode(env.WECHATY_PUPPET) };
}
