import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Kysely, SqliteDialect, sql } from 'kysely';
import Database from 'better-sqlite3';
import { createStore, migrate, MIGRATIONS, openStore, planHash, sqlitePath, storeExists, type Store } from '../../src/store/index.js';
import { checkConversations, checkDeliveryTransitions, checkSeenRoutesCards } from './contract.js';
import { syncDocuments, documentDates } from '../../src/store/documents.js';
import { createBindings } from '../../src/bindings.js';
import type { IncomingMessage } from '../../src/model.js';
import { plan } from '../helpers/plans.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'yaodian-store-'));
  dirs.push(d);
  return d;
}

async function memoryStore(clock?: () => Date): Promise<Store> {
  const s = await openStore({ dataDir: ':memory:', ...(clock ? { clock } : {}) });
  stores.push(s);
  return s;
}

describe('store migrations', () => {
  it('apply to a fresh database and create every table', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    expect(await migrate(db)).toEqual(Object.keys(MIGRATIONS));
    const tables = (await db.introspection.getTables()).map((t) => t.name).sort();
    expect(tables).toEqual(['cards', 'chat_routes', 'chats', 'conversations', 'digests', 'documents', 'progress', 'removed_documents', 'seen_messages', 'uploads', 'user_bindings']);
    await db.destroy();
  });

  it('are idempotent: a second run applies nothing and keeps the data', async () => {
    const dir = tempDir();
    const first = await openStore({ dataDir: dir });
    await first.bindUser('lark', 'u1', '旌德县财政局');
    await first.close();
    expect(storeExists({ dataDir: dir })).toBe(true);
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(sqlitePath(dir)) }) });
    expect(await migrate(db)).toEqual([]);
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
    await db.destroy();
    const again = await openStore({ dataDir: dir });
    stores.push(again);
    expect(await again.unitOfUser('lark', 'u1')).toBe('旌德县财政局');
  });

  it('storeExists is false for a data directory without a database', () => {
    expect(storeExists({ dataDir: tempDir() })).toBe(false);
  });
});

