/**
 * Files in chat, the same on every platform:
 *   answerFile     the spreadsheet an answer carries (导出成表格), built from the ledger, only for users allowed to read
 *                  the ledger (admins and users bound to a unit); others get the answer with a polite refusal;
 *   ingestChatFile a document an admin sends to the bot, added to the library, with a reply saying what was read
 *                  (文件名, N个部分, M项任务, K个单位) or why not; others get a polite refusal.
 * Each platform only moves the bytes (upload, download).
 */
import { isYaodianError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { Answer, IncomingMessage, WorkPlan } from '../../src/model.js';
import { shanghaiDate } from '../../src/time.js';
import type { AdapterServices } from './services.js';

export const FILE_REFUSAL = '抱歉，表格只提供给管理员和已绑定单位的用户。请先发送“绑定 单位名称”，例如“绑定 旌德县财政局”，再来导出。';
export const UPLOAD_REFUSAL = '抱歉，只有管理员可以通过聊天导入文件。如需导入，请把文件发给管理员，或在网页的“文件”页上传。';
/** Largest document taken from a chat (the web upload's limit). */
export const MAX_CHAT_FILE_BYTES = 10 * 1024 * 1024;

export interface OutgoingFile {
  name: string;
  bytes: Buffer;
}

export interface AnswerFileResult {
  answer: Answer;
  /** The spreadsheet to send after the answer, when the sender may have it. */
  file?: OutgoingFile;
}

const note = (answer: Answer, text: string): Answer => {
  const { file: _file, ...rest } = answer;
  return { ...rest, text: `${answer.text}\n\n${text}` };
};

/** May this sender read the ledger (and so get its spreadsheets)? Admins and users bound to a unit. */
export async function canReadLedger(services: AdapterServices, m: IncomingMessage): Promise<boolean> {
  return services.isAdmin(m.platform, m.senderId) || Boolean(await services.senderUnit(m));
}

/**
 * The answer to send and, when it carries a spreadsheet the sender may have, the file. Without services the file is
 * dropped with a note (the adapter runs without the core, e.g. in a test).
 */
export async function answerFile(services: AdapterServices | undefined, m: IncomingMessage, answer: Answer, log: Logger): Promise<AnswerFileResult> {
  if (!answer.file) return { answer };
  if (!services) return { answer: note(answer, '（表格暂时无法发送，请在网页的“任务台账”导出。）') };
  if (!(await canReadLedger(services, m))) return { answer: note(answer, FILE_REFUSAL) };
  try {
    const bytes = await services.exportXlsx(answer.file, m.today ?? shanghaiDate(services.now()));
    return { answer, file: { name: answer.file.name, bytes } };
  } catch (err) {
    log.error({ err, file: answer.file.name }, 'export failed');
    return { answer: note(answer, '（表格生成失败，请稍后再试，或在网页的“任务台账”导出。）') };
  }
}

const reply = (text: string): Answer => ({ intent: 'upload', text, citations: [], followUps: [] });

/** The named units of a plan (as printed, each once). */
export function unitCount(plan: WorkPlan): number {
  return new Set(plan.items.flatMap((i) => i.assignments.flatMap((a) => a.units.filter((u) => u.kind === 'unit').map((u) => u.name)))).size;
}

export interface ChatFile {
  name: string;
  /** Size in bytes when the platform says it before the download. */
  size?: number;
  download(): Promise<Buffer>;
}

/** A document sent to the bot in chat: ingested when the sender is an admin; the reply says what was read or why not. */
export async function ingestChatFile(services: AdapterServices | undefined, m: IncomingMessage, file: ChatFile, log: Logger): Promise<Answer> {
  if (!services || !services.isAdmin(m.platform, m.senderId)) return reply(UPLOAD_REFUSAL);
  if (file.size !== undefined && file.size > MAX_CHAT_FILE_BYTES) return reply(`${file.name}：文件过大（上限 ${MAX_CHAT_FILE_BYTES >> 20} MB），没有导入。`);
  let bytes: Buffer;
  try {
    bytes = await file.download();
  } catch (err) {
    log.error({ err, file: file.name }, 'chat file download failed');
    return reply(`${file.name}：没能从平台下载这个文件，请稍后再发一次。`);
  }
  if (bytes.length > MAX_CHAT_FILE_BYTES) return reply(`${file.name}：文件过大（上限 ${MAX_CHAT_FILE_BYTES >> 20} MB），没有导入。`);
  try {
    const { plan, replaced, notes } = await services.ingest(file.name, bytes);
    log.info({ file: plan.file, items: plan.items.length, by: `${m.platform}:${m.senderId}` }, 'document ingested from chat');
    const lines = [
      `${replaced ? '已替换' : '已导入'}《${plan.title}》（${plan.file}）：${plan.sections.length}个部分、${plan.items.length}项任务、${unitCount(plan)}个单位。`,
      ...(notes.length ? [`说明：${notes.join('；')}`] : []),
      ...(plan.warnings.length ? [`解析提示${plan.warnings.length}条，例如：${plan.warnings[0]!.message}`] : []),
      '现在可以直接提问，例如“这份文件有哪些任务”。',
    ];
    return reply(lines.join('\n'));
  } catch (err) {
    if (isYaodianError(err) && err.user) return reply(`没有导入：${err.message}`);
    log.error({ err, file: file.name }, 'ingest from chat failed');
    return reply(`${file.name}：导入时出错，请稍后再试，或在网页的“文件”页上传。`);
  }
}

/** Read a stream into memory, stopping with an error past `limit` bytes. */
export async function readLimited(stream: AsyncIterable<Uint8Array>, limit = MAX_CHAT_FILE_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) throw new Error(`file larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
