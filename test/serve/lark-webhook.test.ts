/**
 * `yaodian serve` end to end with LARK_MODE=webhook and LARK_DOMAIN at a local fake Open API: a signed,
 * encrypted question posted to the running server gets a card reply with the citation.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { larkEncrypt, larkSignature } from '../../adapters/lark/crypto.js';
import { startServer, type ServerHandle } from '../../adapters/serve.js';
import { silentLogger } from '../../src/logger.js';
import { startLarkFake, type LarkFake } from '../helpers/lark-fake.js';
import { eventually, samplesDir } from '../helpers/samples.js';

const fixture = JSON.parse(readFileSync(new URL('../adapters/fixtures/lark-message-group.json', import.meta.url), 'utf8'));
const ENCRYPT_KEY = 'serve-e2e-encrypt-key-0123456789';

let fake: LarkFake;
let server: ServerHandle;
const dataDir = mkdtempSync(join(tmpdir(), 'yaodian-serve-'));

beforeAll(async () => {
  fake = await startLarkFake();
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DIGEST_ENABLED: 'false',
    LARK_APP_ID: 'cli_9f5343c580712544',
    LARK_APP_SECRET: 'serve-e2e-app-secret',
    LARK_MODE: 'webhook',
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: fixture.header.token as string,
    LARK_DOMAIN: fake.url,
  };
  server = await startServer({ env, docsDir: samplesDir, logger: silentLogger() });
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function signed(body: unknown) {
  const payload = JSON.stringify({ encrypt: larkEncrypt(JSON.stringify(body), ENCRYPT_KEY) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'serve-e2e-nonce';
  return {
    method: 'POST',
    body: payload,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': larkSignature(timestamp, nonce, ENCRYPT_KEY, payload),
    },
  };
}

describe('yaodian serve with a Lark webhook', () => {
  it('answers a signed, encrypted event over HTTP with a card citing the item', async () => {
    const health = await (await fetch(new URL('/healthz', server.url))).json();
    expect(health).toMatchObject({ ok: true, adapters: ['web', 'lark'] });
    const event = structuredClone(fixture);
    event.header.event_id = `serve-e2e-${Date.now()}`;
    event.event.message.message_id = `om_serve_e2e_${Date.now()}`;
    event.event.message.content = JSON.stringify({ text: '@_user_1 依申请公开有什么要求' });
    const res = await fetch(new URL('/lark/events', server.url), signed(event));
    expect(res.status).toBe(200);
    const reply = await eventually(() => fake.calls.find((c) => c.path === 'reply'));
    expect(reply.messageId).toBe(event.event.message.message_id);
    expect(reply.body.msg_type).toBe('interactive');
    expect(reply.body.content).toMatch(/三（一）/);
    expect(reply.body.content).toMatch(/规范依申请公开工作/);
  });

  it('gives a forged request no answer', async () => {
    const before = fake.calls.length;
    const req = signed(structuredClone(fixture));
    req.headers['x-lark-signature'] = '0'.repeat(64);
    expect((await fetch(new URL('/lark/events', server.url), req)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.calls.length).toBe(before);
  });
});
