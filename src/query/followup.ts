/**
 * Follow-ups: a message that only changes a slot (那义乌呢, 旌德的呢, 其中逾期的呢, 牵头的呢, 第三条的责任单位是谁,
 * 详细说说第二条) reuses the chat's last query with that slot changed. What a chat remembers is a Turn: the last
 * query and the items its reply cited, in order (第三条 in a follow-up is the third line of that reply).
 */
import { z } from 'zod';
import { QuerySchema, UnitSlotSchema, type Query, type UnitSlot } from './schema.js';

export const TurnSchema = z.object({
  query: QuerySchema,
  /** The reply's citations, `file#item`, in the order shown. */
  citations: z.array(z.string()),
  /** The latest reply that listed several items (第四条 still counts in it after 第二条的责任单位是谁). */
  list: z.array(z.string()).optional(),
  /** Units named in the conversation, most recent last (这两个单位 = the last two). */
  units: z.array(UnitSlotSchema).optional(),
  /** Epoch milliseconds of the turn. */
  at: z.number(),
});
export type Turn = z.infer<typeof TurnSchema>;

/** What a chat remembers of a reply: its query, its items, the latest list and the units named so far. */
export function nextTurn(query: Query, citations: string[], at: number, previous?: Turn): Turn {
  const units = [...(previous?.units ?? [])];
  for (const u of query.units) {
    if (u.self) continue;
    const i = units.findIndex((x) => x.text === u.text && x.region === u.region);
    if (i >= 0) units.splice(i, 1);
    units.push(u);
  }
  const list = citations.length >= 2 ? citations : previous?.list;
  return { query, citations, ...(list ? { list } : {}), ...(units.length ? { units: units.slice(-4) } : {}), at };
}

/** How long a chat's last query stays in play, by default. */
export const FOLLOW_UP_TTL_MS = 30 * 60 * 1000;

/** Does the current query stand on its own? */
function complete(cur: Query): boolean {
  if (cur.topic) return true;
  if (cur.units.some((u) => !u.self) && cur.want !== 'units') return true;
  if (cur.want === 'help' || cur.want === 'documents' || cur.want === 'out_of_scope' || cur.want === 'facts' || cur.want === 'compare') return true;
  if (cur.ref && !cur.ref.bare && (cur.regions.length || cur.ref.section)) return true;
  return false;
}

/**
 * Is this message a follow-up of the previous turn? A marked one (那…呢, 其中…, …呢) always is; an unmarked one when
 * it carries only slots (a place, a role, a date, 第三条, 责任单位是谁) and no topic or unit of its own.
 */
export function isFollowUp(cur: Query, marked: boolean, prev: Turn | undefined): boolean {
  if (!prev) return false;
  if (cur.want === 'help' || cur.want === 'documents' || cur.want === 'out_of_scope') return false;
  if (marked) return true;
  if ((cur.ref?.bare || cur.ref?.current) && prev.citations.length) return true;
  if (cur.pairOfPrevious) return true;
  return !complete(cur);
}

/** The previous query with the slots the follow-up sets. */
export function mergeFollowUp(prev: Query, cur: Query, history: UnitSlot[] = []): Query {
  const out: Query = { ...prev, units: [...prev.units], rules: [...cur.rules, 'follow-up'] };
  // A section stays in play (其中县发改委参与的呢 after 旌德第二部分); a line of the last reply (第三条, 这条) does not.
  if (prev.ref && (prev.ref.bare || prev.ref.current || prev.ref.item || prev.ref.fromEnd)) delete out.ref;
  if (cur.regions.length) {
    out.regions = cur.regions;
    // A unit asked in one region, now asked in another: the same local name there (青田县财政局 → 义乌 财政局).
    out.units = prev.units.map((u) => {
      if (u.self) return u;
      const { region: _r, ...rest } = u;
      const text = u.region && u.text.startsWith(u.region) ? u.text.slice(u.region.length) : stripRegionPrefix(u.text);
      return { ...rest, text };
    });
  }
  if (cur.unknownRegion) out.unknownRegion = cur.unknownRegion;
  else delete out.unknownRegion;
  if (cur.year) out.year = cur.year;
  if (cur.units.length) {
    out.units = cur.units;
    out.unitJoin = cur.unitJoin;
  }
  delete out.pairOfPrevious;
  if (cur.pairOfPrevious && history.length >= 2) {
    out.units = history.slice(-2);
    out.unitJoin = 'all';
  }
  if (cur.role !== 'any') out.role = cur.role;
  if (cur.noUnit) out.noUnit = true;
  if (cur.deadline) out.deadline = cur.deadline;
  if (cur.topic) out.topic = cur.topic;
  if (cur.ref) out.ref = { ...(prev.ref?.section && !cur.ref.section && !cur.ref.bare ? { section: prev.ref.section } : {}), ...cur.ref };
  // What to return: an explicit ask wins (几项, 排名, 责任单位是谁, 详细); a bare slot keeps the previous one.
  if (cur.want !== 'list' || cur.ref) out.want = cur.want;
  if (out.want === 'detail' && !out.ref) out.want = 'list';
  return out;
}

/** 青田县财政局 → 财政局 when the text starts with a place name (县/市/区/省 and at least two characters before). */
function stripRegionPrefix(text: string): string {
  const m = /^[\u4e00-\u9fa5]{2,6}?(?:省|市|县|区)(?=.{2,})/.exec(text);
  return m ? text.slice(m[0].length) : text;
}
