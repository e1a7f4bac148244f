/**
 * Which ids a WeChat chat and sender are known by. Puppets on the web protocol (wechaty-puppet-wechat,
 * wechaty-puppet-wechat4u) hand out new room and contact ids at every login, so bindings, subscriptions and
 * ADMIN_IDS keyed on them would break after a restart. With WECHATY_ROOM_KEY=topic (the default for those puppets):
 *   a room is `room:<topic>|<owner's name>` (rename the room and it must be bound again);
 *   a sender is `alias:<备注>` when the bot's account has given them a remark (备注) — which only the bot's account can
 *   change, unlike a nickname — else the session's id.
 * With WECHATY_ROOM_KEY=id (padlocal, WorkPro and other token puppets: stable ids) ids are used as they are.
 */
export type RoomKeyMode = 'id' | 'topic';

/** Puppets whose ids change between logins. */
const UNSTABLE_PUPPETS = /^(wechaty-puppet-wechat|wechaty-puppet-wechat4u)$/;

export function defaultRoomKeyMode(puppet: string): RoomKeyMode {
  return UNSTABLE_PUPPETS.test(puppet) ? 'topic' : 'id';
}

const clean = (s: string) => s.replace(/[|\s]+/g, ' ').trim();

/** The key of a room: its id, or its topic and owner's name. */
export function roomKey(mode: RoomKeyMode, room: { id: string; topic: string; ownerName?: string }): string {
  return mode === 'id' ? room.id : `room:${clean(room.topic)}|${clean(room.ownerName ?? '')}`;
}

/** The key of a sender: their id, or (topic mode) their remark when the bot's account has set one. */
export function senderKey(mode: RoomKeyMode, contact: { id: string; alias?: string }): string {
  return mode === 'topic' && contact.alias?.trim() ? `alias:${clean(contact.alias)}` : contact.id;
}

/** A room key made from a topic: its topic and owner's name back. */
export function parseRoomKey(key: string): { topic: string; ownerName: string } | undefined {
  const m = /^room:(.*)\|(.*)$/.exec(key);
  return m ? { topic: m[1] as string, ownerName: m[2] as string } : undefined;
}
