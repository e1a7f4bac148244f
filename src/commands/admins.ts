/**
 * Administrators per platform, from ADMIN_IDS: "lark:ou_1,dingtalk:abc,wechat:wxid_9" (comma, semicolon or
 * whitespace separated; platform:userId). Only they may set a chat's unit and digest subscription.
 */
import { YaodianError } from '../errors.js';
import { PLATFORMS } from '../model.js';

export interface Admins {
  isAdmin(platform: string, userId: string): boolean;
  readonly size: number;
}

export function parseAdminIds(text: string | undefined): Admins {
  const ids = new Set<string>();
  for (const raw of (text ?? '').split(/[,，;；\s]+/)) {
    const entry = raw.trim();
    if (!entry) continue;
    const i = entry.indexOf(':');
    const platform = entry.slice(0, i);
    if (i <= 0 || i === entry.length - 1 || !(PLATFORMS as readonly string[]).includes(platform)) {
      throw new YaodianError('CONFIG', `ADMIN_IDS：“${entry}”应写成 平台:用户ID，例如 lark:ou_123（平台为 ${PLATFORMS.join('、')}）`);
    }
    ids.add(`${platform}:${entry.slice(i + 1)}`);
  }
  return { isAdmin: (platform, userId) => ids.has(`${platform}:${userId}`), size: ids.size };
}
