/**
 * Responsibility and deadline sentences land in the same fields as the bracketed forms; text layouts (titles on
 * their own line, headings wrapped over two lines) give the same items as the plain layout.
 */
import { describe, expect, it } from 'vitest';
import { isDeadlineClause } from '../../src/parse/deadlines.js';
import { extractAssignments } from '../../src/parse/extract.js';
import { parseText } from '../../src/parse/index.js';
import { makeDocument } from '../helpers/documents.js';

const ctx = { year: 2021, issuedDate: '2021-07-25' };

function read(body: string) {
  const r = extractAssignments(body, ctx, () => 1);
  const units = r.assignments.flatMap((a) => a.units.map((u) => (u.lead ? `${u.name}*` : u.name)));
  const deadlines = r.assignments.flatMap((a) => a.deadlines.map((d) => (d.kind === 'date' ? d.date : d.kind === 'ongoing' ? '持续推进' : d.text)));
  return { units, deadlines, rest: r.rest, clauses: r.assignments.map((a) => a.clause) };
}

describe('responsibility sentences', () => {
  it.each([
    ['…公开到位，由县财政局牵头，县府办配合。', ['县财政局*', '县府办'], []],
    ['…公开到位，由县财政局牵头，县府办、县司法局参与，11月底前完成。', ['县财政局*', '县府办', '县司法局'], ['2021-11-30']],
    ['…公开到位，由区委改革办、其他区级有关单位、各街镇负责。', ['区委改革办', '其他区级有关单位', '各街镇'], []],
    ['…公开到位，由县发改局、县大数据中心分别牵头负责。', ['县发改局*', '县大数据中心*'], []],
    ['…有效衔接，由县府办会同县财政局等有关部门负责。', ['县府办*', '县财政局', '有关部门'], []],
    ['…有效衔接，由县府办会同县财政局。', ['县府办*', '县财政局'], []],
    ['…全面推开，由各乡镇负责，长期坚持。', ['各乡镇'], ['持续推进']],
    ['…全面推开。县发改局、县市场监管局分别牵头负责。', ['县发改局*', '县市场监管局*'], []],
    ['…全面推开，县财政局牵头，县府办配合，年底前完成。', ['县财政局*', '县府办'], ['2021-12-31']],
    ['…全面推开，由县数据局负责，于9月30日前完成。', ['县数据局'], ['2021-09-30']],
    ['…全面推开，由县数据局负责，三季度完成。', ['县数据局'], ['2021-09-30']],
    ['…全面推开，由县数据局负责，上半年完成；持续推进。', ['县数据局'], ['2021-06-30', '持续推进']],
    ['…全面推开，由县数据局负责，年内完成。', ['县数据局'], ['2021-12-31']],
    ['…全面推开，由县数据局负责，要在2022年3月底前完成。', ['县数据局'], ['2022-03-31']],
    ['…全面推开，由县数据局负责。持续推进。', ['县数据局'], ['持续推进']],
    ['11月底前完成，由县数据局负责。', ['县数据局'], ['2021-11-30']],
    ['由县财政局牵头负责做好预决算公开，提升透明度。', ['县财政局*'], []],
    ['2021年底前全面完成，由县司法局牵头推进。', ['县司法局*'], ['2021-12-31']],
    ['…公开到位，由县委宣传部和县委网信办负责。', ['县委宣传部', '县委网信办'], []],
    ['…公开到位。牵头单位：县府办；责任单位：各乡镇、县直各部门。', ['县府办*', '各乡镇', '县直各部门'], []],
    ['…公开到位。\n责任单位：县财政局、县府办\n完成时限：2021年11月底', ['县财政局', '县府办'], ['2021-11-30']],
  ])('%s', (body, units, deadlines) => {
    const r = read(body);
    expect(r.units).toEqual(units);
    expect(r.deadlines).toEqual(deadlines);
  });

  it('inside an item: each clause assigns the sentence before it, and other dates stay body dates', () => {
    const r = read('2021年底前，完成标准目录编制，由县府办负责。推进数据开放，由县数据局牵头，各乡镇配合，9月底前完成。加强培训。');
    expect(r.units).toEqual(['县府办', '县数据局*', '各乡镇']);
    expect(r.deadlines).toEqual(['2021-09-30']);
    expect(r.clauses).toEqual(['2021年底前，完成标准目录编制', '推进数据开放']);
    expect(r.rest).toContain('2021年底前');
    expect(r.rest).not.toContain('县数据局');
  });

  it('sentences that only look like one are no assignment', () => {
    for (const body of [
      '由于疫情影响，各部门要切实负责。',
      '各有关单位要做好本单位历史规划的归集整理工作，抓好落实。',
      '县政府门户网站以专栏方式集中公开，由此推动规划实施。',
      '正确适用信息处理费管理办法，严格按照规定的标准、程序、方式的时限:持续推进)。',
    ]) {
      expect(read(body).units).toEqual([]);
    }
  });

  it('a bracketed deadline after a responsibility clause is its deadline', () => {
    expect(read('…全面推开，由县数据局负责（2021年11月底前完成）。').deadlines).toEqual(['2021-11-30']);
  });

  it.each(['11月底前完成', '年底前', '年内', '第三季度', '三季度', '上半年', '9月30日前', '长期坚持', '持续推进', '完成时限：2021年11月底', '本要点印发后一个月内完成'])(
    '%s is a deadline clause',
    (clause) => expect(isDeadlineClause(clause)).toBe(true),
  );

  it.each(['完成标准目录编制', '2021年底前完成标准目录编制工作', '年度报告'])('%s is not', (clause) => expect(isDeadlineClause(clause)).toBe(false));
});

