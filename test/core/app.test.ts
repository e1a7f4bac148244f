import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { coreConfigSchema, loadConfig } from '../../src/config.js';
import type { DigestSender } from '../../src/digest/schedule.js';
import { silentLogger } from '../../src/logger.js';
import type { Answer, IncomingMessage } from '../../src/model.js';
import { samplesDir } from '../helpers/samples.js';

describe('the composition root', () => {
  it('serve: opens the store in DATA_DIR, records documents, and wires commands, bindings and the scheduler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-app-'));
    try {
      let now = new Date('2021-11-25T00:00:00Z');
      const config = loadConfig(coreConfigSchema, { DATA_DIR: dir, ADMIN_IDS: 'lark:ou_admin', DIGEST_PACE_MS: '0' });
      const app = await createApp({ config, logger: silentLogger(), mode: 'serve', docsDir: samplesDir, now: () => now });
      expect((await app.store.documents()).length).toBe(app.library.plans().length);
      const sent: Answer[] = [];
      const lark: DigestSender = { platform: 'lark', async send(_c, a) { sent.push(a); } };
      app.senders.set('lark', lark);
      const m = (id: string, text: string, senderId = 'ou_admin'): IncomingMessage => ({ id, platform: 'lark', chatId: 'oc_1', chatType: 'group', senderId, text, mentionedBot: true, time: 0 });
      expect((await app.bot.handle(m('1', '本群绑定 旌德县财政局')))?.text).toContain('本群的单位已设为旌德县财政局');
      expect((await app.bot.handle(m('2', '订阅 每天 8:30')))?.text).toContain('08:30');
      now = new Date('2021-11-25T00:31:00Z');
      await app.scheduler.tick();
      expect(sent.map((a) => a.intent)).toEqual(['digest']);
      // The documents found at the first start are the baseline, not 新增.
      expect(sent[0]?.text).not.toContain('【新增】');
      expect((await app.store.digest('lark', 'oc_1', '2021-11-25'))?.state).toBe('sent');
      // An upload is recorded by itself (by 'upload', at its time), a replacement of the same text is not again.
      const text = readFileSync(join(samplesDir, '2021-旌德县政务公开工作要点.txt'), 'utf8').replace('2021年', '2022年');
      await app.library.put('旌德2022.txt', Buffer.from(text));
      await app.library.put('旌德2022.txt', Buffer.from(text));
      const recorded = (await app.store.documents()).filter((d) => d.file === '旌德2022.txt');
      expect(recorded).toEqual([expect.objectContaining({ addedBy: 'upload', addedAt: now.toISOString() })]);
      expect((await app.store.documents()).length).toBe(app.library.plans().length);
      await app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('read: never creates a store, keeps bindings in memory, and records no documents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-app-'));
    try {
      const config = loadConfig(coreConfigSchema, { DATA_DIR: dir });
      const app = await createApp({ config, logger: silentLogger(), mode: 'read', docsDir: samplesDir });
      const m: IncomingMessage = { id: 'c1', platform: 'cli', chatId: 'cli', chatType: 'direct', senderId: 'cli', text: '绑定 旌德县财政局', mentionedBot: true, time: 0 };
      expect((await app.bot.handle(m))?.text).toContain('已将您的单位设为旌德县财政局');
      expect(await app.store.unitOfUser('cli', 'cli')).toBe('旌德县财政局');
      expect(await app.store.documents()).toEqual([]);
      await app.close();
      expect(existsSync(join(dir, 'yaodian.sqlite'))).toBe(false);
      expect(existsSync(join(dir, 'documents'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops on a bad setting with the variable named, before opening anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-app-'));
    try {
      const config = loadConfig(coreConfigSchema, { DATA_DIR: dir, ADMIN_IDS: 'ou_nobody' });
      await expect(createApp({ config, logger: silentLogger(), mode: 'serve', docsDir: samplesDir })).rejects.toThrow(/ADMIN_IDS/);
      expect(existsSync(join(dir, 'yaodian.sqlite'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redeliveries', () => {
  it('a chat platform’s message id is kept in the store; the console’s and the page’s ids are not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-app-'));
    try {
      const config = loadConfig(coreConfigSchema, { DATA_DIR: dir });
      const m = (platform: IncomingMessage['platform'], id: string): IncomingMessage => ({ id, platform, chatId: 'c', chatType: 'direct', senderId: 'u', text: '有哪些文件', mentionedBot: true, time: 0 });
      for (const round of [1, 2]) {
        const app = await createApp({ config, logger: silentLogger(), mode: 'serve', docsDir: samplesDir });
        expect(await app.bot.handle(m('lark', 'om_same')), `round ${round}`).toEqual(round === 1 ? expect.objectContaining({ intent: expect.any(String) }) : undefined);
        expect(await app.bot.handle(m('cli', 'cli-1-1')), `round ${round}`).toBeDefined();
        expect(await app.bot.handle(m('cli', 'cli-1-1'))).toBeUndefined();
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
