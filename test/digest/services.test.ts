import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnswerer } from '../../src/answer/index.js';
import { createBot } from '../../src/bot.js';
import { coreConfigSchema, loadConfig } from '../../src/config.js';
import { createDigestServices } from '../../src/digest/services.js';
import type { DigestSender } from '../../src/digest/schedule.js';
import { silentLogger } from '../../src/logger.js';
import type { Answer, IncomingMessage } from '../../src/model.js';
import { loadDirectory } from '../../src/parse/index.js';

describe('digest services (serve wiring)', () => {
  it('opens the store in DATA_DIR, records documents, and wires commands, bindings and the scheduler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-svc-'));
    try {
      const engine = createAnswerer((await loadDirectory(join(import.meta.dirname, '../../samples'))).plans);
      const sent: Answer[] = [];
      const lark: DigestSender = { platform: 'lark', async send(_c, a) { sent.push(a); } };
      let now = new Date('2021-11-25T00:00:00Z');
      const config = loadConfig(coreConfigSchema, { DATA_DIR: dir, ADMIN_IDS: 'lark:ou_admin', DIGEST_PACE_MS: '0' });
      const svc = await createDigestServices({ engine, adapters: new Map([['lark', lark]]), logger: silentLogger(), config, clock: () => now });
      expect((await svc.store.documents()).length).toBe(engine.plans().length);
      const bot = createBot({ engine, logger: silentLogger(), commands: svc.commands, bindings: svc.bindings, now: () => now });
      const m = (id: string, text: string, senderId = 'ou_admin'): IncomingMessage => ({ id, platform: 'lark', chatId: 'oc_1', chatType: 'group', senderId, text, mentionedBot: true, time: 0 });
      expect((await bot.handle(m('1', '本群绑定 旌德县财政局')))?.text).toContain('本群的单位已设为旌德县财政局');
      expect((await bot.handle(m('2', '订阅 每天 8:30')))?.text).toContain('08:30');
      now = new Date('2021-11-25T00:31:00Z');
      await svc.scheduler.tick();
      expect(sent.map((a) => a.intent)).toEqual(['digest']);
      // The documents found at the first start are the baseline, not 新增.
      expect(sent[0]?.text).not.toContain('【新增】');
      await svc.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
