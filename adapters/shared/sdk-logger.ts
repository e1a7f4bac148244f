/**
 * A logger for third-party SDKs that forwards to pino without leaking secrets: Error objects (axios errors
 * carry request headers with bearer tokens) are reduced to message + status + platform code, and anything
 * that looks like a token is masked.
 */
import type { Logger } from '../../src/logger.js';

const TOKEN_PATTERNS: RegExp[] = [
  /(Bearer\s+)[\w.\-~+/=]+/gi,
  /\b([tu]-)[\w\-]{8,}/g,
  /((?:app_?secret|client_?secret|appsecret|secret|token|ticket|access_token|encrypt_?key)["'=:\s]+)[^\s"'&,}]+/gi,
];

export function maskSecrets(text: string): string {
  return TOKEN_PATTERNS.reduce((t, re) => t.replace(re, '$1[redacted]'), text);
}

function looksLikeError(value: unknown): value is Error {
  if (value instanceof Error) return true;
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && ('config' in v || 'response' in v || 'stack' in v || 'isAxiosError' in v);
}

export function summarize(value: unknown, depth = 0): string {
  if (Array.isArray(value) && depth < 3) return value.map((v) => summarize(v, depth + 1)).join(' ');
  if (looksLikeError(value)) {
    const e = value as Error & { response?: { status?: number; data?: { code?: unknown; msg?: unknown; errcode?: unknown; errmsg?: unknown } } };
    const parts = [e.message];
    if (e.response?.status) parts.push(`status ${e.response.status}`);
    const d = e.response?.data;
    if (d && typeof d === 'object') {
      const code = d.code ?? d.errcode;
      const msg = d.msg ?? d.errmsg;
      if (code !== undefined) parts.push(`code ${String(code)}`);
      if (msg !== undefined) parts.push(String(msg));
    }
    return maskSecrets(parts.join(', '));
  }
  if (typeof value === 'string') return maskSecrets(value);
  try {
    return maskSecrets(JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

export interface SdkLogger {
  error: (...msg: unknown[]) => void;
  warn: (...msg: unknown[]) => void;
  info: (...msg: unknown[]) => void;
  debug: (...msg: unknown[]) => void;
  trace: (...msg: unknown[]) => void;
}

export function sdkLogger(log: Logger): SdkLogger {
  const line = (msg: unknown[]) => msg.map(summarize).join(' ').slice(0, 2000);
  return {
    error: (...msg) => log.error({ sdk: true }, line(msg)),
    warn: (...msg) => log.warn({ sdk: true }, line(msg)),
    info: (...msg) => log.debug({ sdk: true }, line(msg)),
    debug: (...msg) => log.debug({ sdk: true }, line(msg)),
    trace: (...msg) => log.trace({ sdk: true }, line(msg)),
  };
}
