/**
 * The same document twice (a folder holding it under two names, an upload of a file already loaded under another
 * name) would double every citation. Documents are compared by their text as read (so the same text in another
 * encoding or line ending counts too: see planHash); the first one stays, the other gets a warning naming it.
 */
import { YaodianError } from '../errors.js';

/** The error for `file` when `original` already holds the same text. */
export function duplicateOf(file: string, original: string): YaodianError {
  return new YaodianError('DUPLICATE', `${file}：与已载入的 ${original} 内容相同，已跳过（同一文件只载入一次，以免每条引用出现两次）；如要换个文件名，请先删除 ${original}。`);
}
