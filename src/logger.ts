/**
 * The pino logger: structured logs for operators, secrets redacted. Passed in, never imported as a global.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Log paths that may hold secrets: config values, request headers, tokens. */
export const REDACT_PATHS = [
  '*.appSecret',
  '*.clientSecret',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.encryptKey',
  '*.verificationToken',
  '*.LARK_APP_SECRET',
  '*.LARK_ENCRYPT_KEY',
  '*.LARK_VERIFICATION_TOKEN',
  '*.DINGTALK_CLIENT_SECRET',
  '*.DINGTALK_ROBOT_SECRET',
  '*.WECHATY_PUPPET_SERVICE_TOKEN',
  '*.ADMIN_TOKEN',
  '*.VIEW_TOKEN',
  '*.DATABASE_URL',
  '*.databaseUrl',
  'req.headers.authorization',
  'headers.authorization',
  'req.headers.cookie',
  'headers.cookie',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'yaodian' } },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
