/** Follow-ups through the bot, remembered in the store: per chat, per user in groups, across a restart. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import { wireCore } from '../../src/app.js';
import { parseAdminIds } from '../../src/commands/index.js';
import { silentLogger } from '../../src/logger.js';
import type { IncomingMessage } from '../../src/model.js';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createStore, migrate, openStore, type Store } from '../../src/store/index.js';
import { sampleEngine } from '../helpers/samples.js';

let engine: Answerer;
const stores: Store[] = [];
beforeAll(async () => {
  engine = await sampleEngine();
});
afterEach(async () => {
  while (stores.length) await stores.pop()!.close();
});

async function botOver(dataDir: string, now = () => new Date('2021-09-01T02:00:00Z')) {
  const store = await openStore({ dataDir });
  stores.push(store);
  return { store, core: wireCore({ store, documents: engine, admins: parseAdminIds(''), logger: silentLogger(), paceMs: 0, now }) };
}

let n = 0;
const msg = (text: string, over: Partial<IncomingMessage> = {}): IncomingMessage => ({
  id: `m${++n}`,
  platform: 'lark',
  chatId: 'oc_group',
  chatType: 'group',
  senderId: 'ou_a',
  text,
  mentionedBot: true,
  time: Date.now(),
  ...over,
});
const cited = (a: { citations: { file: string; item: string }[] } | undefined) => (a?.citations ?? []).map((c) => `${c.file.slice(0, 3)}#${c.item}`);
const file = (region: string) => engine.plans().find((p) => p.title.includes(region))!.file.slice(0, 3);

describe('follow-ups', () => {
  it('那义乌呢 after a restart of the store: the unit asked again in 义乌', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yd-follow-'));
    const first = await botOver(dir);
    const a = await first.core.bot.handle(msg('青田县财政局负责哪些任务'));
    expect(cited(a).every((c) => c.startsWith(file('青田')))).toBe(true);
    await first.store.close();
    stores.pop();

    const second = await botOver(dir);
    const b = await second.core.bot.handle(msg('那义乌呢'));
    expect(cited(b).length).toBeGreaterThan(0);
    expect(cited(b).every((c) => c.startsWith(file('义乌')))).toBe(true);
    // The stored turn is the one the follow-up made: the unit now reads 财政局 in 义乌.
    const turn = await second.store.conversation('lark', 'oc_group', 'ou_a');
    expect(turn?.query.regions).toEqual(['义乌市']);
  });

  it('a store of one instance is read once per conversation; a shared one each time (another instance may have answered)', async () => {
    // Each instance its own store over one database, counting the conversations it reads from the database.
    const database = new Database(':memory:');
    const instance = async (shared: boolean) => {
      const reads = { n: 0 };
      const db = new Kysely<any>({ dialect: new SqliteDialect({ database }), log: (e) => void (e.level === 'query' && /^select .* from "conversations"/.test(e.query.sql) && reads.n++) });
      await migrate(db);
      const store = createStore(db, undefined, shared ? { notify: async () => undefined, listen: async () => async () => undefined } : undefined);
      return { store, core: wireCore({ store, documents: engine, admins: parseAdminIds(''), logger: silentLogger(), paceMs: 0, now: () => new Date('2021-09-01T02:00:00Z') }), reads };
    };
    const one = await instance(false);
    await one.core.bot.handle(msg('青田县财政局负责哪些任务'));
    await one.core.bot.handle(msg('那义乌呢'));
    expect(one.reads.n).toBe(1);
    // Every turn is still written: a restart reads the last one.
    const restarted = await instance(false);
    expect((await restarted.store.conversation('lark', 'oc_group', 'ou_a'))?.query.regions).toEqual(['义乌市']);
    expect(restarted.reads.n).toBe(1);

    const shared = await instance(true);
    await shared.core.bot.handle(msg('青田县财政局负责哪些任务'));
    // Another instance answers the next turn of the same conversation.
    const other = await instance(true);
    await other.store.saveConversation('lark', 'oc_group', 'ou_a', { ...(await one.store.conversation('lark', 'oc_group', 'ou_a'))! });
    const b = await shared.core.bot.handle(msg('牵头的呢'));
    expect(shared.reads.n).toBe(2);
    expect(cited(b).every((c) => c.startsWith(file('义乌')))).toBe(true);
  });

  it('each member of a group has their own conversation', async () => {
    const { core } = await botOver(':memory:');
    await core.bot.handle(msg('依申请公开有什么要求', { senderId: 'ou_a' }));
    await core.bot.handle(msg('鹿城区司法局负责哪些任务', { senderId: 'ou_b' }));
    const a = await core.bot.handle(msg('旌德的呢', { senderId: 'ou_a' }));
    expect(a?.query?.topic).toBe('依申请公开');
    expect(cited(a).every((c) => c.startsWith(file('旌德')))).toBe(true);
  });

  it('第三条的责任单位是谁 reads the third line of the list the chat was shown', async () => {
    const { core } = await botOver(':memory:');
    const list = await core.bot.handle(msg('鹿城要点第一部分', { chatType: 'direct', chatId: 'ou_c', senderId: 'ou_c' }));
    const third = list!.citations[2]!;
    const a = await core.bot.handle(msg('第三条的责任单位是谁', { chatType: 'direct', chatId: 'ou_c', senderId: 'ou_c' }));
    expect(a?.citations.map((c) => c.item)).toEqual([third.item]);
    expect(a?.text).toContain(third.units[0]);
  });

  it('an old turn is forgotten: after 30 minutes the same words stand alone', async () => {
    let t = new Date('2021-09-01T02:00:00Z').getTime();
    const { core } = await botOver(':memory:', () => new Date(t));
    await core.bot.handle(msg('青田县财政局负责哪些任务', { senderId: 'ou_d' }));
    t += 31 * 60_000;
    const a = await core.bot.handle(msg('那义乌呢', { senderId: 'ou_d' }));
    expect(a?.query?.rules).not.toContain('follow-up');
  });
});
