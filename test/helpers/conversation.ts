/** The committed held-out questions, asked the way `yaodian ask` and the bot keep conversations. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answerer } from '../../src/answer/index.js';
import { turnOf, type Answer, type Turn } from '../../src/model.js';

export interface Line {
  q: string;
  unit?: string;
  today?: string;
  chat?: string;
}

/** test/eval/questions-extra.jsonl, one line per question. */
export const extraLines: Line[] = readFileSync(join(__dirname, '..', 'eval', 'questions-extra.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Line);

/** Each line asked in its conversation (lines with the same `chat` follow up on each other): answers in order. */
export function conversation(engine: Answerer, qs: Line[], at = 0): Answer[] {
  const chats = new Map<string, Turn>();
  return qs.map((l, i) => {
    const previous = l.chat ? chats.get(l.chat) : undefined;
    const a = engine.answer(l.q, { today: l.today ?? '2021-06-01', ...(l.unit ? { unit: l.unit } : {}), ...(previous ? { previous } : {}) });
    const turn = l.chat ? turnOf(a, at + i, previous) : undefined;
    if (l.chat && turn) chats.set(l.chat, turn);
    return a;
  });
}
