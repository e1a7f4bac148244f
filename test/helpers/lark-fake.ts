/**
 * A fake Lark Open API on 127.0.0.1 for the real SDK: tenant token, bot info, message reply/create/patch (a
 * repeated uuid within the hour returns the first message and shows nothing new, as Lark documents), file upload
 * and message resources, and the long-connection endpoint + a websocket server speaking the SDK's protobuf frames
 * (pbbp2.Frame). Failures answer as the platform does: HTTP status, { code, msg } and rate-limit headers.
 */
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const FAKE_BOT_OPEN_ID = 'ou_bot0000000000000000000000000000';
export const FAKE_TENANT_TOKEN = 't-g1044qeGEDXTB6NDJOGV4JQCYDGHRBARFTGT1234';

export interface RecordedCall {
  path: string;
  messageId?: string;
  authorization?: string;
  body: { msg_type: string; content: string; uuid?: string; receive_id?: string };
}

export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A message as it appears in a chat (a uuid repeat within the hour does not appear again). */
export interface Delivered {
  messageId: string;
  chatId?: string;
  replyTo?: string;
  msgType: string;
  content: string;
}

export interface LarkFake {
  url: string;
  calls: RecordedCall[];
  tokenRequests: number;
  /** Responses used (in order) for the next reply/create calls before the normal success. */
  failures: FakeResponse[];
  /** Frames the SDK sent back on the long connection (acks), decoded. */
  wsReceived: Frame[];
  /** Control frames (pings) received: the SDK pings as soon as its socket is open and listening. */
  pings: number;
  /** Messages that appeared in chats, in order. */
  delivered: Delivered[];
  /** Card contents after PATCH /open-apis/im/v1/messages/:id. */
  patched: { messageId: string; content: string }[];
  /** Files uploaded through im/v1/files, by file_key. */
  uploads: Map<string, { fileType: string; fileName: string; bytes: Buffer }>;
  /** Files users sent, by file_key, served by GET …/resources/:file_key. */
  resources: Map<string, Buffer>;
  /** Called when a send arrives, before it is answered (a test may hold it, e.g. to kill the sender mid-push). */
  onSend?: (call: RecordedCall) => Promise<void> | void;
  /** Send an event over the long connection to every connected client. */
  pushEvent(event: unknown, messageId?: string): void;
  connected(): number;
  close(): Promise<void>;
}

// ---- minimal protobuf for pbbp2.Frame { 1 SeqID, 2 LogID, 3 service, 4 method, 5 headers, 6 payloadEncoding,
//      7 payloadType, 8 payload, 9 LogIDNew } and Header { 1 key, 2 value } ----
export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Buffer;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, b: Buffer) => Buffer.concat([tag(field, 2), varint(b.length), b]);

export function encodeFrame(f: Frame): Buffer {
  const parts = [tag(1, 0), varint(f.SeqID), tag(2, 0), varint(f.LogID), tag(3, 0), varint(f.service), tag(4, 0), varint(f.method)];
  for (const h of f.headers) {
    parts.push(bytesField(5, Buffer.concat([bytesField(1, Buffer.from(h.key)), bytesField(2, Buffer.from(h.value))])));
  }
  if (f.payload) parts.push(bytesField(8, f.payload));
  return Buffer.concat(parts);
}

