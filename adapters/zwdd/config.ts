/**
 * 浙政钉 (专有钉钉 on the GovDD open-platform gateway) settings from the environment.
 *   ZWDD_API_BASE     the gateway; default the public one, https://openplatform.dg-work.cn (the host the platform's
 *                     SDK demos use). Deployments differ: Zhejiang's production gateway is
 *                     https://openplatform-pro.ding.zj.gov.cn, others are on an internal network.
 *   ZWDD_APP_KEY / ZWDD_APP_SECRET / ZWDD_TENANT_ID    the app's AppKey, AppSecret and the tenant (租户) id.
 *   ZWDD_CALLBACK_URL + ZWDD_EVENT_TAG                 where the gateway posts inbound messages (this server's
 *                     /zwdd/events as the gateway reaches it) and the event tag to register it for.
 *   ZWDD_HOST_IP / ZWDD_HOST_MAC                       the X-Hmac-Auth-IP / -MAC headers (default: this host's).
 */
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import { optionalString } from '../../src/config.js';
import { requireTogether } from '../shared/config.js';

export const ZWDD_DEFAULT_API_BASE = 'https://openplatform.dg-work.cn';

const url = (message: string) => z.string().refine((v) => /^https?:\/\/[^\s/]+(:\d+)?(\/[^\s]*)?$/.test(v), { message });

export const zwddConfigSchema = z
  .object({
    ZWDD_API_BASE: optionalString.pipe(url('应为专有钉钉开放平台网关地址，如 https://openplatform.dg-work.cn').default(ZWDD_DEFAULT_API_BASE)),
    ZWDD_APP_KEY: optionalString,
    ZWDD_APP_SECRET: optionalString,
    ZWDD_TENANT_ID: optionalString.pipe(z.string().regex(/^\d{1,20}$/, { message: '应为租户 ID（数字）' }).optional()),
    ZWDD_CALLBACK_URL: optionalString.pipe(url('应为网关能访问到的本服务回调地址，如 https://your-host/zwdd/events').optional()),
    ZWDD_EVENT_TAG: optionalString.pipe(z.string().regex(/^[\w|.-]+$/, { message: '应为开放平台的事件标签（eventTag）' }).optional()),
    ZWDD_HOST_IP: optionalString,
    ZWDD_HOST_MAC: optionalString.pipe(z.string().regex(/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/, { message: '应为 MAC 地址，如 00:16:3e:01:02:03' }).optional()),
  })
  .superRefine((v, ctx) => {
    requireTogether(ctx, { ZWDD_APP_KEY: v.ZWDD_APP_KEY, ZWDD_APP_SECRET: v.ZWDD_APP_SECRET, ZWDD_TENANT_ID: v.ZWDD_TENANT_ID });
    requireTogether(ctx, { ZWDD_CALLBACK_URL: v.ZWDD_CALLBACK_URL, ZWDD_EVENT_TAG: v.ZWDD_EVENT_TAG });
    if (v.ZWDD_CALLBACK_URL && !v.ZWDD_APP_KEY) {
      ctx.addIssue({ code: 'custom', path: ['ZWDD_APP_KEY'], message: '设置了 ZWDD_CALLBACK_URL 时也必须设置 ZWDD_APP_KEY、ZWDD_APP_SECRET、ZWDD_TENANT_ID' });
    }
  });

export type ZwddEnv = z.infer<typeof zwddConfigSchema>;

export interface ZwddConfig {
  /** Gateway base URL, no trailing slash. */
  apiBase: string;
  appKey: string;
  appSecret: string;
  tenantId: string;
  /** Inbound messages: the callback URL registered with the gateway, and its event tag. */
  callback?: { url: string; eventTag: string };
  hostIp: string;
  hostMac: string;
}

/** This host's first external IPv4 address and its MAC, for the X-Hmac-Auth-IP / -MAC headers. */
export function hostAddress(): { ip: string; mac: string } {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) return { ip: a.address, mac: a.mac };
    }
  }
  return { ip: '127.0.0.1', mac: '00:00:00:00:00:00' };
}

/** The adapter's config, or undefined when its credentials are not set. */
export function zwddConfigFrom(env: ZwddEnv): ZwddConfig | undefined {
  if (!env.ZWDD_APP_KEY || !env.ZWDD_APP_SECRET || !env.ZWDD_TENANT_ID) return undefined;
  const host = env.ZWDD_HOST_IP && env.ZWDD_HOST_MAC ? undefined : hostAddress();
  return {
    apiBase: env.ZWDD_API_BASE.replace(/\/+$/, ''),
    appKey: env.ZWDD_APP_KEY,
    appSecret: env.ZWDD_APP_SECRET,
    tenantId: env.ZWDD_TENANT_ID,
    callback: env.ZWDD_CALLBACK_URL && env.ZWDD_EVENT_TAG ? { url: env.ZWDD_CALLBACK_URL, eventTag: env.ZWDD_EVENT_TAG } : undefined,
    hostIp: env.ZWDD_HOST_IP ?? host!.ip,
    hostMac: env.ZWDD_HOST_MAC ?? host!.mac,
  };
}
