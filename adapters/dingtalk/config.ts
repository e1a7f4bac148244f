/**
 * DingTalk settings from the environment. DINGTALK_CARD_TEMPLATE_ID (a template on the card platform, see the README)
 * turns the digest and item answers into interactive cards with buttons; their clicks come back over Stream, so it
 * needs the app and Stream mode. Without it answers stay markdown.
 */
import { z } from 'zod';
import { optionalString } from '../../src/config.js';
import { requireTogether } from '../shared/config.js';

const BASE_URL = /^https?:\/\/[^\s/?#]+(:\d+)?\/?$/;

export const dingtalkConfigSchema = z
  .object({
    DINGTALK_CLIENT_ID: optionalString,
    DINGTALK_CLIENT_SECRET: optionalString,
    DINGTALK_MODE: optionalString.pipe(z.enum(['stream', 'webhook'], { message: '应为 stream（Stream 模式）或 webhook' }).default('stream')),
    DINGTALK_ROBOT_WEBHOOK: optionalString.pipe(
      z
        .string()
        .refine((v) => /^https?:\/\/\S+access_token=\S+$/.test(v), { message: '应为自定义机器人的 Webhook 地址（含 access_token=）' })
        .optional(),
    ),
    DINGTALK_ROBOT_SECRET: optionalString,
    DINGTALK_ROBOT_CODE: optionalString,
    DINGTALK_CARD_TEMPLATE_ID: optionalString.pipe(z.string().regex(/^[\w.-]{1,128}$/, { message: '应为卡片平台上模板的 ID（如 xxxx-xxxx.schema）' }).optional()),
    DINGTALK_API_BASE: optionalString.pipe(z.string().default('https://api.dingtalk.com').refine((v) => BASE_URL.test(v), { message: '应为地址，如 https://api.dingtalk.com' })),
    DINGTALK_OAPI_BASE: optionalString.pipe(z.string().default('https://oapi.dingtalk.com').refine((v) => BASE_URL.test(v), { message: '应为地址，如 https://oapi.dingtalk.com' })),
  })
  .superRefine((v, ctx) => {
    // Reported without a path so loadConfig does not echo the secret's value.
    if (v.DINGTALK_ROBOT_SECRET && !v.DINGTALK_ROBOT_SECRET.startsWith('SEC')) {
      ctx.addIssue({ code: 'custom', path: [], message: 'DINGTALK_ROBOT_SECRET 应为自定义机器人“加签”的密钥（以 SEC 开头）' });
    }
    requireTogether(ctx, { DINGTALK_CLIENT_ID: v.DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET: v.DINGTALK_CLIENT_SECRET });
    if (v.DINGTALK_CARD_TEMPLATE_ID && !v.DINGTALK_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['DINGTALK_CLIENT_ID'], message: '互动卡片（DINGTALK_CARD_TEMPLATE_ID）需要应用的 DINGTALK_CLIENT_ID 和 DINGTALK_CLIENT_SECRET' });
    }
    if (v.DINGTALK_CARD_TEMPLATE_ID && v.DINGTALK_MODE === 'webhook') {
      ctx.addIssue({
        code: 'custom',
        path: ['DINGTALK_CARD_TEMPLATE_ID'],
        message: '互动卡片的按钮点击通过 Stream 模式回传：请使用 DINGTALK_MODE=stream，或去掉 DINGTALK_CARD_TEMPLATE_ID（回答仍为 Markdown）',
      });
    }
    if (v.DINGTALK_ROBOT_SECRET && !v.DINGTALK_ROBOT_WEBHOOK) {
      ctx.addIssue({ code: 'custom', path: ['DINGTALK_ROBOT_WEBHOOK'], message: '设置了 DINGTALK_ROBOT_SECRET 时也必须设置 DINGTALK_ROBOT_WEBHOOK' });
    }
  });

export type DingtalkEnv = z.infer<typeof dingtalkConfigSchema>;

export interface DingtalkConfig {
  /** Enterprise-internal app credentials (AppKey / AppSecret); absent when the adapter only pushes. */
  clientId?: string;
  clientSecret?: string;
  mode: 'stream' | 'webhook';
  /** Custom robot for pushes to one group (digests), when there is no app (a single-group setup). */
  robotWebhook?: string;
  robotSecret?: string;
  /** The app robot's code for the robot APIs (default: the client id, as for an enterprise-internal app's robot). */
  robotCode?: string;
  /** Open API host (token, group messages, files, the Stream gateway): https://api.dingtalk.com or a test server. */
  apiBase: string;
  /** The old API host: session webhooks must be on it (anything else is refused), media uploads go to it. */
  oapiBase: string;
  /** The interactive card template for answers with buttons (Stream mode); absent: markdown. */
  cardTemplateId?: string;
}

export function dingtalkConfigFrom(env: DingtalkEnv): DingtalkConfig | undefined {
  const app = env.DINGTALK_CLIENT_ID && env.DINGTALK_CLIENT_SECRET;
  if (!app && !env.DINGTALK_ROBOT_WEBHOOK) return undefined;
  return {
    clientId: app ? env.DINGTALK_CLIENT_ID : undefined,
    clientSecret: app ? env.DINGTALK_CLIENT_SECRET : undefined,
    mode: env.DINGTALK_MODE,
    robotWebhook: env.DINGTALK_ROBOT_WEBHOOK,
    robotSecret: env.DINGTALK_ROBOT_SECRET,
    robotCode: env.DINGTALK_ROBOT_CODE ?? (app ? env.DINGTALK_CLIENT_ID : undefined),
    apiBase: env.DINGTALK_API_BASE.replace(/\/$/, ''),
    oapiBase: env.DINGTALK_OAPI_BASE.replace(/\/$/, ''),
    ...(app && env.DINGTALK_CARD_TEMPLATE_ID ? { cardTemplateId: env.DINGTALK_CARD_TEMPLATE_ID } : {}),
  };
}
