/**
 * The web page's JSON API, mounted on the one fastify server. Every route validates its input with a JSON schema;
 * errors are Chinese sentences. POST /api/ask is the web chat: the question becomes an IncomingMessage and goes
 * through the bot like any platform's message (commands, bindings and error replies included). Admin routes
 * (upload, delete) need ADMIN_TOKEN as a bearer token.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { APOLOGY } from '../../src/bot.js';
import { digestJson } from '../../src/digest/build.js';
import { renderDigest } from '../../src/digest/render.js';
import type { DigestService } from '../../src/digest/service.js';
import { isYaodianError } from '../../src/errors.js';
import { errorOf, INGEST_EXTENSIONS } from '../../src/ingest/index.js';
import { filterRows, sortRows, STATUS_LABELS, timeline, toCsv, toXlsx, unitStats, type LedgerRow, type LedgerService } from '../../src/ledger/index.js';
import type { DocumentLibrary } from '../../src/library.js';
import type { Logger } from '../../src/logger.js';
import type { Answer, IncomingMessage } from '../../src/model.js';
import { shanghaiDate } from '../../src/time.js';
import { regionOf } from '../../src/units/directory.js';
import type { PushAdmin } from './admin.js';
import { bearerOf, tokenMatches } from './auth.js';
import { askMessage, type AskBody, CHAT_PATTERN, fieldName, formatValidation, isRealDate, ledgerFilter, type LedgerQuery, OPTIONAL_DATE_PATTERN } from './normalize.js';
import { documentDetail, documentSummary, renderAnswer, type WebAnswer } from './render.js';

export { tokenMatches } from './auth.js';

export interface WebOptions {
  library: DocumentLibrary;
  ledger: LedgerService;
  digests: DigestService;
  /** ADMIN_TOKEN; unset → admin routes answer 401 without a token, 403 with one. */
  adminToken?: string | undefined;
  /** VIEW_TOKEN; set → the page and every read route need it (auth.ts). */
  viewToken?: string | undefined;
  /** Largest upload, bytes (default 10 MB). */
  uploadLimit?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** The digest scheduler and delivery log, for the admin push routes (adapters/web/admin.ts). */
  pushes?: PushAdmin;
}

export interface WebApiOptions extends WebOptions {
  logger: Logger;
  /** Turns an answer's spreadsheet into a download link (or a polite refusal); unset: the file is not offered. */
  answerFiles?: (message: IncomingMessage, answer: Answer, body: WebAnswer) => Promise<WebAnswer>;
  /** The bot's handler; undefined while the adapter is stopped (the chat then answers 503). */
  handler: () => ((m: IncomingMessage) => Promise<Answer | undefined>) | undefined;
}

const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
/** A day, or empty for today: one pattern, so a bad value gets one message naming the field. */
const dateString = { type: 'string', pattern: OPTIONAL_DATE_PATTERN, maxLength: 10 } as const;
const ledgerQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    doc: { type: 'string', maxLength: 200 },
    region: { type: 'string', maxLength: 50 },
    unit: { type: 'string', maxLength: 100 },
    lead: { type: 'boolean' },
    named: { type: 'boolean' },
    from: dateString,
    to: dateString,
    status: { type: 'string', enum: ['', ...Object.keys(STATUS_LABELS)] },
    today: dateString,
  },
} as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

export function fail(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message });
}

