/**
 * Text helpers shared by renderers: how one citation reads in plain text, and splitting long text at lines.
 */
import { snippetLine } from '../../src/answer/compose.js';
import type { Citation } from '../../src/model.js';

export const BOT_TITLE = '要点助手';

export function unitsText(c: Citation): string {
  if (!c.units.length) return '';
  return c.units.map((u) => (c.leadUnits.includes(u) ? `${u}（牵头）` : u)).join('、');
}

export function deadlineText(c: Citation): string {
  return c.deadlines.join('、');
}

/**
 * The sentence of the item that matched the question, quoted (“…”), when it says more than the title (the core's
 * rule, snippetLine); undefined otherwise.
 */
export function citationSnippet(c: Citation): string | undefined {
  return c.snippet ? snippetLine(c)?.trim() : undefined;
}

/** "青田要点 三（一） 标题" */
export function citationHeading(c: Citation): string {
  return `${c.doc} ${c.ref} ${c.title}`.trim();
}

/** "青田要点《2021年青田县政务公开工作要点》第 12–15 行" */
export function sourceText(c: Citation): string {
  return `${c.doc}《${c.docTitle}》${c.ref}，${c.file} 第 ${c.lines[0]}–${c.lines[1]} 行`;
}

/** Split text into chunks of at most `limit` characters, at line boundaries where possible. */
export function splitText(text: string, limit: number): string[] {
  if (limit < 1) throw new RangeError('limit must be positive');
  const chunks: string[] = [];
  let current = '';
  const push = () => {
    if (current) chunks.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    push();
    let rest = line;
    while (rest.length > limit) {
      chunks.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    current = rest;
  }
  push();
  return chunks.length ? chunks : [''];
}
