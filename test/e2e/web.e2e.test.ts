/**
 * End to end in headless Chromium against the real server on 127.0.0.1 and a free port: ask, open a citation,
 * upload a .docx and find its items in the ledger, the same at phone width. Saves docs/screenshots/chat.png and
 * ledger.png. Without /usr/bin/chromium: fails under CI (which installs it), skips elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type ServerHandle } from '../../adapters/serve.js';
import { silentLogger } from '../../src/logger.js';
import { buildDocx, sampleDocxParagraphs } from '../ingest/docx-builder.js';
import { parseDocument } from '../../src/ingest/index.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE = existsSync(CHROMIUM);
const SHOTS = join(import.meta.dirname, '../../docs/screenshots');
const TOKEN = 'e2e-token';

/** A Chinese font (fonts-noto-cjk): without one, PDFs print tofu and screenshots are unreadable. */
function hasCjkFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}
const CJK = hasCjkFont();
if (!CJK) console.warn('[e2e] no Chinese font (apt-get install -y fonts-noto-cjk): PDF test skipped, screenshots not saved');

async function shot(page: Page, name: string) {
  if (CJK) await page.screenshot({ path: join(SHOTS, name) });
}

if (!HAVE) {
  if (process.env['CI']) {
    describe('web e2e', () => {
      it('needs Chromium', () => {
        throw new Error(`${CHROMIUM} is missing; CI must install chromium (apt-get install -y chromium)`);
      });
    });
  } else {
    console.warn(`[e2e] skipped: ${CHROMIUM} not found (apt-get install -y chromium to run it)`);
  }
}

