/**
 * What the reliability suite's files share: which half runs (quick in `npm test`, long with
 * RELIABILITY_LONG=1 from `npm run test:reliability` and CI), the seed, the figures each file records for the
 * closing table (run.mjs prints them), a seeded random source and raw HTTP over a socket (for requests a client
 * library would refuse to send).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/** The long half: 10,000 mutations, a longer soak. */
export const LONG = process.env['RELIABILITY_LONG'] === '1';

/**
 * RELIABILITY_QUICK=0 leaves the quick half out of a plain vitest run: CI sets it for `npm test` because the long
 * half runs right after (`npm run test:reliability`) and would only repeat it.
 */
export const SKIP_QUICK = !LONG && process.env['RELIABILITY_QUICK'] === '0';

/** One seed for every random choice, so a failure replays (RELIABILITY_SEED=… npm run test:reliability). */
export const SEED = Number(process.env['RELIABILITY_SEED'] ?? 20210901) >>> 0;

/** Record a figure for the closing table; without RELIABILITY_FIGURES (a plain `npm test`) it is only checked. */
export function figure(group: string, name: string, value: number | string, note = ''): void {
  const dir = process.env['RELIABILITY_FIGURES'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ group, name, value, note })}\n`);
}

export { random } from '../helpers/random.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Send bytes as they are to 127.0.0.1:port and read the response until the server closes (the request should say
 * Connection: close). The socket is not half-closed: the server may answer after reading all of it.
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(typeof request === 'string' ? Buffer.from(request, 'utf8') : request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
    });
  });
}
