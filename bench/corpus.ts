/**
 * The bench's corpora and questions: a synthetic corpus of n documents (the samples' items recombined under other
 * regions and units, deterministic for a seed), the questions asked of it (topics, units, 我局, deadlines, outline
 * references), the text the index reads of each item, and the corpus written out as text documents (for the
 * server and restart runs, which read documents the way `serve --docs` does).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Item, Region, WorkPlan } from '../src/model.js';
import { bracketReadings } from '../src/search/tokenizer.js';
import { regionOf } from '../src/units/directory.js';

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const A = '青白金银玉云松竹梅兰桃柳枫江河湖海山川溪泉石林田禾丰安宁和平康乐福寿永昌兴盛德';
const B = '阳阴源口门关岭峰川城乡州水原桥台湾洲坪岗坝塘港浦渡滩';

/** A synthetic corpus: n plans, each with items drawn from the samples, under a new region and renamed units. */
export function syntheticCorpus(samples: WorkPlan[], n: number, seed = 7): WorkPlan[] {
  const random = rng(seed);
  const items = samples.flatMap((p) => p.items.map((it) => ({ it, level: regionOf(p).name.slice(-1) })));
  const locals = [...new Set(samples.flatMap((p) => p.items.flatMap((it) => it.units)).map((u) => u.replace(/^[省市区县]/, '')))];
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const plans: WorkPlan[] = [];
  for (let i = 0; i < n; i++) {
    const level = pick(['县', '区', '市']);
    const name = `${A[i % A.length]}${B[Math.floor(i / A.length) % B.length]}${level}`;
    const region: Region = { name, short: name.slice(0, 2), level: level === '县' ? 'county' : level === '区' ? 'district' : 'city' };
    const base = pick(samples);
    const count = 12 + Math.floor(random() * 10);
    const sectionNames = ['一', '二', '三', '四', '五'];
    const planItems: Item[] = [];
    for (let k = 0; k < count; k++) {
      const { it } = pick(items);
      const section = sectionNames[Math.min(4, Math.floor((k * 5) / count))] as string;
      const ordinal = planItems.filter((x) => x.section === section).length + 1;
      const units = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => `${level}${pick(locals)}`))];
      const leads = units.filter(() => random() < 0.4);
      const year = 2020 + Math.floor(random() * 3);
      const deadlines = random() < 0.5 ? [`${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-28`] : random() < 0.5 ? ['持续推进'] : [];
      planItems.push({
        ...it,
        id: `${section}.${ordinal}`,
        section,
        ordinal,
        units,
        leadUnits: leads,
        deadlines,
        assignments: [
          {
            units: units.map((u) => ({ name: u, kind: /各|有关/.test(u) ? 'category' : 'unit', lead: leads.includes(u) })),
            deadlines: [],
            clause: '',
            raw: units.join('、'),
            line: it.lines[0],
          },
        ],
      });
    }
    plans.push({
      ...base,
      file: `synthetic-${String(i).padStart(5, '0')}.txt`,
      title: `2021年${name}政务公开工作要点`,
      shortName: `${region.short}要点`,
      region,
      year: 2021,
      items: planItems,
      sections: sectionNames.map((s, j) => ({ number: s, title: base.sections[j]?.title ?? `第${s}部分`, line: j + 1 })),
    });
  }
  return plans;
}

export interface BenchQuestion {
  q: string;
  unit?: string;
  today?: string;
}

const TOPICS = [
  '依申请公开有什么要求', '政务新媒体怎么管理', '疫情防控信息公开要做什么', '政府网站集约化建设', '政策解读有哪些方式',
  '重大建设项目信息公开', '财政预决算公开', '政务舆情怎么回应', '公共数据开放', '政府信息公开查阅点',
  '政府信息公开年度报告', '基层政务公开标准化规范化', '行政规范性文件统一公开', '政府开放日活动', '政策文件库建设',
  '12345热线', '政府公报', '重大行政决策公开征求意见', '有人在网上造谣怎么办', '公众号怎么管',
];

/** The bench's questions: a third topics, the rest units (named and 我局), deadlines and outline references. */
export function benchQuestions(plans: WorkPlan[], count: number, seed = 11): BenchQuestion[] {
  const random = rng(seed);
  const out: BenchQuestion[] = [];
  for (let i = 0; i < count; i++) {
    const p = plans[Math.floor(random() * plans.length)] as WorkPlan;
    const r = regionOf(p);
    const it = p.items[Math.floor(random() * p.items.length)] as Item;
    const unit = it.units[0] ?? '司法局';
    switch (i % 6) {
      case 0:
      case 1:
        out.push({ q: TOPICS[Math.floor(random() * TOPICS.length)] as string });
        break;
      case 2:
        out.push({ q: `${r.name}${unit.replace(/^[省市区县]/, '')}负责哪些任务` });
        break;
      case 3:
        out.push({ q: '我局牵头哪些工作', unit: `${r.name}${unit.replace(/^[省市区县]/, '')}` });
        break;
      case 4:
        out.push({ q: `${r.short}9月底前要完成哪些任务`, today: '2021-06-01' });
        break;
      default:
        out.push({ q: `${r.short}要点${it.section}（一）是什么` });
    }
  }
  return out;
}

/** The text the index reads of an item: its body (the title is its first sentence) and the bracket readings. */
export function itemText(item: Item): string {
  const extra = bracketReadings(item.body);
  return extra ? `${item.body} ${extra}` : item.body;
}

/** A plan as a text document in the samples' layout (title, numbered sections, （一） items). */
export function planText(plan: WorkPlan): string {
  const lines = [`# ${plan.title}`, ''];
  const cn = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十', '二十一', '二十二'];
  for (const s of plan.sections) {
    const items = plan.items.filter((it) => it.section === s.number);
    if (!items.length) continue;
    lines.push(`## ${s.number}、${s.title}`, '');
    items.forEach((it, i) => lines.push(`（${cn[i] ?? i + 1}）${it.body}`, ''));
  }
  return lines.join('\n');
}

/** Write the plans as text documents into `dir` (created); returns the file names. */
export function writeCorpus(plans: WorkPlan[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return plans.map((p) => {
    writeFileSync(join(dir, p.file), planText(p));
    return p.file;
  });
}
