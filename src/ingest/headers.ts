/**
 * Task-table header words a deployment adds to the built-in ones, from a JSON file:
 *   { "title": ["任务名称"], "lead": ["牵头科室"], "deadline": ["办结时间"] }
 * Roles: number (序号), section (类别), title (工作任务), content (具体内容), lead (牵头单位), units (责任单位),
 * deadline (完成时限), ignore (备注).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { YaodianError } from '../errors.js';
import { DEFAULT_TABLE_HEADERS, type TableHeaders, type TableRole } from '../parse/table.js';

const ROLES = Object.keys(DEFAULT_TABLE_HEADERS) as TableRole[];
const schema = z.record(z.string(), z.array(z.string().min(1).max(20)));

/** Validate header words given as an object (from a file or a setting). */
export function tableHeadersFrom(value: unknown, source: string): TableHeaders {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new YaodianError('CONFIG', `${source}：表头同义词应为 JSON 对象，每个列角色对应一个字符串数组，例如 {"title": ["任务名称"]}。`);
  }
  const unknown = Object.keys(parsed.data).filter((k) => !ROLES.includes(k as TableRole));
  if (unknown.length) {
    throw new YaodianError('CONFIG', `${source}：未知的列角色 ${unknown.join('、')}；可用的角色：${ROLES.join('、')}。`);
  }
  return parsed.data as TableHeaders;
}

/** Read header words from a JSON file. */
export async function readTableHeaders(path: string): Promise<TableHeaders> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new YaodianError('FILE_NOT_FOUND', `找不到表头同义词文件：${path}`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new YaodianError('CONFIG', `${path}：不是有效的 JSON（${cause instanceof Error ? cause.message : String(cause)}）。`, { cause });
  }
  return tableHeadersFrom(value, path);
}
