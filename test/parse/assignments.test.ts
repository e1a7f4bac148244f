import { describe, expect, it } from 'vitest';
import { isAssignment, parseAssignment } from '../../src/parse/assignments.js';
import { extractAssignments } from '../../src/parse/extract.js';

const ctx = { year: 2021, issuedDate: '2021-07-25' };
const names = (inner: string) => parseAssignment(inner, ctx).units.map((u) => u.name);
const leads = (inner: string) => parseAssignment(inner, ctx).units.filter((u) => u.lead).map((u) => u.name);

describe('assignment forms', () => {
  it('A牵头B负责: A leads, B is a category', () => {
    const a = parseAssignment('县司法局牵头各行政机关负责', ctx);
    expect(a.units).toEqual([
      { name: '县司法局', kind: 'unit', lead: true },
      { name: '各行政机关', kind: 'category', lead: false },
    ]);
  });

  it('A、B、C分别牵头负责: all lead', () => {
    expect(leads('县发改局、县自然资源和规划局、县大数据中心分别牵头负责')).toEqual([
      '县发改局',
      '县自然资源和规划局',
      '县大数据中心',
    ]);
  });

  it('A会同B等有关部门负责: A leads, B and the generic 有关部门 take part', () => {
    expect(names('县府办会同县财政局等有关部门负责')).toEqual(['县府办', '县财政局', '有关部门']);
    expect(leads('县府办会同县财政局等有关部门负责')).toEqual(['县府办']);
  });

  it('分别负责 without 牵头 gives no leads', () => {
    expect(leads('县委组织部、县司法局负责')).toEqual([]);
    expect(names('县级有关主管部门按职责分工负责')).toEqual(['县级有关主管部门']);
  });

  it('责任单位 with a deadline, ASCII punctuation, trailing 等', () => {
    const a = parseAssignment('责任单位:县卫健委、县公安局、县文旅局等,各镇人民政府,完成时限:2021年11月底', ctx);
    expect(a.units.map((u) => u.name)).toEqual(['县卫健委', '县公安局', '县文旅局', '各镇人民政府']);
    expect(a.deadlines).toEqual([{ kind: 'date', date: '2021-11-30', text: '2021年11月底' }]);
  });

  it('、 before 完成时限 is no unit', () => {
    const a = parseAssignment('责任单位:县政府办、完成时限:持续推进', ctx);
    expect(a.units.map((u) => u.name)).toEqual(['县政府办']);
    expect(a.deadlines[0]?.kind).toBe('ongoing');
  });

  it('牵头单位 and 责任单位 lists', () => {
    const a = parseAssignment('牵头单位：发改局、数管中心；责任单位：有关单位、各镇街', ctx);
    expect(a.units.filter((u) => u.lead).map((u) => u.name)).toEqual(['发改局', '数管中心']);
    expect(a.units.map((u) => u.name)).toEqual(['发改局', '数管中心', '有关单位', '各镇街']);
    expect(a.units.find((u) => u.name === '各镇街')?.kind).toBe('category');
  });

  it('nested names split into each body', () => {
    expect(names('责任单位：区政府办公室〈区大数据发展管理局〉、区司法局，其他区级有关单位，各街镇')).toEqual([
      '区政府办公室',
      '区大数据发展管理局',
      '区司法局',
      '其他区级有关单位',
      '各街镇',
    ]);
    expect(names('责任单位：区政务服务中心、区政府办公室〔区大数据发展管理局〕')).toEqual([
      '区政务服务中心',
      '区政府办公室',
      '区大数据发展管理局',
    ]);
    expect(names('责任单位：区委宣传部〈区新闻办、区网信办〉')).toEqual(['区委宣传部', '区新闻办', '区网信办']);
    expect(leads('牵头单位：市府办、宣传部、信访局（矛调中心）；责任单位：各行政机关')).toEqual([
      '市府办',
      '宣传部',
      '信访局',
      '矛调中心',
    ]);
  });

  it('a 、 inside a name is not a list separator; definitions are dropped', () => {
    expect(names('责任单位：各行政机关或法律、法规授权的具有管理公共事务职能的组织，以下统称各行政机关')).toEqual([
      '各行政机关',
      '法律、法规授权的具有管理公共事务职能的组织',
    ]);
  });

  it('a document-wide note is kept apart from the units', () => {
    const a = parseAssignment('责任单位：省政府办公厅，其他省级有关单位。本要点各项工作均需各市、县〔市、区〕政府作为责任单位，以下不再列出', ctx);
    expect(a.units.map((u) => u.name)).toEqual(['省政府办公厅', '其他省级有关单位']);
    expect(a.notes[0]).toMatch(/本要点各项工作均需/);
  });

  it('document numbers and asides are not assignments', () => {
    for (const s of ['青政发〔2017〕242号', '以下简称《条例》', '社区', '居', '起草', '96150', '政府信息公开窗口', '国办发[2020]53号', '年本']) {
      expect(isAssignment(s), s).toBe(false);
    }
    for (const s of ['县政府负责', '县府办牵头负责', '责任单位：县财政局', '县政务公开工作领导小组负责']) {
      expect(isAssignment(s), s).toBe(true);
    }
  });
});

describe('assignments inside an item', () => {
  it('finds several, each with the clause before it', () => {
    const body = '完善机制。（县财政局牵头负责）推动惠民政策向村（社区）延伸。（县府办会同县财政局等有关部门负责）';
    const found = extractAssignments(body, ctx, () => 1);
    expect(found.assignments).toHaveLength(2);
    expect(found.assignments[0]?.clause).toBe('完善机制。');
    expect(found.assignments[1]?.clause).toBe('推动惠民政策向村（社区）延伸。');
  });

  it('an assignment in square brackets on its own', () => {
    const found = extractAssignments('做好公开。\n[责任单位：县财政局，完成时限：2021年底前]', ctx, () => 1);
    expect(found.assignments[0]?.units.map((u) => u.name)).toEqual(['县财政局']);
    expect(found.assignments[0]?.deadlines[0]).toMatchObject({ date: '2021-12-31' });
  });

  it('keeps the deadline of an assignment whose opening was lost', () => {
    const found = extractAssignments('严格按照规定的方式的时限:持续推进)。完善机制。', ctx, () => 1);
    expect(found.assignments).toHaveLength(0);
    expect(found.fragments).toEqual([{ kind: 'ongoing', text: '持续推进' }]);
  });
});
