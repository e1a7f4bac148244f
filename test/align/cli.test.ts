import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAlign } from '../../src/cli/align.js';
import { main } from '../../src/cli/index.js';
import { captureIO as io } from '../helpers/io.js';
import { samplesDir } from '../helpers/samples.js';
import { SAMPLE } from './derive.js';

const path = (name: string) => join(samplesDir, name);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'yaodian-align-'));
  dirs.push(d);
  return d;
};

interface Out {
  pairs: { a: string; b: string; score: number; kind: string; why: { a: string; b: string }; aTitle: string; bTitle: string }[];
  onlyA: string[];
  onlyB: string[];
  relation: { kind: string; above?: string; text: string };
  a: { file: string; short: string };
  b: { file: string; short: string };
}

async function alignJson(a: string, b: string): Promise<Out> {
  const t = io();
  expect(await runAlign(['--json', a, b], t.io)).toBe(0);
  return JSON.parse(t.out()) as Out;
}

describe('yaodian align --json', () => {
  it('prints the contract: pairs {a, b, score, why}, onlyA, onlyB, every item of both documents accounted for', async () => {
    const out = await alignJson(path(SAMPLE.zhejiang), path(SAMPLE.lucheng));
    expect(out.a).toMatchObject({ file: SAMPLE.zhejiang, short: '浙江' });
    expect(out.b).toMatchObject({ file: SAMPLE.lucheng, short: '鹿城' });
    expect(out.relation).toMatchObject({ kind: 'above', above: 'a' });
    expect(out.pairs.length).toBeGreaterThan(10);
    for (const p of out.pairs) {
      expect(p.a).toMatch(/^[一二三四五六七八九十]+\.\d+$/);
      expect(p.b).toMatch(/^[一二三四五六七八九十]+\.\d+$/);
      expect(p.score).toBeGreaterThan(0);
      expect(p.score).toBeLessThanOrEqual(1);
      expect(p.why.a.length).toBeGreaterThan(0);
      expect(p.why.b.length).toBeGreaterThan(0);
    }
    // The example of the issue: 浙江 一.2 is carried out by two 鹿城 items.
    expect(out.pairs.filter((p) => p.a === '一.2').map((p) => p.b).sort()).toEqual(['一.1', '一.3']);
    // Every item is either paired or listed as without counterpart, never both.
    const pairedA = new Set(out.pairs.map((p) => p.a));
    const pairedB = new Set(out.pairs.map((p) => p.b));
    expect(out.onlyA.some((id) => pairedA.has(id))).toBe(false);
    expect(out.onlyB.some((id) => pairedB.has(id))).toBe(false);
    expect(pairedA.size + out.onlyA.length).toBe(20 - 4); // 浙江 has 16 items
    expect(pairedB.size + out.onlyB.length).toBe(20);
  });

  it('reads any format the ingest loader reads: an .html page gives the same alignment as its .txt', async () => {
    const dir = tempDir();
    const lines = readFileSync(path(SAMPLE.yiwu), 'utf8').split('\n');
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>义乌</title></head><body>${lines.map((l) => `<p>${l}</p>`).join('\n')}</body></html>`;
    const page = join(dir, 'yiwu.html');
    writeFileSync(page, html);
    const fromTxt = await alignJson(path(SAMPLE.qingtian), path(SAMPLE.yiwu));
    const fromHtml = await alignJson(path(SAMPLE.qingtian), page);
    expect(fromHtml.pairs.map((p) => `${p.a}→${p.b}`)).toEqual(fromTxt.pairs.map((p) => `${p.a}→${p.b}`));
    expect(fromHtml.onlyA).toEqual(fromTxt.onlyA);
    expect(fromHtml.relation.kind).toBe('peer');
  });
});

describe('yaodian align (text)', () => {
  it('prints a Chinese 对照表: A’s items in order with B’s matching items and scores, then the gap lists', async () => {
    const t = io();
    expect(await main(['align', path(SAMPLE.zhejiang), path(SAMPLE.lucheng)], t.io)).toBe(0);
    const text = t.out();
    expect(text).toContain('上下级对照');
    expect(text).toMatch(/浙江 一（二） 动态调整、及时公开权责清单和行政规范性文件\n\s+→ 鹿城 一、第1条 加强权力配置信息公开（相似度 0\.\d\d，分项对应）/);
    expect(text).toMatch(/二、鹿城缺项（浙江有、鹿城无）：\n\s+浙江 四（四） 推动政府公报创新发展/);
    expect(text).toMatch(/三、鹿城自有（鹿城有、浙江无）：\n\s+鹿城 四、第17条 推进政府信息公开查阅点标准化规范化建设/);
    expect(text.indexOf('浙江 一（一）')).toBeLessThan(text.indexOf('浙江 二（一）'));
  });

  it('writes the 对照表 as xlsx with --xlsx', async () => {
    const out = join(tempDir(), '对照表.xlsx');
    const t = io();
    expect(await main(['align', '--xlsx', out, path(SAMPLE.qingtian), path(SAMPLE.jingde)], t.io)).toBe(0);
    expect(t.err()).toContain(out);
    expect(readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK');
  });
});

describe('yaodian align with bad input', () => {
  it('names the missing file, asks for two files, and names an unreadable one, without crashing', async () => {
    const t = io();
    expect(await main(['align', path(SAMPLE.qingtian), '/nonexistent/要点.txt'], t.io)).toBe(2);
    expect(t.err()).toContain('错误：找不到文件：/nonexistent/要点.txt');

    const t2 = io();
    expect(await main(['align', path(SAMPLE.qingtian)], t2.io)).toBe(2);
    expect(t2.err()).toContain('用法：yaodian align');

    const empty = join(tempDir(), 'empty.txt');
    writeFileSync(empty, '');
    const t3 = io();
    expect(await main(['align', empty, path(SAMPLE.qingtian)], t3.io)).toBe(2);
    expect(t3.err()).toMatch(/错误：.*empty\.txt/);
    await expect(runAlign([empty, path(SAMPLE.qingtian)], io().io)).rejects.toMatchObject({ code: 'FILE_EMPTY' });

    const t4 = io();
    expect(await main(['align', '--xlsx'], t4.io)).toBe(2);
    expect(t4.err()).toContain('--xlsx');
  });
});
