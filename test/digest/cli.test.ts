import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIO as io } from '../helpers/io.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runDigest } from '../../src/cli/digest.js';
import { runLedger } from '../../src/cli/ledger.js';
import { main } from '../../src/cli/index.js';
import { openStore } from '../../src/store/index.js';


const SAMPLES = join(import.meta.dirname, '../../samples');
const SEEDS = join(import.meta.dirname, '../../../shared/seeds');
const JD = '2021-旌德县政务公开工作要点.txt';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const emptyDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'yaodian-cli-'));
  dirs.push(d);
  return d;
};

describe('yaodian digest', () => {
  it('lists 一.3 under dueSoon on 2021-11-25 and under overdue on 2021-12-02, every bucket in full', async () => {
    const env = { DATA_DIR: emptyDir() };
    const t = io();
    expect(await runDigest(['--json', '--unit', '旌德县财政局', '--today', '2021-11-25', '--docs', SAMPLES], t.io, env)).toBe(0);
    const j = JSON.parse(t.out());
    expect(j).toMatchObject({ unit: '旌德县财政局', date: '2021-11-25', overdue: [], ongoing: [], newItems: [] });
    expect(j.dueSoon.map((e: { item: string }) => e.item)).toEqual(['一.3']);
    expect(j.dueSoon[0]).toMatchObject({ file: JD, item: '一.3', title: '做好财政信息公开', deadlines: ['2021-11-30'], ref: '一（三）' });
    const t2 = io();
    await runDigest(['--json', '--unit', '旌德县财政局', '--today', '2021-12-02', '--docs', SAMPLES], t2.io, env);
    const j2 = JSON.parse(t2.out());
    expect(j2.overdue.map((e: { item: string }) => e.item)).toEqual(['一.3']);
    expect(j2.dueSoon).toEqual([]);
    // The data dir is only read, never created.
    expect(existsSync(join(env.DATA_DIR, 'yaodian.sqlite'))).toBe(false);
  });

  it.skipIf(!existsSync(SEEDS))('meets the acceptance check on the shared seeds', async () => {
    const t = io();
    await main(['digest', '--json', '--unit', '旌德县财政局', '--today', '2021-11-25', '--docs', SEEDS], t.io);
    expect(JSON.parse(t.out()).dueSoon.map((e: { item: string }) => e.item)).toContain('一.3');
  });

  it('prints the chat text without --json, and rejects unknown or ambiguous units', async () => {
    const env = { DATA_DIR: emptyDir() };
    const t = io();
    await runDigest(['--unit', '旌德县财政局', '--today', '2021-12-02', '--docs', SAMPLES], t.io, env);
    expect(t.out()).toContain('【逾期】1项');
    await expect(runDigest(['--unit', '旌德县财正局', '--docs', SAMPLES], io().io, env)).rejects.toThrow(/您是不是要找：旌德县财政局/);
    await expect(runDigest(['--unit', '县财政局', '--docs', SAMPLES], io().io, env)).rejects.toThrow(/多个地区/);
    await expect(runDigest(['--docs', SAMPLES], io().io, env)).rejects.toThrow(/--unit/);
  });

  it('uses progress from the store in DATA_DIR', async () => {
    const dir = emptyDir();
    const store = await openStore({ dataDir: dir });
    await store.setProgress({ file: JD, item: '一.3', unit: '旌德县财政局', status: '已完成', note: '已公开', by: 'lark:u1' });
    await store.close();
    const t = io();
    await runDigest(['--json', '--unit', '旌德县财政局', '--today', '2021-12-02', '--docs', SAMPLES], t.io, { DATA_DIR: dir });
    expect(JSON.parse(t.out()).overdue).toEqual([]);
    const l = io();
    await runLedger(['--unit', '旌德县财政局', '--csv', '--today', '2021-12-02', '--docs', SAMPLES], l.io, { DATA_DIR: dir });
    // The web page's CSV: BOM, CRLF, the same columns.
    const lines = l.out().split('\r\n');
    expect(lines[0]).toBe('\uFEFF文件,地区,条目,任务,责任单位,牵头,时限,最早到期日,状态,进展,进展说明,登记人,登记时间,来源文件,原文行号');
    expect(lines[1]).toMatch(/^旌德2021要点,旌德县,一（三）,做好财政信息公开,县财政局,,2021-11-30,2021-11-30,已完成,已完成,已公开,lark:u1,\d{4}-.*,2021-旌德县政务公开工作要点\.txt,\d+-\d+$/);
    expect(lines).toHaveLength(3);
  });

  it('neutralises formulas in the ledger CSV (a note beginning with =)', async () => {
    const dir = emptyDir();
    const store = await openStore({ dataDir: dir });
    await store.setProgress({ file: JD, item: '一.3', unit: '旌德县财政局', status: '进行中', note: '=HYPERLINK("http://x","点我")', by: 'lark:u1' });
    await store.close();
    const l = io();
    await runLedger(['--unit', '旌德县财政局', '--csv', '--docs', SAMPLES], l.io, { DATA_DIR: dir });
    expect(l.out()).toContain(`,进行中,"'=HYPERLINK(""http://x"",""点我"")",lark:u1,`);
  });
});

describe('yaodian ledger', () => {
  it('prints the unit ledger, all 未开始 without a store', async () => {
    const t = io();
    expect(await runLedger(['--unit', '青田县财政局', '--docs', SAMPLES], t.io, { DATA_DIR: emptyDir() })).toBe(0);
    expect(t.out()).toMatch(/^青田县财政局 台账：共2项（已完成0、进行中0、未开始2）/);
    const j = io();
    await main(['ledger', '--unit', '旌德县财政局', '--json', '--docs', SAMPLES], j.io);
    expect(JSON.parse(j.out()).rows[0]).toMatchObject({ item: '一.3' });
  });
});
