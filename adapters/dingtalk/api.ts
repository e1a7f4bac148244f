/**
 * DingTalk's server APIs for an enterprise-internal app's robot, with the platform's failures classified:
 *   POST {api}/v1.0/oauth2/accessToken                    the app's token, cached until shortly before it expires
 *   POST {api}/v1.0/robot/groupMessages/send              a message to a group by openConversationId
 *   POST {api}/v1.0/robot/oToMessages/batchSend           a message to users (a single chat) by staffId
 *   POST {api}/v1.0/robot/messageFiles/download           a file a user sent the robot → a download URL
 *   POST {oapi}/media/upload?type=file                    a file to send (media_id)
 *   POST {api}/v1.0/card/instances/createAndDeliver       an interactive card (互动卡片) from a template, to a group
 *                                                         (openSpaceId dtv1.card//IM_GROUP.<openConversationId>) or a
 *                                                         single chat with the robot (dtv1.card//IM_ROBOT.<userId>),
 *                                                         its clicks called back over Stream (callbackType STREAM)
 *   PUT  {api}/v1.0/card/instances                        the card's data updated in place (by outTrackId)
 *   POST {robot webhook or sessionWebhook}                markdown via a custom robot or a message's session
 * New-style APIs answer errors as HTTP 4xx/5xx with { code, message } (invalidParameter.robotCode.notExsit,
 * InvalidAuthentication, Forbidden.AccessDenied.QpsLimitForApi …); robot webhooks answer { errcode, errmsg }
 * (130101 send too fast: the robot is throttled for 10 minutes, 300001 bad token …). An expired token is
 * refreshed once.
 */
import { PlatformError, retryableStatus, retryAfterHeader, transportError } from '../shared/queue.js';
import { readLimited } from '../shared/files.js';

/** errcodes of robot webhooks that mean "too fast / busy, try later". */
export const DINGTALK_RETRY_CODES = new Set([-1, 130101, 130102, 660026, 410100, 90018]);
/** A custom robot over its limit (20 a minute) is throttled for 10 minutes (DingTalk's robot documentation). */
export const ROBOT_THROTTLE_MS = 10 * 60_000;

export interface DingtalkApiConfig {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  /** https://api.dingtalk.com or a test server. */
  apiBase: string;
  /** https://oapi.dingtalk.com or a test server. */
  oapiBase: string;
  now?: () => number;
}

/** A markdown robot message (session webhook, custom robot). */
export interface DingtalkMarkdown {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
  at: { atUserIds: string[]; isAtAll: false };
}

async function fetched(platform: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (cause) {
    throw transportError(platform, cause);
  }
}

