/**
 * How an adapter reaches a chat it is not answering right now (a scheduled digest, a file after a reply): the
 * platform's own ids for it, recorded when the chat writes to the bot. DingTalk keeps the group's
 * openConversationId (or the user's staffId for a single chat), WeChat a room's topic and owner.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type ChatRoute = Record<string, string>;

export interface RouteStore {
  chatRoute(platform: string, chatId: string): Promise<ChatRoute | undefined>;
  setChatRoute(platform: string, chatId: string, route: ChatRoute, at: string): Promise<void>;
}

export function createRouteStore(db: Kysely<Database>): RouteStore {
  return {
    async chatRoute(platform, chatId) {
      const r = await db.selectFrom('chat_routes').select('route_json').where('platform', '=', platform).where('chat_id', '=', chatId).executeTakeFirst();
      if (!r) return undefined;
      try {
        const parsed: unknown = JSON.parse(r.route_json);
        return parsed && typeof parsed === 'object' ? (parsed as ChatRoute) : undefined;
      } catch {
        return undefined;
      }
    },
    async setChatRoute(platform, chatId, route, at) {
      const route_json = JSON.stringify(route);
      await db
        .insertInto('chat_routes')
        .values({ platform, chat_id: chatId, route_json, updated_at: at })
        .onConflict((oc) => oc.columns(['platform', 'chat_id']).doUpdateSet({ route_json, updated_at: at }))
        .execute();
    },
  };
}
