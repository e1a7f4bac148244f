/**
 * Every sample, re-laid in the layouts offices circulate, parses to the same items, units, leads and deadlines as
 * the plain text. The layouts are written here from the plain parse (test/helpers/layouts.ts), so each rule is
 * checked on five documents with other words, units and dates than the public layout examples.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/ingest/index.js';
import { parseBuffer } from '../../src/parse/index.js';
import { govSiteHtml, htmlTaskTable, layoutModel, markdownTaskTable, responsibilityText, titleLineText } from '../helpers/layouts.js';
import { planDifferences } from '../helpers/plan-diff.js';
import { samplesDir } from '../helpers/samples.js';

const samples = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => ({ file: f, plan: parseBuffer(readFileSync(join(samplesDir, f)), f) }));

type Doc = ReturnType<typeof layoutModel>;
const layouts: Array<{ name: string; ext: string; write: (d: Doc) => string }> = [
  { name: 'a markdown task table', ext: 'md', write: (d) => markdownTaskTable(d) },
  {
    name: 'a task table with other headers, 序号 per section and a section column',
    ext: 'md',
    write: (d) =>
      markdownTaskTable(d, { headers: ['编号', '重点任务', '工作措施', '牵头部门', '配合单位', '时间节点'], numbering: 'per-section', sections: 'column' }),
  },
  { name: 'a task table whose section column has no header', ext: 'md', write: (d) => markdownTaskTable(d, { sections: 'column', sectionHeader: '' }) },
  { name: 'a task table without 序号', ext: 'md', write: (d) => markdownTaskTable(d, { headers: ['', '主要任务', '具体举措', '牵头单位（部门）', '责任单位', '完成时间'], numbering: 'none' }) },
  { name: 'responsibility sentences where the brackets stood', ext: 'txt', write: (d) => responsibilityText(d) },
  { name: 'one responsibility sentence at the end of each item, items 1. 2. per section', ext: 'txt', write: (d) => responsibilityText(d, { place: 'end', numbering: 'digit' }) },
  { name: 'titles on their own line', ext: 'txt', write: (d) => titleLineText(d) },
  { name: 'titles on their own line, items 1. 2. per section', ext: 'txt', write: (d) => titleLineText(d, { numbering: 'digit' }) },
  { name: 'a government web page', ext: 'html', write: (d) => govSiteHtml(d) },
  { name: 'a web page whose bold titles have no full stop', ext: 'html', write: (d) => govSiteHtml(d, { runIn: true }) },
  { name: 'a web page with a task table, sections in a rowspan column', ext: 'html', write: (d) => htmlTaskTable(d, 'rowspan') },
  { name: 'a web page with a task table, sections in colspan rows', ext: 'html', write: (d) => htmlTaskTable(d, 'colspan') },
];

describe.each(layouts)('$name', ({ ext, write }) => {
  it.each(samples)('$file parses to the same items', async ({ file, plan }) => {
    const text = write(layoutModel(plan));
    const got = (await loadDocument(Buffer.from(text), file.replace(/\.txt$/, `.${ext}`))).plan;
    expect(planDifferences(plan, got)).toEqual([]);
  });
});
