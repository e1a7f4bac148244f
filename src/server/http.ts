/**
 * The one HTTP server: health check, platform webhooks, the web page and its API all mount here.
 * JSON bodies keep their raw bytes (`request.rawBody`) because webhook signatures are computed over them.
 * XML bodies (text/xml, application/xml: WeCom callbacks) arrive as their text; form bodies
 * (application/x-www-form-urlencoded: 浙政钉 events) as their fields, a name given twice as an array.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../logger.js';

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
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });
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
  app.get('/healthz', async () => ({ ok: true, ...(options.health?.() ?? {}) }));
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ error: 'not_found', message: `没有这个地址：${request.method} ${request.url}` }));
  app.setErrorHandler(async (error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error, url: request.url }, 'request failed');
      return reply.code(status).send({ error: 'internal', message: '服务器内部错误，请稍后再试。' });
    }
    const message = error.validation ? `请求参数不正确：${error.message}` : status === 413 ? '请求内容过大。' : error.message;
    return reply.code(status).send({ error: error.code ?? 'bad_request', message });
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
