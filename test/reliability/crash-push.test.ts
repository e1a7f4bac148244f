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
import { figure, LONG, SEED, SKIP_QUICK } from './support.js';

/** What the suite reads of the harness's report (test/helpers/crash-harness.ts, CrashSoakReport). */
interface CrashSoakReport {
  kills: number;
  killedAt: string[];
  chats: { platform: string; chat: string; delivered: number; state: string }[];
  lost: string[];
  doubled: string[];
  uncertain: string[];
  falselySent: string[];
}

type CrashSoak = (options: { restarts: number; seed?: number }) => Promise<CrashSoakReport>;

const HARNESS = new URL('../helpers/crash-harness.ts', import.meta.url);
const merged = existsSync(HARNESS);
const KILLS = 20;

if (!merged) figure('crash during a push', 'kill -9 restarts', 'pending', 'the harness (test/helpers/crash-harness.ts) is not merged yet');

describe.skipIf(SKIP_QUICK)('kill -9 during digest pushes', () => {
  // One day's pushes take a few kills before every chat is settled, so the harness runs day after day (a fresh
  // store and fakes each time, the seed moving on) until 20 kills have landed.
  it.skipIf(!merged || !LONG)(`${KILLS} kill -9 restarts: 0 lost, 0 doubled, none falsely recorded sent`, async () => {
    requireBuild();
    const spec = '../helpers/crash-harness.js';
    const { crashSoak } = (await import(/* @vite-ignore */ spec)) as { crashSoak: CrashSoak };
    const total = { kills: 0, days: 0, chats: 0, lost: [] as string[], doubled: [] as string[], uncertain: [] as string[], falselySent: [] as string[], killedAt: [] as string[] };
    for (let day = 0; total.kills < KILLS && day < 15; day++) {
      const report = await crashSoak({ restarts: 3, seed: SEED + day });
      const tag = (ids: string[]) => ids.map((id) => `day${day}:${id}`);
      total.days++;
      total.kills += report.kills;
      total.chats += report.chats.length;
      total.killedAt.push(...tag(report.killedAt));
      total.lost.push(...tag(report.lost));
      total.doubled.push(...tag(report.doubled));
      total.uncertain.push(...tag(report.uncertain));
      total.falselySent.push(...tag(report.falselySent));
    }
    const group = 'crash during a push';
    figure(group, 'kill -9 restarts / days of pushes / chat-days', `${total.kills} / ${total.days} / ${total.chats}`, `seed ${SEED}`);
    figure(group, 'kills on Lark / on DingTalk', `${total.killedAt.filter((k) => k.includes(':lark:')).length} / ${total.killedAt.filter((k) => k.includes(':dingtalk:')).length}`);
    figure(group, 'lost', total.lost.length);
    figure(group, 'doubled', total.doubled.length);
    figure(group, 'recorded sent but not delivered', total.falselySent.length);
    figure(group, 'uncertain, listed for an admin', total.uncertain.length, total.uncertain.join(' '));
    expect(total.kills).toBeGreaterThanOrEqual(KILLS);
    expect(total.lost).toEqual([]);
    expect(total.doubled).toEqual([]);
    expect(total.falselySent).toEqual([]);
  }, 900_000);
});