describe('store', () => {
  it('keeps user bindings per platform and replaces them on rebinding', async () => {
    const s = await memoryStore();
    await s.bindUser('lark', 'u1', '旌德县财政局');
    await s.bindUser('dingtalk', 'u1', '青田县财政局');
    await s.bindUser('lark', 'u1', '旌德县政府办');
    expect(await s.unitOfUser('lark', 'u1')).toBe('旌德县政府办');
    expect(await s.unitOfUser('dingtalk', 'u1')).toBe('青田县财政局');
    expect(await s.unitOfUser('wechat', 'u1')).toBeUndefined();
    // Read once, then remembered: a rebinding is read back at once, also one made while a read was under way.
    const reading = s.unitOfUser('lark', 'u2');
    const binding = s.bindUser('lark', 'u2', '青田县司法局');
    await Promise.all([reading, binding]);
    expect(await s.unitOfUser('lark', 'u2')).toBe('青田县司法局');
    await s.bindUser('lark', 'u1', '旌德县财政局');
    expect(await s.unitOfUser('lark', 'u1')).toBe('旌德县财政局');
    await s.bindUser('wechat', 'u1', '义乌市司法局');
    expect(await s.unitOfUser('wechat', 'u1')).toBe('义乌市司法局');
  });

  it('a sender’s unit: the message’s declared one, then the store’s binding, then the UNIT_BINDINGS file', async () => {
    const s = await memoryStore();
    const b = createBindings(s, { 'lark:u2': '青田县财政局', 'lark:u1': '义乌市财政局' });
    const m = (senderId: string, over: Partial<IncomingMessage> = {}): IncomingMessage => ({ id: 'm', platform: 'lark', chatId: 'c1', chatType: 'group', senderId, text: '', mentionedBot: true, time: 0, ...over });
    await s.bindUser('lark', 'u1', '旌德县财政局');
    expect(await b.senderUnit(m('u1'))).toBe('旌德县财政局');
    expect(await b.senderUnit(m('u2'))).toBe('青田县财政局');
    expect(await b.senderUnit(m('u3'))).toBeUndefined();
    expect(await b.senderUnit(m('u1', { unit: '温州市鹿城区司法局' }))).toBe('温州市鹿城区司法局');
    // 本群绑定 decides the context in a group; the sender's unit in a direct chat.
    await b.bindChat(m('admin'), '旌德县政府办');
    expect(await b.chatUnit(m('u3'))).toBe('旌德县政府办');
    expect(await b.contextUnit(m('u1'))).toBe('旌德县政府办');
    expect(await b.contextUnit(m('u1', { chatType: 'direct' }))).toBe('旌德县财政局');
    expect(await b.contextUnit(m('u3', { chatType: 'direct' }))).toBe('旌德县政府办');
    await b.bindSender(m('u3'), '青田县财政局');
    expect(await s.unitOfUser('lark', 'u3')).toBe('青田县财政局');
  });

  it('lists every unit’s progress for the web ledger', async () => {
    const s = await memoryStore();
    await s.setProgress({ file: 'a.txt', item: '一.3', unit: '旌德县财政局', status: '已完成' });
    await s.setProgress({ file: 'a.txt', item: '一.1', unit: '旌德县政府办', status: '进行中', note: '起草中' });
    expect((await s.progress()).map((p) => [p.unit, p.item, p.status, p.note])).toEqual([
      ['旌德县政府办', '一.1', '进行中', '起草中'],
      ['旌德县财政局', '一.3', '已完成', null],
    ]);
  });

  it('subscriptions need both a unit and a time; unsubscribe keeps the unit', async () => {
    const s = await memoryStore();
    await s.subscribe('lark', 'c1', '08:30', 'admin');
    expect(await s.subscriptions()).toEqual([]);
    await s.setChatUnit('lark', 'c1', '旌德县财政局', 'admin');
    await s.setChatUnit('dingtalk', 'c2', '青田县财政局');
    await s.subscribe('dingtalk', 'c2', '07:45');
    expect(await s.subscriptions()).toEqual([
      { platform: 'dingtalk', chatId: 'c2', unit: '青田县财政局', time: '07:45' },
      { platform: 'lark', chatId: 'c1', unit: '旌德县财政局', time: '08:30' },
    ]);
    expect(await s.unsubscribe('lark', 'c1')).toBe(true);
    expect(await s.unsubscribe('lark', 'c1')).toBe(false);
    expect((await s.chat('lark', 'c1'))?.unit).toBe('旌德县财政局');
    expect((await s.chat('lark', 'c1'))?.time).toBeNull();
  });

  it("an admin's subscription sets unit and time in one write, is listed with who set it, and is removed like 取消订阅", async () => {
    const s = await memoryStore();
    await s.setChatUnit('zwdd', 'group:cid-1', '旌德县政府办', 'zwdd:u1');
    await s.subscribe('lark', 'unbound', '09:00');
    await s.setSubscription('zwdd', 'acc-1001', '旌德县财政局', '08:30', 'api:admin');
    await s.setSubscription('zwdd', 'group:cid-1', '旌德县财政局', '07:00', 'api:admin');
    expect(await s.subscriptions()).toEqual([
      { platform: 'zwdd', chatId: 'group:cid-1', unit: '旌德县财政局', time: '07:00' },
      { platform: 'zwdd', chatId: 'acc-1001', unit: '旌德县财政局', time: '08:30' },
    ]);
    const listed = await s.subscribedChats();
    expect(listed.map((c) => [c.platform, c.chatId, c.unit, c.time, c.updatedBy])).toEqual([
      ['lark', 'unbound', null, '09:00', null],
      ['zwdd', 'acc-1001', '旌德县财政局', '08:30', 'api:admin'],
      ['zwdd', 'group:cid-1', '旌德县财政局', '07:00', 'api:admin'],
    ]);
    expect(await s.unsubscribe('zwdd', 'acc-1001', 'api:admin')).toBe(true);
    expect((await s.subscribedChats()).map((c) => c.chatId)).toEqual(['unbound', 'group:cid-1']);
    expect(await s.chat('zwdd', 'acc-1001')).toMatchObject({ unit: '旌德县财政局', time: null, updatedBy: 'api:admin' });
  });

  it('keeps progress per item and unit, the latest update winning', async () => {
    const s = await memoryStore();
    await s.setProgress({ file: 'a.txt', item: '一.3', unit: '旌德县财政局', status: '进行中', note: '已起草', by: 'lark:u1', at: '2021-11-20T01:00:00.000Z' });
    await s.setProgress({ file: 'a.txt', item: '一.3', unit: '旌德县财政局', status: '已完成', by: 'lark:u1', at: '2021-11-26T01:00:00.000Z' });
    await s.setProgress({ file: 'a.txt', item: '一.3', unit: '旌德县政府办', status: '进行中' });
    expect(await s.progressOf('旌德县财政局')).toEqual([
      { file: 'a.txt', item: '一.3', unit: '旌德县财政局', status: '已完成', note: null, by: 'lark:u1', at: '2021-11-26T01:00:00.000Z' },
    ]);
    expect((await s.progressOf('旌德县政府办'))[0]?.status).toBe('进行中');
  });

  it('records a document version once, with its first added time', async () => {
    let now = new Date('2021-11-20T00:00:00Z');
    const s = await memoryStore(() => now);
    const p = plan('jd.txt', '旌德县', 2021, [['一.1', '做好财政信息公开。', ['县财政局'], ['2021-11-30']]]);
    expect(await syncDocuments(s, [p], { now: () => now })).toEqual(['jd.txt']);
    now = new Date('2021-11-25T00:00:00Z');
    expect(await syncDocuments(s, [p], { now: () => now })).toEqual([]);
    // The first batch is the baseline: never 新增.
    expect((await documentDates(s)).has('jd.txt')).toBe(false);
    const q = plan('qt.txt', '青田县', 2021, [['一.1', '规范依申请公开。', ['县府办'], ['2021-12-31']]]);
    expect(await syncDocuments(s, [p, q], { now: () => now, by: 'upload' })).toEqual(['qt.txt']);
    expect((await documentDates(s)).get('qt.txt')).toBe('2021-11-25T00:00:00.000Z');
    expect((await s.documents()).find((d) => d.file === 'qt.txt')?.addedBy).toBe('upload');
    expect((await s.documents())[0]?.hash).toBe(planHash(p));
    expect((await s.plans())[0]?.items[0]?.id).toBe('一.1');
  });

  it('keeps the digest delivery state machine: claims, failures with the platform code, leases, uncertain, resets', async () => {
    await checkDeliveryTransitions(await memoryStore());
  });

  it('keeps seen message keys, chat routes and cards', async () => {
    await checkSeenRoutesCards(await memoryStore());
  });

  it('writes conversation turns answered together in a few statements, the newest of each kept, and closes after them', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }), log: (e) => void (e.level === 'query' && /insert into "conversations"/.test(e.query.sql) && inserts++) });
    let inserts = 0;
    await migrate(db);
    const s = createStore(db);
    await checkConversations(s);
    // 251 turns: three statements of at most a hundred rows.
    expect(inserts).toBeLessThanOrEqual(4);
    const before = inserts;
    const last = s.saveConversation('web', 'late', 'u', { query: (await s.conversation('web', 'chat-7', 'u'))!.query, citations: [], at: 1 });
    await s.close();
    await last;
    // Written before the database closed.
    expect(inserts).toBe(before + 1);
  });

  it('lists the documents from an index, without reading the plans stored beside them', async () => {
    const queries: string[] = [];
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }), log: (e) => void (e.level === 'query' && /from "documents"/.test(e.query.sql) && queries.push(e.query.sql)) });
    await migrate(db);
    const s = createStore(db);
    await syncDocuments(s, [plan('a.txt', '旌德县', 2021, [['一.1', '推进政务公开。', ['县政府办*']]])]);
    const before = queries.length;
    expect((await s.documents()).map((d) => d.file)).toEqual(['a.txt']);
    const listed = queries[before] as string;
    const steps = (await sql.raw<{ detail: string }>(`explain query plan ${listed}`).execute(db)).rows.map((r) => r.detail);
    expect(steps.join(' | ')).toMatch(/USING COVERING INDEX documents_by_added/);
    expect(steps.join(' | ')).not.toMatch(/TEMP B-TREE/);
    await db.destroy();
  });

  it('migrates a store written before 0003 and keeps its digest log', async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    const { Migrator } = await import('kysely');
    const old = new Migrator({ db, provider: { getMigrations: async () => ({ '0001_initial': MIGRATIONS['0001_initial']!, '0002_conversations': MIGRATIONS['0002_conversations']! }) } });
    expect((await old.migrateToLatest()).error).toBeUndefined();
    await db.insertInto('digests').values({ platform: 'lark', chat_id: 'c1', date: '2021-11-24', state: 'sent', dedupe_key: 'k', unit: 'u', attempts: 1, updated_at: '2021-11-24T00:30:00.000Z' }).execute();
    expect(await migrate(db)).toEqual(['0003_platform_delivery', '0004_uploads', '0005_documents_by_added']);
    const s = createStore(db);
    expect(await s.digest('lark', 'c1', '2021-11-24')).toMatchObject({ state: 'sent', attempts: 1, errorCode: null, owner: null });
    expect(await s.lastDigestDate('lark', 'c1', '2021-11-25')).toBe('2021-11-24');
    await db.destroy();
  });
});
