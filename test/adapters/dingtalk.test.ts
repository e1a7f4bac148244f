/**
 * The DingTalk adapter: Stream mode through a DWClient subclass on a local websocket gateway, the
 * outgoing-robot webhook with its signature, session-webhook replies and custom-robot pushes (127.0.0.1 only).
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDingtalkAdapter, type DingtalkAdapter } from '../../adapters/dingtalk/index.js';
import { dingtalkSign } from '../../adapters/dingtalk/sign.js';
import type { Answerer } from '../../src/answer/index.js';
import type { Bot } from '../../src/bot.js';
import { createLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';
import { LocalDWClient, startDingtalkGateway, startRobotServer, type DingtalkGateway, type RobotServer } from '../helpers/dingtalk-fake.js';
import { captureLogs, eventually, sampleBot } from '../helpers/samples.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/dingtalk-robot-group.json', import.meta.url), 'utf8'));
const SECRET = 'dingtalk-app-secret-never-logged-xyz';
const ROBOT_SECRET = 'SECabcdef0123456789never-logged';
const TOPIC = '/v1.0/im/bot/messages/get';

let bot: Bot;
let engine: Answerer;
let robot: RobotServer;
const logs = captureLogs();
const logger = createLogger({ level: 'debug', destination: logs });
let n = 0;

function message(text: string, overrides: Record<string, unknown> = {}) {
  n++;
  return { ...structuredClone(fixture), msgId: `msg-${n}-${Date.now()}`, text: { content: text }, sessionWebhook: `${robot.url}/robot/sendBySession?session=s${n}`, ...overrides };
}

beforeAll(async () => {
  ({ bot, engine } = await sampleBot());
  robot = await startRobotServer();
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(async () => {
  await robot.close();
  vi.restoreAllMocks();
});
afterEach(() => {
  robot.posts.length = 0;
  robot.failures.length = 0;
});

describe('dingtalk stream mode', () => {
  let gateway: DingtalkGateway;
  let adapter: DingtalkAdapter;
  beforeAll(async () => {
    gateway = await startDingtalkGateway();
    adapter = createDingtalkAdapter(
      { clientId: 'dingclientid', clientSecret: SECRET, mode: 'stream' },
      { logger },
      { streamClient: (o) => new LocalDWClient(o, gateway.url), outbox: { baseDelayMs: 5 } },
    );
    await adapter.start((m) => bot.handle(m));
    await eventually(() => gateway.connected() > 0);
  });
  afterAll(async () => {
    await adapter.stop();
    await gateway.close();
  });

  it('acknowledges a robot message and answers on its sessionWebhook, @-ing the asker', async () => {
    const question = '依申请公开有什么要求';
    const expected = engine.answer(question);
    const m = message(question);
    gateway.push(TOPIC, m, 'stream-1');
    await eventually(() => gateway.acks.find((a) => a.headers.messageId === 'stream-1'));
    const ack = gateway.acks.find((a) => a.headers.messageId === 'stream-1')!;
    expect(ack.code).toBe(200);
    expect(JSON.parse(ack.data).response.status).toBe('SUCCESS');
    await eventually(() => robot.posts.length > 0);
    await adapter.idle();
    expect(robot.posts).toHaveLength(1);
    const post = robot.posts[0]!;
    expect(post.query.session).toBe(`s${n}`);
    expect(post.body.msgtype).toBe('markdown');
    expect(post.body.at.atUserIds).toEqual([fixture.senderStaffId]);
    expect(post.body.markdown.text).toContain(`@${fixture.senderStaffId}`);
    expect(post.body.markdown.text).toContain(expected.citations[0]!.ref);
  });

  it('acknowledges a redelivery again but answers once', async () => {
    const m = message('政务新媒体怎么管理');
    gateway.push(TOPIC, m, 'stream-2');
    gateway.push(TOPIC, m, 'stream-2');
    await eventually(() => gateway.acks.filter((a) => a.headers.messageId === 'stream-2').length === 2);
    await eventually(() => robot.posts.length > 0);
    await adapter.idle();
    await new Promise((r) => setTimeout(r, 30));
    expect(robot.posts).toHaveLength(1);
  });

  it('retries on rate-limit errcode and 5xx, keeping the order of answers in one chat', async () => {
    robot.failures.push({ status: 200, body: { errcode: 130101, errmsg: 'send too fast' } }, { status: 502, body: {} });
    const a = message('依申请公开有什么要求');
    const b = message('有哪些文件');
    gateway.push(TOPIC, a, 'stream-3');
    gateway.push(TOPIC, b, 'stream-4');
    await eventually(() => robot.posts.length >= 4);
    await adapter.idle();
    expect(robot.posts.map((p) => p.query.session)).toEqual([a.sessionWebhook, a.sessionWebhook, a.sessionWebhook, b.sessionWebhook].map((u) => new URL(u).searchParams.get('session')));
  });
});

describe('dingtalk outgoing-robot webhook mode', () => {
  let adapter: DingtalkAdapter;
  let http: ReturnType<typeof createHttpServer>;
  beforeAll(async () => {
    http = createHttpServer({}, { logger });
    adapter = createDingtalkAdapter(
      { clientId: 'dingclientid', clientSecret: SECRET, mode: 'webhook', robotWebhook: `${robot.url}/robot/send?access_token=tok123`, robotSecret: ROBOT_SECRET },
      { logger, http },
      { outbox: { baseDelayMs: 5 } },
    );
    await adapter.start((m) => bot.handle(m));
    await http.ready();
  });
  afterAll(async () => {
    await adapter.stop();
    await http.close();
  });

  const post = (body: unknown, timestamp: string, sign: string) =>
    http.inject({ method: 'POST', url: '/dingtalk/events', headers: { 'content-type': 'application/json', timestamp, sign }, payload: JSON.stringify(body) });

  it('accepts a good signature and answers', async () => {
    const ts = String(Date.now());
    const res = await post(message('依申请公开有什么要求'), ts, dingtalkSign(ts, SECRET));
    expect(res.statusCode).toBe(200);
    await adapter.idle();
    expect(robot.posts).toHaveLength(1);
  });

  it('rejects a bad or stale signature and sends nothing', async () => {
    const ts = String(Date.now());
    expect((await post(message('依申请公开有什么要求'), ts, dingtalkSign(ts, 'wrong-secret'))).statusCode).toBe(401);
    const stale = String(Date.now() - 2 * 3600_000);
    expect((await post(message('依申请公开有什么要求'), stale, dingtalkSign(stale, SECRET))).statusCode).toBe(401);
    expect((await post(message('依申请公开有什么要求'), ts, '')).statusCode).toBe(401);
    await adapter.idle();
    expect(robot.posts).toHaveLength(0);
  });

  it('pushes through the custom robot with a fresh timestamp and sign', async () => {
    const before = Date.now();
    await adapter.send('any-chat', engine.answer('依申请公开有什么要求'));
    expect(robot.posts).toHaveLength(1);
    const q = robot.posts[0]!.query;
    expect(q.access_token).toBe('tok123');
    expect(Number(q.timestamp)).toBeGreaterThanOrEqual(before);
    expect(q.sign).toBe(dingtalkSign(q.timestamp!, ROBOT_SECRET));
  });

  it('never logs the secrets', () => {
    const all = logs.lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(ROBOT_SECRET);
  });
});
