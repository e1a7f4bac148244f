/**
 * A fake DingTalk on 127.0.0.1, one host playing both api.dingtalk.com and oapi.dingtalk.com for the real SDK and
 * the adapter:
 *   POST /v1.0/oauth2/accessToken               tokens (a wrong secret: HTTP 400 invalidClientIdOrSecret)
 *   POST /v1.0/gateway/connections/open         the Stream gateway → a local websocket speaking the SDK's JSON frames
 *   POST /v1.0/robot/groupMessages/send         robot messages to known groups (unknown: 400 invalid.openConversationId;
 *                                               a wrong robotCode: 400 invalidParameter.robotCode.notExsit; an expired
 *                                               token: 401 InvalidAuthentication)
 *   POST /v1.0/robot/oToMessages/batchSend      robot messages to users
 *   POST /v1.0/robot/messageFiles/download      a file users sent → a download URL on this host
 *   POST /media/upload                          media for file messages (media_id)
 *   POST /robot/sendBySession, /robot/send      session webhooks and custom robots ({ errcode, errmsg })
 *   POST /v1.0/card/instances/createAndDeliver  interactive cards, as the card API documents them (aliyun/dingtalk-sdk
 *                                               card_1_0 CreateAndDeliverRequest; the Stream SDKs' card repliers):
 *                                               a known cardTemplateId, a new outTrackId, cardData.cardParamMap of
 *                                               strings only, openSpaceId dtv1.card//IM_GROUP.<openConversationId of a
 *                                               group the robot is in> with imGroupOpenDeliverModel.robotCode, or
 *                                               dtv1.card//IM_ROBOT.<userId> with imRobotOpenDeliverModel.spaceType
 *                                               IM_ROBOT; answers { success, result: { outTrackId, deliverResults } }.
 *                                               The refusals' codes are the fake's choice (the platform's are not
 *                                               published): 400 with { code, message }.
 *   PUT  /v1.0/card/instances                   the card's data by outTrackId (updateCardDataByKey: merged)
 * and a user's click (`click`): a CALLBACK frame on the Stream topic /v1.0/card/instances/callback carrying
 * { outTrackId, userId, content: {"cardPrivateData":{"actionIds":[…],"params":{…}}}, value (the same), … }, whose
 * ack's data is {"response": …} (the SDKs' CallbackResponsePayload); the response's cardData and userPrivateData
 * are applied to the card as the platform would draw them.
 * Every message that appears in a chat is in `delivered`; failures queued in `failures` answer the next sends.
 */
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DingtalkConfig } from '../../adapters/dingtalk/config.js';

export interface StreamAck {
  code: number;
  headers: { messageId: string };
  data: string;
}

export interface DingtalkDelivery {
  /** groupMessages, oToMessages, session, robot, or an interactive card. */
  via: 'group' | 'user' | 'session' | 'robot' | 'card';
  /** openConversationId, the user ids, or the webhook's query. */
  to: string;
  msgKey: string;
  /** The message: msgParam parsed, or the webhook body. */
  param: Record<string, unknown>;
}

/** A delivered interactive card as the platform keeps it. */
export interface FakeCard {
  outTrackId: string;
  templateId: string;
  /** IM_GROUP or IM_ROBOT, and the group's openConversationId or the user's id. */
  spaceType: 'IM_GROUP' | 'IM_ROBOT';
  spaceId: string;
  callbackType?: string;
  atUserIds?: Record<string, string>;
  /** The card's variables as everyone sees them now. */
  data: Record<string, string>;
  /** Variables only one user sees (userPrivateData), by user id. */
  privateData: Map<string, Record<string, string>>;
  /** Every update through PUT /v1.0/card/instances. */
  updates: Record<string, string>[];
}

