import { PassThrough } from 'node:stream';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChat } from '../../src/cli/chat.js';

describe('yaodian chat', () => {
  it('answers typed questions, remembers /unit, and quits', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += String(d)));
    stdin.end(['依申请公开有什么要求', '/unit 青田县财政局', '我局负责哪些任务', '/quit', '不会被回答'].join('\n') + '\n');
    expect(await runChat([], { stdin, stdout, stderr })).toBe(0);
    expect(out).toMatch(/依申请公开/);
    expect(out).toMatch(/已设置单位：青田县财政局/);
    expect(out).toMatch(/青田县财政局负责或参与的任务共\d+项/);
    expect(out).toMatch(/出处：/);
    expect(out).not.toMatch(/不会被回答/);
  });

  it('goes through the bot: 帮助 lists the commands, 今日摘要 uses the /unit and /today set, bindings last for the session', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += String(d)));
    stdin.end(['帮助', '/unit 旌德县财政局', '/today 2021-11-25', '今日摘要', '/unit', '今日摘要', '绑定 旌德县政府办', '我局负责哪些任务'].join('\n') + '\n');
    const dataDir = mkdtempSync(join(tmpdir(), 'yaodian-chat-'));
    try {
      expect(await runChat([], { stdin, stdout, stderr: new PassThrough() }, { DATA_DIR: dataDir })).toBe(0);
      // Never creates a store: the session's bindings live in memory.
      expect(existsSync(join(dataDir, 'yaodian.sqlite'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(out).toContain('常用命令：');
    expect(out).toMatch(/旌德县财政局 每日要点（2021-11-25）\n【7日内到期】1项/);
    expect(out).toContain('请先发送“绑定 单位名称”');
    expect(out).toContain('已将您的单位设为旌德县政府办');
    expect(out).toMatch(/旌德县政府办负责或参与的任务共\d+项/);
  });
});
