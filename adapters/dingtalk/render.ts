/**
 * Answer → DingTalk robot markdown message (sessionWebhook or custom robot). Pure.
 */
import type { Answer } from '../../src/model.js';
import { BOT_TITLE, citationHeading, citationSnippet, deadlineText, sourceText, unitsText } from '../shared/text.js';
import type { DingtalkMarkdown } from './api.js';

export type { DingtalkMarkdown } from './api.js';

/** DingTalk markdown messages are cut off around 5000 characters. */
export const DINGTALK_MARKDOWN_LIMIT = 4500;

const escapeMd = (s: string) => s.replace(/([*_`#>[\]])/g, '\\$1');

export function renderDingtalk(answer: Answer, options: { atUserIds?: string[] } = {}): DingtalkMarkdown {
  const at = (options.atUserIds ?? []).filter(Boolean);
  const lines: string[] = [];
  if (at.length) lines.push(at.map((id) => `@${id}`).join(' '), '');
  lines.push(...answer.text.split('\n').map(escapeMd).map((l) => `${l}  `));
  if (answer.citations.length) {
    lines.push('', '**出处**', '');
    answer.citations.forEach((c, i) => {
      const detail = [unitsText(c) && `责任单位：${unitsText(c)}`, deadlineText(c) && `时限：${deadlineText(c)}`].filter(Boolean).join('；');
      const snippet = citationSnippet(c);
      lines.push(`${i + 1}. **${escapeMd(citationHeading(c))}**${snippet ? `  \n   ${escapeMd(snippet)}` : ''}${detail ? `  \n   ${escapeMd(detail)}` : ''}  \n   > ${escapeMd(sourceText(c))}`);
    });
  }
  let text = lines.join('\n');
  if (text.length > DINGTALK_MARKDOWN_LIMIT) text = `${text.slice(0, DINGTALK_MARKDOWN_LIMIT - 20)}\n\n……（内容过长，已截断）`;
  return { msgtype: 'markdown', markdown: { title: BOT_TITLE, text }, at: { atUserIds: at, isAtAll: false } };
}

/** The markdown as the robot APIs' sampleMarkdown wants it. */
export function sampleMarkdown(answer: Answer): { title: string; text: string } {
  return renderDingtalk(answer).markdown;
}

export const render = renderDingtalk;
