/**
 * Answer spreadsheets on the web page (导出成表格): the answer gets a download link valid for an hour, only for users
 * allowed to read the ledger (admins, users bound to a unit or declaring one); others get the answer with a polite
 * refusal. GET /api/files/:token builds the workbook from the ledger on the day of the question.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Answer, AnswerFile, IncomingMessage } from '../../src/model.js';
import { shanghaiDate } from '../../src/time.js';
import { canReadLedger, FILE_REFUSAL } from '../shared/files.js';
import type { AdapterServices } from '../shared/services.js';
import { attachmentName, fail } from './api.js';
import type { WebAnswer } from './render.js';

export const FILE_LINK_TTL_MS = 3600_000;
const MAX_LINKS = 1000;

interface Link {
  file: AnswerFile;
  today: string;
  expires: number;
}

export interface FileLinks {
  /** The page's answer with its file as a link, or with the refusal. */
  attach(message: IncomingMessage, answer: Answer, body: WebAnswer): Promise<WebAnswer>;
  register(app: FastifyInstance): void;
}

export function createFileLinks(services: AdapterServices): FileLinks {
  const links = new Map<string, Link>();
  const now = () => services.now().getTime();
  const sweep = () => {
    for (const [k, v] of links) if (v.expires <= now()) links.delete(k);
    while (links.size > MAX_LINKS) links.delete(links.keys().next().value as string);
  };
  return {
    async attach(message, answer, body) {
      if (!answer.file) return body;
      if (!(await canReadLedger(services, message))) return { ...body, text: `${body.text}\n\n${FILE_REFUSAL}` };
      sweep();
      const token = randomBytes(18).toString('base64url');
      links.set(token, { file: answer.file, today: message.today ?? shanghaiDate(services.now()), expires: now() + FILE_LINK_TTL_MS });
      return { ...body, file: { name: answer.file.name, url: `/api/files/${token}` } };
    },
    register(app) {
      app.get<{ Params: { token: string } }>(
        '/api/files/:token',
        { schema: { params: { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: '^[A-Za-z0-9_-]{10,64}$' } } } } },
        async (request, reply) => {
          const link = links.get(request.params.token);
          if (!link || link.expires <= now()) return fail(reply, 404, 'not_found', '下载链接已失效（一小时内有效），请重新提问。');
          const bytes = await services.exportXlsx(link.file, link.today);
          return reply
            .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header('content-disposition', attachmentName(link.file.name))
            .header('cache-control', 'no-store')
            .send(bytes);
        },
      );
    },
  };
}
