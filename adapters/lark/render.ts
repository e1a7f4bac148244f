/**
 * Answer → Lark message payloads. Pure.
 * The card is JSON 2.0: the answer, each cited item with its units and deadline, and the sources in a
 * collapsible panel. The text form is the fallback when a card is rejected.
 */
import type { Answer } from '../../src/model.js';
import { BOT_TITLE, citationHeading, deadlineText, sourceText, unitsText } from '../shared/text.js';

export interface LarkPayload {
  msg_type: 'interactive' | 'text';
  /** JSON string, as the Open API wants it. */
  content: string;
}

/** Cards are limited to 30 KB; cite at most this many items on one card. */
export const MAX_CARD_CITATIONS = 10;

/** Lark markdown treats these as formatting; answers are plain Chinese text. */
export function escapeLarkMarkdown(text: string): string {
  return text.replace(/([*_~`[\]<>\\])/g, '\\$1');
}

export function larkCard(answer: Answer): Record<string, unknown> {
  const cited = answer.citations.slice(0, MAX_CARD_CITATIONS);
  const elements: Record<string, unknown>[] = [{ tag: 'markdown', content: escapeLarkMarkdown(answer.text) }];
  for (const c of cited) {
    const lines = [`**${escapeLarkMarkdown(citationHeading(c))}**`];
    const units = unitsText(c);
    if (units) lines.push(`责任单位：${escapeLarkMarkdown(units)}`);
    const deadline = deadlineText(c);
    if (deadline) lines.push(`时限：${escapeLarkMarkdown(deadline)}`);
    elements.push({ tag: 'markdown', content: lines.join('\n') });
  }
  if (cited.length) {
    elements.push({
      tag: 'collapsible_panel',
      expanded: false,
      header: { title: { tag: 'markdown', content: `出处（${cited.length}）` } },
      elements: cited.map((c, i) => ({ tag: 'markdown', content: `${i + 1}. ${escapeLarkMarkdown(sourceText(c))}` })),
    });
  }
  if (answer.citations.length > cited.length) {
    elements.push({ tag: 'markdown', content: `另有 ${answer.citations.length - cited.length} 条相关条目未列出，请把问题问得更具体些。` });
  }
  if (answer.followUps.length) {
    elements.push({ tag: 'markdown', content: `可以继续问：${answer.followUps.map(escapeLarkMarkdown).join('；')}` });
  }
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: BOT_TITLE }, template: answer.intent === 'error' ? 'red' : 'blue' },
    body: { elements },
  };
}

export function larkText(answer: Answer): string {
  const lines = [answer.text];
  answer.citations.forEach((c, i) => {
    const parts = [`[${i + 1}] ${citationHeading(c)}`];
    const units = unitsText(c);
    if (units) parts.push(`责任单位：${units}`);
    const deadline = deadlineText(c);
    if (deadline) parts.push(`时限：${deadline}`);
    if (i === 0) lines.push('');
    lines.push(parts.join('｜'));
  });
  return lines.join('\n');
}

export function renderLark(answer: Answer): LarkPayload {
  return { msg_type: 'interactive', content: JSON.stringify(larkCard(answer)) };
}

export function renderLarkText(answer: Answer): LarkPayload {
  return { msg_type: 'text', content: JSON.stringify({ text: larkText(answer) }) };
}

export const render = renderLark;
