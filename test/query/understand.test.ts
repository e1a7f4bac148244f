/** Questions → the typed query, over the directory of the bundled samples (table-driven). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import { normalizeQuestion } from '../../src/query/normalize.js';
import { QuerySchema, type Query } from '../../src/query/schema.js';
import { understand } from '../../src/query/understand.js';
import { sampleEngine } from '../helpers/samples.js';

let engine: Answerer;
beforeAll(async () => {
  engine = await sampleEngine();
});
const parse = (q: string, today = '2021-06-15'): Query => understand(normalizeQuestion(q), engine.directory, today).query;

describe('question → query', () => {
  it.each<[string, Partial<Query>]>([
    ['旌德县数据资源局9月底前要完成的', { regions: ['旌德县'], units: [{ text: '旌德县数据资源局', region: '旌德县' }], want: 'list' }],
    ['义乌市司法局牵头几项工作', { units: [{ text: '义乌市司法局', region: '义乌市' }], role: 'lead', want: 'count' }],
    ['我局配合的工作有哪些', { units: [{ text: '我局', self: true }], role: 'support', want: 'list' }],
    ['咱们中心今年要干的活', { units: [{ text: '咱们中心', self: true }], role: 'any' }],
    ['我厅有啥任务', { units: [{ text: '我厅', self: true }] }],
    ['旌德县哪个单位任务最多', { regions: ['旌德县'], units: [], want: 'rank' }],
    ['青田县大数据中心有几项任务', { units: [{ text: '青田县大数据中心', region: '青田县' }], want: 'count' }],
    ['义乌市府办和数管中心都参与的任务有哪些', { units: [{ text: '义乌市府办', region: '义乌市' }, { text: '数管中心' }], unitJoin: 'all' }],
    ['鹿城要点第二部分第三条', { regions: ['温州市鹿城区'], ref: { section: '二', item: 3 }, want: 'detail' }],
    ['浙江省要点第10项', { regions: ['浙江省'], ref: { item: 10, bare: true }, want: 'detail' }],
    ['义乌第一部分最后一项', { regions: ['义乌市'], ref: { section: '一', fromEnd: 1 } }],
    ['青田二、（三）', { regions: ['青田县'], ref: { section: '二', item: 3, printed: '三' } }],
    ['旌德要点第六部分有哪些任务', { regions: ['旌德县'], ref: { section: '六' }, want: 'list' }],
    ['有哪些文件', { want: 'documents' }],
    ['帮助', { want: 'help' }],
    ['帮我写一份工作总结', { want: 'out_of_scope' }],
    ['青田要点是哪天印发的', { regions: ['青田县'], want: 'facts', fact: 'issued' }],
    ['义乌要点的文号是多少', { regions: ['义乌市'], want: 'facts', fact: 'number' }],
    ['谁负责政府网站', { want: 'units', topic: '谁负责政府网站' }],
    ['上海市财政局负责哪些任务', { unknownRegion: '上海市' }],
    ['没有写明责任单位的任务', { noUnit: true }],
    ['鹿城区的要点一共有几项任务', { regions: ['温州市鹿城区'], want: 'count' }],
  ])('%s', (q, want) => {
    const got = parse(q);
    expect(() => QuerySchema.parse(got)).not.toThrow();
    expect(got).toMatchObject(want);
  });

  it('every filter composes: place + unit + role + deadline in one question', () => {
    const q = parse('旌德县政府办牵头的9月底前要完成的任务有几项');
    expect(q).toMatchObject({ regions: ['旌德县'], role: 'lead', want: 'count' });
    expect(q.units.map((u) => u.text)).toEqual(['旌德县政府办']);
    expect(q.deadline?.planYear?.to).toEqual({ month: 9, day: 30 });
  });

  it('a topic keeps the words that are not places, units, dates or question words', () => {
    expect(parse('青田县在依申请公开方面有什么要求').topic).toContain('依申请公开');
    expect(parse('依申请公开有什么要求').topic).toBe('依申请公开有什么要求');
    expect(parse('青田县财政局负责哪些任务').topic ?? '').not.toContain('财政');
  });

  it('a date narrows only a question about tasks', () => {
    expect(parse('本月到期的').deadline).toBeDefined();
    expect(parse('逾期的任务有哪些').deadline?.overdue).toBe(true);
    expect(parse('证照快到期能提醒吗').deadline).toBeUndefined();
    expect(parse('身份证过期了去哪换').deadline).toBeUndefined();
  });

  it('a unit named in a topic question is part of the topic; 各单位 in a progress question means per unit', () => {
    expect(parse('网上有关于我们单位的谣言要怎么澄清').units).toEqual([]);
    expect(parse('各部门各有一个服务电话要不要并成一个号码').units).toEqual([]);
    expect(parse('各单位完成情况')).toMatchObject({ units: [], want: 'progress' });
  });

  it('政府 alone names no unit (政府网站 is a topic)', () => {
    const q = parse('政府网站集约化建设');
    expect(q.units).toEqual([]);
    expect(q.topic).toBe('政府网站集约化建设');
  });
});
