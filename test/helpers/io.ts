/**
 * Captured streams for running a CLI command in a test.
 */
import { PassThrough } from 'node:stream';

export function captureIO(input = '') {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  stdin.end(input);
  return { io: { stdin, stdout, stderr }, out: () => out, err: () => err };
}
