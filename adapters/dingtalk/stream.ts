/**
 * The DingTalk Stream connection, supervised. The SDK (dingtalk-stream) swallows a failed connect and retries every
 * second forever; here its own reconnect is off and this module connects: the gateway on DINGTALK_API_BASE
 * (POST /v1.0/gateway/connections/open, so tests point it at a fake), then the websocket. A failure is logged with
 * the platform's answer, shown on /healthz (down, the error, when the next try is), and retried with exponential
 * backoff (1 s doubling to 5 minutes); a dropped connection is reconnected the same way.
 */
import { DWClient } from 'dingtalk-stream';
import type { Logger } from '../../src/logger.js';
import { backoffDelay, PlatformError, retryableStatus, transportError } from '../shared/queue.js';
import type { HealthTracker } from '../shared/shell.js';

export interface StreamOptions {
  clientId: string;
  clientSecret: string;
  apiBase: string;
  log: Logger;
  health: HealthTracker;
  /** First retry delay and cap (default 1 s, 5 minutes). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** DWClient with the gateway on a configurable host and the reconnects left to its supervisor. */
export class GatewayDWClient extends DWClient {
  onClose?: () => void;
  constructor(
    opts: { clientId: string; clientSecret: string },
    private readonly apiBase: string,
  ) {
    super({ ...opts, keepAlive: true });
    this.config.autoReconnect = false;
  }

  override async getEndpoint(): Promise<this> {
    let res: Response;
    try {
      res = await fetch(`${this.apiBase}/v1.0/gateway/connections/open`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ clientId: this.config.clientId, clientSecret: this.config.clientSecret, ua: 'yaodian', subscriptions: this.config.subscriptions }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (cause) {
      throw transportError('dingtalk gateway', cause);
    }
    let data: { endpoint?: unknown; ticket?: unknown; code?: unknown; message?: unknown } = {};
    try {
      data = (await res.json()) as typeof data;
    } catch {
      /* judged by status */
    }
    if (!res.ok || typeof data.endpoint !== 'string' || typeof data.ticket !== 'string') {
      const code = typeof data.code === 'string' ? data.code : undefined;
      throw new PlatformError(`dingtalk gateway HTTP ${res.status}${code ? ` ${code}` : ''}${typeof data.message === 'string' ? `: ${data.message}` : ''}`, {
        status: res.status,
        ...(code ? { code } : {}),
        retryable: retryableStatus(res.status),
      });
    }
    (this as unknown as { dw_url: string }).dw_url = `${data.endpoint}?ticket=${encodeURIComponent(data.ticket)}`;
    return this;
  }

  override async _connect(): Promise<void> {
    await super._connect();
    const socket = (this as unknown as { socket?: { once(e: string, f: () => void): void } }).socket;
    socket?.once('close', () => this.onClose?.());
  }
}

export interface StreamSupervisor {
  /** Connect; on failure keep retrying in the background (never throws). */
  start(): Promise<void>;
  stop(): void;
}

export function superviseStream(client: GatewayDWClient, o: StreamOptions): StreamSupervisor {
  const base = o.retryBaseMs ?? 1000;
  const cap = o.retryMaxMs ?? 300_000;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function attempt(): Promise<void> {
    if (stopped) return;
    o.health.connecting();
    try {
      await client.getEndpoint();
      await client._connect();
      failures = 0;
      o.health.up();
      o.log.info('dingtalk stream connected');
    } catch (err) {
      failures++;
      const delay = backoffDelay(failures, base, cap);
      o.health.down(err, delay);
      const e = err as { message?: string; status?: number; code?: unknown };
      o.log.error({ err: { message: e.message, status: e.status, code: e.code }, failures, retryInMs: delay }, 'dingtalk stream connect failed; retrying');
      schedule(delay);
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void attempt(), delay);
    timer.unref?.();
  }

  client.onClose = () => {
    if (stopped) return;
    failures++;
    const delay = backoffDelay(failures, base, cap);
    o.health.down(new Error('stream connection closed'), delay);
    o.log.warn({ retryInMs: delay }, 'dingtalk stream connection closed; reconnecting');
    schedule(delay);
  };

  return {
    start: attempt,
    stop() {
      stopped = true;
      clearTimeout(timer);
      client.disconnect();
    },
  };
}