describe('text layouts', () => {
  const base = makeDocument({
    sections: [
      { title: '深入推进重点领域信息公开', items: ['深化重要政府信息公开。建立完善数据库，推进统一公开。（县府办牵头负责）', '做好规划信息公开。一经批准即主动公开。（县发改局负责）'] },
      { title: '强化保障', items: ['加强组织领导。明确工作机构和人员，确保落实到位。（县府办负责）'] },
    ],
  });
  const plain = parseText(base, 'plain.txt');

  it('an item title on its own line, with its body on the next, is the title', () => {
    const own = base.replace(/^(（[一二三]）[^。\n]+)。/gm, '$1\n');
    expect(own).toContain('（一）深化重要政府信息公开\n建立完善数据库');
    const plan = parseText(own, 'own.txt');
    expect(plan.items.map((i) => [i.id, i.title, i.units])).toEqual(plain.items.map((i) => [i.id, i.title, i.units]));
    expect(plan.items[0]?.body).toMatch(/^深化重要政府信息公开\n建立完善数据库/);
  });

  it('a title cut by a page break is not taken for a title line', () => {
    const cut = base.replace('（一）深化重要政府信息公开。', '（一）深化重要政府信\n\n息公开。');
    expect(parseText(cut, 'cut.txt').items[0]?.title).toBe('深化重要政府信息公开');
  });

  it('a section heading wrapped over two lines is joined; a section paragraph is not', () => {
    const wrapped = base.replace('一、深入推进重点领域信息公开', '一、深入推进重点领\n域信息公开');
    expect(parseText(wrapped, 'w.txt').sections.map((s) => s.title)).toEqual(plain.sections.map((s) => s.title));
    const paragraph = base.replace('（一）加强组织领导。', '各单位要加强领导。\n（一）加强组织领导。');
    expect(parseText(paragraph, 'p.txt').sections[1]?.title).toBe('强化保障');
  });

  it('items numbered 1. 2. restarting in each section get section ordinals', () => {
    let n = 0;
    const digits = base.replace(/^（([一二三])）/gm, (_m, cn: string) => `${cn === '一' ? (n = 1) : ++n}. `);
    const plan = parseText(digits, 'd.txt');
    expect(plan.items.map((i) => [i.id, i.printed, i.title])).toEqual(plain.items.map((i, k) => [i.id, `${[1, 2, 1][k]}.`, i.title]));
  });

  it('a one-line colophon gives the issue date when the notice has none', () => {
    const text = base.replace('2021年7月25日\n', '').replace(/青田县人民政府办公室\n\n2021年7月25日印发$/, '青田县人民政府办公室　　　　2021年7月26日印发');
    expect(parseText(text, 'c.txt').issuedDate).toBe('2021-07-26');
  });
});
