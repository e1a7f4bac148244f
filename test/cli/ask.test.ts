import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIO as io } from '../helpers/io.js';
import { sampleDocument } from '../helpers/documents.js';
import { runAsk } from '../../src/cli/ask.js';


describe('yaodian ask', () => {
  it('answers one question as JSON with --json', async () => {
    const t = io();
    expect(await runAsk(['--json', '依申请公开有什么要求'], t.io)).toBe(0);
    const a = JSON.parse(t.out());
    expect(a.intent).toBe('topic');
    expect(a.citations[0].file).toMatch(/\.txt$/);
    expect(a.citations[0].item).toMatch(/^[一二三四五六七八九十]+\.\d+$/);
  });

  it('prints the text without --json', async () => {
    const t = io();
    await runAsk(['帮助'], t.io);
    expect(t.out()).toMatch(/要点助手/);
  });

  it('reads JSON lines from stdin and answers each in order, with per-line unit and today', async () => {
    const lines = [
      { q: '我局负责哪些任务', unit: '青田县财政局' },
      { q: '逾期的任务', today: '2021-10-01' },
      { q: '有哪些文件' },
    ];
    const t = io(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect(await runAsk(['--json'], t.io)).toBe(0);
    const answers = t.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(answers.map((a) => a.intent)).toEqual(['unit_tasks', 'deadline', 'documents']);
    expect(answers[0].citations.length).toBeGreaterThan(0);
    for (const c of answers[1].citations) expect(c.deadlines.some((d: string) => d < '2021-10-01')).toBe(true);
  });

  it('reads the same formats as serve: an .html page in --docs is asked about like a .txt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-ask-'));
    const paragraphs = sampleDocument().split('\n').filter(Boolean).map((l) => `<p>${l}</p>`).join('');
    writeFileSync(join(dir, '要点.html'), `<html><body><nav>首页 | 政务公开</nav><article>${paragraphs}</article></body></html>`);
    const t = io();
    expect(await runAsk(['--json', '--docs', dir, '依申请公开有什么要求'], t.io)).toBe(0);
    const answer = JSON.parse(t.out());
    expect(answer.citations[0]).toMatchObject({ file: '要点.html', item: '三.1' });
  });

  it('rejects a malformed --today', async () => {
    await expect(runAsk(['--today', '2021/10/01', '逾期的任务'], io().io)).rejects.toThrow(/YYYY-MM-DD/);
    await expect(runAsk(['--today', '2021-02-30', '逾期的任务'], io().io)).rejects.toThrow(/YYYY-MM-DD/);
  });
});
