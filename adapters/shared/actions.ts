/**
 * Buttons on cards, the same on every platform that has them (Lark card callbacks, DingTalk interactive cards):
 *   标记完成 / 登记进展 / 查看详情 on the items of a digest or an item answer, and the answer's follow-up choices
 *   (您问的是哪个地区… → 旌德县 / 青田县).
 * A click becomes the text a user would have typed (完成 《旌德2021要点》一.3, 进展 《…》一.3 已起草, 《…》一（三）是什么, or
 * the choice itself) and goes through the bot like any message from the clicker: the same permission checks (only
 * the item's units may mark it), the same replies. What the click did is kept in the card's state (src/store/cards.ts)
 * so the card is drawn again in place.
 */
import type { Logger } from '../../src/logger.js';
import type { Answer, Citation, IncomingMessage } from '../../src/model.js';
import type { CardState } from '../../src/store/index.js';
import type { AdapterServices } from './services.js';

export type ButtonKind = 'done' | 'progress' | 'detail' | 'choice';

/** What a button carries back in its callback: short keys, well under the platforms' value limits. */
export interface ButtonValue {
  /** The action. */
  a: ButtonKind;
  /** The item, `file#item`, for done / progress / detail. */
  k?: string;
  /** The choice's text. */
  t?: string;
}

export const BUTTON_LABELS: Record<Exclude<ButtonKind, 'choice'>, string> = { done: '标记完成', progress: '登记进展', detail: '查看详情' };

/** Intents whose cited items carry 标记完成 / 登记进展 / 查看详情. */
const ITEM_INTENTS = new Set(['digest', 'item']);
/** At most this many items get buttons on one card (cards have size limits; the rest are in the text). */
export const MAX_ITEM_BUTTONS = 8;
export const MAX_CHOICES = 6;

export const itemKey = (c: Pick<Citation, 'file' | 'item'>) => `${c.file}#${c.item}`;

/** The citations that get item buttons. */
export function buttonItems(answer: Answer): Citation[] {
  if (!ITEM_INTENTS.has(answer.intent)) return [];
  const seen = new Set<string>();
  return answer.citations.filter((c) => !seen.has(itemKey(c)) && seen.add(itemKey(c))).slice(0, MAX_ITEM_BUTTONS);
}

/** The follow-up choices shown as buttons. */
export function choices(answer: Answer): string[] {
  return answer.followUps.slice(0, MAX_CHOICES);
}

/** Does the answer have any button? */
export function hasButtons(answer: Answer): boolean {
  return buttonItems(answer).length > 0 || choices(answer).length > 0;
}

