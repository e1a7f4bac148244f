/**
 * The one typed query every question is parsed into, and that every answer executes: documents, units, role,
 * deadline range, outline position, topic and what to return. Every filter composes with every other. The parse is
 * visible in `ask --json` (the answer's `query` field) and explained in the reply's first line when it narrows.
 */
import { z } from 'zod';

export const RoleSchema = z.enum(['any', 'lead', 'support']);
export type Role = z.infer<typeof RoleSchema>;

/** What to return. */
export const WantSchema = z.enum([
  'help', // what the bot can do
  'documents', // the loaded documents
  'list', // the items that match, best first
  'count', // how many items match (number first, then the items)
  'rank', // units ranked by how many items they have
  'detail', // one item in full
  'units', // who is responsible for the matching items
  'outline', // the sections of a document (or the items of one section)
  'facts', // a fact about a document: 印发日期, 文号, number of items
  'compare', // 对标: what one document has that another lacks, and which item answers to which
  'progress', // how far along the items are (recorded progress and deadlines)
  'agenda', // 最近有什么要做的: a unit's overdue and next deadlines
  'export', // the matching ledger rows as a spreadsheet
  'out_of_scope', // a question the work points cannot answer (天气, 写总结)
]);
export type Want = z.infer<typeof WantSchema>;

export const DeadlineSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  /** Wording shown back to the user: 9月30日前, 本月, 逾期, 第三季度. */
  label: z.string(),
  /** Read in each document's work year (年底前, 9月底前, 三季度 without a year). */
  planYear: z
    .object({
      from: z.object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) }).optional(),
      to: z.object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) }),
    })
    .optional(),
  overdue: z.boolean().optional(),
  /** 持续推进 / 长期坚持: items with no date but an ongoing deadline. */
  ongoing: z.boolean().optional(),
});
export type DeadlineRange = z.infer<typeof DeadlineSchema>;

export const RefSchema = z.object({
  /** Section as a Chinese numeral (一), or 'last' for 最后一部分. */
  section: z.string().optional(),
  /** Item position: its ordinal inside the section (1-based), or through the whole document when no section. */
  item: z.number().int().positive().optional(),
  /** More items of the same section: 第一、二项 → item 1, also [2]. */
  also: z.array(z.number().int().positive()).optional(),
  /** Count from the end: 1 = 最后一项, 2 = 倒数第二条. */
  fromEnd: z.number().int().positive().optional(),
  /** The printed number when it was given as printed (二（三） → 三), for documents numbered irregularly. */
  printed: z.string().optional(),
  /** 第N条 without a section: the Nth line of the previous reply in a follow-up, else the Nth item overall. */
  bare: z.boolean().optional(),
  /** 这条 / 它: the item the previous reply was about (its first citation). */
  current: z.boolean().optional(),
});
export type OutlineRef = z.infer<typeof RefSchema>;

export const UnitSlotSchema = z.object({
  /** As typed (青田县财政局, 府办), or the asker's own unit for 我局. */
  text: z.string(),
  /** 我局 / 我们单位 / 本单位: the asker's unit. */
  self: z.boolean().optional(),
  /** Region named before the unit (旌德县数据资源局 → 旌德县). */
  region: z.string().optional(),
});
export type UnitSlot = z.infer<typeof UnitSlotSchema>;

export const QuerySchema = z.object({
  /** Region names (青田县) the question is limited to; empty = every document. */
  regions: z.array(z.string()),
  year: z.number().int().optional(),
  /** A region-like name the documents do not know (上海市): nothing can match. */
  unknownRegion: z.string().optional(),
  units: z.array(UnitSlotSchema),
  /** 除了X: units left out (of a ranking). */
  except: z.array(UnitSlotSchema).optional(),
  /** 这两个单位: the last two units of the conversation, resolved when the follow-up is merged. */
  pairOfPrevious: z.boolean().optional(),
  /** 都参与 / 一起牵头: items naming every unit, rather than any. */
  unitJoin: z.enum(['any', 'all']),
  role: RoleSchema,
  /** Items that name no unit at all. */
  noUnit: z.boolean().optional(),
  deadline: DeadlineSchema.optional(),
  ref: RefSchema.optional(),
  /** The topic words left when places, units, dates, references and question words are taken out. */
  topic: z.string().optional(),
  want: WantSchema,
  /** For rank: the units with the fewest items first (最少). */
  least: z.boolean().optional(),
  /** For facts: which fact. */
  fact: z.enum(['issued', 'number', 'title', 'issuer', 'items', 'sections', 'year']).optional(),
  /**
   * For compare (对标): A is the reference, B the document checked against it; each a region name, or @省 / @市 /
   * @县 for "the loaded document of that level" (鹿城要点对照省要点). `dir`: what B lacks of A (missing), what B has
   * beyond A (extra), which items of B answer to one item of A (pairs, with the query's ref in A), or everything.
   */
  compare: z
    .object({ a: z.string(), b: z.string(), dir: z.enum(['missing', 'extra', 'pairs', 'all']) })
    .optional(),
  /** The rule(s) that fired, for explanations and logs. */
  rules: z.array(z.string()),
});
export type Query = z.infer<typeof QuerySchema>;

export function emptyQuery(want: Want = 'list'): Query {
  return { regions: [], units: [], unitJoin: 'any', role: 'any', want, rules: [] };
}
