/**
 * Issue 16's "crash during a push": the built server is killed with SIGKILL in the middle of the day's pushes and
 * restarted on the same store, a few times (the reliability suite loops crashSoak for its 20-restart soak). Nothing
 * is lost without an uncertain row for an admin, nothing is doubled, nothing is recorded sent that did not arrive.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crashSoak, DIST_ENTRY } from '../helpers/crash-harness.js';

describe.skipIf(!existsSync(DIST_ENTRY))('kill -9 during digest pushes', () => {
  it('loses nothing silently and doubles nothing over several restarts', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const report = await crashSoak({ restarts: 2, seed: 5, log: (l) => lines.push(l) });
    expect(report.kills, lines.join('\n')).toBe(2);
    // Kills landed on both kinds of platform: with an idempotency key (Lark) and without (DingTalk).
    expect(report.killedAt.some((k) => k.startsWith('lark:'))).toBe(true);
    expect(report.killedAt.some((k) => k.startsWith('dingtalk:'))).toBe(true);
    expect(report.lost).toEqual([]);
    expect(report.doubled).toEqual([]);
    expect(report.falselySent).toEqual([]);
    // Every chat is settled: sent, or uncertain (only where the platform has no idempotency key).
    for (const c of report.chats) expect(['sent', 'uncertain'], `${c.platform}:${c.chat}`).toContain(c.state);
    expect(report.uncertain.every((id) => id.startsWith('dingtalk:'))).toBe(true);
    expect(report.chats.filter((c) => c.state === 'sent').every((c) => c.delivered === 1)).toBe(true);
  });
});
