/**
 * Answer → 浙政钉 message objects (the `msg` of a work notification or a group message). Pure.
 * 专有钉钉 reads DingTalk's markdown (a line break needs two trailing spaces); the text form is the fallback where
 * markdown is refused. Each cited item: heading, units and deadline, the matching sentence when it says more than
 * the title, and its source. Markdown stays under ZWDD_MARKDOWN_LIMIT characters and text under
 * ZWDD_TEXT_LIMIT (the gateway's limits are not published; these are DingTalk's, with a margin): items that do not
 * fit are counted in a closing line instead.
 */
import { snippetLine } from '../../src/answer/compose.js';
import type { Answer, Citation } from '../../src/model.js';
import { BOT_TITLE, citationHeading, deadlineText, sourceText, unitsText } from '../shared/text.js';

export const ZWDD_MARKDOWN_LIMIT = 4500;
export const ZWDD_TEXT_LIMIT = 2000;

export type ZwddMessage = { msgtype: 'markdown'; markdown: { title: string; text: string } } | { msgtype: 'text'; text: { content: string } };

const escapeMd = (s: string) => s.replace(/([*_`#>[\]])/g, '\\$1');
const detailOf = (c: Citation) => [unitsText(c) && `责任单位：${unitsText(c)}`, deadlineText(c) && `时限：${deadlineText(c)}`].filter(Boolean).join('；');

function markdownBlock(c: Citation, n: number): string {
  const lines = [`${n}. **${escapeMd(citationHeading(c))}**`];
  const detail = detailOf(c);
  if (detail) lines.push(`   ${escapeMd(detail)}`);
  const s = snippetLine(c)?.trim();
  if (s) lines.push(`   ${escapeMd(s)}`);
  lines.push(`   > ${escapeMd(sourceText(c))}`);
  return lines.join('  \n');
}

function textBlock(c: Citation, n: number): string {
  const lines = [`[${n}] ${citationHeading(c)}`];
  const detail = detailOf(c);
  if (detail) lines.push(`    ${detail}`);
  const s = snippetLine(c)?.trim();
  if (s) lines.push(`    ${s}`);
  lines.push(`    ${sourceText(c)}`);
  return lines.join('\n');
}

/** The text, then the blocks while they fit in `limit` characters, then how many were left out. */
function fit(text: string, blocks: string[], heading: string, limit: number): string {
  const omitted = (k: number) => `另有 ${k} 条相关条目未列出，请把问题问得更具体些。`;
  const reserve = blocks.length ? omitted(blocks.length).length + 2 : 0;
  const cut = '\n……（内容过长，已截断）';
  let out = text.length > limit - reserve ? `${text.slice(0, limit - reserve - cut.length)}${cut}` : text;
  let shown = 0;
  for (const block of blocks) {
    const next = `${out}\n\n${shown === 0 ? `${heading}\n\n` : ''}${block}`;
    const left = blocks.length - shown - 1;
    if (next.length + (left ? omitted(left).length + 2 : 0) > limit) break;
    out = next;
    shown++;
  }
  return shown < blocks.length ? `${out}\n\n${omitted(blocks.length - shown)}` : out;
}

export function zwddMarkdown(answer: Answer, limit = ZWDD_MARKDOWN_LIMIT): string {
  const text = answer.text.split('\n').map(escapeMd).join('  \n');
  return fit(text, answer.citations.map((c, i) => markdownBlock(c, i + 1)), '**出处**', limit);
}

export function zwddText(answer: Answer, limit = ZWDD_TEXT_LIMIT): string {
  return fit(answer.text, answer.citations.map((c, i) => textBlock(c, i + 1)), '出处：', limit);
}

export function renderZwdd(answer: Answer): ZwddMessage {
  return { msgtype: 'markdown', markdown: { title: BOT_TITLE, text: zwddMarkdown(answer) } };
}

export function renderZwddText(answer: Answer): ZwddMessage {
  return { msgtype: 'text', text: { content: zwddText(answer) } };
}

export const render = renderZwdd;
