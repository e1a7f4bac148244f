/**
 * The same store on PostgreSQL: runs only when YAODIAN_TEST_DATABASE_URL points at a scratch database
 * (its tables are dropped first), e.g. postgres://yaodian@127.0.0.1:55432/yaodian_test.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore, MIGRATIONS, migrate } from '../../src/store/index.js';
import { plan } from '../helpers/plans.js';
import { checkConversations, checkDeliveryTransitions, checkSeenRoutesCards } from './contract.js';

const url = process.env['YAODIAN_TEST_DATABASE_URL'];

describe.skipIf(!url)('store on PostgreSQL', () => {
  it('migrates a fresh database idempotently and runs every query', async () => {
    const first = await openStore({ databaseUrl: url as string });
    for (const t of ['cards', 'chat_routes', 'seen_messages', 'uploads', 'removed_documents', 'conversations', 'digests', 'progress', 'chats', 'user_bindings', 'documents', 'kysely_migration', 'kysely_migration_lock']) {
      await sql`drop table if exists ${sql.table(t)}`.execute(first.db);
    }
    await first.close();
    const s = await openStore({ databaseUrl: url as string });
    try {
      expect(await migrate(s.db)).toEqual([]);
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(s.db);
      expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));

      await s.bindUser('lark', 'u1', '旌德县财政局');
      await s.bindUser('lark', 'u1', '旌德县政府办');
      expect(await s.unitOfUser('lark', 'u1')).toBe('旌德县政府办');

      await s.setChatUnit('lark', 'c1', '旌德县财政局', 'admin');
      await s.subscribe('lark', 'c1', '08:30', 'admin');
      expect(await s.subscriptions()).toEqual([{ platform: 'lark', chatId: 'c1', unit: '旌德县财政局', time: '08:30' }]);
      expect(await s.unsubscribe('lark', 'c1')).toBe(true);
      expect(await s.unsubscribe('lark', 'c1')).toBe(false);
      await s.setSubscription('zwdd', 'acc-1', '旌德县财政局', '07:30', 'api:admin');
      expect(await s.subscriptions()).toEqual([{ platform: 'zwdd', chatId: 'acc-1', unit: '旌德县财政局', time: '07:30' }]);
      expect((await s.subscribedChats()).map((c) => [c.chatId, c.updatedBy])).toEqual([['acc-1', 'api:admin']]);

      await s.setProgress({ file: 'a.txt', item: '一.3', unit: '旌德县财政局', status: '进行中', note: 'x' });
      await s.setProgress({ file: 'a.txt', item: '一.3', unit: '旌德县财政局', status: '已完成' });
      expect(await s.progressOf('旌德县财政局')).toMatchObject([{ status: '已完成', note: null }]);

      const p = plan('jd.txt', '旌德县', 2021, [['一.1', '做好财政信息公开。', ['县财政局'], ['2021-11-30']]]);
      expect(await s.addDocument({ file: 'jd.txt', hash: 'h', plan: p })).toBe(true);
      expect(await s.addDocument({ file: 'jd.txt', hash: 'h', plan: p })).toBe(false);
      expect((await s.plans())[0]?.file).toBe('jd.txt');

      await checkDeliveryTransitions(s);
      await checkSeenRoutesCards(s);
      await checkConversations(s);
    } finally {
      await s.close();
    }
  });
});
