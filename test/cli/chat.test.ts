import { PassThrough } from 'node:stream';
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
});
