/**
 * Unit aliases. A unit's identity is its region plus a canonical local name: the printed name with the region's
 * level prefix removed (县财政局 → 财政局 in a county; 区委宣传部 → 宣传部 in a district) and then mapped through
 * groups of names that denote the same body (府办 = 政府办 = 政府办公室). Different bodies stay different unless
 * the admin alias file joins them.
 */
import { readFileSync } from 'node:fs';

/** Built-in groups of local names (without level prefix) that always mean the same body. First = canonical. */
export const BUILTIN_ALIASES: readonly (readonly string[])[] = [
  ['政府办公室', '政府办', '府办', '人民政府办公室', '政府办公厅', '人民政府办公厅'],
  ['人民政府', '政府'],
  ['发改局', '发改委', '发展改革委', '发展改革局', '发展和改革局', '发展和改革委员会', '发展改革委员会'],
  ['大数据局', '大数据发展管理局', '大数据管理局'],
  ['卫健局', '卫健委', '卫生健康局', '卫生健康委', '卫生健康委员会', '卫生和健康委员会', '卫生计生局'],
  ['数管中心', '数据管理中心', '大数据发展管理中心'],
  ['人社局', '人力社保局', '人力资源和社会保障局', '人力资源社会保障局'],
  ['市场监管局', '市场监督管理局'],
  ['住建局', '住房和城乡建设局', '住房城乡建设局'],
  ['自然资源和规划局', '自然资源规划局'],
  ['经信局', '经济和信息化局', '经济信息化局'],
  ['文旅局', '文化和旅游局', '文化旅游局', '文广旅体局', '文化和广电旅游体育局'],
  ['农业农村局', '农业和农村局'],
  ['综合行政执法局', '综合执法局'],
  ['应急管理局', '应急局'],
  ['生态环境局', '环保局'],
  ['医疗保障局', '医保局'],
  ['行政服务中心', '行政审批服务中心'],
  ['政务服务中心', '政务服务管理中心'],
  ['教育局', '教育体育局', '教体局'],
  ['司法局'],
];

/** Words that begin with a level character but are no level prefix (市场监管局 is not 市 + 场监管局). */
const NOT_A_PREFIX = /^(市场|市民|市容|市区|区域|区块|县域|省会|县城)/;

/** NFKC, no spaces, one kind of quote, no trailing 等. */
export function cleanUnitName(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[“”„‟「」『』]/g, '"')
    .replace(/等$/, '');
}

/** The level character that prefixes local names in a region: 县 for 青田县, 区 for 温州市鹿城区, 省 for 浙江省. */
export function levelChar(regionName: string): string {
  const last = regionName.slice(-1);
  return '省市区县镇乡'.includes(last) ? last : '';
}

/** 县财政局 → 财政局; 县委宣传部 → 宣传部; 市场监管局 stays. */
export function stripLevel(name: string, level: string): string {
  let s = name;
  if (level && s.startsWith(level) && s.length > 2 && !NOT_A_PREFIX.test(s)) s = s.slice(1);
  // 县委宣传部 and 宣传部 are the same party body inside one region; 委办 (the party office) keeps its 委.
  if (s.startsWith('委') && s.length > 3 && !s.startsWith('委员')) s = s.slice(1);
  return s;
}

/** Union-find over canonical local names; a group applies in one region or (region '*') in all. */
export class AliasBook {
  private readonly parent = new Map<string, string>();

  constructor(groups: readonly (readonly string[])[] = BUILTIN_ALIASES) {
    for (const g of groups) this.join('*', g);
  }

  /** The book as saved by `entries` (which name stands for which: the groups joined, in the order they were). */
  static fromEntries(entries: Iterable<[string, string]>): AliasBook {
    const book = new AliasBook([]);
    for (const [k, p] of entries) book.parent.set(k, p);
    return book;
  }

  entries(): [string, string][] {
    return [...this.parent];
  }

  private find(key: string): string {
    let k = key;
    for (let p = this.parent.get(k); p !== undefined && p !== k; p = this.parent.get(k)) k = p;
    return k;
  }

  /** The global canonical name of a local name (itself when no built-in or global group has it). */
  globalName(local: string): string {
    const key = `*|${local}`;
    return this.parent.has(key) ? this.find(key).slice(2) : local;
  }

  /** Declare that names (level-stripped local names) denote one body, in one region or ('*') in all. */
  join(region: string, names: readonly string[]): void {
    const keys = names.map((n) => {
      const name = cleanUnitName(n);
      return `${region}|${region === '*' ? name : this.globalName(name)}`;
    });
    const first = keys[0];
    if (first === undefined) return;
    if (!this.parent.has(first)) this.parent.set(first, first);
    const root = this.find(first);
    for (const k of keys.slice(1)) {
      if (!this.parent.has(k)) this.parent.set(k, k);
      const r = this.find(k);
      if (r !== root) this.parent.set(r, root);
    }
  }

  /** Canonical identity key (region|name) of a level-stripped local name in a region. */
  canonical(region: string, local: string): string {
    return this.regional(region, this.globalName(local));
  }

  /** Canonical identity key of a name already in its global canonical form (see globalName). */
  regional(region: string, global: string): string {
    const key = `${region}|${global}`;
    return this.parent.has(key) ? this.find(key) : key;
  }
}

/**
 * Admin alias file. JSON: `[["县大数据中心", "县大数据局"], …]` or `{ "groups": [...], "青田县": [[…]] }`
 * (a key naming a region scopes its groups to that region). Text: one group a line, names separated by = , 、 or
 * whitespace, optionally prefixed "青田县:" to scope it. Returns groups as [region | '*', names].
 */
export function parseAliasFile(text: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const data = JSON.parse(trimmed) as unknown;
    const addGroups = (region: string, v: unknown) => {
      if (!Array.isArray(v)) return;
      for (const g of v) if (Array.isArray(g)) out.push([region, g.map(String)]);
    };
    if (Array.isArray(data)) addGroups('*', data);
    else if (data && typeof data === 'object') {
      for (const [k, v] of Object.entries(data as Record<string, unknown>)) addGroups(k === 'groups' || k === 'aliases' ? '*' : k, v);
    }
    return out;
  }
  for (const line of text.split(/\r?\n/)) {
    const t = line.replace(/#.*$/, '').trim();
    if (!t) continue;
    const m = t.match(/^([^=:：,，、\s]+)[:：](.*)$/);
    const region = m ? (m[1] as string) : '*';
    const names = (m ? (m[2] as string) : t).split(/[=,，、\s]+/).filter(Boolean);
    if (names.length >= 2) out.push([region, names]);
  }
  return out;
}

export function readAliasFile(path: string): [string, string[]][] {
  return parseAliasFile(readFileSync(path, 'utf8'));
}
