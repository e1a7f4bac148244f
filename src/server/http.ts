/**
 * The one HTTP server: health check, platform webhooks, the web page and its API all mount here.
 * JSON bodies keep their raw bytes (`request.rawBody`) because webhook signatures are computed over them.
 * XML bodies (text/xml, application/xml: WeCom callbacks) arrive as their text; form bodies
 * (application/x-www-form-urlencoded: 浙政钉 events) as their fields, a name given twice as an array. Every
 * error, whoever raises it (a route, fastify, a plugin, Node's HTTP parser), answers in Chinese (messages.ts).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import type { Logger } from '../logger.js';
import { clientErrorReply, parserErrorReply } from './messages.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

export interface HttpServerOptions {
  /** Largest request body accepted, in bytes (uploads set their own limit). */
  bodyLimit?: number;
  /** Extra facts for GET /healthz (documents loaded, adapters running). */
  health?: () => Record<string, unknown>;
}

export function createHttpServer(options: HttpServerOptions, deps: { logger: Logger }): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
    // Requests Node's parser refuses (unencoded Chinese in the URL, broken headers) and bad % escapes: in Chinese too.
    clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const { status, error, message } = parserErrorReply(err);
      const body = JSON.stringify({ error, message });
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
      }
      socket.destroy();
    },
    frameworkErrors(error, _request, reply) {
      const r = clientErrorReply(error) ?? { status: 400, error: 'bad_request', message: '请求有误。' };
      void (reply as unknown as FastifyReply).code(r.status).send({ error: r.error, message: r.message });
    },
  });
  // JSON only (and what routes add: multipart uploads, the sign-in form); plain text gets a 415 in Chinese.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(null, {});
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      const err = Object.assign(new Error('请求体不是合法的 JSON'), { statusCode: 400 });
      done(err, undefined);
    }
  });
  for (const type of ['text/xml', 'application/xml']) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, (body as Buffer).toString('utf8'));
    });
  }
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, formFields((body as Buffer).toString('utf8')));
  });
  app.get('/healthz', async () => {
    const m = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    // Memory in MB, for operators and the soak test: resident, V8 heap in use, and outside the heap.
    return { ok: true, ...(options.health?.() ?? {}), memory: { rss: mb(m.rss), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) } };
  });
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ error: 'not_found', message: `没有这个地址：${request.method} ${request.url}` }));
  app.setErrorHandler(async (error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
    const limit = request.routeOptions?.bodyLimit ?? bodyLimit;
    const r = clientErrorReply(error, { contentType: request.headers['content-type'], limit });
    if (!r) {
      request.log.error({ err: error, url: request.url }, 'request failed');
      return reply.code(error.statusCode && error.statusCode >= 500 && error.statusCode < 600 ? error.statusCode : 500).send({ error: 'internal', message: '服务器内部错误，请稍后再试。' });
    }
    return reply.code(r.status).send({ error: r.error, message: r.message });
  });
  return app;
}

/** a=1&b=2&b=3 → { a: '1', b: ['2', '3'] } */
export function formFields(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = fields[k];
    fields[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return fields;
}
