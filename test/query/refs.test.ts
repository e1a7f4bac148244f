import { describe, expect, it } from 'vitest';
import { numberToCn, parseRef } from '../../src/query/refs.js';

describe('outline references', () => {
  it.each([
    ['第三部分', { section: '三' }],
    ['第3部分', { section: '三' }],
    ['三、部分', { section: '三' }],
    ['第三部分第一条', { section: '三', item: 1 }],
    ['第二部分的第3项', { section: '二', item: 3 }],
    ['三（二）', { section: '三', item: 2, printed: '二' }],
    ['五、（二）', { section: '五', item: 2, printed: '二' }],
    ['四.3', { section: '四', item: 3 }],
    ['四-3', { section: '四', item: 3 }],
    ['六．4', { section: '六', item: 4 }],
    ['第10项', { item: 10, bare: true }],
    ['第十二条', { item: 12, bare: true }],
    ['最后一部分', { section: 'last' }],
    ['最后一项', { fromEnd: 1 }],
    ['倒数第二条', { fromEnd: 2 }],
    ['第一部分最后一项', { section: '一', fromEnd: 1 }],
    ['第二部分倒数第2条', { section: '二', fromEnd: 2 }],
    ['义乌 4.1', { section: '四', item: 1 }],
    ['第四部分第一、二项', { section: '四', item: 1, also: [2] }],
    ['第四部分第2条和第3条', { section: '四', item: 2, also: [3] }],
    ['第一大项第五小项', { section: '一', item: 5 }],
  ])('%s', (q, ref) => {
    expect(parseRef(q)?.ref).toEqual(ref);
  });

  it('finds no reference in a topic question, a date or a version number', () => {
    expect(parseRef('依申请公开有什么要求')).toBeUndefined();
    expect(parseRef('12345热线')).toBeUndefined();
    expect(parseRef('2021.11.30到期的')).toBeUndefined();
    expect(parseRef('4.1日前')).toBeUndefined();
  });

  it('writes Chinese numerals', () => {
    expect([1, 9, 10, 12, 20, 23].map(numberToCn)).toEqual(['一', '九', '十', '十二', '二十', '二十三']);
  });
});
