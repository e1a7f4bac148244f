/**
 * One digest everywhere. For every unit named in the samples (plus a document added later, for 新增) and a spread
 * of dates, the web page's digest (GET /api/digest), the chat's 今日摘要 (a Lark group bound to the unit, on that
 * day) and `yaodian digest` print the same thing; and the web chat answers 今日摘要 and 帮助 as a group does.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../adapters/serve.js';
import { createApp, type App } from '../../src/app.js';
import { openCliApp } from '../../src/cli/app.js';
import { runDigest } from '../../src/cli/digest.js';
import { coreConfigSchema, loadConfig } from '../../src/config.js';
import { canonicalUnitName } from '../../src/ledger/units.js';
import { silentLogger } from '../../src/logger.js';
import type { Answer, IncomingMessage } from '../../src/model.js';
import { captureIO } from '../helpers/io.js';
import { samplesDir } from '../helpers/samples.js';

const DATES = ['2020-06-15', '2020-09-28', '2021-01-04', '2021-06-25', '2021-09-01', '2021-11-25', '2021-12-01', '2022-01-03'];
/** The day the extra document is added: its items are 新增 in every digest of that day. */
const ADDED_ON = '2021-12-01';
const LATER = '2022-旌德县政务公开工作要点.txt';

const root = mkdtempSync(join(tmpdir(), 'yaodian-everywhere-'));
const docs = join(root, 'docs');
const env = { DATA_DIR: join(root, 'data'), PORT: '0', HOST: '127.0.0.1', DIGEST_ENABLED: 'false', ADMIN_IDS: 'lark:ou_admin' };
let clock = new Date(`${ADDED_ON}T01:00:00Z`);
let server: ServerHandle;
let cli: App;
let units: string[];

/** Noon in Shanghai on a date. */
const noon = (date: string) => new Date(`${date}T12:00:00+08:00`);
let n = 0;
const group = (chatId: string, text: string, senderId = 'ou_admin'): IncomingMessage => ({ id: `m${++n}`, platform: 'lark', chatId, chatType: 'group', senderId, text, mentionedBot: true, time: clock.getTime() });

beforeAll(async () => {
  cpSync(samplesDir, docs, { recursive: true });
  // First start: the samples are the baseline. Then a later document is added, on ADDED_ON.
  const first = await createApp({ config: loadConfig(coreConfigSchema, env), logger: silentLogger(), mode: 'serve', docsDir: docs, now: () => clock });
  await first.close();
  writeFileSync(join(docs, LATER), readFileSync(join(docs, '2021-旌德县政务公开工作要点.txt'), 'utf8').replaceAll('2021', '2022'));
  server = await startServer({ env, docsDir: docs, logger: silentLogger(), platforms: false, now: () => clock });
  const bot = server.core.bot;
  // Some progress, recorded in chat: it must show (or hide the item) everywhere.
  await bot.handle({ ...group('oc_p', '绑定 旌德县财政局', 'ou_fin'), chatType: 'direct' });
  expect((await bot.handle({ ...group('oc_p', '完成 《旌德2021要点》一.3 已公开', 'ou_fin'), chatType: 'direct' }))?.text).toContain('已登记');
  await bot.handle({ ...group('oc_p', '绑定 旌德县政府办', 'ou_gov'), chatType: 'direct' });
  expect((await bot.handle({ ...group('oc_p', '进展 《旌德2021要点》三.2 正在整理', 'ou_gov'), chatType: 'direct' }))?.text).toContain('已登记');
  const dir = server.core.library.directory;
  units = [...new Set(dir.unitsOf().map((e) => canonicalUnitName({ region: e.region, local: e.names[0] as string, key: e.key, entry: e })))].sort();
  // The command line's own core (read-only, the same DATA_DIR and --docs), opened once for speed.
  cli = await openCliApp({ flags: new Set(), values: new Map([['docs', docs]]), positionals: [] }, captureIO().io, env);
}, 60_000);

