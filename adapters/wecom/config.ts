/**
 * WeCom (企业微信) and 政务微信 settings from the environment. 政务微信 is WeCom deployed per region: the same API
 * on its own host, so a deployment sets WECOM_API_BASE and nothing else changes.
 *   WECOM_CORP_ID + WECOM_AGENT_ID + WECOM_SECRET      the self-built app (自建应用): message/send
 *   WECOM_TOKEN + WECOM_ENCODING_AES_KEY               its callback (接收消息): GET/POST /wecom/callback
 *   WECOM_ROBOT_KEY                                    a group robot (群机器人) for pushes to one group
 */
import { z } from 'zod';
import { optionalString } from '../../src/config.js';
import { requireTogether } from '../shared/config.js';

export const WECOM_DEFAULT_API_BASE = 'https://qyapi.weixin.qq.com';

/** The key of a group robot, from the key itself or its whole webhook URL (…/cgi-bin/webhook/send?key=…). */
export function robotKeyOf(value: string): string | undefined {
  const fromUrl = /[?&]key=([^&#\s]+)/.exec(value)?.[1];
  const key = fromUrl ?? value;
  return /^[\w-]{8,}$/.test(key) ? key : undefined;
}

export const wecomConfigSchema = z
  .object({
    WECOM_API_BASE: optionalString.pipe(
      z
        .string()
        .default(WECOM_DEFAULT_API_BASE)
        .refine((v) => /^https?:\/\/[^\s/]+(:\d+)?(\/[^\s]*)?$/.test(v), { message: '应为企业微信（或政务微信）接口地址，如 https://qyapi.weixin.qq.com' }),
    ),
    WECOM_CORP_ID: optionalString,
    WECOM_AGENT_ID: optionalString.pipe(z.string().regex(/^\d{1,10}$/, { message: '应为应用的 AgentId（数字）' }).optional()),
    WECOM_SECRET: optionalString,
    WECOM_TOKEN: optionalString,
    WECOM_ENCODING_AES_KEY: optionalString,
    WECOM_ROBOT_KEY: optionalString,
  })
  .superRefine((v, ctx) => {
    requireTogether(ctx, { WECOM_CORP_ID: v.WECOM_CORP_ID, WECOM_AGENT_ID: v.WECOM_AGENT_ID, WECOM_SECRET: v.WECOM_SECRET });
    requireTogether(ctx, { WECOM_TOKEN: v.WECOM_TOKEN, WECOM_ENCODING_AES_KEY: v.WECOM_ENCODING_AES_KEY });
    // Reported without the value: the key is a secret.
    if (v.WECOM_ENCODING_AES_KEY && !/^[A-Za-z0-9]{43}$/.test(v.WECOM_ENCODING_AES_KEY)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'WECOM_ENCODING_AES_KEY 应为“接收消息”设置中的 EncodingAESKey（43 位字母和数字）' });
    }
    if (v.WECOM_TOKEN && !v.WECOM_CORP_ID) {
      ctx.addIssue({ code: 'custom', path: ['WECOM_CORP_ID'], message: '接收消息需要 WECOM_CORP_ID（解密后核对消息的企业 ID）' });
    }
    if (v.WECOM_ROBOT_KEY && !robotKeyOf(v.WECOM_ROBOT_KEY)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'WECOM_ROBOT_KEY 应为群机器人 Webhook 地址或其中 key= 后面的部分' });
    }
  });

export type WecomEnv = z.infer<typeof wecomConfigSchema>;

export interface WecomApp {
  corpId: string;
  agentId: number;
  secret: string;
}

export interface WecomCallback {
  token: string;
  encodingAesKey: string;
  /** The receive id every decrypted message must carry: the corp id for a self-built app. */
  receiveId: string;
}

export interface WecomConfig {
  /** https://qyapi.weixin.qq.com, a 政务微信 deployment's host, or a test server; no trailing slash. */
  apiBase: string;
  app?: WecomApp;
  callback?: WecomCallback;
  robotKey?: string;
}

/** The adapter's config, or undefined when neither the app nor a group robot is set. */
export function wecomConfigFrom(env: WecomEnv): WecomConfig | undefined {
  const app =
    env.WECOM_CORP_ID && env.WECOM_AGENT_ID && env.WECOM_SECRET ? { corpId: env.WECOM_CORP_ID, agentId: Number(env.WECOM_AGENT_ID), secret: env.WECOM_SECRET } : undefined;
  const robotKey = env.WECOM_ROBOT_KEY ? robotKeyOf(env.WECOM_ROBOT_KEY) : undefined;
  if (!app && !robotKey) return undefined;
  const callback =
    env.WECOM_TOKEN && env.WECOM_ENCODING_AES_KEY && env.WECOM_CORP_ID
      ? { token: env.WECOM_TOKEN, encodingAesKey: env.WECOM_ENCODING_AES_KEY, receiveId: env.WECOM_CORP_ID }
      : undefined;
  return { apiBase: env.WECOM_API_BASE.replace(/\/+$/, ''), app, callback, robotKey };
}
