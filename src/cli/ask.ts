/**
 * `yaodian ask [--json] [--docs DIR] [--unit U] [--today YYYY-MM-DD] ["Q"]`: index the documents and answer one
 * question, or (without a question) one JSON line `{"q","unit","today","chat"}` per input line → one JSON answer per
 * line; lines with the same `chat` are one conversation (follow-ups read against the chat's previous line).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { YaodianError } from '../errors.js';
import { turnOf, type Answer, type Turn } from '../model.js';
import { ingestDirectory } from '../ingest/index.js';
import { createAnswerer, type Answerer, type AskContext } from '../answer/index.js';
import { parseArgs, type ParsedArgs } from './args.js';
import { type CliIO, writeLine } from './io.js';

/** The bundled samples/ directory: the nearest ancestor of this module that holds one. */
export function defaultDocsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'samples')) && existsSync(join(dir, 'package.json'))) return join(dir, 'samples');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'samples');
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function checkToday(today: string | undefined): string | undefined {
  if (today === undefined || today === '') return undefined;
  const d = new Date(`${today}T00:00:00Z`);
  if (!DATE.test(today) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== today) {
    throw new YaodianError('BAD_ARGUMENT', `日期格式应为 YYYY-MM-DD：${today}`);
  }
  return today;
}

export const ANSWER_OPTIONS = { flags: ['json'], values: ['docs', 'unit', 'today', 'dict', 'aliases'] };

/**
 * Load the documents of --docs (default samples/) the way serve does (.txt .md .docx .pdf .html) and build an
 * answerer; load errors go to stderr.
 */
export async function answererFromArgs(args: ParsedArgs, io: CliIO): Promise<Answerer> {
  const dir = args.values.get('docs') ?? defaultDocsDir();
  const { plans, errors } = await ingestDirectory(dir);
  for (const e of errors) writeLine(io.stderr, `警告：${e.message.startsWith(e.file) ? e.message : `${e.file}：${e.message}`}`);
  if (!plans.length) throw new YaodianError('FILE_NOT_FOUND', `目录中没有可读取的工作要点文件：${dir}`);
  const dict = args.values.get('dict');
  const aliases = args.values.get('aliases');
  return createAnswerer(plans, { ...(dict ? { userDictPath: dict } : {}), ...(aliases ? { aliasPath: aliases } : {}) });
}

function contextOf(unit: unknown, today: unknown, fallback: AskContext): AskContext {
  const ctx: AskContext = { ...fallback };
  if (typeof unit === 'string' && unit.trim()) ctx.unit = unit.trim();
  const t = typeof today === 'string' ? checkToday(today.trim()) : undefined;
  if (t) ctx.today = t;
  return ctx;
}

export async function runAsk(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, ANSWER_OPTIONS);
  const base = contextOf(args.values.get('unit'), args.values.get('today'), {});
  const answerer = await answererFromArgs(args, io);
  const question = args.positionals.join(' ').trim();
  if (question) {
    const a = answerer.answer(question, base);
    writeLine(io.stdout, args.flags.has('json') ? JSON.stringify(a) : a.text);
    return 0;
  }
  // Lines with the same "chat" are one conversation, in order: each remembers its last turn for follow-ups.
  const chats = new Map<string, Turn>();
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let a: Answer;
    try {
      const msg = line.trim().startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { q: line };
      const chat = typeof msg['chat'] === 'string' || typeof msg['chat'] === 'number' ? String(msg['chat']) : undefined;
      const ctx = contextOf(msg['unit'], msg['today'], base);
      const previous = chat ? chats.get(chat) : undefined;
      a = answerer.answer(String(msg['q'] ?? ''), previous ? { ...ctx, previous } : ctx);
      const turn = chat ? turnOf(a, Date.now(), previous) : undefined;
      if (chat && turn) chats.set(chat, turn);
    } catch (e) {
      const why = e instanceof YaodianError ? e.message : '这一行不是有效的 JSON 问题。';
      a = { intent: 'error', text: why, citations: [], followUps: [] };
    }
    writeLine(io.stdout, JSON.stringify(a));
  }
  return 0;
}
