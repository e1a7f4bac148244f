/**
 * The 政务 thesaurus: everyday, colloquial and English words mapped to the words the documents use
 * (谣言 → 舆情, 公众号 → 政务新媒体, 电子版 → 数字化, open data → 公共数据开放). The built-in table
 * (thesaurus-data.ts) is extended by an admin file of the same form (`口语1 口语2 => 文档用词1 文档用词2`).
 *
 * Keys are matched on word boundaries of the question (one to four consecutive jieba words), never inside a
 * longer word, so 发 (→ 发布) does not fire inside 发展.
 */
import { readFileSync } from 'node:fs';
import { YaodianError } from '../errors.js';
import { BUILTIN_THESAURUS } from './thesaurus-data.js';

/** How much an expansion counts against a word actually asked. */
export const EXPANSION_WEIGHT = 0.6;
/** Longest key, in words. */
const MAX_KEY_WORDS = 4;

/** A key as looked up: NFKC, lowercase, no spaces or underscores (open_data, open data → opendata). */
export function thesaurusKey(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s_]+/g, '');
}

/** Parse thesaurus text; `source` names the file in errors. */
export function parseThesaurus(text: string, source = 'thesaurus'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.replace(/#.*$/, '').trim();
    if (!t) return;
    const parts = t.split(/\s*(?:=>|→)\s*/);
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new YaodianError('CONFIG', `${source} 第${i + 1}行格式不对：应写成“口语1 口语2 => 文档用词1 文档用词2”。`);
    }
    const keys = splitKeys(parts[0]);
    const targets = parts[1].split(/[\s、，,]+/).filter(Boolean);
    for (const k of keys) {
      const key = thesaurusKey(k);
      const cur = out.get(key) ?? [];
      for (const tgt of targets) if (!cur.includes(tgt) && thesaurusKey(tgt) !== key) cur.push(tgt);
      out.set(key, cur);
    }
  });
  return out;
}

/** Keys of one line: separated by spaces or 、，; an English phrase joins its words with _ (open_data). */
function splitKeys(s: string): string[] {
  return s.split(/[\s、，,]+/).filter(Boolean);
}

export interface Expansion {
  /** The words of the question the key covered, as typed. */
  text: string;
  /** Index of the first and one past the last word covered. */
  start: number;
  end: number;
  targets: string[];
}

export class Thesaurus {
  private readonly map: Map<string, string[]>;

  constructor(extra: Iterable<[string, string[]]> = []) {
    this.map = parseThesaurus(BUILTIN_THESAURUS, 'built-in thesaurus');
    this.merge(extra);
  }

  static fromFile(path: string): Thesaurus {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new YaodianError('CONFIG', `THESAURUS 文件无法读取：${path}`, { cause });
    }
    return new Thesaurus(parseThesaurus(text, path));
  }

  merge(entries: Iterable<[string, string[]]>): void {
    for (const [k, targets] of entries) {
      const key = thesaurusKey(k);
      const cur = this.map.get(key) ?? [];
      for (const t of targets) if (!cur.includes(t)) cur.push(t);
      this.map.set(key, cur);
    }
  }

  get size(): number {
    return this.map.size;
  }

  /** Every key, for the spelling corrector's vocabulary and the tokenizer's dictionary. */
  keys(): string[] {
    return [...this.map.keys()];
  }

  /** Every document word the table points at. */
  targets(): string[] {
    return [...new Set([...this.map.values()].flat())];
  }

  lookup(word: string): string[] | undefined {
    return this.map.get(thesaurusKey(word));
  }

  /**
   * Keys found in a sequence of words, longest first, never overlapping: 网上/传言 → 网上传言 → [舆情, …].
   */
  expand(words: readonly string[]): Expansion[] {
    const out: Expansion[] = [];
    let i = 0;
    while (i < words.length) {
      let found: Expansion | undefined;
      for (let n = Math.min(MAX_KEY_WORDS, words.length - i); n >= 1 && !found; n--) {
        const text = words.slice(i, i + n).join('');
        const targets = this.map.get(thesaurusKey(text));
        if (targets?.length) found = { text, start: i, end: i + n, targets };
      }
      if (found) {
        out.push(found);
        i = found.end;
      } else i++;
    }
    return out;
  }
}