function readFields(buf: Buffer): [number, number | Buffer][] {
  const out: [number, number | Buffer][] = [];
  let i = 0;
  const readVarint = () => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      result += (b & 0x7f) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const key = readVarint();
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push([field, readVarint()]);
    else if (wire === 2) {
      const len = readVarint();
      out.push([field, buf.subarray(i, i + len)]);
      i += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

export function decodeFrame(buf: Buffer): Frame {
  const f: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  for (const [field, v] of readFields(buf)) {
    if (field === 1) f.SeqID = v as number;
    else if (field === 2) f.LogID = v as number;
    else if (field === 3) f.service = v as number;
    else if (field === 4) f.method = v as number;
    else if (field === 5) {
      const h = Object.fromEntries(readFields(v as Buffer).map(([k, b]) => [k, (b as Buffer).toString('utf8')]));
      f.headers.push({ key: h[1] ?? '', value: h[2] ?? '' });
    } else if (field === 8) f.payload = Buffer.from(v as Buffer);
  }
  return f;
}

export async function startLarkFake(): Promise<LarkFake> {
  const app: FastifyInstance = Fastify();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const wsPort = (wss.address() as AddressInfo).port;
  const sockets = new Set<WebSocket>();
  let seq = 0;
  const fake: LarkFake = {
    url: '',
    calls: [],
    tokenRequests: 0,
    failures: [],
    wsReceived: [],
    pings: 0,
    delivered: [],
    patched: [],
    uploads: new Map(),
    resources: new Map(),
    pushEvent(event, messageId = `ws-msg-${++seq}`) {
      const frame = encodeFrame({
        SeqID: ++seq,
        LogID: seq,
        service: 7,
        method: 1,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: messageId },
          { key: 'sum', value: '1' },
          { key: 'seq', value: '0' },
          { key: 'trace_id', value: `trace-${seq}` },
        ],
        payload: Buffer.from(JSON.stringify(event)),
      });
      for (const s of sockets) s.send(frame);
    },
    connected: () => sockets.size,
    async close() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await app.close();
    },
  };
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data: Buffer) => {
      const frame = decodeFrame(Buffer.from(data));
      if (frame.method === 1) fake.wsReceived.push(frame); // data frames: the SDK's acks
      else fake.pings++; // control frames: pings
    });
  });

  app.post('/open-apis/auth/v3/tenant_access_token/internal', async () => {
    fake.tokenRequests++;
    return { code: 0, msg: 'ok', tenant_access_token: FAKE_TENANT_TOKEN, expire: 7200 };
  });
  app.get('/open-apis/bot/v3/info', async () => ({ code: 0, msg: 'ok', bot: { activate_status: 2, app_name: '要点助手', open_id: FAKE_BOT_OPEN_ID } }));
  await app.register(multipart);
  const record = (path: string, messageId: string | undefined, req: { headers: Record<string, unknown>; body: unknown }) => {
    const call = { path, messageId, authorization: req.headers.authorization as string | undefined, body: req.body as RecordedCall['body'] };
    fake.calls.push(call);
    return call;
  };
  /** uuid → the message it created, and when: Lark drops a repeat within an hour. */
  const uuids = new Map<string, { messageId: string; at: number }>();
  let ids = 0;
  const deliver = (call: RecordedCall, target: { chatId?: string; replyTo?: string }) => {
    const uuid = call.body.uuid;
    const seen = uuid ? uuids.get(uuid) : undefined;
    if (seen && Date.now() - seen.at < 3600_000) return seen.messageId;
    const messageId = `om_fake_${++ids}`;
    if (uuid) uuids.set(uuid, { messageId, at: Date.now() });
    fake.delivered.push({ messageId, ...target, msgType: call.body.msg_type, content: call.body.content });
    return messageId;
  };
  type Reply = { code(n: number): { headers(h: Record<string, string>): { send(b: unknown): unknown } } };
  const failed = (reply: Reply) => {
    const failure = fake.failures.shift();
    return failure ? reply.code(failure.status).headers(failure.headers ?? {}).send(failure.body) : undefined;
  };
  app.post<{ Params: { id: string } }>('/open-apis/im/v1/messages/:id/reply', async (req, reply) => {
    const call = record('reply', req.params.id, req);
    await fake.onSend?.(call);
    const f = failed(reply as unknown as Reply);
    if (f) return f;
    const messageId = deliver(call, { replyTo: req.params.id });
    return { code: 0, msg: 'success', data: { message_id: messageId, chat_id: 'oc_x', msg_type: call.body.msg_type } };
  });
  app.post('/open-apis/im/v1/messages', async (req, reply) => {
    const call = record('create', undefined, req);
    await fake.onSend?.(call);
    const f = failed(reply as unknown as Reply);
    if (f) return f;
    const messageId = deliver(call, { chatId: call.body.receive_id as string });
    return { code: 0, msg: 'success', data: { message_id: messageId, chat_id: call.body.receive_id } };
  });
  app.patch<{ Params: { id: string } }>('/open-apis/im/v1/messages/:id', async (req) => {
    fake.patched.push({ messageId: req.params.id, content: (req.body as { content: string }).content });
    return { code: 0, msg: 'success', data: {} };
  });
  app.post('/open-apis/im/v1/files', async (req, reply) => {
    const fields: Record<string, string> = {};
    let bytes: Buffer | undefined;
    for await (const part of req.parts()) {
      if (part.type === 'file') bytes = await part.toBuffer();
      else fields[part.fieldname] = String(part.value);
    }
    if (!bytes?.length) return reply.code(400).send({ code: 234001, msg: 'Invalid request param.' });
    const key = `file_v3_fake_${fake.uploads.size + 1}`;
    fake.uploads.set(key, { fileType: fields['file_type'] ?? '', fileName: fields['file_name'] ?? '', bytes });
    return { code: 0, msg: 'success', data: { file_key: key } };
  });
  app.get<{ Params: { id: string; key: string }; Querystring: { type?: string } }>('/open-apis/im/v1/messages/:id/resources/:key', async (req, reply) => {
    const bytes = fake.resources.get(req.params.key);
    if (!bytes || req.query.type !== 'file') return reply.code(400).send({ code: 234003, msg: 'File not in msg.' });
    return reply.header('content-type', 'application/octet-stream').send(bytes);
  });
  app.post('/callback/ws/endpoint', async () => ({
    code: 0,
    msg: 'ok',
    data: {
      URL: `ws://127.0.0.1:${wsPort}/ws?device_id=fake-device&service_id=7`,
      ClientConfig: { PingInterval: 120, ReconnectCount: 1, ReconnectInterval: 1, ReconnectNonce: 0 },
    },
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  fake.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return fake;
}
