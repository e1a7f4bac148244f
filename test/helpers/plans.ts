/**
 * Small hand-built WorkPlans for tests: `plan(region, items)` with items written as
 * `['三.1', '规范依申请公开工作。编制办理规范指引。', ['县府办*', '县司法局'], ['2021-09-30']]` (`*` marks a lead).
 */
import type { Item, Region, WorkPlan } from '../../src/model.js';
import { isCategoryName } from '../../src/units/categories.js';

export type ItemSpec = [id: string, body: string, units?: string[], deadlines?: string[]];

const LEVEL: Record<string, Region['level']> = { 省: 'province', 市: 'city', 区: 'district', 县: 'county' };
const CN = '一二三四五六七八九十';

export function region(name: string, short?: string): Region {
  return { name, short: short ?? name.replace(/^.+?[省市](?=.+[区县]$)/, '').replace(/[省市区县]$/, ''), level: LEVEL[name.slice(-1)] ?? 'unknown' };
}

export function item([id, body, units = [], deadlines = []]: ItemSpec, line = 1): Item {
  const [section, ord] = id.split('.') as [string, string];
  const names = units.map((u) => u.replace(/\*$/, ''));
  const leads = units.filter((u) => u.endsWith('*')).map((u) => u.slice(0, -1));
  return {
    id,
    section,
    ordinal: Number(ord),
    printed: `（${CN[Number(ord) - 1]}）`,
    title: body.split('。')[0] as string,
    body,
    lines: [line, line],
    assignments: [
      {
        units: names.map((name) => ({ name, kind: isCategoryName(name) ? 'category' : 'unit', lead: leads.includes(name) })),
        deadlines: deadlines.map((d) => (d === '持续推进' ? { kind: 'ongoing' as const, text: d } : { kind: 'date' as const, date: d, text: d })),
        clause: body,
        raw: names.join('、'),
        line,
      },
    ],
    units: names,
    leadUnits: leads,
    deadlines,
    bodyDates: [],
  };
}

export function plan(file: string, regionName: string, year: number, items: ItemSpec[], sections: [string, string][] = []): WorkPlan {
  const r = region(regionName);
  const secs = sections.length ? sections : [...new Set(items.map((i) => i[0].split('.')[0] as string))].map((n) => [n, `第${n}部分`] as [string, string]);
  return {
    file,
    title: `${year}年${regionName}政务公开工作要点`,
    shortName: `${r.short}要点 ${year}`,
    issuer: `${regionName}人民政府办公室`,
    docNumber: null,
    issuedDate: `${year}-06-01`,
    year,
    region: r,
    sections: secs.map(([number, title], i) => ({ number, title, line: i + 1 })),
    items: items.map((spec, i) => item(spec, 10 + i)),
    notes: [],
    warnings: [],
    encoding: 'utf-8',
    lines: [],
  };
}

/** Two counties and a province, with the naming quirks the answerer must handle. */
export function fixturePlans(): WorkPlan[] {
  return [
    plan('qt.txt', '青田县', 2021, [
      ['一.1', '加强重要政府信息公开。完善重要政策文件数据库。', ['县司法局*', '各行政机关'], []],
      ['一.2', '完善财政信息公开机制。扩大预决算公开范围。', ['县财政局*', '县府办*', '有关部门'], ['2021-09-30']],
      ['二.1', '加强政务舆情管理。做好政务舆情回应。', ['县政府办公室*', '县大数据中心'], ['2021-11-30']],
      ['三.1', '规范依申请公开工作。编制依申请公开办理规范指引，提高答复效率。', ['县政府办*'], ['持续推进']],
      ['三.2', '推进政务新媒体数字化管理。规范政务新媒体开设整合。', ['县大数据局', '县司法局'], ['2021-12-31']],
      ['四.1', '夯实基层政务公开标准化规范化基础。编制标准目录。', ['各镇人民政府', '县直有关单位'], ['2021-10-31']],
    ], [['一', '聚焦重点领域'], ['二', '聚焦政策解读'], ['三', '聚焦依申请公开'], ['四', '强基础']]),
    plan('hs.txt', '会同县', 2021, [
      ['一.1', '做好规划信息公开。及时公开发展规划。', ['县发改局', '县财政局'], ['2021-06-30']],
      ['一.2', '做好重大建设项目信息公开。公开批准结果信息。', ['县发展和改革局*'], []],
    ]),
    plan('zj.txt', '浙江省', 2020, [
      ['一.1', '推进政府网站集约化建设。建设全省统一平台。', ['省大数据发展管理局', '省政府办公厅'], []],
      ['一.2', '做好公共数据开放。推动公共数据有序开放。', ['省大数据局', '其他省级有关单位'], []],
    ]),
  ];
}
