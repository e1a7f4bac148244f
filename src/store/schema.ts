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
  /** 'sending' before the send, 'sent' after, 'failed' when every retry failed. */
  state: string;
  dedupe_key: string | null;
  unit: string | null;
  attempts: Generated<number>;
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
  conversations: ConversationsTable;
  uploads: UploadsTable;
  removed_documents: RemovedDocumentsTable;
  documents: DocumentsTable;
  user_bindings: UserBindingsTable;
  chats: ChatsTable;
  progress: ProgressTable;
  digests: DigestsTable;
}
