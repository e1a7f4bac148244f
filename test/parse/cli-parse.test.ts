/**
 * `yaodian parse` loads every format through the one loader, reports the format and where each item starts, reads
 * extra task-table header words from a file, and names a file it cannot read.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runParse } from '../../src/cli/parse.js';
import { captureIO } from '../helpers/io.js';
import { makeDocument } from '../helpers/documents.js';
import { layoutModel, printBlocks } from '../helpers/layouts.js';
import { writePdf } from '../helpers/pdf-writer.js';
import { typeset } from '../helpers/typeset.js';
import { parseText } from '../../src/parse/index.js';

const text = makeDocument({
  sections: [
    { title: '强化政策解读', items: ['做好重大政策解读。围绕决策部署开展解读。（县府办牵头，各行政机关负责）', '规范依申请公开。编制办理指引。（县司法局负责）'] },
    { title: '夯实基层基础', items: ['推进基层公开标准化。完善事项目录。（各乡镇负责，2021年11月底前完成）'] },
  ],
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yd-parse-'));
  await writeFile(join(dir, 'a.pdf'), writePdf(typeset(printBlocks(layoutModel(parseText(text, 'a.txt'))), { header: '测试' })));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('任务');
  ws.addRows([
    ['2021年青田县政务公开工作要点'],
    ['序号', '工作任务', '责任单位', '完成时限'],
    ['一、强化政策解读'],
    [1, '做好重大政策解读', '县府办', '2021年9月底'],
    [2, '规范依申请公开', '县司法局', '持续推进'],
    [3, '推进数据开放', '县大数据局（牵头）、县府办、各乡镇(配合)', '三季度'],
  ]);
  ws.mergeCells('A1:D1');
  ws.mergeCells('A3:D3');
  await writeFile(join(dir, 'b.xlsx'), Buffer.from(await wb.xlsx.writeBuffer()));
  await writeFile(
    join(dir, 'c.md'),
    ['2021年测试县政务公开工作要点', '', '| 编号 | 要做的事 | 谁来做 | 啥时候 |', '| --- | --- | --- | --- |', '| 1 | 做好政策解读 | 县府办 | 2021年9月底 |'].join('\n'),
  );
  await writeFile(join(dir, 'headers.json'), JSON.stringify({ title: ['要做的事'], units: ['谁来做'], deadline: ['啥时候'] }));
  await writeFile(join(dir, 'bad-headers.json'), JSON.stringify({ 任务: ['要做的事'] }));
  await writeFile(join(dir, 'd.pptx'), 'x');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function parse(...argv: string[]) {
  const c = captureIO();
  const code = await runParse(argv, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('yaodian parse --json', () => {
  it('reports the format and the page each item starts on for a PDF', async () => {
    const r = await parse('--json', join(dir, 'a.pdf'));
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out);
    expect(plan.format).toBe('pdf');
    expect(plan.items.map((i: { id: string }) => i.id)).toEqual(['一.1', '一.2', '二.1']);
    for (const item of plan.items) {
      expect(item.source.page).toBeGreaterThanOrEqual(2);
      expect(plan.items[0].source.line).toBeGreaterThan(0);
    }
    expect(plan.items[2]).toMatchObject({ units: ['各乡镇'], deadlines: ['2021-11-30'] });
  });

  it('reports the sheet and row of each item of a workbook', async () => {
    const plan = JSON.parse((await parse('--json', join(dir, 'b.xlsx'))).out);
    expect(plan.format).toBe('xlsx');
    expect(plan.title).toBe('2021年青田县政务公开工作要点');
    expect(plan.items.map((i: { source: unknown }) => i.source)).toEqual([
      { line: 4, sheet: '任务', row: 4 },
      { line: 5, sheet: '任务', row: 5 },
      { line: 6, sheet: '任务', row: 6 },
    ]);
    expect(plan.items[1]).toMatchObject({ id: '一.2', printed: '2', title: '规范依申请公开', units: ['县司法局'], deadlines: ['持续推进'] });
    // Names marked （牵头） in a unit cell lead; a quarter without a year is the work year's.
    expect(plan.items[2]).toMatchObject({ units: ['县大数据局', '县府办', '各乡镇'], leadUnits: ['县大数据局'], deadlines: ['2021-09-30'] });
  });

  it('reads a table with unusual headers once their words are given', async () => {
    const without = await parse('--json', join(dir, 'c.md'));
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/c\.md：没有识别到工作要点的条目/);
    const withWords = await parse('--json', '--table-headers', join(dir, 'headers.json'), join(dir, 'c.md'));
    expect(JSON.parse(withWords.out).items[0]).toMatchObject({ title: '做好政策解读', units: ['县府办'], deadlines: ['2021-09-30'] });
  });

  it('names a headers file with an unknown role, and a file it cannot read', async () => {
    await expect(parse('--table-headers', join(dir, 'bad-headers.json'), join(dir, 'c.md'))).rejects.toThrow(/未知的列角色 任务/);
    const r = await parse(join(dir, 'd.pptx'), join(dir, 'b.xlsx'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/d\.pptx：不支持的文件类型.*\.ofd/);
    expect(r.out).toMatch(/《2021年青田县政务公开工作要点》/);
    expect(r.out).toMatch(/工作表“任务”第4行/);
  });
});
