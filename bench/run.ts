/**
 * Benchmark: index build time, query latency (p50, p99) and memory for the answerer on the bundled samples and on
 * a synthetic corpus of 1,000 documents (the samples' items recombined under other regions and units), and the
 * same searches against MiniSearch with its default tokenizer, printed as ratios.
 *
 *   npm run bench            (build, then node --expose-gc dist/bench/run.js [--docs DIR] [--n 1000])
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { createAnswerer, type Answerer } from '../src/answer/index.js';
import type { Item, Region, WorkPlan } from '../src/model.js';
import { loadDirectory } from '../src/parse/index.js';
import { itemDocs, type ItemDoc } from '../src/search/index.js';
import { regionOf } from '../src/units/directory.js';

const out = (s: string) => process.stdout.write(`${s}\n`);
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

function root(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return dir;
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const ms = (n: number) => `${n.toFixed(2)} ms`;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
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
      file: `synthetic-${String(i).padStart(4, '0')}.txt`,
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

function queries(plans: WorkPlan[], count: number): { q: string; unit?: string; today?: string }[] {
  const random = rng(11);
  const topics = ['依申请公开有什么要求', '政务新媒体怎么管理', '疫情防控信息公开要做什么', '政府网站集约化建设', '政策解读有哪些方式', '重大建设项目信息公开', '财政预决算公开', '政务舆情怎么回应', '公共数据开放', '政府信息公开查阅点'];
  const out: { q: string; unit?: string; today?: string }[] = [];
  for (let i = 0; i < count; i++) {
    const p = plans[Math.floor(random() * plans.length)] as WorkPlan;
    const r = regionOf(p);
    const it = p.items[Math.floor(random() * p.items.length)] as Item;
    const unit = it.units[0] ?? '司法局';
    switch (i % 6) {
      case 0:
      case 1:
        out.push({ q: topics[i % topics.length] as string });
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

function measure(label: string, plans: WorkPlan[], nQueries: number): { build: number; p50: number; p99: number; search: number[]; heap: number } {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const [bot, build] = time(() => createAnswerer(plans));
  gc();
  const heap = process.memoryUsage().heapUsed - heap0;
  const qs = queries(plans, nQueries);
  for (const q of qs.slice(0, 20)) bot.answer(q.q, q);
  const lat: number[] = [];
  const byIntent = new Map<string, number[]>();
  for (const q of qs) {
    const [a, t] = time(() => bot.answer(q.q, q));
    lat.push(t);
    byIntent.set(a.intent, [...(byIntent.get(a.intent) ?? []), t]);
  }
  const topicQs = qs.filter((_, i) => i % 6 < 2).map((q) => q.q);
  const search = topicQs.map((q) => time(() => bot.index.search(q))[1]);
  const mem = process.memoryUsage();
  out(`${label}: ${plans.length} documents, ${plans.reduce((s, p) => s + p.items.length, 0)} items`);
  out(`  index build ${ms(build)}  (tokenizer dictionary + unit directory + MiniSearch)`);
  out(`  answer latency over ${lat.length} questions: p50 ${ms(percentile(lat, 50))}, p99 ${ms(percentile(lat, 99))}, max ${ms(Math.max(...lat))}`);
  out(`  by intent: ${[...byIntent].map(([k, v]) => `${k} ${v.length}× p99 ${ms(percentile(v, 99))}`).join('; ')}`);
  out(`  index search only: p50 ${ms(percentile(search, 50))}, p99 ${ms(percentile(search, 99))}`);
  out(`  memory: answerer heap ≈ ${mb(heap)}, process heap ${mb(mem.heapUsed)}, RSS ${mb(mem.rss)}`);
  keep = bot;
  return { build, p50: percentile(lat, 50), p99: percentile(lat, 99), search, heap };
}
let keep: Answerer | undefined;

/** The same documents and searches with MiniSearch's default tokenizer (splits on spaces and punctuation). */
function baseline(label: string, plans: WorkPlan[], nQueries: number): { build: number; search: number[]; heap: number; mini: MiniSearch<ItemDoc> } {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const [mini, build] = time(() => {
    const m = new MiniSearch<ItemDoc>({ fields: ['title', 'body', 'section', 'doc', 'units'], storeFields: ['file', 'item'], searchOptions: { boost: { title: 4, section: 1.2, doc: 0.3, units: 0.6 } } });
    m.addAll(plans.flatMap(itemDocs));
    return m;
  });
  gc();
  const heap = process.memoryUsage().heapUsed - heap0;
  const qs = queries(plans, nQueries).filter((_, i) => i % 6 < 2).map((q) => q.q);
  const search = qs.map((q) => time(() => mini.search(q))[1]);
  out(`  MiniSearch default tokenizer (${label}): build ${ms(build)}, search p50 ${ms(percentile(search, 50))}, p99 ${ms(percentile(search, 99))}, heap ≈ ${mb(heap)}`);
  return { build, search, heap, mini };
}

