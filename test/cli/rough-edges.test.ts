/**
 * The command line as a newcomer meets it: output piped into `head` stops quietly (no EPIPE stack trace), `parse`
 * takes a folder, `ingest` names each file once per line, `chat` refuses a unit several regions have and says
 * which ones.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runChat } from '../../src/cli/chat.js';
import { main } from '../../src/cli/index.js';
import { captureIO } from '../helpers/io.js';
import { samplesDir } from '../helpers/samples.js';
import { ENTRY, requireBuild, ROOT } from '../reliability/server-process.js';

describe('output into a pipe that closes early', () => {
  it('`parse … | head -1` ends quietly: no EPIPE stack trace, exit 0', async () => {
    requireBuild();
    const child = spawn(process.execPath, [ENTRY, 'parse', samplesDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    // Read the first chunk, then close the reading end, as head does after its first line.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('a stream that fails with EPIPE mid-command is left alone; the command finishes', async () => {
    const cap = captureIO();
    let writes = 0;
    const stdout = new PassThrough();
    stdout.write = ((_chunk: unknown) => {
      writes++;
      if (writes === 2) {
        stdout.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        return false;
      }
      return true;
    }) as typeof stdout.write;
    const code = await main(['parse', samplesDir], { ...cap.io, stdout });
    expect(code).toBe(0);
    expect(cap.err()).toBe('');
    // Nothing more was attempted on the closed stream.
    expect(writes).toBe(2);
  });
});

describe('parse DIR', () => {
  it('reads the documents in the folder, in name order', async () => {
    const cap = captureIO();
    expect(await main(['parse', '--json', samplesDir], cap.io)).toBe(0);
    const files = cap
      .out()
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { file: string }).file);
    expect(files).toEqual([
      '2020-浙江省政务公开工作要点.txt',
      '2020-温州市鹿城区政务公开工作要点.txt',
      '2021-义乌市政务公开工作要点.txt',
      '2021-旌德县政务公开工作要点.txt',
      '2021-青田县政务公开工作要点.txt',
    ]);
    expect(cap.err()).toBe('');
  });

  it('a folder with no documents is an error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-parse-'));
    try {
      writeFileSync(join(dir, 'README.md'), '说明');
      const cap = captureIO();
      expect(await main(['parse', dir], cap.io)).toBe(1);
      expect(cap.err()).toContain(`错误：目录中没有可读取的文件（支持 .txt、.md`);
      expect(cap.err()).toContain(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ingest', () => {
  it('names each file once per line, in errors and in warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaodian-ingest-'));
    try {
      copyFileSync(join(samplesDir, '2021-旌德县政务公开工作要点.txt'), join(dir, '2021-旌德县政务公开工作要点.txt'));
      writeFileSync(join(dir, '空.txt'), '');
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, '无标题.txt'), '一、总体要求\n（一）做好测试工作。\n');
      const cap = captureIO();
      await main(['ingest', dir], cap.io);
      const lines = [...cap.out().split('\n'), ...cap.err().split('\n')];
      for (const file of ['空.txt', '无标题.txt', '2021-旌德县政务公开工作要点.txt']) {
        for (const line of lines) expect(line.split(file).length - 1, line).toBeLessThanOrEqual(1);
      }
      expect(cap.out()).toContain('✗ 空.txt：文件为空');
      expect(cap.out()).toMatch(/提示：没有找到工作要点的标题/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('chat /unit', () => {
  async function chat(lines: string[], argv: string[] = []): Promise<{ code: number; out: string }> {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += String(d)));
    stdin.end(`${lines.join('\n')}\n`);
    const code = await runChat(argv, { stdin, stdout, stderr: new PassThrough() });
    return { code, out };
  }

  it('a name several regions have is refused with the choices, and the unit stays as it was', async () => {
    const { out } = await chat(['/unit 县财政局', '我局负责哪些任务', '/unit 青田县财政局', '/unit 县财政局']);
    expect(out).toMatch(/多个地区都有“县财政局”：.*青田县财政局.*旌德县财政局|多个地区都有“县财政局”：.*旌德县财政局.*青田县财政局/);
    expect(out).not.toContain('已设置单位：县财政局');
    expect(out).toContain('请先告诉我您的单位');
    expect(out).toContain('已设置单位：青田县财政局');
  });

  it('an alias is set as the documents name the unit; an unknown one is refused', async () => {
    const { out } = await chat(['/unit 青田县政府办公室', '/unit 青田县不存在局']);
    expect(out).toContain('已设置单位：青田县府办');
    expect(out).toMatch(/没有找到单位“青田县不存在局”/);
  });

  it('--unit with a name several regions have stops with the choices', async () => {
    await expect(chat(['/quit'], ['--unit', '县财政局'])).rejects.toThrow(/多个地区都有“县财政局”/);
  });
});
