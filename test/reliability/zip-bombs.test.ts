/**
 * Zip bombs and office files cut short, uploaded to a running `yaodian serve` (the built server, its own process):
 * each is refused with a 422 in Chinese naming the file, the process's peak resident memory stays under 300 MB
 * above idle (VmHWM, reset before each upload), /healthz keeps answering within 1 s while the upload is parsed,
 * and the documents already loaded keep serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplesDir } from '../helpers/samples.js';
import { docxBomb, renamedMainPartBomb, truncated, xlsxBomb } from './bombs.js';
import { sampleDocuments } from './mutate.js';
import { startServerProcess, type ServerProcess, uploadBody, whileWorking } from './server-process.js';
import { figure, LONG, SKIP_QUICK } from './support.js';

const TOKEN = 'bomb-admin';
const MB = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'yaodian-bombs-'));
let server: ServerProcess;
let idle: number;

beforeAll(async () => {
  server = await startServerProcess({ env: { DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN }, args: ['--docs', samplesDir] });
  // Idle: started, the documents loaded, a few requests served.
  for (let i = 0; i < 3; i++) await fetch(`${server.url}api/documents`).then((r) => r.arrayBuffer());
  await new Promise((r) => setTimeout(r, 500));
  idle = server.rss();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Measured {
  status: number;
  message: string;
  peakAboveIdle: number;
  slowestHealthMs: number;
}

async function uploadMeasured(name: string, bytes: Buffer): Promise<Measured> {
  server.resetPeak();
  const { body, headers } = uploadBody(name, bytes);
  const w = await whileWorking(server, async () => {
    const r = await fetch(`${server.url}api/documents`, { method: 'POST', body, headers: { ...headers, authorization: `Bearer ${TOKEN}` } });
    return { status: r.status, json: (await r.json()) as { message?: string } };
  });
  const peak = Math.max(server.peakRss(), w.maxRss);
  return { status: w.result.status, message: w.result.json.message ?? '', peakAboveIdle: peak - idle, slowestHealthMs: w.slowestHealthMs };
}

const results: Record<string, Measured[]> = { bombs: [], truncated: [] };

describe.skipIf(SKIP_QUICK)('zip bombs', () => {
  const bombs: [string, () => Buffer][] = [
    ['炸弹.docx', () => docxBomb()],
    ['炸弹-谎报大小.docx', () => docxBomb({ lie: true })],
    ['炸弹-主文档改名.docx', () => renamedMainPartBomb({ lie: true })],
    ['炸弹.xlsx', () => xlsxBomb({ lie: true })],
    ['炸弹.wps', () => docxBomb({ lie: true })],
  ];

  for (const [name, build] of bombs) {
    it(`${name}: 422 in Chinese naming the file, bounded memory`, async () => {
      const m = await uploadMeasured(name, build());
      results['bombs']?.push(m);
      expect(m.status).toBe(422);
      expect(m.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}：.*(压缩炸弹|超过)`));
      expect(m.peakAboveIdle).toBeLessThan(300 * MB);
      if (LONG) expect(m.slowestHealthMs).toBeLessThan(1000);
    }, 120_000);
  }
});

describe.skipIf(SKIP_QUICK)('office files cut short', () => {
  it('each is refused or loads what it has, with bounded memory; none is a 5xx', async () => {
    const samples = (await sampleDocuments()).filter((s) => /\.(docx|xlsx|pdf|ofd)$/.test(s.name));
    for (const s of samples) {
      for (const fraction of LONG ? [0.05, 0.3, 0.6, 0.95] : [0.3, 0.9]) {
        const m = await uploadMeasured(`截断${Math.round(fraction * 100)}-${s.name}`, truncated(s.bytes, fraction));
        results['truncated']?.push(m);
        expect(m.status, `${s.name} at ${fraction}: ${m.message}`).toBeLessThan(500);
        expect([200, 201, 422]).toContain(m.status);
        expect(m.peakAboveIdle).toBeLessThan(300 * MB);
      }
    }
  }, 300_000);

  it('the documents loaded before keep serving', async () => {
    const list = (await (await fetch(`${server.url}api/documents`)).json()) as { documents: { source: string }[] };
    expect(list.documents.filter((d) => d.source === 'docs')).toHaveLength(5);
    const ask = await fetch(`${server.url}api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: '依申请公开有什么要求' }) });
    expect(ask.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });
});

afterAll(() => {
  const bombs = results['bombs'] ?? [];
  const cut = results['truncated'] ?? [];
  const mb = (n: number) => Math.round(n / MB);
  if (bombs.length) {
    figure('zip bombs', 'bombs uploaded / refused with 422', `${bombs.length} / ${bombs.filter((b) => b.status === 422).length}`);
    figure('zip bombs', 'idle RSS (MB)', mb(idle));
    figure('zip bombs', 'peak RSS above idle during a bomb upload (MB)', Math.max(...bombs.map((b) => mb(b.peakAboveIdle))), 'target < 300');
    figure('zip bombs', 'slowest /healthz during a bomb upload (ms)', Math.round(Math.max(...bombs.map((b) => b.slowestHealthMs))), 'target < 1000');
  }
  if (cut.length) {
    figure('zip bombs', 'truncated office files uploaded / refused / loaded', `${cut.length} / ${cut.filter((c) => c.status === 422).length} / ${cut.filter((c) => c.status < 300).length}`);
    figure('zip bombs', 'peak RSS above idle, truncated files (MB)', Math.max(...cut.map((c) => mb(c.peakAboveIdle))));
  }
});