function ratios(ours: { build: number; search: number[]; heap: number }, base: { build: number; search: number[]; heap: number }): void {
  const r = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
  out(`  ratio ours/default: build ${r(ours.build, base.build)}, search p50 ${r(percentile(ours.search, 50), percentile(base.search, 50))}, search p99 ${r(percentile(ours.search, 99), percentile(base.search, 99))}, heap ${r(ours.heap, base.heap)}`);
}

/** Topic quality on the shared eval questions (when present): hit@1 for our ranking vs the default tokenizer. */
function quality(bot: Answerer, mini: MiniSearch<ItemDoc>, questionsPath: string, fileMap: Map<string, string>): void {
  const qs = readFileSync(questionsPath, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { q: string; kind: string; relevant: string[] });
  const topics = qs.filter((q) => q.kind === 'topic');
  let ours = 0;
  let base = 0;
  for (const t of topics) {
    const rel = new Set(t.relevant.map((r) => r.replace(/^[^#]+/, (f) => fileMap.get(f) ?? f)));
    const a = bot.answer(t.q).citations[0];
    if (a && rel.has(`${a.file}#${a.item}`)) ours++;
    const b = mini.search(t.q)[0];
    if (b && rel.has(`${b['file']}#${b['item']}`)) base++;
  }
  out(`  topic hit@1 on ${topics.length} eval questions: ours ${(ours / topics.length).toFixed(3)}, default tokenizer ${(base / topics.length).toFixed(3)}`);
}

async function main(): Promise<void> {
  const docs = arg('docs') ?? join(root(), 'samples');
  const n = Number(arg('n') ?? 1000);
  const { plans, errors } = await loadDirectory(docs);
  for (const e of errors) out(`load error: ${e.file}: ${e.message}`);
  out(`node ${process.version}, gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'not exposed (run with --expose-gc)'}`);

  const small = measure('samples', plans, 600);
  const smallBase = baseline('samples', plans, 600);
  ratios({ build: small.build, search: small.search, heap: small.heap }, smallBase);
  const evalDir = '/work/shared';
  if (keep && existsSync(join(evalDir, 'eval/questions.jsonl')) && existsSync(join(evalDir, 'seeds'))) {
    const seeds = await loadDirectory(join(evalDir, 'seeds'));
    const bot = createAnswerer(seeds.plans);
    const mini = new MiniSearch<ItemDoc>({ fields: ['title', 'body', 'section', 'doc', 'units'], storeFields: ['file', 'item'], searchOptions: { boost: { title: 4, section: 1.2, doc: 0.3, units: 0.6 } } });
    mini.addAll(seeds.plans.flatMap(itemDocs));
    quality(bot, mini, join(evalDir, 'eval/questions.jsonl'), new Map(seeds.plans.map((p) => [basename(p.file), p.file])));
  }

  const corpus = syntheticCorpus(plans, n);
  const big = measure(`synthetic corpus`, corpus, 1200);
  const bigBase = baseline('synthetic corpus', corpus, 1200);
  ratios({ build: big.build, search: big.search, heap: big.heap }, bigBase);
  out('');
  out(`targets: samples indexed < 1 s: ${small.build < 1000 ? 'yes' : 'NO'} (${ms(small.build)}); p99 answer ≤ 10 ms on ${n} documents: ${big.p99 <= 10 ? 'yes' : 'NO'} (${ms(big.p99)})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
