/**
 * `yaodian ask [--json] [--docs DIR] [--unit U] [--today YYYY-MM-DD] ["Q"]`: answer one question, or (without a
 * question) one JSON line `{"q","unit","today","chat"}` per input line → one JSON answer per line. Lines with the
 * same `chat` are one conversation, in order (follow-ups read against the chat's earlier lines); lines without one
 * stand alone. Every question goes through the bot, as on any platform (a console message may declare its unit
 * and today).
 */
import { createInterface } from 'node:readline';
import type { Env } from '../config.js';
import { YaodianError } from '../errors.js';
import type { Answer, IncomingMessage } from '../model.js';
import { APP_VALUES, openCliApp } from './app.js';
import { parseArgs } from './args.js';
import { type CliIO, writeLine } from './io.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function checkToday(today: string | undefined): string | undefined {
  if (today === undefined || today === '') return undefined;
  const d = new Date(`${today}T00:00:00Z`);
  if (!DATE.test(today) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== today) {
    throw new YaodianError('BAD_ARGUMENT', `日期格式应为 YYYY-MM-DD：${today}`);
  }
  return today;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export async function runAsk(argv: string[], io: CliIO, env: Env = {}): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], values: APP_VALUES });
  const baseUnit = text(args.values.get('unit'));
  const baseToday = checkToday(args.values.get('today'));
  const app = await openCliApp(args, io, env);
  let n = 0;
  const ask = async (q: string, opts: { unit?: string | undefined; today?: string | undefined; chat?: string | undefined }): Promise<Answer> => {
    n++;
    const unit = opts.unit ?? baseUnit;
    const today = opts.today ?? baseToday;
    const chat = opts.chat ?? `line-${n}`;
    const message: IncomingMessage = {
      id: `ask-${process.pid}-${n}`,
      platform: 'cli',
      chatId: `ask:${chat}`,
      chatType: 'direct',
      senderId: 'cli',
      text: q,
      mentionedBot: true,
      time: Date.now(),
      ...(unit ? { unit } : {}),
      ...(today ? { today } : {}),
    };
    return (await app.bot.handle(message)) ?? { intent: 'empty', text: '请输入问题。', citations: [], followUps: [] };
  };
  try {
    const question = args.positionals.join(' ').trim();
    if (question) {
      const a = await ask(question, {});
      writeLine(io.stdout, args.flags.has('json') ? JSON.stringify(a) : a.text);
      return 0;
    }
    const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line.trim()) continue;
      let a: Answer;
      try {
        const msg = line.trim().startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { q: line };
        const chat = typeof msg['chat'] === 'string' || typeof msg['chat'] === 'number' ? String(msg['chat']) : undefined;
        a = await ask(String(msg['q'] ?? ''), { unit: text(msg['unit']), today: checkToday(text(msg['today'])), chat });
      } catch (e) {
        const why = e instanceof YaodianError ? e.message : '这一行不是有效的 JSON 问题。';
        a = { intent: 'error', text: why, citations: [], followUps: [] };
      }
      writeLine(io.stdout, JSON.stringify(a));
    }
    return 0;
  } finally {
    await app.close();
  }
}
