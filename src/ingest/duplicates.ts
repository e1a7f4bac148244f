/**
 * The same document twice (a folder holding it under two names, an upload of a file already loaded under another
 * name) would double every citation. Documents are compared by their text as read (so the same text in another
 * encoding or line ending counts too); the first one stays, the other gets a warning naming it.
 */
import { createHash } from 'node:crypto';
import { YaodianError } from '../errors.js';
import type { WorkPlan } from '../model.js';

const keys = new WeakMap<WorkPlan, string>();

/** A digest of the document's text as read (its normalized lines). */
export function contentKey(plan: WorkPlan): string {
  let key = keys.get(plan);
  if (key === undefined) {
    const hash = createHash('sha256');
    for (const line of plan.lines) hash.update(line).update('\n');
    key = hash.digest('base64url');
    keys.set(plan, key);
  }
  return key;
}

/** The error for `file` when `original` already holds the same text. */
export function duplicateOf(file: string, original: string): YaodianError {
  return new YaodianError('DUPLICATE', `${file}：与已载入的 ${original} 内容相同，已跳过（同一文件只载入一次，以免每条引用出现两次）；如要换个文件名，请先删除 ${original}。`);
}
