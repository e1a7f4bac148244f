/**
 * A platform's module (and its SDK) is loaded only when the platform is configured: with none configured, serve
 * loads none of them.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAdapters, planAdapters } from '../../adapters/registry.js';
import { silentLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';

const loaded = vi.hoisted(() => [] as string[]);
vi.mock('../../adapters/lark/index.js', async (actual) => {
  loaded.push('lark');
  return actual();
});
vi.mock('../../adapters/dingtalk/index.js', async (actual) => {
  loaded.push('dingtalk');
  return actual();
});
vi.mock('../../adapters/wechat/index.js', async (actual) => {
  loaded.push('wechat');
  return actual();
});

const deps = () => ({ logger: silentLogger(), http: createHttpServer({}, { logger: silentLogger() }) });

describe('platform modules', () => {
  it('are not loaded when no platform is configured', async () => {
    expect(await createAdapters(planAdapters({}), deps())).toEqual([]);
    expect(loaded).toEqual([]);
  });

  it('are loaded one by one, for the platforms configured', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const adapters = await createAdapters(planAdapters({ DINGTALK_ROBOT_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=abc' }), deps());
    expect(adapters.map((a) => a.platform)).toEqual(['dingtalk']);
    expect(loaded).toEqual(['dingtalk']);
    info.mockRestore();
  });
});