async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  try {
    const data: unknown = await res.json();
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A new-style API answer → its data, or a PlatformError with the platform's code. */
function apiFailure(res: Response, data: Record<string, unknown>): PlatformError {
  const code = typeof data.code === 'string' ? data.code : undefined;
  const throttled = res.status === 429 || /QpsLimit|Throttl|FlowControl|frequency/i.test(code ?? '');
  const retryAfterMs = retryAfterHeader(res.headers.get('retry-after'));
  return new PlatformError(`dingtalk api HTTP ${res.status}${code ? ` ${code}` : ''}${typeof data.message === 'string' ? `: ${data.message}` : ''}`, {
    status: res.status,
    ...(code ? { code } : {}),
    retryable: throttled || retryableStatus(res.status),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** POST a robot message to a webhook (custom robot or sessionWebhook); errcode ≠ 0 becomes a PlatformError. */
export async function postRobot(url: string, body: unknown): Promise<void> {
  const res = await fetched('dingtalk', url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await jsonOf(res);
  const errcode = typeof data.errcode === 'number' ? data.errcode : undefined;
  const throttle = errcode === 130101 ? { retryAfterMs: ROBOT_THROTTLE_MS } : {};
  if (!res.ok) {
    throw new PlatformError(`dingtalk HTTP ${res.status}`, { status: res.status, ...(errcode !== undefined ? { code: errcode } : {}), retryable: retryableStatus(res.status) || DINGTALK_RETRY_CODES.has(errcode ?? 0), ...throttle });
  }
  if (errcode !== undefined && errcode !== 0) {
    throw new PlatformError(`dingtalk errcode ${errcode}: ${typeof data.errmsg === 'string' ? data.errmsg : ''}`, { code: errcode, retryable: DINGTALK_RETRY_CODES.has(errcode), ...throttle });
  }
}

/** Where a card goes: a group by its openConversationId, or the single chat of the robot and a user (staffId). */
export type CardSpace = { kind: 'group'; openConversationId: string } | { kind: 'direct'; userId: string };

export interface CardDelivery {
  templateId: string;
  /** The card instance's id, chosen by the caller; clicks and updates name it. */
  outTrackId: string;
  space: CardSpace;
  /** The template's variables (strings only). */
  data: Record<string, string>;
  /** In a group: whom the card @-s (staffId → name). */
  atUserIds?: Record<string, string>;
}

/** The openSpaceId of a card space, as the card API writes it. */
export function openSpaceId(space: CardSpace): string {
  return space.kind === 'group' ? `dtv1.card//IM_GROUP.${space.openConversationId}` : `dtv1.card//IM_ROBOT.${space.userId}`;
}

export interface DingtalkApi {
  token(): Promise<string>;
  /** sampleMarkdown, sampleFile, … to a group. */
  groupMessage(openConversationId: string, msgKey: string, msgParam: Record<string, unknown>): Promise<void>;
  /** The same to users (single chats), by staffId. */
  userMessage(userIds: string[], msgKey: string, msgParam: Record<string, unknown>): Promise<void>;
  uploadFile(name: string, bytes: Buffer): Promise<string>;
  downloadFile(downloadCode: string, limit?: number): Promise<Buffer>;
  /** Create a card instance and deliver it; throws when the platform refuses it or reports the delivery failed. */
  createAndDeliverCard(card: CardDelivery): Promise<void>;
  /** Replace the card's variables given (the others kept: updateCardDataByKey). */
  updateCard(outTrackId: string, data: Record<string, string>): Promise<void>;
}

export function createDingtalkApi(config: DingtalkApiConfig): DingtalkApi {
  const now = config.now ?? Date.now;
  let cached: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const res = await fetched('dingtalk', `${config.apiBase}/v1.0/oauth2/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appKey: config.clientId, appSecret: config.clientSecret }),
    });
    const data = await jsonOf(res);
    if (!res.ok || typeof data.accessToken !== 'string') throw apiFailure(res, data);
    const ttl = typeof data.expireIn === 'number' ? data.expireIn * 1000 : 7200_000;
    // Renewed five minutes before it expires.
    cached = { token: data.accessToken, until: now() + Math.max(60_000, ttl - 300_000) };
    return data.accessToken;
  }

  async function token(): Promise<string> {
    if (cached && cached.until > now()) return cached.token;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  /** A new-style API call with the token; an invalid token is refreshed once. */
  async function call(path: string, body: unknown, retried = false, method: 'POST' | 'PUT' = 'POST'): Promise<Record<string, unknown>> {
    const res = await fetched('dingtalk', `${config.apiBase}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': await token() },
      body: JSON.stringify(body),
    });
    const data = await jsonOf(res);
    if (res.ok) return data;
    if (!retried && (res.status === 401 || data.code === 'InvalidAuthentication')) {
      cached = undefined;
      return call(path, body, true, method);
    }
    throw apiFailure(res, data);
  }

  return {
    token,
    async groupMessage(openConversationId, msgKey, msgParam) {
      await call('/v1.0/robot/groupMessages/send', { robotCode: config.robotCode, openConversationId, msgKey, msgParam: JSON.stringify(msgParam) });
    },
    async userMessage(userIds, msgKey, msgParam) {
      const data = await call('/v1.0/robot/oToMessages/batchSend', { robotCode: config.robotCode, userIds, msgKey, msgParam: JSON.stringify(msgParam) });
      const invalid = data.invalidStaffIdList;
      if (Array.isArray(invalid) && invalid.length) throw new PlatformError(`dingtalk: invalid staff ids ${invalid.length}`, { code: 'invalidStaffIdList', retryable: false });
    },
    async uploadFile(name, bytes) {
      const form = new FormData();
      form.append('media', new Blob([new Uint8Array(bytes)]), name);
      const res = await fetched('dingtalk', `${config.oapiBase}/media/upload?access_token=${encodeURIComponent(await token())}&type=file`, { method: 'POST', body: form });
      const data = await jsonOf(res);
      if (!res.ok || (typeof data.errcode === 'number' && data.errcode !== 0) || typeof data.media_id !== 'string') {
        const errcode = typeof data.errcode === 'number' ? data.errcode : undefined;
        throw new PlatformError(`dingtalk media upload failed (HTTP ${res.status}${errcode !== undefined ? `, errcode ${errcode}` : ''})`, {
          status: res.status,
          ...(errcode !== undefined ? { code: errcode } : {}),
          retryable: retryableStatus(res.status) || DINGTALK_RETRY_CODES.has(errcode ?? 0),
        });
      }
      return data.media_id;
    },
    async createAndDeliverCard(card) {
      const group = card.space.kind === 'group';
      const data = await call('/v1.0/card/instances/createAndDeliver', {
        cardTemplateId: card.templateId,
        outTrackId: card.outTrackId,
        callbackType: 'STREAM',
        cardData: { cardParamMap: card.data },
        openSpaceId: openSpaceId(card.space),
        userIdType: 1,
        ...(group
          ? { imGroupOpenSpaceModel: { supportForward: false }, imGroupOpenDeliverModel: { robotCode: config.robotCode, ...(card.atUserIds ? { atUserIds: card.atUserIds } : {}) } }
          : { imRobotOpenSpaceModel: { supportForward: false }, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: config.robotCode } }),
      });
      // HTTP 200 can still carry a failed delivery (deliverResults[].success false, errorMsg).
      const results = (data.result as { deliverResults?: { success?: boolean; errorMsg?: string }[] } | undefined)?.deliverResults ?? [];
      const failed = results.find((r) => r.success === false);
      if (data.success === false || failed) {
        throw new PlatformError(`dingtalk card not delivered: ${failed?.errorMsg ?? 'success false'}`, { code: 'cardDeliverFailed', retryable: false });
      }
    },
    async updateCard(outTrackId, data) {
      await call('/v1.0/card/instances', { outTrackId, cardData: { cardParamMap: data }, cardUpdateOptions: { updateCardDataByKey: true } }, false, 'PUT');
    },
    async downloadFile(downloadCode, limit) {
      const data = await call('/v1.0/robot/messageFiles/download', { downloadCode, robotCode: config.robotCode });
      if (typeof data.downloadUrl !== 'string') throw new PlatformError('dingtalk file download returned no url', { retryable: false });
      const res = await fetched('dingtalk', data.downloadUrl, { method: 'GET' });
      if (!res.ok || !res.body) throw new PlatformError(`dingtalk file download HTTP ${res.status}`, { status: res.status, retryable: retryableStatus(res.status) });
      return readLimited(res.body as unknown as AsyncIterable<Uint8Array>, limit);
    },
  };
}