/** A button value from a callback, or undefined when it is not one of ours. */
export function parseButtonValue(raw: unknown): ButtonValue | undefined {
  let v = raw;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  if (r.a === 'choice' && typeof r.t === 'string' && r.t.trim() && r.t.length <= 200) return { a: 'choice', t: r.t };
  if ((r.a === 'done' || r.a === 'progress' || r.a === 'detail') && typeof r.k === 'string' && /^[^#]{1,200}#[^#\s]{1,20}$/.test(r.k)) return { a: r.a, k: r.k };
  return undefined;
}

/**
 * The text a user would type for a click, or undefined when the item is not on the card. Progress needs the note
 * typed into the card's form.
 */
export function commandText(answer: Answer, value: ButtonValue, note?: string): string | undefined {
  if (value.a === 'choice') return answer.followUps.includes(value.t ?? '') ? value.t : undefined;
  const c = answer.citations.find((x) => itemKey(x) === value.k);
  if (!c) return undefined;
  const doc = `《${c.doc}》`;
  if (value.a === 'done') return `完成 ${doc}${c.item}`;
  if (value.a === 'detail') return `${doc}${c.ref}是什么`;
  const text = (note ?? '').replace(/\s+/g, ' ').trim();
  return text ? `进展 ${doc}${c.item} ${text.slice(0, 200)}` : undefined;
}

/** A command's reply that recorded progress (已登记：…). */
export const recorded = (reply: Answer) => reply.intent === 'command' && reply.text.startsWith('已登记');

/**
 * The card's state after a click and the bot's reply to it: what to draw in place. `who` names the clicker
 * (their unit or name) for the 已完成 mark.
 */
export function nextState(state: CardState, value: ButtonValue, reply: Answer | undefined, extra: { who: string; note?: string }): CardState {
  const next: CardState = { ...state, ...(state.done ? { done: { ...state.done } } : {}), ...(state.progress ? { progress: { ...state.progress } } : {}) };
  if (value.a === 'choice') return { ...next, chosen: value.t ?? '' };
  const key = value.k as string;
  if (value.a === 'detail') return reply && reply.intent === 'item' ? { ...next, details: { ...(state.details ?? {}), [key]: reply.text } } : next;
  if (value.a === 'progress' && extra.note === undefined) return { ...next, form: key };
  if (!reply || !recorded(reply)) return next;
  if (value.a === 'done') next.done = { ...(next.done ?? {}), [key]: extra.who };
  else next.progress = { ...(next.progress ?? {}), [key]: extra.note ?? '' };
  if (next.form === key) delete next.form;
  return next;
}

/** A click, as each platform reports it. */
export interface Click {
  platform: IncomingMessage['platform'];
  /** The platform's id of this click (a redelivery carries the same). */
  id: string;
  operatorId: string;
  /** The card's id in the store (Lark: its message id; DingTalk: its outTrackId). */
  cardId: string;
  /** The chat the card is in; '' when the callback does not say (DingTalk): the stored card's chat. */
  chatId: string;
  value: unknown;
  /** Text typed into the card's form (登记进展). */
  note?: string;
}

/** What to do after a click: tell the clicker (toast), draw the card again, and maybe send a new message. */
export interface ClickOutcome {
  toast: { type: 'success' | 'error' | 'info'; text: string };
  /** The card to draw in place (its answer and new state); undefined: leave it. */
  card?: { answer: Answer; state: CardState };
  /** An answer to send as a new message (a follow-up choice's reply). */
  followUp?: Answer;
}

const toastText = (text: string) => (text.length > 120 ? `${text.slice(0, 118)}…` : text);

/**
 * Run a click: find its card, turn the button into the text a user would type, let the bot answer it as a message
 * from the clicker, keep what it did in the card's state. `timeoutMs` bounds the wait (the platforms want an answer
 * within seconds); a slower reply still records its state and is reported through `late`.
 */
export async function runClick(
  click: Click,
  deps: {
    services: AdapterServices | undefined;
    handler: ((m: IncomingMessage) => Promise<Answer | undefined>) | undefined;
    log: Logger;
    timeoutMs?: number;
    late?: (outcome: ClickOutcome) => Promise<void>;
  },
): Promise<ClickOutcome> {
  const { services, handler } = deps;
  const value = parseButtonValue(click.value);
  if (!value) return { toast: { type: 'error', text: '这个按钮无法识别，请重新提问。' } };
  if (!services || !handler) return { toast: { type: 'error', text: '按钮暂时不可用，请直接发送命令。' } };
  const card = await services.store.card(click.platform, click.cardId);
  if (!card) return { toast: { type: 'info', text: '这张卡片已过期，请重新提问或发送“今日摘要”。' } };
  const at = services.now().toISOString();
  if (value.a === 'progress' && click.note === undefined) {
    const state = nextState(card.state, value, undefined, { who: '' });
    await services.store.setCardState(click.platform, click.cardId, state, at);
    return { toast: { type: 'info', text: '请填写进展情况后提交。' }, card: { answer: card.answer, state } };
  }
  const text = commandText(card.answer, value, click.note);
  if (!text) return { toast: { type: 'error', text: value.a === 'progress' ? '请先填写进展情况。' : '这张卡片上没有这一项。' } };
  const message: IncomingMessage = {
    id: `card-${click.id}`,
    platform: click.platform,
    chatId: click.chatId || card.chatId,
    chatType: card.state.chatType ?? 'group',
    senderId: click.operatorId,
    text,
    mentionedBot: true,
    time: services.now().getTime(),
  };
  const finish = async (reply: Answer | undefined): Promise<ClickOutcome> => {
    if (!reply) return { toast: { type: 'info', text: '已处理。' }, card: { answer: card.answer, state: card.state } };
    const who = (await services.senderUnit(message)) ?? '';
    const state = nextState(card.state, value, reply, { who, ...(click.note !== undefined ? { note: click.note } : {}) });
    await services.store.setCardState(click.platform, click.cardId, state, services.now().toISOString());
    const ok = value.a === 'choice' || (value.a === 'detail' ? reply.intent === 'item' : recorded(reply));
    return {
      toast: { type: ok ? 'success' : 'error', text: toastText(value.a === 'choice' ? `已选择：${value.t}` : value.a === 'detail' ? '详情已展开。' : reply.text) },
      card: { answer: card.answer, state },
      ...(value.a === 'choice' || (value.a === 'detail' && reply.intent !== 'item') ? { followUp: reply } : {}),
    };
  };
  const work = handler(message).then(finish);
  const timeoutMs = deps.timeoutMs ?? 2500;
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((r) => {
    timer = setTimeout(() => r('slow'), timeoutMs);
    timer.unref?.();
  });
  const first = await Promise.race([work, slow]).finally(() => clearTimeout(timer));
  if (first !== 'slow') return first;
  void work.then((o) => deps.late?.(o)).catch((err: unknown) => deps.log.error({ err }, 'card click failed'));
  return { toast: { type: 'info', text: '正在处理，请稍候…' } };
}