export function attachmentName(name: string): string {
  return `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The onRequest hook of admin routes: ADMIN_TOKEN as a bearer token (401 without or wrong, 403 while admin is off). */
export function adminGuard(adminToken: string | undefined) {
  return async function admin(request: FastifyRequest, reply: FastifyReply) {
    const given = bearerOf(request);
    // No credentials at all: 401 whatever the configuration; credentials while admin is off: 403 saying how to turn it on.
    if (given && !adminToken) {
      return fail(reply, 403, 'admin_disabled', '管理功能未开启：请在环境变量 ADMIN_TOKEN 中设置管理口令并重启服务，然后在页面上输入该口令。');
    }
    if (!given || !adminToken || !tokenMatches(given, adminToken)) {
      reply.header('www-authenticate', 'Bearer realm="yaodian"');
      return fail(reply, 401, 'unauthorized', given ? '管理口令不正确。' : '需要管理口令：请在页面上输入 ADMIN_TOKEN（以 Bearer 方式发送）。');
    }
  };
}

export async function registerWebApi(app: FastifyInstance, options: WebApiOptions): Promise<void> {
  const { library } = options;
  const log = options.logger.child({ component: 'web' });
  const now = options.now ?? (() => new Date());
  const uploadLimit = options.uploadLimit ?? 10 * 1024 * 1024;
  const today = (t?: string) => (t && t.length ? t : shanghaiDate(now()));

  await app.register(multipart, { limits: { fileSize: uploadLimit, files: 1, fields: 5, fieldSize: 1024, parts: 8 } });

  const checkDates = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string | undefined>) => {
    for (const [name, v] of Object.entries(values)) {
      if (v && !isRealDate(v)) {
        void fail(reply, 400, 'bad_date', `${fieldName(name)}：没有 ${v} 这一天，请检查月份和日期。`);
        return false;
      }
    }
    return true;
  };

  const admin = adminGuard(options.adminToken);

  const common = { schemaErrorFormatter: formatValidation };

  app.post<{ Body: AskBody }>(
    '/api/ask',
    {
      ...common,
      bodyLimit: 16 * 1024,
      schema: {
        body: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' },
            unit: { type: 'string', maxLength: 100 },
            today: dateString,
            chat: { type: 'string', pattern: CHAT_PATTERN, maxLength: 64 },
          },
        },
        response: { 400: errorBody },
      },
    },
    async (request, reply) => {
      const message = askMessage(request.body, now());
      if (!checkDates(request, reply, { today: message.today })) return reply;
      const handle = options.handler();
      if (!handle) return fail(reply, 503, 'stopped', '服务正在停止，请稍后再试。');
      const said = await handle(message);
      if (!said) log.warn({ messageId: message.id }, 'the bot gave no reply to a web message');
      const answer = said ?? APOLOGY;
      const body = renderAnswer(answer);
      return options.answerFiles ? options.answerFiles(message, answer, body) : body;
    },
  );

  app.get('/api/documents', { ...common }, async () => ({
    documents: library.list().map(documentSummary),
    errors: library.loadErrors,
    accept: INGEST_EXTENSIONS,
    uploadLimit,
    adminEnabled: Boolean(options.adminToken),
  }));

  app.get<{ Params: { id: string } }>('/api/documents/:id', { ...common, schema: { params: idParams } }, async (request, reply) => {
    const entry = library.get(request.params.id);
    if (!entry) return fail(reply, 404, 'not_found', `没有这份文件：${request.params.id}`);
    return documentDetail(entry);
  });

  app.post('/api/documents', { ...common, onRequest: admin, bodyLimit: uploadLimit + 64 * 1024 }, async (request, reply) => {
    if (!request.isMultipart()) return fail(reply, 400, 'not_multipart', '请以 multipart/form-data 上传文件（字段名 file）。');
    let part: Awaited<ReturnType<FastifyRequest['file']>>;
    let bytes: Buffer;
    try {
      part = await request.file();
      if (!part) return fail(reply, 400, 'no_file', '没有收到文件：请选择一个文件再上传。');
      bytes = await part.toBuffer();
    } catch (e) {
      // The multipart parser's own errors (no boundary, cut short) are the client's; fastify's carry a status.
      if ((e as { statusCode?: number }).statusCode) throw e;
      log.info({ err: e }, 'malformed upload');
      return fail(reply, 400, 'bad_multipart', '上传内容不完整或格式不对（multipart/form-data）：请重新选择文件上传。');
    }
    if (part.file.truncated) return fail(reply, 413, 'too_large', `文件过大（上限 ${Math.round(uploadLimit / 1024 / 1024)} MB）。`);
    const name = part.filename || 'upload.txt';
    try {
      const { entry, replaced } = await library.put(name, bytes);
      return reply.code(replaced ? 200 : 201).send({ replaced, report: entry.report, document: documentSummary(entry) });
    } catch (e) {
      if (isYaodianError(e) && e.user) {
        const { code, message } = errorOf(name, e);
        // A file the loader refuses (a zip bomb, damage, no items) is unprocessable (422); an unknown type is 415;
        // the same text as a document already loaded under another name is a conflict (409).
        const status = code === 'BAD_ARGUMENT' ? 415 : code === 'DUPLICATE' ? 409 : 422;
        return reply.code(status).send({ error: code, message, file: name, kept: library.get(name) ? '原有同名文件保持不变。' : undefined });
      }
      throw e;
    }
  });

  app.delete<{ Params: { id: string } }>('/api/documents/:id', { ...common, onRequest: admin, schema: { params: idParams } }, async (request, reply) => {
    const ok = await library.remove(request.params.id);
    if (!ok) return fail(reply, 404, 'not_found', `没有这份文件：${request.params.id}`);
    return { deleted: request.params.id };
  });

  app.get('/api/units', { ...common }, async () => {
    const plans = library.plans();
    const rows = await options.ledger.rows(today());
    return {
      units: unitStats(rows).map((s) => ({ key: s.unitKey, name: s.unit, region: s.region, category: s.category, items: s.total, lead: s.lead })),
      regions: [...new Set(plans.map((p) => regionOf(p).name))],
      documents: plans.map((p) => ({ id: p.file, shortName: p.shortName, region: regionOf(p).name })),
    };
  });

  app.get<{ Querystring: { unit: string; date?: string } }>(
    '/api/digest',
    {
      ...common,
      schema: {
        querystring: {
          type: 'object',
          required: ['unit'],
          additionalProperties: false,
          properties: { unit: { type: 'string', minLength: 1, maxLength: 100 }, date: dateString },
        },
      },
    },
    async (request, reply) => {
      const { unit, date } = request.query;
      if (!checkDates(request, reply, { date })) return reply;
      try {
        const d = await options.digests.digest(unit, today(date));
        return { ...digestJson(d), text: renderDigest(d).text };
      } catch (e) {
        if (isYaodianError(e) && e.user) return fail(reply, 400, 'bad_unit', e.message);
        throw e;
      }
    },
  );

  async function rowsFor(q: LedgerQuery): Promise<{ rows: LedgerRow[]; day: string }> {
    const day = today(q.today);
    return { rows: sortRows(filterRows(await options.ledger.rows(day), ledgerFilter(q))), day };
  }

  const ledgerRoute = { ...common, schema: { querystring: ledgerQuerySchema } };

  app.get<{ Querystring: LedgerQuery }>('/api/ledger', ledgerRoute, async (request, reply) => {
    if (!checkDates(request, reply, { from: request.query.from, to: request.query.to, today: request.query.today })) return reply;
    const { rows, day } = await rowsFor(request.query);
    const items = new Set(rows.map((r) => `${r.file}#${r.item}`)).size;
    return { today: day, total: rows.length, items, rows: rows.slice(0, 2000), truncated: rows.length > 2000, stats: unitStats(rows), timeline: timeline(rows) };
  });

  app.get<{ Querystring: LedgerQuery }>('/api/ledger.csv', ledgerRoute, async (request, reply) => {
    if (!checkDates(request, reply, { from: request.query.from, to: request.query.to, today: request.query.today })) return reply;
    const { rows, day } = await rowsFor(request.query);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', attachmentName(`任务台账-${day}.csv`))
      .send(toCsv(rows));
  });

  app.get<{ Querystring: LedgerQuery }>('/api/ledger.xlsx', ledgerRoute, async (request, reply) => {
    if (!checkDates(request, reply, { from: request.query.from, to: request.query.to, today: request.query.today })) return reply;
    const { rows, day } = await rowsFor(request.query);
    const buf = await toXlsx(rows, { title: `任务台账 ${day}` });
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachmentName(`任务台账-${day}.xlsx`))
      .send(buf);
  });
}
