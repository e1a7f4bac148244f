/**
 * The store's tables, as Kysely sees them. Every column is text or integer so that the same queries run on
 * SQLite (embedded, one instance) and PostgreSQL (shared by several instances). Times are ISO-8601 strings (UTC),
 * dates are YYYY-MM-DD in Asia/Shanghai, times of day HH:MM in Asia/Shanghai.
 */
import type { Generated } from 'kysely';

export interface DocumentsTable {
  /** File name (no directory), as in WorkPlan.file. */
  file: string;
  /** sha256 of the normalized text. */
  hash: string;
  /** The parsed WorkPlan as JSON. */
  plan_json: string;
  added_at: string;
  added_by: string | null;
}

export interface UserBindingsTable {
  platform: string;
  user_id: string;
  unit: string;
  updated_at: string;
}

export interface ChatsTable {
  platform: string;
  chat_id: string;
  /** The chat's unit (本群绑定). */
  unit: string | null;
  /** HH:MM Asia/Shanghai; null when not subscribed. */
  digest_time: string | null;
  updated_at: string;
  updated_by: string | null;
}

export interface ProgressTable {
  file: string;
  item: string;
  unit: string;
  status: string;
  note: string | null;
  updated_by: string | null;
  updated_at: string;
}

export interface DigestsTable {
  platform: string;
  chat_id: string;
  /** YYYY-MM-DD Asia/Shanghai. */
  date: string;
  /** pending → sending → sent | failed (retried at next_at); uncertain: a send cut off with no idempotency key. */
  state: string;
  dedupe_key: string | null;
  unit: string | null;
  attempts: Generated<number>;
  updated_at: string;
  /** The platform's code of the last failure (99991400, 130101, HTTP 503, …) and its message. */
  error_code: string | null;
  error: string | null;
  /** A failed send is tried again from this time (ISO). */
  next_at: string | null;
  /** A 'sending' row belongs to `owner` (one scheduler instance) until this time; renewed while the send runs. */
  lease_until: string | null;
  owner: string | null;
  /** When the current (or last) send attempt started, and when the platform accepted it. */
  sending_at: string | null;
  sent_at: string | null;
}

/** Platform message keys (`lark:om_…`) already handled, so a redelivery after a restart is dropped. */
export interface SeenMessagesTable {
  key: string;
  seen_at: string;
}

/** How an adapter reaches a chat for pushes and files: a JSON object of the platform's own ids. */
export interface ChatRoutesTable {
  platform: string;
  chat_id: string;
  route_json: string;
  updated_at: string;
}

/** A sent card with buttons: the Answer it shows and what was done on it (JSON), keyed by the platform's id. */
export interface CardsTable {
  platform: string;
  card_id: string;
  chat_id: string;
  answer_json: string;
  state_json: string;
  created_at: string;
  updated_at: string;
}

/** What each conversation remembers for follow-ups: the last query and the items of its reply (a Turn, as JSON). */
export interface ConversationsTable {
  platform: string;
  chat_id: string;
  /** The asker: in a group every member has their own conversation with the bot. */
  user_id: string;
  turn_json: string;
  updated_at: string;
}

/** Uploaded documents, shared by every instance (the bytes as base64 text, so both databases read the same column). */
export interface UploadsTable {
  file: string;
  /** sha256 of the bytes. */
  hash: string;
  content_base64: string;
  size: number;
  added_at: string;
  added_by: string | null;
}

/** Documents removed by an admin: a folder document stays out, an upload's local copies go too. */
export interface RemovedDocumentsTable {
  file: string;
  removed_at: string;
}

export interface Database {
  cards: CardsTable;
  chat_routes: ChatRoutesTable;
  seen_messages: SeenMessagesTable;
  conversations: ConversationsTable;
  uploads: UploadsTable;
  removed_documents: RemovedDocumentsTable;
  documents: DocumentsTable;
  user_bindings: UserBindingsTable;
  chats: ChatsTable;
  progress: ProgressTable;
  digests: DigestsTable;
}
