/**
 * 对标 on the web page: two loaded documents lined up item by item.
 *   GET /api/align?a=FILE&b=FILE        the alignment (the `yaodian align --json` object): pairs with their score
 *                                       and the sentence pair that shows why, and the items without counterpart
 *   GET /api/align.xlsx?a=FILE&b=FILE   the 对照表 workbook, the form offices hand in
 * A is the reference (the level above, the peer, last year's); B is checked against it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { alignmentJson, alignmentToXlsx, alignPlans, type Alignment } from '../../src/align/index.js';
import type { DocumentLibrary } from '../../src/library.js';
import { fail } from './api.js';
import { formatValidation } from './normalize.js';

const pair = {
  type: 'object',
  additionalProperties: false,
  required: ['a', 'b'],
  properties: { a: { type: 'string', minLength: 1, maxLength: 200 }, b: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

interface PairQuery {
  a: string;
  b: string;
}

export function registerAlignRoutes(app: FastifyInstance, options: { library: DocumentLibrary }): void {
  const { library } = options;
  const common = { schemaErrorFormatter: formatValidation, schema: { querystring: pair } };

  function aligned(q: PairQuery, reply: FastifyReply): Alignment | undefined {
    const a = library.get(q.a)?.plan;
    const b = library.get(q.b)?.plan;
    if (!a || !b) {
      fail(reply, 404, 'not_found', `没有这份文件：${!a ? q.a : q.b}。请从“已载入的文件”中选择。`);
      return undefined;
    }
    if (a === b) {
      fail(reply, 400, 'same_document', '请选择两份不同的文件进行对标。');
      return undefined;
    }
    return alignPlans(a, b, library.answerer.tokenizer);
  }

  app.get<{ Querystring: PairQuery }>('/api/align', common, async (request, reply) => {
    const al = aligned(request.query, reply);
    return al ? alignmentJson(al) : reply;
  });

  app.get<{ Querystring: PairQuery }>('/api/align.xlsx', common, async (request, reply) => {
    const al = aligned(request.query, reply);
    if (!al) return reply;
    const name = `${al.a.short}与${al.b.short}要点对照表.xlsx`;
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="align.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(await alignmentToXlsx(al));
  });
}
