/**
 * Answer → WeChat plain text chunks with numbered citations, each under the platform's length limit. Pure.
 */
import type { Answer } from '../../src/model.js';
import { citationHeading, citationSnippet, deadlineText, sourceText, splitText, unitsText } from '../shared/text.js';

/** WeChat cuts long text messages; stay under this many characters per message. */
export const WECHAT_TEXT_LIMIT = 1800;

export function wechatText(answer: Answer): string {
  const lines = [answer.text];
  if (answer.citations.length) {
    lines.push('', '出处：');
    answer.citations.forEach((c, i) => {
      const detail = [unitsText(c) && `责任单位：${unitsText(c)}`, deadlineText(c) && `时限：${deadlineText(c)}`].filter(Boolean).join('；');
      lines.push(`[${i + 1}] ${citationHeading(c)}${detail ? `（${detail}）` : ''}`);
      const snippet = citationSnippet(c);
      if (snippet) lines.push(`    ${snippet}`);
      lines.push(`    ${sourceText(c)}`);
    });
  }
  return lines.join('\n');
}

export function renderWechat(answer: Answer, limit = WECHAT_TEXT_LIMIT): string[] {
  return splitText(wechatText(answer), limit);
}

export const render = renderWechat;
