/**
 * Answer → WeCom message bodies. Pure. Limits are in UTF-8 bytes, as the platform counts them (a Chinese
 * character is 3 bytes):
 *   message/send markdown and text: at most 2048 bytes (the answer, then as many cited items as fit, then how many
 *   were left out);
 *   group robot markdown: at most 4096 bytes per message, a longer answer split at line boundaries.
 * Each cited item shows its heading, units, deadline, the matching sentence when it says more than the title, and
 * its source (file, lines).
 */
import { snippetLine } from '../../src/answer/compose.js';
import type { Answer, Citation } from '../../src/model.js';
import { citationHeading, deadlineText, sourceText, unitsText } from '../shared/text.js';

export const WECOM_MESSAGE_LIMIT = 2048;
export const WECOM_ROBOT_MARKDOWN_LIMIT = 4096;

export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The longest prefix of `s` (whole characters) of at most `limit` bytes. */
export function truncateBytes(s: string, limit: number): string {
  if (byteLength(s) <= limit) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = byteLength(ch);
    if (n + b > limit) break;
    out += ch;
    n += b;
  }
  return out;
}

/** Split into chunks of at most `limit` bytes, at line boundaries where possible. */
export function splitBytes(text: string, limit: number): string[] {
  if (limit < 4) throw new RangeError('limit too small');
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (byteLength(candidate) <= limit) {
      current = candidate;
      continue;
    }
    if (current) chunks.push(current);
    let rest = line;
    while (byteLength(rest) > limit) {
      const head = truncateBytes(rest, limit);
      chunks.push(head);
      rest = rest.slice(head.length);
    }
    current = rest;
  }
  if (current) chunks.push(current);
  return chunks.length ? chunks : [''];
}

/** WeCom markdown reads <font …> tags; the documents' own angle brackets are shown as full-width ones. */
const md = (s: string) => s.replace(/</g, '＜').replace(/>/g, '＞');

function snippet(c: Citation): string | undefined {
  return snippetLine(c)?.trim();
}

function markdownBlock(c: Citation, n: number): string {
  const lines = [`**${n}. ${md(citationHeading(c))}**`];
  const detail = [unitsText(c) && `责任单位：${unitsText(c)}`, deadlineText(c) && `时限：${deadlineText(c)}`].filter(Boolean).join('；');
  if (detail) lines.push(md(detail));
  const s = snippet(c);
  if (s) lines.push(`> ${md(s)}`);
  lines.push(`<font color="comment">${md(sourceText(c))}</font>`);
  return lines.join('\n');
}

function textBlock(c: Citation, n: number): string {
  const lines = [`[${n}] ${citationHeading(c)}`];
  const detail = [unitsText(c) && `责任单位：${unitsText(c)}`, deadlineText(c) && `时限：${deadlineText(c)}`].filter(Boolean).join('；');
  if (detail) lines.push(`    ${detail}`);
  const s = snippet(c);
  if (s) lines.push(`    ${s}`);
  lines.push(`    ${sourceText(c)}`);
  return lines.join('\n');
}

const TRUNCATED = '……（内容过长，已截断）';

/**
 * The answer's text, then the cited items in order while they fit in `limit` bytes, then a line saying how many
 * were left out, then the follow-ups if they fit.
 */
function fit(text: string, blocks: string[], heading: string, followUps: string, limit: number): string {
  const omitted = (k: number) => `另有 ${k} 条相关条目未列出，请把问题问得更具体些。`;
  // Room kept for the omission line, so it always fits.
  const reserve = blocks.length ? byteLength(`\n\n${omitted(blocks.length)}`) : 0;
  let out = text;
  if (byteLength(out) > limit - reserve) out = `${truncateBytes(out, limit - reserve - byteLength(`\n${TRUNCATED}`))}\n${TRUNCATED}`;
  let shown = 0;
  for (const block of blocks) {
    const next = `${out}\n\n${shown === 0 ? `${heading}\n\n` : ''}${block}`;
    const left = blocks.length - shown - 1;
    if (byteLength(next) + (left ? byteLength(`\n\n${omitted(left)}`) : 0) > limit) break;
    out = next;
    shown++;
  }
  if (shown < blocks.length) out = `${out}\n\n${omitted(blocks.length - shown)}`;
  if (followUps && byteLength(`${out}\n\n${followUps}`) <= limit) out = `${out}\n\n${followUps}`;
  return out;
}

const followUpLine = (a: Answer) => (a.followUps.length ? `可以继续问：${a.followUps.join('；')}` : '');

/** message/send markdown content, at most 2048 bytes. */
export function wecomMarkdown(answer: Answer, limit = WECOM_MESSAGE_LIMIT): string {
  return fit(md(answer.text), answer.citations.map((c, i) => markdownBlock(c, i + 1)), '**出处**', md(followUpLine(answer)), limit);
}

/** message/send text content, at most 2048 bytes: the fallback where markdown is refused. */
export function wecomText(answer: Answer, limit = WECOM_MESSAGE_LIMIT): string {
  return fit(answer.text, answer.citations.map((c, i) => textBlock(c, i + 1)), '出处：', followUpLine(answer), limit);
}

/** Group robot markdown: the whole answer, in messages of at most 4096 bytes. */
export function wecomRobotMarkdown(answer: Answer, limit = WECOM_ROBOT_MARKDOWN_LIMIT): string[] {
  const parts = [md(answer.text)];
  if (answer.citations.length) parts.push('**出处**', ...answer.citations.map((c, i) => markdownBlock(c, i + 1)));
  const follow = followUpLine(answer);
  if (follow) parts.push(md(follow));
  return splitBytes(parts.join('\n\n'), limit);
}

export type WecomAppMessage = { msgtype: 'markdown'; markdown: { content: string } } | { msgtype: 'text'; text: { content: string } };

export function renderWecom(answer: Answer): WecomAppMessage {
  return { msgtype: 'markdown', markdown: { content: wecomMarkdown(answer) } };
}

export function renderWecomText(answer: Answer): WecomAppMessage {
  return { msgtype: 'text', text: { content: wecomText(answer) } };
}

export const render = renderWecom;