afterAll(async () => {
  await cli?.close();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

async function cliDigest(unit: string, date: string, json: boolean): Promise<string> {
  const t = captureIO();
  const open = async () => ({ ...cli, close: async () => undefined });
  expect(await runDigest([...(json ? ['--json'] : []), '--unit', unit, '--today', date, '--docs', docs], t.io, env, open)).toBe(0);
  return t.out().trimEnd();
}

describe('one digest everywhere', () => {
  it('the web digest, the chat’s 今日摘要 and yaodian digest agree for every unit and date', { timeout: 120_000 }, async () => {
    expect(units.length).toBeGreaterThan(90);
    const bot = server.core.bot;
    let compared = 0;
    const buckets = { overdue: 0, dueSoon: 0, ongoing: 0, newItems: 0, categories: 0, inProgress: 0 };
    for (const [i, unit] of units.entries()) {
      const chat = `oc_unit_${i}`;
      expect((await bot.handle(group(chat, `本群绑定 ${unit}`)))?.text, unit).toContain(`本群的单位已设为${unit}`);
      for (const date of DATES) {
        clock = noon(date);
        const res = await server.app.inject({ url: `/api/digest?unit=${encodeURIComponent(unit)}&date=${date}` });
        expect(res.statusCode, `${unit} ${date}`).toBe(200);
        const { text: webText, ...web } = res.json();
        const chatAnswer = (await bot.handle(group(chat, '今日摘要'))) as Answer;
        expect(chatAnswer.intent).toBe('digest');
        expect(chatAnswer.text, `${unit} ${date}: web vs chat`).toBe(webText);
        expect(JSON.parse(await cliDigest(unit, date, true)), `${unit} ${date}: web vs cli json`).toEqual(web);
        expect(await cliDigest(unit, date, false), `${unit} ${date}: web vs cli text`).toBe(webText);
        compared++;
        buckets.overdue += web.overdue.length;
        buckets.dueSoon += web.dueSoon.length;
        buckets.ongoing += web.ongoing.length;
        buckets.newItems += web.newItems.length;
        buckets.categories += web.categories.overdue.length + web.categories.dueSoon.length;
        buckets.inProgress += [...web.overdue, ...web.dueSoon, ...web.ongoing].filter((e: { status: string }) => e.status === '进行中').length;
      }
    }
    expect(compared).toBe(units.length * DATES.length);
    // The comparison covered every kind of entry.
    for (const [bucket, count] of Object.entries(buckets)) expect(count, bucket).toBeGreaterThan(0);
  });

  it('a fresh `yaodian digest` process-equivalent (its own documents and store) prints the same', async () => {
    for (const [unit, date] of [['旌德县财政局', '2021-12-01'], ['旌德县政府办', '2021-06-25'], ['温州市鹿城区司法局', '2021-01-04']] as const) {
      clock = noon(date);
      const t = captureIO();
      expect(await runDigest(['--unit', unit, '--today', date, '--docs', docs], t.io, env)).toBe(0);
      const web = (await server.app.inject({ url: `/api/digest?unit=${encodeURIComponent(unit)}&date=${date}` })).json();
      expect(t.out().trimEnd()).toBe(web.text);
    }
  });

  it('follows the documented due-date rule where the two old copies disagreed', async () => {
    const digest = async (unit: string, date: string) => (await server.app.inject({ url: `/api/digest?unit=${encodeURIComponent(unit)}&date=${date}` })).json();
    const items = (entries: { item: string; file: string }[]) => entries.filter((e) => e.file.startsWith('2021-旌德')).map((e) => e.item);
    // 持续推进 with a date far ahead is ongoing (三.2: 2021-11-30 and 持续推进; 五.1 likewise).
    const jd = await digest('旌德县政府办', '2021-06-25');
    expect(items(jd.ongoing)).toEqual(expect.arrayContaining(['三.2', '五.1']));
    // A date in the text counts when the assignments give none: 2020年底前 makes 浙江 一.5 overdue in 2021.
    const zj = await digest('浙江省政府办公厅', '2021-01-04');
    expect(zj.overdue.map((e: { item: string; due: string }) => [e.item, e.due])).toContainEqual(['一.5', '2020-12-31']);
  });
});

describe('the web chat is a chat like the others', () => {
  const webAsk = async (payload: Record<string, string>) => {
    const r = await server.app.inject({ method: 'POST', url: '/api/ask', payload });
    expect(r.statusCode).toBe(200);
    return r.json() as Answer & { citations: { href: string }[] };
  };
  const strip = (a: Answer) => ({ intent: a.intent, text: a.text, followUps: a.followUps, citations: a.citations.map((c) => `${c.file}#${c.item}`) });

  it('answers 今日摘要 as a group bound to the same unit does, with the page’s unit or a 绑定', async () => {
    for (const [unit, date] of [['旌德县财政局', '2021-11-25'], ['旌德县政府办', '2021-12-01'], ['青田县司法局', '2021-09-01']] as const) {
      clock = noon(date);
      const chat = `oc_${unit}`;
      await server.core.bot.handle(group(chat, `本群绑定 ${unit}`));
      const inGroup = strip((await server.core.bot.handle(group(chat, '今日摘要'))) as Answer);
      expect(inGroup.intent).toBe('digest');
      expect(strip(await webAsk({ q: '今日摘要', unit, today: date }))).toEqual(inGroup);
      const browser = `page-${unit.length}-${date}`;
      expect((await webAsk({ q: `绑定 ${unit}`, chat: browser, today: date })).text).toContain(`已将您的单位设为${unit}`);
      expect(strip(await webAsk({ q: '今日摘要', chat: browser, today: date }))).toEqual(inGroup);
    }
  });

  it('answers 帮助 as a group does, commands included', async () => {
    clock = noon('2021-11-25');
    const inGroup = strip((await server.core.bot.handle(group('oc_help', '帮助', 'ou_nobody'))) as Answer);
    expect(inGroup.text).toContain('常用命令');
    expect(inGroup.text).toContain('今日摘要');
    expect(strip(await webAsk({ q: '帮助' }))).toEqual(inGroup);
    expect(strip(await webAsk({ q: '/帮助', chat: 'someone-new' }))).toEqual(inGroup);
  });

  it('without a unit, 今日摘要 asks for a binding on the page as in a group', async () => {
    const inGroup = (await server.core.bot.handle(group('oc_unbound', '今日摘要', 'ou_nobody'))) as Answer;
    expect(inGroup.text).toContain('请先发送“绑定 单位名称”');
    expect((await webAsk({ q: '今日摘要', chat: 'nobody-here' })).text).toBe(inGroup.text);
  });
});
