/**
 * The core data model: what a parsed 工作要点 document looks like, and what an answer looks like.
 * Everything in src/ speaks these types; adapters translate them to and from platform payloads.
 */
import { nextTurn, type Turn } from './query/followup.js';
import type { Query } from './query/schema.js';
import type { Correction } from './search/spelling.js';

/** Administrative level of the issuing region. */
export type RegionLevel = 'province' | 'city' | 'district' | 'county' | 'unknown';

export interface Region {
  /** Full name as printed: 青田县, 温州市鹿城区, 浙江省, 义乌市. */
  name: string;
  /** Short name people use in chat: 青田, 鹿城, 浙江, 义乌, 旌德. */
  short: string;
  level: RegionLevel;
}

/** A unit named in an assignment, as printed (trailing 等 dropped, page-break spaces removed). */
export interface UnitRef {
  name: string;
  /** `unit` is one named body (县财政局); `category` is a class of bodies (各行政机关, 县直有关单位). */
  kind: 'unit' | 'category';
  /** The unit leads this assignment (牵头, 牵头单位：, the unit before 会同). */
  lead: boolean;
}

export type Deadline =
  | { kind: 'date'; date: string; text: string }
  | { kind: 'ongoing'; text: string }
  | { kind: 'relative'; text: string; date?: string };

/** One assignment parenthetical: who does the clause before it, and by when. */
export interface Assignment {
  units: UnitRef[];
  deadlines: Deadline[];
  /** The sentence(s) the assignment is attached to. */
  clause: string;
  /** The assignment text as printed, without its brackets. */
  raw: string;
  /** 1-based source line of the assignment. */
  line: number;
}

export interface Section {
  /** Chinese numeral as printed: 一, 二, … */
  number: string;
  title: string;
  /** 1-based source line of the heading. */
  line: number;
}

export interface Item {
  /** Section number + ordinal inside the section: "三.1". */
  id: string;
  section: string;
  ordinal: number;
  /** The number as printed: （一）, (一), 1. */
  printed: string;
  /** First sentence, page breaks rejoined, final 。 dropped. */
  title: string;
  /** Full text of the item (title included), page breaks rejoined, assignments included. */
  body: string;
  /** 1-based inclusive source line range. */
  lines: [number, number];
  assignments: Assignment[];
  /** Every unit named in the item's assignments, as printed, in order of appearance, deduplicated. */
  units: string[];
  /** Those of `units` marked as leading. */
  leadUnits: string[];
  /** Deadlines from the assignments: ISO dates, 持续推进, or the relative text; deduplicated. */
  deadlines: string[];
  /** Dates mentioned in the body outside assignments (2020年9月底前，完成…). */
  bodyDates: Deadline[];
  /** Where the item starts: its line, and its page (PDF, OFD) or sheet and row (Excel) when the file has them. */
  source?: SourceLocation;
}

/** A place in a source file: the 1-based line of the loaded text, plus the page or the sheet and row it came from. */
export interface SourceLocation {
  line: number;
  page?: number;
  sheet?: string;
  row?: number;
}

export interface ParseWarning {
  code: string;
  message: string;
  line?: number;
}

export interface WorkPlan {
  /** File name (no directory) the plan was read from. */
  file: string;
  /** The work points' own title (not the notice's). */
  title: string;
  /** A short name for citations: 青田要点 2021. */
  shortName: string;
  issuer: string | null;
  docNumber: string | null;
  issuedDate: string | null;
  year: number | null;
  region: Region | null;
  sections: Section[];
  items: Item[];
  /** Document-wide notes such as "every item also has 各市、县（市、区）政府 as a responsible unit". */
  notes: string[];
  warnings: ParseWarning[];
  /** Encoding the file was decoded from. */
  encoding: string;
  /** The reader that loaded the file: text, docx, doc, wps, pdf, ofd, html, xlsx, rtf. */
  format?: string;
  /** The normalized source lines (1-based line n is lines[n-1]), for citations and highlighting. */
  lines: string[];
}

/** A pointer to one item, as shown to a chat user. */
export interface Citation {
  file: string;
  /** Short name of the document: 青田要点. */
  doc: string;
  /** Full title of the document. */
  docTitle: string;
  item: string;
  printed: string;
  /** 三（一） — section number + printed item number. */
  ref: string;
  title: string;
  units: string[];
  leadUnits: string[];
  deadlines: string[];
  snippet: string;
  score: number;
  lines: [number, number];
}

