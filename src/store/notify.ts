/**
 * Telling other instances that something changed: PostgreSQL NOTIFY on a channel, and LISTEN on a connection of
 * its own (reconnected after a drop). SQLite has no such thing: one machine, one instance.
 */
import type pg from 'pg';

export interface Notifications {
  notify(channel: string, payload: string): Promise<void>;
  /** Call `listener` with each payload on the channel (this instance's own included); resolves once listening. */
  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
}

export interface PgNotificationsOptions {
  /** Log a lost connection (it is retried). */
  onError?: (err: unknown) => void;
  /** Pause before reconnecting a lost listening connection (default 1 s). */
  retryMs?: number;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function pgNotifications(Pg: typeof pg, pool: pg.Pool, connectionString: string, options: PgNotificationsOptions = {}): Notifications {
  return {
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async listen(channel, listener) {
      if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
      let client: pg.Client | undefined;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async (): Promise<void> => {
        const c = new Pg.Client({ connectionString });
        c.on('notification', (n) => {
          if (n.channel === channel) listener(n.payload ?? '');
        });
        c.on('error', (err) => {
          options.onError?.(err);
          void c.end().catch(() => undefined);
          if (client === c) client = undefined;
          if (!stopped) retry = setTimeout(() => void connect().catch((e: unknown) => options.onError?.(e)), options.retryMs ?? 1000);
        });
        await c.connect();
        await c.query(`LISTEN ${channel}`);
        if (stopped) await c.end();
        else client = c;
      };
      await connect();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => undefined);
        client = undefined;
      };
    },
  };
}
