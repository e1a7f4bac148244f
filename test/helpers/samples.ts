/**
 * The real engine and bot over the bundled samples, loaded once per test file.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnswerer, type Answerer } from '../../src/answer/index.js';
import { createBot, type Bot } from '../../src/bot.js';
import { silentLogger } from '../../src/logger.js';
import type { WorkPlan } from '../../src/model.js';
import { ingestDirectory } from '../../src/ingest/index.js';

export const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'samples');

let plans: Promise<WorkPlan[]> | undefined;
let engine: Promise<Answerer> | undefined;

/** The bundled samples, parsed once per test file. */
export function samplePlans(): Promise<WorkPlan[]> {
  plans ??= ingestDirectory(samplesDir).then((r) => r.plans);
  return plans;
}

export function sampleEngine(): Promise<Answerer> {
  engine ??= samplePlans().then((p) => createAnswerer(p));
  return engine;
}

export async function sampleBot(): Promise<{ bot: Bot; engine: Answerer }> {
  const e = await sampleEngine();
  return { bot: createBot({ engine: e, logger: silentLogger() }), engine: e };
}

/** Wait until `check` holds (real time, short polls), or fail after `ms`. */
export async function eventually<T>(check: () => T | undefined | false, ms = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A pino-compatible destination that keeps every line, to check that secrets never reach the logs. */
export function captureLogs(): { lines: string[]; write(s: string): void } {
  const lines: string[] = [];
  return { lines, write: (s: string) => void lines.push(s) };
}
