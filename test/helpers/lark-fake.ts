/**
 * A fake Lark Open API on 127.0.0.1 for the real SDK: tenant token, bot info, message reply/create, and the
 * long-connection endpoint + a websocket server speaking the SDK's protobuf frames (pbbp2.Frame).
 */
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
  const record = (path: string, messageId: string | undefined, req: { headers: Record<string, unknown>; body: unknown }) => {
    fake.calls.push({ path, messageId, authorization: req.headers.authorization as string | undefined, body: req.body as RecordedCall['body'] });
  };
  app.post<{ Params: { id: string } }>('/open-apis/im/v1/messages/:id/reply', async (req, reply) => {
    record('reply', req.params.id, req);
    const failure = fake.failures.shift();
    if (failure) return reply.code(failure.status).send(failure.body);
    return { code: 0, msg: 'success', data: { message_id: `om_reply_${fake.calls.length}`, chat_id: 'oc_x', msg_type: (req.body as { msg_type: string }).msg_type } };
  });
  app.post('/open-apis/im/v1/messages', async (req, reply) => {
    record('create', undefined, req);
    const failure = fake.failures.shift();
    if (failure) return reply.code(failure.status).send(failure.body);
    return { code: 0, msg: 'success', data: { message_id: `om_new_${fake.calls.length}` } };
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