export interface FakeFailure {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface DingtalkFake {
  url: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  /** Groups the robot is in. */
  groups: Set<string>;
  delivered: DingtalkDelivery[];
  /** Every send attempt, answered or not. */
  attempts: DingtalkDelivery[];
  tokenRequests: number;
  /** Answers for the next sends (group, user, session, robot), before the normal success. */
  failures: FakeFailure[];
  /** Answers for the next gateway opens. */
  gatewayFailures: FakeFailure[];
  gatewayOpens: number;
  /** Make every token issued so far invalid (the next call gets 401 InvalidAuthentication). */
  expireTokens(): void;
  media: Map<string, { name: string; bytes: Buffer }>;
  /** Files users sent the robot, by downloadCode. */
  userFiles: Map<string, Buffer>;
  /** Called when a send arrives, before it is answered (a test may hold it). */
  onSend?: (d: DingtalkDelivery) => Promise<void> | void;
  acks: StreamAck[];
  /** Card templates that exist on the card platform. */
  cardTemplates: Set<string>;
  cards: Map<string, FakeCard>;
  /**
   * A user clicks a card button: the callback goes out over Stream; resolves with the response in the ack (applied
   * to the card), or undefined when no ack came within `waitMs`.
   */
  click(outTrackId: string, userId: string, params: Record<string, unknown>, opts?: { messageId?: string; waitMs?: number }): Promise<Record<string, unknown> | undefined>;
  connected(): number;
  /** A Stream CALLBACK frame to every connected client. */
  push(topic: string, data: unknown, messageId: string): void;
  /** Drop every Stream connection (as a network failure would). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** What the platform does with a card callback's response: the shared data updated (by key when asked), the user's private data. */
function applyCallbackResponse(card: FakeCard, userId: string, response: Record<string, unknown>): void {
  const options = (response.cardUpdateOptions ?? {}) as { updateCardDataByKey?: boolean; updatePrivateDataByKey?: boolean };
  const shared = (response.cardData as { cardParamMap?: Record<string, string> } | undefined)?.cardParamMap;
  if (shared) card.data = options.updateCardDataByKey ? { ...card.data, ...shared } : { ...shared };
  const own = (response.userPrivateData as { cardParamMap?: Record<string, string> } | undefined)?.cardParamMap;
  if (own) card.privateData.set(userId, options.updatePrivateDataByKey ? { ...(card.privateData.get(userId) ?? {}), ...own } : { ...own });
}

const stringMap = (v: unknown): v is Record<string, string> => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

export async function startDingtalkFake(options: { clientId?: string; clientSecret?: string; robotCode?: string; cardTemplates?: string[] } = {}): Promise<DingtalkFake> {
  const app = Fastify({ bodyLimit: 30 * 1024 * 1024 });
  await app.register(multipart, { limits: { fileSize: 30 * 1024 * 1024 } });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  let valid = new Set<string>();
  let tokens = 0;
  let clicks = 0;
  const fake: DingtalkFake = {
    url: '',
    clientId: options.clientId ?? 'dingfakeclientid',
    clientSecret: options.clientSecret ?? 'dingtalk-fake-secret-never-logged',
    robotCode: options.robotCode ?? options.clientId ?? 'dingfakeclientid',
    groups: new Set(),
    delivered: [],
    attempts: [],
    tokenRequests: 0,
    failures: [],
    gatewayFailures: [],
    gatewayOpens: 0,
    expireTokens: () => {
      valid = new Set();
    },
    media: new Map(),
    userFiles: new Map(),
    acks: [],
    cardTemplates: new Set(options.cardTemplates ?? []),
    cards: new Map(),
    async click(outTrackId, userId, params, opts = {}) {
      const messageId = opts.messageId ?? `card-cb-${++clicks}`;
      const content = JSON.stringify({ cardPrivateData: { actionIds: [`action_${String(params.action ?? 'value')}`], params } });
      const card = fake.cards.get(outTrackId);
      const seen = fake.acks.length;
      fake.push('/v1.0/card/instances/callback', { extension: '{}', corpId: 'dingcorp', spaceType: card?.spaceType ?? '', userIdType: 1, type: 'actionCallback', userId, content, spaceId: card?.spaceId ?? '', outTrackId, value: content }, messageId);
      const deadline = Date.now() + (opts.waitMs ?? 5000);
      for (;;) {
        const ack = fake.acks.slice(seen).find((a) => a.headers.messageId === messageId);
        if (ack) {
          const response = (JSON.parse(ack.data) as { response?: Record<string, unknown> }).response ?? {};
          if (card) applyCallbackResponse(card, userId, response);
          return response;
        }
        if (Date.now() > deadline) return undefined;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
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
    dropConnections() {
      for (const s of sockets) s.terminate();
    },
    async close() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await app.close();
    },
  };
  wss.on('connection', (s, req) => {
    if (!/ticket=ticket-/.test(req.url ?? '')) {
      s.close(4001, 'bad ticket');
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('message', (d: Buffer) => fake.acks.push(JSON.parse(d.toString('utf8')) as StreamAck));
    s.send(JSON.stringify({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'REGISTERED', messageId: 'sys-1' }, data: '' }));
  });
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/connect`;

  type Reply = { code(n: number): { headers(h: Record<string, string>): { send(b: unknown): unknown }; send(b: unknown): unknown } };
  const failed = (reply: Reply) => {
    const f = fake.failures.shift();
    return f ? reply.code(f.status).headers(f.headers ?? {}).send(f.body) : undefined;
  };
  const authorized = (headers: Record<string, unknown>, reply: Reply) => {
    const token = headers['x-acs-dingtalk-access-token'];
    if (typeof token === 'string' && valid.has(token)) return undefined;
    return reply.code(401).send({ code: 'InvalidAuthentication', message: '不合法的access_token', requestid: 'req-fake' });
  };

  app.post('/v1.0/oauth2/accessToken', async (req, reply) => {
    fake.tokenRequests++;
    const b = req.body as { appKey?: string; appSecret?: string };
    if (b.appKey !== fake.clientId || b.appSecret !== fake.clientSecret) {
      return reply.code(400).send({ code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret', requestid: 'req-fake' });
    }
    const token = `fake-token-${++tokens}`;
    valid.add(token);
    return { accessToken: token, expireIn: 7200 };
  });

  app.post('/v1.0/gateway/connections/open', async (req, reply) => {
    fake.gatewayOpens++;
    const f = fake.gatewayFailures.shift();
    if (f) return reply.code(f.status).headers(f.headers ?? {}).send(f.body);
    const b = req.body as { clientId?: string; clientSecret?: string };
    if (b.clientId !== fake.clientId || b.clientSecret !== fake.clientSecret) {
      return reply.code(401).send({ code: 'InvalidAuthentication', message: 'clientId或clientSecret错误', requestid: 'req-fake' });
    }
    return { endpoint: wsUrl, ticket: `ticket-${fake.gatewayOpens}` };
  });

  const robotApi = (via: 'group' | 'user') => async (req: { headers: Record<string, unknown>; body: unknown }, reply: Reply) => {
    const denied = authorized(req.headers, reply);
    if (denied) return denied;
    const b = req.body as { robotCode?: string; openConversationId?: string; userIds?: string[]; msgKey?: string; msgParam?: string };
    let param: Record<string, unknown> = {};
    try {
      param = JSON.parse(b.msgParam ?? '') as Record<string, unknown>;
    } catch {
      return reply.code(400).send({ code: 'invalidParameter.msgParam.invalid', message: 'msgParam必须为json格式', requestid: 'req-fake' });
    }
    const d: DingtalkDelivery = { via, to: via === 'group' ? (b.openConversationId ?? '') : (b.userIds ?? []).join(','), msgKey: b.msgKey ?? '', param };
    fake.attempts.push(d);
    await fake.onSend?.(d);
    const f = failed(reply);
    if (f) return f;
    if (b.robotCode !== fake.robotCode) return reply.code(400).send({ code: 'invalidParameter.robotCode.notExsit', message: '机器人不存在', requestid: 'req-fake' });
    if (via === 'group' && !fake.groups.has(d.to)) return reply.code(400).send({ code: 'invalid.openConversationId', message: '无效的openConversationId', requestid: 'req-fake' });
    if (b.msgKey === 'sampleFile' && !fake.media.has(String(param.mediaId))) return reply.code(400).send({ code: 'invalidParameter.mediaId', message: '无效的mediaId', requestid: 'req-fake' });
    fake.delivered.push(d);
    return via === 'group' ? { processQueryKey: `pqk-${fake.delivered.length}` } : { processQueryKey: `pqk-${fake.delivered.length}`, invalidStaffIdList: [], flowControlledStaffIdList: [] };
  };
  app.post('/v1.0/robot/groupMessages/send', robotApi('group') as never);
  app.post('/v1.0/robot/oToMessages/batchSend', robotApi('user') as never);

  app.post('/v1.0/card/instances/createAndDeliver', async (req, reply) => {
    const denied = authorized(req.headers as Record<string, unknown>, reply as unknown as Reply);
    if (denied) return denied;
    const b = (req.body ?? {}) as {
      cardTemplateId?: string;
      outTrackId?: string;
      callbackType?: string;
      cardData?: { cardParamMap?: unknown };
      openSpaceId?: string;
      imGroupOpenDeliverModel?: { robotCode?: string; atUserIds?: Record<string, string> };
      imRobotOpenDeliverModel?: { spaceType?: string; robotCode?: string };
    };
    const bad = (code: string, message: string) => reply.code(400).send({ code, message, requestid: 'req-fake' });
    const space = /^dtv1\.card\/\/(IM_GROUP|IM_ROBOT)\.(.+)$/.exec(b.openSpaceId ?? '');
    const d: DingtalkDelivery = { via: 'card', to: space?.[2] ?? '', msgKey: b.cardTemplateId ?? '', param: (b.cardData?.cardParamMap ?? {}) as Record<string, unknown> };
    fake.attempts.push(d);
    await fake.onSend?.(d);
    const f = failed(reply as unknown as Reply);
    if (f) return f;
    if (!b.cardTemplateId || !fake.cardTemplates.has(b.cardTemplateId)) return bad('param.cardTemplateId.invalid', '卡片模板不存在');
    if (!b.outTrackId) return bad('param.outTrackId.missing', 'outTrackId不能为空');
    if (fake.cards.has(b.outTrackId)) return bad('param.outTrackId.duplicate', 'outTrackId已存在');
    if (!stringMap(b.cardData?.cardParamMap)) return bad('param.cardParamMap.invalid', 'cardParamMap的值必须为字符串');
    if (!space) return bad('param.openSpaceId.invalid', 'openSpaceId格式错误');
    const [, spaceType, spaceId] = space as unknown as [string, 'IM_GROUP' | 'IM_ROBOT', string];
    if (spaceType === 'IM_GROUP') {
      if (b.imGroupOpenDeliverModel?.robotCode !== fake.robotCode) return bad('param.robotCode.invalid', '机器人不存在');
      if (!fake.groups.has(spaceId)) return bad('invalid.openConversationId', '无效的openConversationId');
    } else if (b.imRobotOpenDeliverModel?.spaceType !== 'IM_ROBOT') return bad('param.imRobotOpenDeliverModel.invalid', '单聊投放需要imRobotOpenDeliverModel');
    fake.cards.set(b.outTrackId, {
      outTrackId: b.outTrackId,
      templateId: b.cardTemplateId,
      spaceType,
      spaceId,
      ...(b.callbackType ? { callbackType: b.callbackType } : {}),
      ...(b.imGroupOpenDeliverModel?.atUserIds ? { atUserIds: b.imGroupOpenDeliverModel.atUserIds } : {}),
      data: { ...(b.cardData!.cardParamMap as Record<string, string>) },
      privateData: new Map(),
      updates: [],
    });
    fake.delivered.push(d);
    return { success: true, result: { outTrackId: b.outTrackId, deliverResults: [{ spaceType, spaceId, success: true, carrierId: `carrier-${fake.cards.size}` }] } };
  });

  app.put('/v1.0/card/instances', async (req, reply) => {
    const denied = authorized(req.headers as Record<string, unknown>, reply as unknown as Reply);
    if (denied) return denied;
    const b = (req.body ?? {}) as { outTrackId?: string; cardData?: { cardParamMap?: unknown }; cardUpdateOptions?: { updateCardDataByKey?: boolean } };
    const card = b.outTrackId ? fake.cards.get(b.outTrackId) : undefined;
    if (!card) return reply.code(400).send({ code: 'param.outTrackId.notExist', message: '卡片不存在', requestid: 'req-fake' });
    if (!stringMap(b.cardData?.cardParamMap)) return reply.code(400).send({ code: 'param.cardParamMap.invalid', message: 'cardParamMap的值必须为字符串', requestid: 'req-fake' });
    const update = b.cardData!.cardParamMap as Record<string, string>;
    card.updates.push(update);
    card.data = b.cardUpdateOptions?.updateCardDataByKey ? { ...card.data, ...update } : { ...update };
    return { success: true, result: true };
  });

  app.post('/v1.0/robot/messageFiles/download', async (req, reply) => {
    const denied = authorized(req.headers as Record<string, unknown>, reply as unknown as Reply);
    if (denied) return denied;
    const b = req.body as { downloadCode?: string; robotCode?: string };
    if (!b.downloadCode || !fake.userFiles.has(b.downloadCode)) return reply.code(400).send({ code: 'invalidParameter.downloadCode', message: '无效的downloadCode', requestid: 'req-fake' });
    return { downloadUrl: `${fake.url}/files/${encodeURIComponent(b.downloadCode)}` };
  });
  app.get<{ Params: { code: string } }>('/files/:code', async (req, reply) => {
    const bytes = fake.userFiles.get(req.params.code);
    return bytes ? reply.header('content-type', 'application/octet-stream').send(bytes) : reply.code(404).send('');
  });

  app.post<{ Querystring: { access_token?: string; type?: string } }>('/media/upload', async (req, reply) => {
    if (!req.query.access_token || !valid.has(req.query.access_token)) return reply.send({ errcode: 40014, errmsg: '不合法的access_token' });
    let name = '';
    let bytes: Buffer | undefined;
    for await (const part of req.parts()) {
      if (part.type === 'file' && part.fieldname === 'media') {
        name = part.filename;
        bytes = await part.toBuffer();
      }
    }
    if (!bytes?.length) return reply.send({ errcode: 40004, errmsg: '不合法的媒体文件类型' });
    const id = `@lAfake${fake.media.size + 1}`;
    fake.media.set(id, { name, bytes });
    return { errcode: 0, errmsg: 'ok', media_id: id, type: req.query.type, created_at: Date.now() };
  });

  const webhook = (via: 'session' | 'robot') => async (req: { url: string; body: unknown }, reply: Reply) => {
    const body = req.body as Record<string, unknown>;
    const d: DingtalkDelivery = { via, to: req.url.split('?')[1] ?? '', msgKey: String(body.msgtype ?? ''), param: body };
    fake.attempts.push(d);
    await fake.onSend?.(d);
    const f = failed(reply);
    if (f) return f;
    fake.delivered.push(d);
    return reply.code(200).send({ errcode: 0, errmsg: 'ok' });
  };
  app.post('/robot/sendBySession', webhook('session') as never);
  app.post('/robot/send', webhook('robot') as never);

  await app.listen({ host: '127.0.0.1', port: 0 });
  fake.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return fake;
}

/** Stream-mode settings that reach this fake (its credentials, robot and API bases), with `over` on top. */
export function dingtalkConfigFor(fake: DingtalkFake, over: Partial<DingtalkConfig> = {}): DingtalkConfig {
  return { clientId: fake.clientId, clientSecret: fake.clientSecret, mode: 'stream', robotCode: fake.robotCode, apiBase: fake.url, oapiBase: fake.url, ...over };
}