export interface Answer {
  intent: string;
  text: string;
  citations: Citation[];
  followUps: string[];
  /** How the question was read (the typed query); kept by the chat for follow-ups. */
  query?: Query;
  /** Typos read as vocabulary words (政府公抱 → 政府公报). */
  corrections?: Correction[];
  /**
   * A spreadsheet that comes with the reply (导出成表格): the ledger rows of these items (`file#item`), for the
   * unit when the question named one. Platforms deliver it as a file (Lark, DingTalk, WeChat) or a link (web).
   */
  file?: AnswerFile;
  /** What a progress or agenda answer covers; the ledger completes its figures (src/ledger/progress.ts). */
  scope?: AnswerScope;
}

/** The items an answer is about, for answers completed outside the engine (progress from the store). */
export interface AnswerScope {
  items: string[];
  /** The unit asked about, by its full name and its key, when the question named one unit. */
  unit?: string;
  unitKey?: string;
}

export interface AnswerFile {
  /** File name shown to the user, ending .xlsx. */
  name: string;
  items: string[];
  unit?: string;
}

export type Platform = 'lark' | 'dingtalk' | 'wechat' | 'wecom' | 'zwdd' | 'web' | 'cli';

/** Every platform, for validating names (ADMIN_IDS). */
export const PLATFORMS: readonly Platform[] = ['lark', 'dingtalk', 'wechat', 'wecom', 'zwdd', 'web', 'cli'];

export interface IncomingMessage {
  id: string;
  platform: Platform;
  chatId: string;
  chatType: 'direct' | 'group';
  senderId: string;
  senderName?: string;
  /** Text with the bot mention removed. */
  text: string;
  mentionedBot: boolean;
  /** Epoch milliseconds. */
  time: number;
  /**
   * The asker's unit as the message declares it (the web page's 我的单位, the console's --unit) and the date
   * that 今天/本月/逾期 are relative to (YYYY-MM-DD). The bot honours these on the web and cli platforms only.
   */
  unit?: string;
  today?: string;
}

export interface SendOptions {
  /** A key the platform uses to drop a repeated message (Lark's message uuid); digests pass one per chat-day. */
  dedupeKey?: string;
}

/** An adapter's connection as /healthz shows it. */
export interface AdapterHealth {
  /** up: connected (or nothing to connect); connecting: first try under way; down: failing, retried with backoff. */
  state: 'up' | 'connecting' | 'down';
  /** The last failure, without secrets. */
  error?: string;
  /** Consecutive failed tries, and when the next one is due (ISO). */
  failures?: number;
  retryAt?: string;
  since?: string;
}

export interface Adapter {
  platform: Platform;
  /** True when send() passes `dedupeKey` to the platform, so a resend after a crash cannot show twice. */
  supportsDedupeKey?: boolean;
  /** How long the platform remembers a dedupe key (Lark: one hour); a resend after that could show twice. */
  dedupeWindowMs?: number;
  start(handle: (m: IncomingMessage) => Promise<Answer | undefined>): Promise<void>;
  stop(): Promise<void>;
  /** Deliver a message the bot starts (a digest). Resolves once the platform accepted it; throws its error otherwise. */
  send(chatId: string, answer: Answer, options?: SendOptions): Promise<void>;
  /** The connection's state, for /healthz. */
  health?(): AdapterHealth;
}

/** Who asks and when: the asker's own unit (for 我局), the date that 本月/逾期 are relative to, the chat's last turn. */
export interface AskContext {
  unit?: string;
  /** YYYY-MM-DD; defaults to today in Asia/Shanghai. */
  today?: string;
  /** The chat's previous question and reply, for follow-ups (那义乌呢, 第三条的责任单位是谁). */
  previous?: Turn;
}

/** What a chat remembers of one answer, for the next message's follow-up. */
export function turnOf(answer: Answer, at: number, previous?: Turn): Turn | undefined {
  return answer.query ? nextTurn(answer.query, answer.citations.map((c) => `${c.file}#${c.item}`), at, previous) : undefined;
}
export type { Turn };

/** What answers questions: the search and answer layer behind every platform. */
export interface AnswerEngine {
  answer(question: string, ctx?: AskContext): Answer;
}
