/** Questions about progress and facts through the bot, over a store with recorded progress and a fixed today. */
import ExcelJS from 'exceljs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import type { IncomingMessage } from '../../src/model.js';
import { memoryCore, type TestCore } from '../helpers/core.js';
import { sampleEngine } from '../helpers/samples.js';

let engine: Answerer;
let core: TestCore;
beforeAll(async () => {
  engine = await sampleEngine();
});
afterEach(async () => {
  await core?.close();
});

let n = 0;
const ask = (text: string, over: Partial<IncomingMessage> = {}) =>
  core.bot.handle({ id: `p${++n}`, platform: 'web', chatId: 'page', chatType: 'direct', senderId: 'page', text, mentionedBot: true, time: 0, today: '2021-11-20', ...over });
const jd = () => engine.plans().find((p) => p.title.includes('旌德'))!;

describe('progress', () => {
  it('我局今年任务完成得怎么样: numbers first from the deadlines and the recorded progress', async () => {
    core = await memoryCore(engine);
    const plan = jd();
    // 旌德县政府办 has 四.1 and 四.2 overdue on 2021-11-20 (2021-09-30); record 四.1 done.
    await core.store.setProgress({ file: plan.file, item: '四.1', unit: '旌德县政府办', status: '已完成', by: 'test' });
    const a = await ask('我局今年任务完成得怎么样', { unit: '旌德县政府办' });
    const mine = plan.items.filter((i) => i.units.includes('县政府办'));
    expect(a?.text).toMatch(new RegExp(`^旌德县政府办共${mine.length}项任务：已完成1项，已逾期1项`));
    // The overdue item still open is the one cited.
    expect(a?.citations.map((c) => c.item)).toEqual(['四.2']);
  });

  it('各单位完成情况 ranks units with their figures; 哪些单位逾期最多 ranks by overdue', async () => {
    core = await memoryCore(engine);
    const all = await ask('各单位完成情况');
    expect(all?.text).toMatch(/^共\d+项任务：/);
    expect(all?.text).toMatch(/各单位完成情况：\n1\. /);
    const worst = await ask('旌德县哪些单位逾期最多');
    expect(worst?.text).toMatch(/逾期最多的单位：\n1\. 旌德县政府办 \d+项：已逾期2项/);
  });

  it('最近有什么要做的: the asker’s unit’s overdue and soon-due items, as its digest', async () => {
    core = await memoryCore(engine);
    const a = await ask('最近有什么要做的', { unit: '旌德县政府办' });
    expect(a?.intent).toBe('agenda');
    expect(a?.text).toMatch(/近期要做的（2021-11-20）/);
    expect(a?.text).toMatch(/【逾期】2项/);
    const named = await ask('旌德县政府办最近有什么要做的');
    expect(named?.text).toBe(a?.text);
  });
});

describe('facts and exports', () => {
  it('印发日期, 文号, how many items, the outline of the latest documents', async () => {
    core = await memoryCore(engine);
    const plan = jd();
    expect((await ask('旌德要点是哪天印发的'))?.text).toContain(plan.issuedDate!.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日'));
    expect((await ask('旌德要点的文号是多少'))?.text).toContain(plan.docNumber!);
    expect((await ask('旌德县的要点一共有几项任务'))?.text).toMatch(new RegExp(`共${plan.items.length}项`));
    const outline = await ask('今年政务公开重点是什么');
    for (const p of engine.plans()) expect(outline?.text).toContain(p.sections[0]!.title);
  });

  it('导出成表格: the answer carries a spreadsheet of exactly its items', async () => {
    core = await memoryCore(engine);
    const a = await ask('青田县府办牵头的任务导出成表格');
    expect(a?.file?.name).toMatch(/\.xlsx$/);
    const xlsx = await core.ledger.exportXlsx(a!.file!, '2021-11-20');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('任务台账')!;
    const refs = new Set<string>();
    sheet.eachRow((row, i) => {
      if (i > 1) refs.add(String(row.getCell(3).value));
    });
    expect([...refs].sort()).toEqual(a!.citations.map((c) => c.ref).sort());
    expect(a?.citations.every((c) => c.leadUnits.includes('县府办'))).toBe(true);
  });
});
