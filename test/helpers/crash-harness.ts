/**
 * Crash during a push, for real: `node dist/index.js serve` (the built server) pushes the day's digests to Lark and
 * DingTalk fakes that count what appears in each chat, and is killed with SIGKILL in the middle of the pushes —
 * while the platform holds a request it has already accepted, or just after it answered and before the send is
 * recorded — then started again on the same DATA_DIR. After the last restart the day's run settles every chat.
 *
 * A chat is lost when nothing reached it and no admin can see why (its row is not uncertain); it is doubled when it
 * got the digest twice. Lark drops a repeated uuid within the hour, so an interrupted Lark push is resent; DingTalk
 * has no such key, so an interrupted DingTalk push is left uncertain for an admin. Build first (`npm run build`).
 *
 * Reusable by the reliability suite: `await crashSoak({ restarts: 20, seed })` and assert on the report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { startDingtalkFake, type DingtalkFake } from './dingtalk-fake.js';
import { startLarkFake, type LarkFake } from './lark-fake.js';
import { random as seeded } from './random.js';
import { samplesDir } from './samples.js';

export const DIST_ENTRY = resolve(samplesDir, '..', 'dist', 'index.js');

export interface CrashSoakOptions {
  /** Kills (each followed by a restart); a last run without a kill follows. */
  restarts: number;
  larkChats?: number;
  dingtalkChats?: number;
  /** Seeds where each kill lands (default 1). */
  seed?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Longest a single server run may take (default 60 s). */
  runTimeoutMs?: number;
}

export interface ChatOutcome {
  platform: 'lark' | 'dingtalk';
  chat: string;
  /** Digests that appeared in the chat. */
  delivered: number;
  /** The delivery row's final state. */
  state: string;
}

export interface CrashSoakReport {
  kills: number;
  /** The send each kill landed on (platform:chat), in order. */
  killedAt: string[];
  restarts: number;
  chats: ChatOutcome[];
  /** Chats without a digest whose row does not say so (not uncertain). */
  lost: string[];
  /** Chats that got more than one digest. */
  doubled: string[];
  /** Chat-days an admin must check (listed by GET /api/admin/digests). */
  uncertain: string[];
  /** Rows recorded sent although nothing reached the chat. */
  falselySent: string[];
}

const UNITS = ['旌德县财政局', '旌德县政府办', '青田县财政局', '青田县府办', '温州市鹿城区司法局', '义乌市财政局'];
const ADMIN_TOKEN = 'crash-soak-admin';

interface Running {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<number | null>;
}

