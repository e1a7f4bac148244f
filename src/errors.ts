/**
 * Typed errors. A user error carries a Chinese message that may be shown in a chat;
 * an internal error is logged and never echoed to a user.
 */
export type ErrorCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_EMPTY'
  | 'FILE_BINARY'
  | 'FILE_ENCODING'
  | 'FILE_TOO_LARGE'
  | 'NO_STRUCTURE'
  /** The same document (by its text) is already loaded under another name. */
  | 'DUPLICATE'
  | 'BAD_ARGUMENT'
  | 'CONFIG'
  | 'INTERNAL';

export class YaodianError extends Error {
  readonly code: ErrorCode;
  /** True when the message is meant for the user (Chinese, no internals). */
  readonly user: boolean;

  constructor(code: ErrorCode, message: string, options: { user?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'YaodianError';
    this.code = code;
    this.user = options.user ?? true;
  }
}

export function isYaodianError(e: unknown): e is YaodianError {
  return e instanceof YaodianError;
}
