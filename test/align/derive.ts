/**
 * Documents made from a seed for alignment tests: the seed's items renumbered, reordered, regrouped into other
 * sections, some reworded, split, removed or added, written out as a text document and parsed again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkPlan } from '../../src/model.js';
import { parseText } from '../../src/parse/index.js';
import { makeDocument } from '../helpers/documents.js';
import { samplesDir } from '../helpers/samples.js';

export const SAMPLE = {
  qingtian: '2021-青田县政务公开工作要点.txt',
  jingde: '2021-旌德县政务公开工作要点.txt',
  lucheng: '2020-温州市鹿城区政务公开工作要点.txt',
  zhejiang: '2020-浙江省政务公开工作要点.txt',
  yiwu: '2021-义乌市政务公开工作要点.txt',
} as const;

/** The seed file names of ../shared/seeds (used by the gold files) → the same documents in samples/. */
export const SEED_TO_SAMPLE: Record<string, string> = {
  '000_f0635a55da72a81b.txt': SAMPLE.qingtian,
  '001_48b0574af532efbd.txt': SAMPLE.jingde,
  '002_77a096099b19bd9c.txt': SAMPLE.lucheng,
  '003_7d97077e5a37d2c7.txt': SAMPLE.zhejiang,
  '004_0948868a3a40320d.txt': SAMPLE.yiwu,
};

export function samplePlan(name: string): WorkPlan {
  return parseText(readFileSync(join(samplesDir, name), 'utf8'), name);
}

/** One item of the derived document: the text it is written with, and the seed items it comes from. */
export interface DerivedItem {
  text: string;
  from: string[];
}

export interface DeriveOptions {
  /** Seed item ids in their new order; ids left out are removed. Default: the seed's order. */
  order?: string[];
  /** New wording for some seed items (the whole item: title sentence first). */
  reword?: Record<string, string>;
  /** Seed items written as several items, each with its own text. */
  split?: Record<string, string[]>;
  /** Items with no counterpart in the seed, appended to the last section. */
  added?: string[];
  /** Items per section of the derived document (at most 10; the last section takes what is left). */
  perSection?: number;
  style?: 'full' | 'ascii' | 'digit';
  region?: string;
  year?: number;
}

export interface Derived {
  plan: WorkPlan;
  /** Derived item id → the seed item ids it carries (empty for an added item). */
  origin: Map<string, string[]>;
}

const SECTION_TITLES = ['突出重点抓公开', '强化解读促回应', '规范办理提质效', '建好平台优服务', '夯实基础强保障', '狠抓落实见成效'];

/** Write the derived document and parse it; `origin` says which seed items each derived item carries. */
export function derive(seed: WorkPlan, o: DeriveOptions = {}): Derived {
  const byId = new Map(seed.items.map((it) => [it.id, it]));
  const items: DerivedItem[] = [];
  for (const id of o.order ?? seed.items.map((it) => it.id)) {
    const it = byId.get(id);
    if (!it) throw new Error(`no item ${id} in ${seed.file}`);
    const parts = o.split?.[id] ?? [o.reword?.[id] ?? it.body];
    for (const text of parts) items.push({ text: text.replace(/\s*\n\s*/g, ''), from: [id] });
  }
  for (const text of o.added ?? []) items.push({ text, from: [] });
  const per = o.perSection ?? 4;
  const sections: Array<{ title: string; items: string[] }> = [];
  for (let k = 0; k < items.length; k += per) {
    sections.push({ title: SECTION_TITLES[sections.length % SECTION_TITLES.length]!, items: items.slice(k, k + per).map((i) => i.text) });
  }
  const text = makeDocument({ region: o.region ?? '松阳县', year: o.year ?? 2022, style: o.style ?? 'full', sections });
  const plan = parseText(text, 'derived.txt');
  if (plan.items.length !== items.length) throw new Error(`derived document parsed to ${plan.items.length} items, wrote ${items.length}`);
  return { plan, origin: new Map(plan.items.map((it, k) => [it.id, items[k]!.from])) };
}