function startServe(env: Record<string, string>, cwd: string): Running {
  const child = spawn(process.execPath, [DIST_ENTRY, 'serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = new Promise<string>((resolveUrl, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /要点助手已启动：(\S+?)（/.exec(out);
      if (m) resolveUrl(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out.slice(-500)}`)));
  });
  url.catch(() => undefined);
  child.stderr!.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, url, exited };
}

export async function crashSoak(options: CrashSoakOptions): Promise<CrashSoakReport> {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing: run npm run build first`);
  // Where each round's kill lands is drawn up front; the platforms' delays come from a second stream.
  const plan = seeded(options.seed ?? 1);
  const random = seeded((options.seed ?? 1) + 7919);
  const log = options.log ?? (() => undefined);
  const larkChats = Array.from({ length: options.larkChats ?? 6 }, (_, i) => `oc_crash_${i}`);
  const dtChats = Array.from({ length: options.dingtalkChats ?? 6 }, (_, i) => `cidCrash${i}==`);
  const root = mkdtempSync(join(tmpdir(), 'yaodian-crash-'));
  const dataDir = join(root, 'data');
  let lark: LarkFake | undefined;
  let dt: DingtalkFake | undefined;
  let current: Running | undefined;
  try {
    lark = await startLarkFake();
    dt = await startDingtalkFake();
    for (const c of dtChats) dt.groups.add(c);
    const store = await openStore({ dataDir });
    for (const [i, chat] of [...larkChats.map((c) => ['lark', c] as const), ...dtChats.map((c) => ['dingtalk', c] as const)].entries()) {
      await store.setChatUnit(chat[0], chat[1], UNITS[i % UNITS.length] as string, 'crash-soak');
      await store.subscribe(chat[0], chat[1], '00:00', 'crash-soak');
    }
    await store.close();
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DOCS_DIR: samplesDir,
      LOG_LEVEL: 'silent',
      ADMIN_TOKEN,
      DIGEST_ENABLED: 'true',
      DIGEST_PACE_MS: '0',
      DIGEST_LEASE_SECONDS: '1',
      LARK_APP_ID: 'cli_9f5343c580712544',
      LARK_APP_SECRET: 'crash-soak-lark-secret',
      LARK_MODE: 'webhook',
      LARK_VERIFICATION_TOKEN: 'crash-soak-token',
      LARK_DOMAIN: lark.url,
      DINGTALK_CLIENT_ID: dt.clientId,
      DINGTALK_CLIENT_SECRET: dt.clientSecret,
      DINGTALK_MODE: 'webhook',
      DINGTALK_API_BASE: dt.url,
      DINGTALK_OAPI_BASE: dt.url,
    };
    let kills = 0;
    const killedAt: string[] = [];
    const chatCount = larkChats.length + dtChats.length;
    for (let round = 0; round <= options.restarts; round++) {
      const last = round === options.restarts;
      const run = startServe(env, root);
      current = run;
      // Where this round's kill lands: at the k-th send the platforms see, while it is held or just after its answer.
      let sends = 0;
      const target = 1 + Math.floor(plan() * Math.max(1, Math.ceil(chatCount / 2)));
      const whileHeld = plan() < 0.5;
      const hold = async (where: string) => {
        sends++;
        await new Promise((r) => setTimeout(r, 5 + Math.floor(random() * 30)));
        if (last || sends !== target || run.child.exitCode !== null) return;
        kills++;
        killedAt.push(where);
        if (whileHeld) run.child.kill('SIGKILL');
        else setTimeout(() => run.child.kill('SIGKILL'), 1 + Math.floor(random() * 15));
      };
      lark.onSend = (call) => hold(`lark:${call.body.receive_id ?? call.messageId}`);
      dt.onSend = (d) => hold(`dingtalk:${d.to}`);
      const url = await run.url;
      const deadline = Date.now() + (options.runTimeoutMs ?? 60_000);
      if (!last) {
        // Until the kill lands, or the pushes are over without reaching it.
        let idle = 0;
        let before = -1;
        while (run.child.exitCode === null && Date.now() < deadline && idle < 40) {
          await new Promise((r) => setTimeout(r, 50));
          idle = sends === before ? idle + 1 : 0;
          before = sends;
        }
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
        await run.exited;
        log(`round ${round}: ${sends} sends seen, killed ${whileHeld ? 'while held' : 'after the answer'} at ${target}`);
        continue;
      }
      // The last run: let the leases of the dead runs expire, then settle the day through the admin run.
      await new Promise((r) => setTimeout(r, 1500));
      const res = await fetch(new URL('/api/admin/digests/run', url), { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{}' });
      if (!res.ok) throw new Error(`run failed: HTTP ${res.status}`);
      const rows = ((await (await fetch(new URL('/api/admin/digests?days=1', url), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { rows: { platform: string; chat: string; state: string }[] }).rows;
      run.child.kill('SIGTERM');
      await run.exited;
      const stateOf = (p: string, c: string) => rows.find((r) => r.platform === p && r.chat === c)?.state ?? 'none';
      const chats: ChatOutcome[] = [
        ...larkChats.map((c) => ({ platform: 'lark' as const, chat: c, delivered: lark!.delivered.filter((d) => d.chatId === c).length, state: stateOf('lark', c) })),
        ...dtChats.map((c) => ({ platform: 'dingtalk' as const, chat: c, delivered: dt!.delivered.filter((d) => d.to === c).length, state: stateOf('dingtalk', c) })),
      ];
      const id = (o: ChatOutcome) => `${o.platform}:${o.chat}`;
      return {
        kills,
        killedAt,
        restarts: options.restarts,
        chats,
        lost: chats.filter((o) => o.delivered === 0 && o.state !== 'uncertain').map(id),
        doubled: chats.filter((o) => o.delivered > 1).map(id),
        uncertain: chats.filter((o) => o.state === 'uncertain').map(id),
        falselySent: chats.filter((o) => o.state === 'sent' && o.delivered === 0).map(id),
      };
    }
    throw new Error('unreachable');
  } finally {
    if (current && current.child.exitCode === null) current.child.kill('SIGKILL');
    await lark?.close();
    await dt?.close();
    rmSync(root, { recursive: true, force: true });
  }
}
