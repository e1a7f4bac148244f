/**
 * Answer (+ what was done on it) → the data of a DingTalk interactive card (互动卡片), and a click's callback → the
 * button it was. Pure.
 * A DingTalk card is drawn by a template built on the card platform (卡片搭建平台, DINGTALK_CARD_TEMPLATE_ID); the
 * API sends only its variables, cardData.cardParamMap, every value a string. The template this adapter fills (its
 * variables and buttons are listed in the README, 钉钉 → 互动卡片):
 *   title      the bot's name;
 *   content    markdown: the answer, then the cited items that carry no buttons, with their sources;
 *   items      JSON array (a loop): { key, title, info, snippet, mark, detail, showButtons, showForm, showDetail } —
 *              each item of a digest or an item answer, its state after clicks (mark: ✅ 已标记完成 / 📝 已登记进展,
 *              detail: the text 查看详情 opened), which controls to show;
 *   choices    JSON array (a loop): { text } — the follow-up choices, empty once one was taken;
 *   chosen     '' or 已选择：…;
 *   hasItems / hasChoices   'true' | 'false', for the template's visibility rules.
 * The template's buttons call back (回传请求) with params { action: 'done' | 'progress' | 'detail', key: item.key }
 * (登记进展 also sends its input as `note`) or { action: 'choice', text: choice.text }; `value` holding the button
 * value as JSON ({"a":"done","k":…}) is read too. The callback's answer shows `notice` to the clicker only
 * (userPrivateData).
 */
import type { Answer, Citation } from '../../src/model.js';
import type { CardState } from '../../src/store/index.js';
import { buttonItems, type ButtonValue, choices, type ClickOutcome, itemKey, parseButtonValue } from '../shared/actions.js';
import { BOT_TITLE, citationHeading, citationSnippet, deadlineText, sourceText, unitsText } from '../shared/text.js';

/** DingTalk cards, like its markdown messages, are cut off around 5000 characters of content. */
export const DINGTALK_CARD_CONTENT_LIMIT = 4000;

const escapeMd = (s: string) => s.replace(/([*_`#>[\]])/g, '\\$1');

const infoOf = (c: Citation) => [unitsText(c) && `责任单位：${unitsText(c)}`, deadlineText(c) && `时限：${deadlineText(c)}`].filter(Boolean).join('；');

export interface DingtalkCardItem {
  key: string;
  title: string;
  info: string;
  snippet: string;
  /** ✅ 已标记完成（单位） / 📝 已登记进展：… / ''. */
  mark: string;
  /** The text 查看详情 opened, or ''. */
  detail: string;
  showButtons: boolean;
  showForm: boolean;
  showDetail: boolean;
}

function itemOf(c: Citation, state: CardState): DingtalkCardItem {
  const key = itemKey(c);
  const done = state.done?.[key];
  const progress = state.progress?.[key];
  const detail = state.details?.[key] ?? '';
  return {
    key,
    title: citationHeading(c),
    info: infoOf(c),
    snippet: citationSnippet(c) ?? '',
    mark: done !== undefined ? `✅ 已标记完成${done ? `（${done}）` : ''}` : progress !== undefined ? `📝 已登记进展：${progress}` : '',
    detail,
    showButtons: done === undefined && state.form !== key,
    showForm: done === undefined && state.form === key,
    showDetail: detail === '',
  };
}

/** The card's variables for `answer` in `state` (cardParamMap: strings only, as the API requires). */
export function dingtalkCardData(answer: Answer, state: CardState = {}): Record<string, string> {
  const withButtons = buttonItems(answer);
  const keys = new Set(withButtons.map(itemKey));
  const lines = answer.text.split('\n').map((l) => `${escapeMd(l)}  `);
  const rest = answer.citations.filter((c) => !keys.has(itemKey(c)));
  if (rest.length) {
    lines.push('', withButtons.length ? '**其他出处**' : '**出处**', '');
    rest.forEach((c, i) => {
      const info = infoOf(c);
      const snippet = citationSnippet(c);
      lines.push(`${i + 1}. **${escapeMd(citationHeading(c))}**${snippet ? `  \n   ${escapeMd(snippet)}` : ''}${info ? `  \n   ${escapeMd(info)}` : ''}  \n   > ${escapeMd(sourceText(c))}`);
    });
  }
  let content = lines.join('\n');
  if (content.length > DINGTALK_CARD_CONTENT_LIMIT) content = `${content.slice(0, DINGTALK_CARD_CONTENT_LIMIT - 20)}\n\n……（内容过长，已截断）`;
  const options = state.chosen === undefined ? choices(answer) : [];
  return {
    title: BOT_TITLE,
    content,
    items: JSON.stringify(withButtons.map((c) => itemOf(c, state))),
    hasItems: String(withButtons.length > 0),
    choices: JSON.stringify(options.map((text) => ({ text }))),
    hasChoices: String(options.length > 0),
    chosen: state.chosen !== undefined ? `已选择：${state.chosen}` : '',
  };
}

/** A card callback as the Stream topic /v1.0/card/instances/callback delivers it (its `data`, parsed). */
export interface DingtalkCardCallback {
  outTrackId: string;
  userId: string;
  /** The button's params (cardPrivateData.params), and the ids of the actions that fired. */
  params: Record<string, unknown>;
  actionIds: string[];
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/**
 * The callback's fields: { outTrackId, userId, content: "{\"cardPrivateData\":{\"actionIds\":[…],\"params\":{…}}}",
 * value (the same), corpId, type: 'actionCallback', … }; undefined when it is not a card action.
 */
export function parseCardCallback(data: unknown): DingtalkCardCallback | undefined {
  const d = parseJson(data) as Record<string, unknown> | undefined;
  if (!d || typeof d !== 'object') return undefined;
  if (typeof d.outTrackId !== 'string' || !d.outTrackId || typeof d.userId !== 'string' || !d.userId) return undefined;
  const body = (parseJson(d.content) ?? parseJson(d.value)) as { cardPrivateData?: { params?: unknown; actionIds?: unknown } } | undefined;
  const priv = body?.cardPrivateData;
  const params = priv?.params && typeof priv.params === 'object' && !Array.isArray(priv.params) ? (priv.params as Record<string, unknown>) : {};
  const actionIds = Array.isArray(priv?.actionIds) ? priv.actionIds.filter((x): x is string => typeof x === 'string') : [];
  return { outTrackId: d.outTrackId, userId: d.userId, params, actionIds };
}

/** The button a callback's params name, or undefined; the note typed into 登记进展's input. */
export function cardButton(params: Record<string, unknown>): { value: ButtonValue | undefined; note?: string } {
  const note = typeof params.note === 'string' ? params.note : undefined;
  const extra = note !== undefined ? { note } : {};
  if (params.value !== undefined) return { value: parseButtonValue(params.value), ...extra };
  const action = params.action;
  const value = action === 'choice' ? { a: 'choice', t: params.text } : { a: action, k: params.key };
  return { value: parseButtonValue(value), ...extra };
}

/**
 * The answer to a card callback: the card's variables drawn again for everyone (cardData, updated by key), and the
 * outcome told to the clicker alone (userPrivateData: notice, noticeType success | error | info).
 */
export function cardCallbackResponse(outcome: ClickOutcome): Record<string, unknown> {
  return {
    cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
    ...(outcome.card ? { cardData: { cardParamMap: dingtalkCardData(outcome.card.answer, outcome.card.state) } } : {}),
    userPrivateData: { cardParamMap: { notice: outcome.toast.text, noticeType: outcome.toast.type } },
  };
}
