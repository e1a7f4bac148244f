/**
 * Fakes for DingTalk on 127.0.0.1: a Stream gateway websocket (pushes CALLBACK frames, records the client's
 * acks), a DWClient subclass that skips the HTTP gateway lookup and connects there, and an HTTP server that
 * plays sessionWebhook / custom robot endpoints and records every post.
 */
import { DWClient } from 'dingtalk-stream';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface StreamAck {
  code: number;
  headers: { messageId: string };
  data: string;
}

export interface DingtalkGateway {
  url: string;
  acks: StreamAck[];
  connected(): number;
  push(topic: string, data: unknown, messageId: string): void;
  close(): Promise<void>;
}

export async function startDingtalkGateway(): Promise<DingtalkGateway> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  const acks: StreamAck[] = [];
  wss.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('message', (d: Buffer) => acks.push(JSON.parse(d.toString('utf8')) as StreamAck));
    s.send(JSON.stringify({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'REGISTERED', messageId: 'sys-1' }, data: '' }));
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/connect`,
    acks,
    connected: () => sockets.size,
    push(topic, data, messageId) {
      const frame = {
        specVersion: '1.0',
        type: 'CALLBACK',
        headers: { appId: 'app-1', connectionId: 'conn-1', contentType: 'application/json', messageId, time: String(Date.now()), topic },
        data: JSON.stringify(data),
      };
      for (const s of sockets) s.send(JSON.stringify(frame));
    },
    async close() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** DWClient that skips the gateway lookup (POST api.dingtalk.com/v1.0/gateway/connections/open). */
export class LocalDWClient extends DWClient {
  constructor(
    opts: { clientId: string; clientSecret: string },
    private readonly localUrl: string,
  ) {
    super({ ...opts, keepAlive: false });
    this.config.autoReconnect = false;
  }
  override async getEndpoint(): Promise<this> {
    (this as unknown as { dw_url: string }).dw_url = `${this.localUrl}?ticket=local-ticket`;
    return this;
  }
}

export interface RobotPost {
  path: string;
  query: Record<string, string>;
  body: { msgtype: string; markdown: { title: string; text: string }; at: { atUserIds: string[] } };
}

export interface RobotServer {
  url: string;
  posts: RobotPost[];
  /** Responses used (in order) before the normal { errcode: 0 }. */
  failures: { status: number; body: unknown }[];
  close(): Promise<void>;
}

export async function startRobotServer(): Promise<RobotServer> {
  const app = Fastify();
  const server: RobotServer = { url: '', posts: [], failures: [], close: () => app.close() };
  const handler = async (req: { url: string; query: unknown; body: unknown }, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    server.posts.push({ path: req.url.split('?')[0]!, query: req.query as Record<string, string>, body: req.body as RobotPost['body'] });
    const f = server.failures.shift();
    if (f) return reply.code(f.status).send(f.body);
    return reply.code(200).send({ errcode: 0, errmsg: 'ok' });
  };
  app.post('/robot/sendBySession', handler);
  app.post('/robot/send', handler);
  await app.listen({ host: '127.0.0.1', port: 0 });
  server.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return server;
}
