/**
 * Unit bindings: which unit a platform user belongs to, so that 我局 / 本单位 mean something.
 * Until the store keeps them, they come from a JSON file (UNIT_BINDINGS):
 *   { "lark": { "ou_123": "青田县财政局" }, "dingtalk": { "manager01": "义乌市数管中心" } }
 * or flat: { "lark:ou_123": "青田县财政局" }.
 */
import { readFileSync } from 'node:fs';
import { YaodianError } from './errors.js';
import type { Platform } from './model.js';

export interface UnitBindings {
  unitOf(platform: Platform, userId: string): string | undefined;
  bind(platform: Platform, userId: string, unit: string): void;
}

export function createBindings(initial: Record<string, string> = {}): UnitBindings {
  const map = new Map(Object.entries(initial));
  return {
    unitOf: (platform, userId) => map.get(`${platform}:${userId}`),
    bind: (platform, userId, unit) => void map.set(`${platform}:${userId}`, unit),
  };
}

export function parseBindings(json: unknown, source = 'UNIT_BINDINGS'): Record<string, string> {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new YaodianError('CONFIG', `${source}：应为 JSON 对象，例如 {"lark": {"ou_123": "青田县财政局"}}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string') out[key] = value;
    else if (value && typeof value === 'object') {
      for (const [user, unit] of Object.entries(value)) {
        if (typeof unit !== 'string') throw new YaodianError('CONFIG', `${source}：${key}.${user} 的单位应为字符串`);
        out[`${key}:${user}`] = unit;
      }
    } else throw new YaodianError('CONFIG', `${source}：${key} 的值应为单位名称或对象`);
  }
  return out;
}

export function loadBindingsFile(path: string | undefined): UnitBindings {
  if (!path) return createBindings();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new YaodianError('CONFIG', `UNIT_BINDINGS：无法读取 ${path}（${cause instanceof Error ? cause.message : String(cause)}）`);
  }
  return createBindings(parseBindings(json, `UNIT_BINDINGS（${path}）`));
}
