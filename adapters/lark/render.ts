/**
 * Answer → Lark message payloads. Pure.
 * The card is JSON 2.0: the answer, each cited item with its units, deadline and the sentence that matched, buttons
 * (标记完成 / 登记进展 / 查看详情 on a digest's or an item answer's items, the follow-up choices) drawn from the card's
 * state after clicks, and the sources in a collapsible panel. The text form is the fallback when a card is rejected.
 */
import type { Answer, Citation } from '../../src/model.js';
import type { CardState } from '../../src/store/index.js';
import { BUTTON_LABELS, buttonItems, type ButtonValue, choices, itemKey } from '../shared/actions.js';
import { BOT_TITLE, citationHeading, citationSnippet, deadlineText, sourceText, unitsText } from '../shared/text.js';

export interface LarkPayload {
  msg_type: 'interactive' | 'text' | 'file';
  /** JSON string, as the Open API wants it. */
  content: string;
}

/** Cards are limited to 30 KB; cite at most this many items on one card. */
export const MAX_CARD_CITATIONS = 10;

/** Lark markdown treats these as formatting; answers are plain Chinese text. */
export function escapeLarkMarkdown(text: string): string {
  return text.replace(/([*_~`[\]<>\\])/g, '\\$1');
}

const plain = (content: string) => ({ tag: 'plain_text', content });

function button(label: string, value: ButtonValue, type: 'primary' | 'default' = 'default'): Record<string, unknown> {
  return { tag: 'button', text: plain(label), type, width: 'default', behaviors: [{ type: 'callback', value }] };
}

/** Buttons side by side. */
function row(buttons: Record<string, unknown>[]): Record<string, unknown> {
  return { tag: 'column_set', flex_mode: 'flow', horizontal_spacing: '8px', columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })) };
}

function itemControls(c: Citation, state: CardState): Record<string, unknown>[] {
  const key = itemKey(c);
  const out: Record<string, unknown>[] = [];
  const done = state.done?.[key];
  const progress = state.progress?.[key];
  if (done !== undefined) out.push({ tag: 'markdown', content: `✅ 已标记完成${done ? `（${escapeLarkMarkdown(done)}）` : ''}` });
  else if (progress !== undefined) out.push({ tag: 'markdown', content: `📝 已登记进展：${escapeLarkMarkdown(progress)}` });
  const detail = state.details?.[key];
  if (detail) {
    out.push({ tag: 'collapsible_panel', expanded: true, header: { title: { tag: 'markdown', content: '详情' } }, elements: [{ tag: 'markdown', content: escapeLarkMarkdown(detail) }] });
  }
  if (state.form === key) {
    out.push({
      tag: 'form',
      name: `progress_${c.item}`,
      elements: [
        { tag: 'input', name: 'note', required: true, max_length: 200, placeholder: plain('进展情况，如：已起草方案'), label: plain('登记进展'), label_position: 'top' },
        { ...button('提交进展', { a: 'progress', k: key }, 'primary'), form_action_type: 'submit', name: `submit_${c.item}` },
      ],
    });
    return out;
  }
  if (done === undefined) {
    out.push(row([button(BUTTON_LABELS.done, { a: 'done', k: key }, 'primary'), button(BUTTON_LABELS.progress, { a: 'progress', k: key }), ...(detail ? [] : [button(BUTTON_LABELS.detail, { a: 'detail', k: key })])]));
  }
  return out;
}

export function larkCard(answer: Answer, state: CardState = {}): Record<string, unknown> {
  const cited = answer.citations.slice(0, MAX_CARD_CITATIONS);
  const withButtons = new Set(buttonItems(answer).map(itemKey));
  const elements: Record<string, unknown>[] = [{ tag: 'markdown', content: escapeLarkMarkdown(answer.text) }];
  for (const c of cited) {
    const lines = [`**${escapeLarkMarkdown(citationHeading(c))}**`];
    const snippet = citationSnippet(c);
    if (snippet) lines.push(escapeLarkMarkdown(snippet));
    const units = unitsText(c);
    if (units) lines.push(`责任单位：${escapeLarkMarkdown(units)}`);
    const deadline = deadlineText(c);
    if (deadline) lines.push(`时限：${escapeLarkMarkdown(deadline)}`);
    elements.push({ tag: 'markdown', content: lines.join('\n') });
    if (withButtons.has(itemKey(c))) elements.push(...itemControls(c, state));
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
  const options = choices(answer);
  if (options.length) {
    if (state.chosen !== undefined) elements.push({ tag: 'markdown', content: `已选择：${escapeLarkMarkdown(state.chosen)}` });
    else {
      elements.push({ tag: 'markdown', content: '可以继续问：' });
      elements.push(row(options.map((o) => button(o, { a: 'choice', t: o }))));
    }
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
    const snippet = citationSnippet(c);
    if (snippet) lines.push(`    ${snippet}`);
  });
  return lines.join('\n');
}

export function renderLark(answer: Answer, state?: CardState): LarkPayload {
  return { msg_type: 'interactive', content: JSON.stringify(larkCard(answer, state)) };
}

export function renderLarkText(answer: Answer): LarkPayload {
  return { msg_type: 'text', content: JSON.stringify({ text: larkText(answer) }) };
}

export function renderLarkFile(fileKey: string): LarkPayload {
  return { msg_type: 'file', content: JSON.stringify({ file_key: fileKey }) };
}

export const render = renderLark;
