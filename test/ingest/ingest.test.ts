import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docxToText } from '../../src/ingest/docx.js';
import { chineseNumber, formatNumber } from '../../src/ingest/word-numbering.js';
import { htmlToText } from '../../src/ingest/html.js';
import { convertToText, fixPdfText, formatOf, ingestDirectory, isIngestible, parseDocument } from '../../src/ingest/index.js';
import { NOT_DOCUMENTS } from '../../src/parse/index.js';
import { readZip } from '../../src/ingest/zip.js';
import { writeZip } from '../helpers/zip-writer.js';
import { runIngest } from '../../src/cli/ingest.js';
import { buildDocx, sampleDocxParagraphs } from './docx-builder.js';
import { PassThrough } from 'node:stream';

describe('docx', () => {
  it('keeps Word automatic numbering (一、 from the style, （一） from numPr) and restarts sub-levels', () => {
    const { text, numbered } = docxToText(buildDocx(sampleDocxParagraphs()));
    const lines = text.split('\n');
    expect(lines).toContain('一、强化政策解读，回应社会关切');
    expect(lines.some((l) => l.startsWith('（一）做好重大政策解读。'))).toBe(true);
    expect(lines.some((l) => l.startsWith('（二）推进档案数字化管理。'))).toBe(true);
    expect(lines).toContain('二、规范依申请公开，推动争议化解');
    // The level-1 counter restarts under the second section.
    expect(lines.some((l) => l.startsWith('（一）规范依申请公开办理。'))).toBe(true);
    expect(numbered).toBe(5);
  });

  it('parses a .docx into a plan with its items, units and deadlines', async () => {
    const plan = await parseDocument(buildDocx(sampleDocxParagraphs()), '测试.docx');
    expect(plan.items.map((i) => i.id)).toEqual(['一.1', '一.2', '二.1']);
    expect(plan.items[0]?.printed).toBe('（一）');
    expect(plan.items[0]?.leadUnits).toContain('县府办');
    expect(plan.items[0]?.deadlines).toContain('2021-09-30');
    expect(plan.encoding).toBe('docx');
    // Highlighting works on the converted lines.
    const [from] = plan.items[2]!.lines;
    expect(plan.lines[from - 1]).toMatch(/^（一）规范依申请公开办理/);
  });

  it('formats Chinese and other list numbers', () => {
    expect([1, 10, 11, 20, 23, 100, 105].map(chineseNumber)).toEqual(['一', '十', '十一', '二十', '二十三', '一百', '一百零五']);
    expect(formatNumber(4, 'upperRoman')).toBe('IV');
    expect(formatNumber(3, 'decimalEnclosedCircle')).toBe('③');
    expect(formatNumber(12, 'decimal')).toBe('12');
  });

  it('reads back what the zip writer wrote and rejects non-zip bytes with a Chinese message', () => {
    const zip = writeZip([{ name: 'a/b.txt', data: Buffer.from('你好') }]);
    expect(readZip(zip).get('a/b.txt')?.toString()).toBe('你好');
    expect(() => readZip(Buffer.from('not a zip at all, just text padding padding'), 'x.docx')).toThrow(/无法读取 Word 文件/);
  });

  it('names an old .doc or a broken file instead of crashing', async () => {
    await expect(convertToText(Buffer.from('plain text, not a package'), '旧.docx')).rejects.toThrow(/不是 \.docx 文件/);
    await expect(parseDocument(Buffer.alloc(0), '空.docx')).rejects.toThrow(/文件为空/);
    await expect(parseDocument(Buffer.from('x'), 'a.xls')).rejects.toThrow(/不支持的文件类型/);
  });
});

