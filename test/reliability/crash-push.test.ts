/**
 * kill -9 during digest pushes: the built server killed mid-push and restarted on the same store, against
 * counting Lark and DingTalk fakes (20 restarts in the long half): 0 lost, 0 doubled, none recorded sent that did
 * not arrive, interrupted pushes without an idempotency key listed uncertain for an admin.
 *
 * The harness is the platform work's (test/helpers/crash-harness.ts, `crashSoak`, issue 12); this file runs it
 * once that work is merged. Until then the case is skipped and the closing table says so. It runs in the long half
 * only: the platform work's own crash test (a few kills) already runs in `npm test`.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireBuild } from './server-process.js';
import { figure, LONG, SEED } from './support.js';

/** What the suite reads of the harness's report (test/helpers/crash-harness.ts, CrashSoakReport). */
interface CrashSoakReport {
  kills: number;
  restarts: number;
  chats: { platform: string; chat: string; delivered: number; state: string }[];
  lost: string[];
  doubled: string[];
  uncertain: string[];
  falselySent: string[];
}

type CrashSoak = (options: { restarts: number; seed?: number }) => Promise<CrashSoakReport>;

const HARNESS = new URL('../helpers/crash-harness.ts', import.meta.url);
const merged = existsSync(HARNESS);

if (!merged) figure('crash during a push', 'kill -9 restarts', 'pending', 'the harness (test/helpers/crash-harness.ts) is not merged yet');

describe('kill -9 during digest pushes', () => {
  it.skipIf(!merged || !LONG)('20 restarts: 0 lost, 0 doubled, none falsely recorded sent', async () => {
    requireBuild();
    const spec = '../helpers/crash-harness.js';
    const { crashSoak } = (await import(/* @vite-ignore */ spec)) as { crashSoak: CrashSoak };
    const report = await crashSoak({ restarts: 20, seed: SEED });
    const group = 'crash during a push';
    figure(group, 'kill -9 restarts', report.kills, `seed ${SEED}`);
    figure(group, 'chats', report.chats.length);
    figure(group, 'lost', report.lost.length);
    figure(group, 'doubled', report.doubled.length);
    figure(group, 'recorded sent but not delivered', report.falselySent.length);
    figure(group, 'uncertain, listed for an admin', report.uncertain.length, report.uncertain.join(' '));
    expect(report.lost).toEqual([]);
    expect(report.doubled).toEqual([]);
    expect(report.falselySent).toEqual([]);
  }, 900_000);
});