describe.skipIf(!HAVE)('web e2e (headless Chromium)', { timeout: 60_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'yd-e2e-'));
    const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent', ADMIN_TOKEN: TOKEN };
    server = await startServer({ env, logger: silentLogger(), platforms: false, now: () => new Date('2021-09-01T04:00:00Z') });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await mkdir(SHOTS, { recursive: true });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function askAndOpen(page: Page) {
    await page.goto(server.url.replace('localhost', '127.0.0.1'));
    await page.fill('#q', '依申请公开有什么要求');
    await page.click('#send');
    const cite = page.locator('.cite-link').first();
    await cite.waitFor({ timeout: 10_000 });
    expect(await page.locator('.msg.bot .text').last().textContent()).toMatch(/依申请公开/);
    return cite;
  }

  it('desktop: ask, open the citation, upload, find the items in the ledger', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 820 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cite = await askAndOpen(page);
    await shot(page, 'chat.png');
    await cite.click();
    const hl = page.locator('#viewer li.hl').first();
    await hl.waitFor({ timeout: 10_000 });
    expect(await page.locator('#viewer li.hl').count()).toBeGreaterThan(0);
    expect(await page.locator('#viewer-meta').textContent()).toMatch(/责任单位/);
    expect(await page.locator('#viewer-title').textContent()).toMatch(/依申请公开/);
    await page.click('#viewer-close');
    await expect.poll(() => page.locator('#viewer').isHidden()).toBe(true);

    // Upload a Word document (automatic numbering) as admin.
    await page.goto(`${server.url.replace('localhost', '127.0.0.1')}#docs`);
    await page.fill('#token', TOKEN);
    await page.setInputFiles('#file', { name: '测试县要点.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: buildDocx(sampleDocxParagraphs()) });
    await page.click('#upload button[type=submit]');
    await page.locator('#upload-report .ok').waitFor({ timeout: 10_000 });
    expect(await page.locator('#upload-report .ok').textContent()).toMatch(/已导入.*3 项任务/);
    await page.locator('#doc-list .doc', { hasText: '测试县' }).waitFor();

    // The ledger: whole picture for the screenshot, then the new document's items.
    await page.click('a[data-tab=ledger]');
    await page.locator('#ledger-table tbody tr').first().waitFor();
    await page.locator('#chart-units svg').waitFor();
    await shot(page, 'ledger.png');
    await page.selectOption('#f-doc', '测试县要点.docx');
    await expect.poll(() => page.locator('#ledger-table tbody tr').count()).toBe(4);
    expect(await page.locator('#ledger-table tbody').textContent()).toMatch(/推进档案数字化管理/);
    expect(await page.getAttribute('#export-xlsx', 'href')).toMatch(/doc=/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('推送 tab: an admin subscribes a recipient without going into its chat, sees it listed, and removes it', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${server.url.replace('localhost', '127.0.0.1')}#pushes`);
    await page.fill('#push-token', TOKEN);
    await page.press('#push-token', 'Tab');
    await page.selectOption('#sub-platform', 'zwdd');
    await page.fill('#sub-chat', 'org:GO_e2e01');
    await page.fill('#sub-unit', '县财政局');
    await page.fill('#sub-time', '7:45');
    await page.click('#sub-form button[type=submit]');
    // 县财政局 is named in two regions: the page shows the server's question, nothing is stored.
    await expect.poll(() => page.locator('#sub-report').textContent()).toMatch(/多个地区都有“县财政局”/);
    expect(await server.core.store.subscriptions()).toEqual([]);
    await page.fill('#sub-unit', '旌德县财政局');
    await page.click('#sub-form button[type=submit]');
    await expect.poll(() => page.locator('#sub-report').textContent()).toMatch(/已订阅：每天 07:45.*旌德县财政局/);
    const row = page.locator('#sub-table tbody tr', { hasText: 'org:GO_e2e01' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/浙政钉（未启用）.*旌德县财政局.*07:45.*管理页/);
    expect(await server.core.store.subscriptions()).toEqual([{ platform: 'zwdd', chatId: 'org:GO_e2e01', unit: '旌德县财政局', time: '07:45' }]);
    await row.locator('button').click();
    await expect.poll(() => page.locator('#sub-table tbody').textContent()).toMatch(/还没有订阅/);
    expect(await server.core.store.subscriptions()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.skipIf(!CJK)('a PDF printed by Chromium (CJK font) converts through unpdf into items', async () => {
    const page = await browser.newPage();
    const numbered: string[] = [];
    let section = 0;
    let item = 0;
    const CN = '一二三四五六七八九十';
    for (const p of sampleDocxParagraphs()) {
      if (p.level === 0) (numbered.push(`${CN[section]}、${p.text}`), section++, (item = 0));
      else if (p.level === 1) numbered.push(`（${CN[item++]}）${p.text}`);
      else numbered.push(p.text);
    }
    await page.setContent(`<html><body>${numbered.map((l) => `<p>${l}</p>`).join('')}</body></html>`);
    const pdf = await page.pdf({ format: 'A4' });
    await page.close();
    const plan = await parseDocument(pdf, '测试.pdf');
    expect(plan.encoding).toBe('pdf');
    expect(plan.items.map((i) => i.printed)).toEqual(['（一）', '（二）', '（一）']);
    expect(plan.items[0]?.leadUnits).toContain('县府办');
    expect(plan.title).toMatch(/工作要点/);
  });

  it('对标: two documents side by side, gaps highlighted, the 对照表 to download', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url.replace('localhost', '127.0.0.1')}#align`);
    await expect.poll(() => page.locator('#align-a option').count()).toBeGreaterThan(1);
    const value = async (region: string) => (await page.locator('#align-a option', { hasText: region }).first().getAttribute('value')) as string;
    await page.selectOption('#align-a', await value('青田'));
    await page.selectOption('#align-b', await value('义乌'));
    await page.click('#align-form button[type=submit]');
    await page.locator('#align-table tbody tr').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#align-table tbody tr').count()).toBeGreaterThan(10);
    // 青田 一（六） has no counterpart in 义乌: its row is marked as a gap.
    expect(await page.locator('#align-table tbody tr.gap').count()).toBeGreaterThan(0);
    expect(await page.textContent('#align-summary')).toMatch(/组/);
    expect(await page.getAttribute('#align-xlsx', 'href')).toMatch(/^\/api\/align\.xlsx\?a=/);
    await shot(page, 'align.png');
    await page.close();
  });

  it('phone width (375×740): chat, citation and ledger fit', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const cite = await askAndOpen(page);
    await cite.click();
    await page.locator('#viewer li.hl').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#viewer li.hl').first().isVisible()).toBe(true);
    await page.click('#viewer-close');
    // Upload at phone width too, then find the items in the ledger.
    await page.click('a[data-tab=docs]');
    await page.fill('#token', TOKEN);
    await page.setInputFiles('#file', { name: '手机县要点.docx', mimeType: 'application/octet-stream', buffer: buildDocx(sampleDocxParagraphs('手机县')) });
    await page.click('#upload button[type=submit]');
    await page.locator('#upload-report .ok').waitFor({ timeout: 10_000 });
    await page.click('a[data-tab=ledger]');
    await page.locator('#ledger-table tbody tr').first().waitFor();
    await expect.poll(() => page.locator('#f-doc option[value="手机县要点.docx"]').count()).toBe(1);
    await page.selectOption('#f-doc', '手机县要点.docx');
    await expect.poll(() => page.locator('#ledger-table tbody tr').count()).toBe(4);
    await page.selectOption('#f-doc', '');
    await expect.poll(() => page.locator('#ledger-table tbody tr').count()).toBeGreaterThan(4);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow as number).toBeLessThanOrEqual(1);
    await shot(page, 'ledger-phone.png');
    await context.close();
  });
});