const GOV_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>2021年测试县政务公开工作要点_测试县人民政府</title>
<style>.x{color:red}</style><script>var menu = "首页";</script></head><body>
<div class="header"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>
<nav><ul><li>机构概况</li><li>政策文件</li></ul></nav>
<div class="position">当前位置：首页 &gt; 政务公开</div>
<div class="article"><h1>2021年测试县政务公开工作要点</h1>
<div id="zoom" class="TRS_Editor">
<p>&nbsp;&nbsp;一、强化政策解读</p>
<p>（一）做好重大政策解读。围绕重大决策部署开展解读。（县府办牵头负责，2021年9月底前完成）</p>
<p>（二）规范依申请公开。编制办理规范指引，提高答复效率&amp;质量。（县司法局牵头负责）</p>
<p>二、夯实基层基础</p><p>（一）推进基层政务公开标准化。完善目录。<br>（县府办牵头负责）</p>
</div></div>
<div class="share">分享到：微信 微博</div>
<div id="footer">版权所有：测试县人民政府 网站标识码 3311260001</div>
<script>document.write("统计")</script></body></html>`;

describe('html', () => {
  it('keeps the article as lines and drops navigation, scripts, styles and footers', () => {
    const text = htmlToText(GOV_PAGE);
    const lines = text.split('\n');
    expect(lines[0]).toBe('2021年测试县政务公开工作要点');
    expect(lines).toContain('一、强化政策解读');
    expect(text).toContain('提高答复效率&质量');
    for (const junk of ['首页', '机构概况', '当前位置', '分享到', '版权所有', 'menu', 'color:red', '统计']) expect(text).not.toContain(junk);
  });

  it('parses a government page into items', async () => {
    const plan = await parseDocument(Buffer.from(GOV_PAGE), 'page.html');
    expect(plan.items.map((i) => i.printed)).toEqual(['（一）', '（二）', '（一）']);
    expect(plan.items[1]?.leadUnits).toContain('县司法局');
  });
});

describe('pdf', () => {
  it('maps Kangxi and supplement radicals from PDF fonts back to ideographs', () => {
    expect(fixPdfText('测试县⼈⺠政府⼯作要点\n⼀、强化\n（⼆）推进')).toBe('测试县人民政府工作要点\n一、强化\n（二）推进');
  });

  it('names a broken or non-PDF file', async () => {
    await expect(parseDocument(Buffer.from('%PDF-1.4 broken'), 'x.pdf')).rejects.toThrow(/无法读取 PDF/);
    await expect(parseDocument(Buffer.from('hello'), 'x.pdf')).rejects.toThrow(/不是 PDF/);
  });
});

describe('yaodian ingest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'yd-ingest-'));
    await writeFile(join(dir, 'a.docx'), buildDocx(sampleDocxParagraphs()));
    await writeFile(join(dir, 'b.html'), GOV_PAGE);
    await writeFile(join(dir, 'c.txt'), '这不是工作要点，只是一段话。');
    await writeFile(join(dir, 'd.pdf'), '%PDF-1.4 broken');
    await writeFile(join(dir, 'README.md'), '# readme');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports per file and keeps going past bad ones', async () => {
    const progress: string[] = [];
    const r = await ingestDirectory(dir, (rep, i, n) => progress.push(`${i + 1}/${n} ${rep.file}`));
    expect(progress).toEqual(['1/4 a.docx', '2/4 b.html', '3/4 c.txt', '4/4 d.pdf']);
    expect(r.plans.map((p) => p.file)).toEqual(['a.docx', 'b.html']);
    expect(r.errors.map((e) => [e.file, e.code])).toEqual([
      ['c.txt', 'NO_STRUCTURE'],
      ['d.pdf', 'FILE_BINARY'],
    ]);
    expect(r.reports[0]?.notes.join()).toMatch(/自动编号/);
  });

  it('prints a progress line per file and a report', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks: string[] = [];
    const errs: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    err.on('data', (c) => errs.push(String(c)));
    const code = await runIngest([dir], { stdin: new PassThrough(), stdout: out, stderr: err });
    expect(code).toBe(0);
    expect(errs.join('')).toMatch(/\[1\/4\] ✓ a\.docx：2 个部分、3 项任务/);
    expect(chunks.join('')).toMatch(/读取成功 2 个，失败 2 个/);
    expect(chunks.join('')).toMatch(/✗ c\.txt/);
  });
});

describe('which files a folder holds documents in', () => {
  // The definition: a known ending, and not a readme, licence or hidden file.
  const reference = (name: string) => formatOf(name) !== undefined && !NOT_DOCUMENTS.test(basename(name));

  it('reads the endings it knows, in any case, and leaves readmes, licences and hidden files', () => {
    for (const name of ['要点.txt', '要点.DOCX', 'a.b.pdf', '青田/要点.md', '要点.htm', 'README.md', 'license', '.要点.txt', 'notice.txt', '要点.zip', '要点', '要点.', 'readme2.txt'])
      expect(isIngestible(name)).toBe(reference(name));
    expect(isIngestible('readme2.txt')).toBe(true);
    expect(isIngestible('Readme.TXT')).toBe(false);
  });

  it('agrees with the definition on any name', () => {
    const part = fc.constantFrom('要点', 'readme', 'README', 'license', 'notice', '.', '/', 'txt', 'TXT', 'md', 'docx', 'doc', 'wps', 'pdf', 'ofd', 'html', 'htm', 'xlsx', 'rtf', 'markdown', 'text', 'zip', 'a', '2021');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        const name = parts.join('');
        expect(isIngestible(name), name).toBe(reference(name));
      }),
      { numRuns: 2000 },
    );
  });
});
