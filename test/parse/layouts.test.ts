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
import { govSiteHtml, layoutModel, markdownTaskTable, responsibilityText, titleLineText } from '../helpers/layouts.js';
import { planDifferences } from '../helpers/plan-diff.js';
import { samplesDir } from '../helpers/samples.js';

const samples = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => ({ file: f, plan: parseBuffer(readFileSync(join(samplesDir, f)), f) }));

const layouts = [
  { name: 'a markdown task table', ext: 'md', write: markdownTaskTable },
  { name: 'responsibility sentences', ext: 'txt', write: responsibilityText },
  { name: 'titles on their own line', ext: 'txt', write: titleLineText },
  { name: 'a government web page', ext: 'html', write: govSiteHtml },
];

describe.each(layouts)('$name', ({ ext, write }) => {
  it.each(samples)('$file parses to the same items', async ({ file, plan }) => {
    const text = write(layoutModel(plan));
    const got = (await loadDocument(Buffer.from(text), file.replace(/\.txt$/, `.${ext}`))).plan;
    expect(planDifferences(plan, got)).toEqual([]);
  });
});
