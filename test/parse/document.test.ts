import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { YaodianError } from '../../src/errors.js';
import { loadDirectory, parseBuffer, parseText } from '../../src/parse/index.js';
import { makeDocument, sampleDocument } from '../helpers/documents.js';
import { encodeGb18030 } from '../helpers/gbk.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof YaodianError ? e.code : 'not-a-YaodianError';
  }
  return undefined;
}

describe('a whole document', () => {
  const plan = parseText(sampleDocument(), 'sample.txt');

  it('reads the metadata of the work points, not of the notice', () => {
    expect(plan).toMatchObject({
      title: '2021年青田县政务公开工作要点',
      issuer: '青田县人民政府办公室',
      docNumber: '青政办发〔2021〕22号',
      issuedDate: '2021-07-25',
      year: 2021,
      region: { name: '青田县', short: '青田', level: 'county' },
    });
  });

  it('numbers items by section and ordinal, with printed numbers and titles', () => {
    expect(plan.sections.map((s) => s.number)).toEqual(['一', '二', '三']);
    expect(plan.items.map((i) => `${i.id} ${i.printed}${i.title}`)).toEqual([
      '一.1 （一）加强重要政府信息公开，强化政令权威发布',
      '一.2 （二）完善财政信息公开机制，促进财政资金使用绩效提升',
      '二.1 （一）加强政务舆情管理，有效回应公众关切',
      '三.1 （一）规范依申请公开工作',
    ]);
    expect(plan.items[1]).toMatchObject({ units: ['县财政局', '县府办', '有关部门'], leadUnits: ['县财政局', '县府办'] });
    expect(plan.items[3]?.deadlines).toEqual(['2021-11-30']);
  });

  it('records source lines that point at the item', () => {
    for (const item of plan.items) {
      const first = plan.lines[item.lines[0] - 1] ?? '';
      expect(first).toContain(item.title.slice(0, 6));
    }
  });
});

describe('numbering styles', () => {
  const sections = [
    { title: '第一部分', items: ['甲项工作。（县财政局负责）', '乙项工作。（县司法局负责）'] },
    { title: '第二部分', items: ['丙项工作。（县府办负责）'] },
  ];

  it('1. numbering running across sections still gets section ordinals', () => {
    const plan = parseText(makeDocument({ sections, style: 'digit' }), 'd.txt');
    expect(plan.items.map((i) => [i.id, i.printed])).toEqual([
      ['一.1', '1.'],
      ['一.2', '2.'],
      ['二.1', '3.'],
    ]);
  });

  it('ASCII (一), markdown bullets and headings', () => {
    const text = makeDocument({ sections, style: 'ascii' })
      .replace('一、第一部分', '## **一、第一部分**')
      .replace('(二)乙项', '- (二) 乙项');
    const plan = parseText(text, 'd.md');
    expect(plan.sections[0]).toMatchObject({ number: '一', title: '第一部分' });
    expect(plan.items.map((i) => [i.id, i.printed, i.title])).toEqual([
      ['一.1', '(一)', '甲项工作'],
      ['一.2', '(二)', '乙项工作'],
      ['二.1', '(一)', '丙项工作'],
    ]);
  });

  it('three levels 一、/（一）/1.: the 1. points stay inside their item', () => {
    const text = makeDocument({
      sections: [{ title: '重点工作', items: ['甲项工作。\n\n1.细化措施。\n\n2.加强宣传。（县财政局负责）', '乙项工作。（县司法局负责）'] }],
    });
    const plan = parseText(text, 'd.txt');
    expect(plan.items.map((i) => i.id)).toEqual(['一.1', '一.2']);
    expect(plan.items[0]?.body).toContain('2.加强宣传');
    expect(plan.items[0]?.units).toEqual(['县财政局']);
  });
});

describe('text damage', () => {
  it('rejoins titles, sentences and unit names cut by page breaks', () => {
    const text = makeDocument({
      sections: [{ title: '重点', items: ['完善财政信息公开机制，促进财政资金使用绩效提\n\n升。推进公开。(责任单位:县"四\n\n送一服"办、县直有 关单位,完成时限:持\n\n续推进)'] }],
    });
    const item = parseText(text, 'd.txt').items[0];
    expect(item?.title).toBe('完善财政信息公开机制，促进财政资金使用绩效提升');
    expect(item?.units).toEqual(['县"四送一服"办', '县直有关单位']);
    expect(item?.deadlines).toEqual(['持续推进']);
  });

  it('a body line wrapped right after 本要点印发 is no colophon: the items after it stay', () => {
    const text = makeDocument({
      sections: [{ title: '重点', items: ['狠抓任务落实。县直各单位对重点工作，在本要点印发\n后一个月内梳理形成工作台账（县政府办负责）', '乙项工作。（县司法局负责）'] }],
    });
    const plan = parseText(text, 'd.txt');
    expect(plan.items.map((i) => i.title)).toEqual(['狠抓任务落实', '乙项工作']);
    expect(plan.items[0]?.units).toEqual(['县政府办']);
  });

  it('an unnumbered paragraph continues the item; a closing paragraph after the last item does not', () => {
    const text = makeDocument({
      sections: [{ title: '重点', items: ['甲项工作。\n\n强化对目录的应用。（县政府负责）', '乙项工作。（县司法局负责）\n\n各部门要结合本要点细化工作任务。'] }],
    });
    const plan = parseText(text, 'd.txt');
    expect(plan.items[0]?.body).toContain('强化对目录的应用');
    expect(plan.items[0]?.units).toEqual(['县政府']);
    expect(plan.items[1]?.body).not.toContain('本要点');
  });

  it('PDF spacing in the title, CRLF and a BOM', () => {
    const text = '\ufeff' + makeDocument({ region: '旌德县', sections: [{ title: '重点', items: ['甲项工作。（县财政局负责）'] }] })
      .replace('2021年旌德县政务公开工作要点\n\n总体', '旌德县 2021 年政务公开工作要点\n\n总体')
      .replace(/\n/g, '\r\n');
    const plan = parseText(text, 'd.txt');
    expect(plan.title).toBe('旌德县2021年政务公开工作要点');
    expect(plan.region?.name).toBe('旌德县');
    expect(plan.items[0]?.title).toBe('甲项工作');
  });
});

describe('encodings', () => {
  const text = sampleDocument();

  it('GB18030 / GBK files are detected and decoded', () => {
    // Node has no GBK encoder; build GB18030 bytes from a known table of the characters we use.
    const gbk = encodeGb18030(text);
    const plan = parseBuffer(gbk, 'gbk.txt');
    expect(plan.encoding).toBe('gb18030');
    expect(plan.items[0]?.title).toBe('加强重要政府信息公开，强化政令权威发布');
  });

  it('UTF-8 with BOM and UTF-16LE with BOM', () => {
    expect(parseBuffer(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]), 'bom.txt').encoding).toBe('utf-8-bom');
    const le = Buffer.from('\ufeff' + text, 'utf16le');
    expect(parseBuffer(le, 'u16.txt').items).toHaveLength(4);
  });
});

describe('bad input gets a clear error naming the file', () => {
  it('each kind', () => {
    expect(codeOf(() => parseBuffer(new Uint8Array(), 'empty.txt'))).toBe('FILE_EMPTY');
    expect(codeOf(() => parseBuffer(utf8('  \n\n '), 'blank.txt'))).toBe('FILE_EMPTY');
    expect(codeOf(() => parseBuffer(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]), 'a.txt'))).toBe('FILE_BINARY');
    expect(codeOf(() => parseBuffer(new Uint8Array([1, 2, 0, 4, 5, 0, 7]), 'bin.txt'))).toBe('FILE_BINARY');
    expect(codeOf(() => parseBuffer(new Uint8Array([0x81, 0x20, 0xff, 0xfe, 0x80, 0x81, 0x30]), 'enc.txt'))).toBe('FILE_ENCODING');
    expect(codeOf(() => parseBuffer(utf8('这是一封普通的信，没有任何条目。\n祝好。'), 'letter.txt'))).toBe('NO_STRUCTURE');
    try {
      parseBuffer(new Uint8Array(), 'empty.txt');
    } catch (e) {
      expect((e as Error).message).toMatch(/^empty\.txt：/);
    }
  });

  it('a truncated document loads what it has, with a warning', () => {
    const text = sampleDocument();
    const cut = text.slice(0, text.indexOf('编制依申请公开办理规范') + 6);
    const plan = parseText(cut, 'cut.txt');
    expect(plan.items).toHaveLength(4);
    expect(plan.warnings.map((w) => w.code)).toContain('TRUNCATED');
    expect(plan.warnings.find((w) => w.code === 'TRUNCATED')?.message).toMatch(/cut\.txt/);
  });

  it('a batch keeps loading after a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'yaodian-'));
    await writeFile(join(dir, 'a-good.txt'), sampleDocument());
    await writeFile(join(dir, 'b-empty.txt'), '');
    await writeFile(join(dir, 'c-binary.txt'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]));
    await writeFile(join(dir, 'd-good.md'), `${sampleDocument()}\n（另一份文件）\n`);
    await writeFile(join(dir, 'e-copy.txt'), sampleDocument());
    const { plans, errors } = await loadDirectory(dir);
    expect(plans.map((p) => p.file)).toEqual(['a-good.txt', 'd-good.md']);
    expect(errors.map((e) => [e.file, e.code])).toEqual([
      ['b-empty.txt', 'FILE_EMPTY'],
      ['c-binary.txt', 'FILE_BINARY'],
      // The same text as a-good.txt: loaded once (see duplicates.ts).
      ['e-copy.txt', 'DUPLICATE'],
    ]);
  });
});

describe('other forms of the same kind of document', () => {
  it('第一部分 headings, （1） items, A负责、B配合 and 完成期限', () => {
    const text = makeDocument({ sections: [{ title: 'x', items: [] }] })
      .replace('一、x', '第一部分 重点工作\n\n（1）推进公开。（县财政局负责，县审计局配合）\n\n（2）加强解读。（牵头单位：县府办；完成期限：2021年10月底）');
    const plan = parseText(text, 'd.txt');
    expect(plan.sections[0]).toMatchObject({ number: '一', title: '重点工作' });
    expect(plan.items.map((i) => [i.id, i.printed, i.units, i.leadUnits, i.deadlines])).toEqual([
      ['一.1', '（1）', ['县财政局', '县审计局'], [], []],
      ['一.2', '（2）', ['县府办'], ['县府办'], ['2021-10-31']],
    ]);
  });

  it('UTF-16 without a BOM', () => {
    const le = Buffer.from(sampleDocument(), 'utf16le');
    const plan = parseBuffer(le, 'u16.txt');
    expect(plan.encoding).toBe('utf-16le');
    expect(plan.items).toHaveLength(4);
  });
});

describe('metadata variants', () => {
  it('an issue date in Chinese numerals', () => {
    const plan = parseText(makeDocument({ date: '二〇二一年七月二十五日', sections: [{ title: '重点', items: ['甲项工作。（县财政局负责）'] }] }), 'd.txt');
    expect(plan.issuedDate).toBe('2021-07-25');
  });

  it('no date by the signature: the colophon date; no 文件 header: the signature names the issuer', () => {
    const text = makeDocument({ date: null, sections: [{ title: '重点', items: ['甲项工作。（县财政局负责）'] }] }).replace(/^.*文件\n/, '');
    const plan = parseText(text, 'd.txt');
    expect(plan.issuedDate).toBe('2021-07-25');
    expect(plan.issuer).toBe('青田县人民政府办公室');
  });
});

describe('regions', () => {
  it('names, short names and levels', async () => {
    const { regionFromName } = await import('../../src/parse/metadata.js');
    expect(regionFromName('2020年温州市鹿城区政务公开工作要点')).toEqual({ name: '温州市鹿城区', short: '鹿城', level: 'district' });
    expect(regionFromName('2020年浙江省政务公开工作要点')).toEqual({ name: '浙江省', short: '浙江', level: 'province' });
    expect(regionFromName('旌德县2021年政务公开工作要点')).toEqual({ name: '旌德县', short: '旌德', level: 'county' });
    expect(regionFromName('2021年义乌市政务公开工作要点')).toMatchObject({ name: '义乌市', short: '义乌' });
    expect(regionFromName('2021年杭州市西湖区政务公开工作要点')).toMatchObject({ name: '杭州市西湖区', short: '西湖' });
    expect(regionFromName('政务公开工作要点')).toBeNull();
  });
});

describe('a title wrapped over two lines', () => {
  it('is joined', () => {
    const text = makeDocument({ sections: [{ title: '重点', items: ['甲项工作。（县财政局负责）'] }] }).replace(
      '2021年青田县政务公开工作要点\n\n总体',
      '2021年青田县政务公开\n工作要点\n\n总体',
    );
    const plan = parseText(text, 'd.txt');
    expect(plan.title).toBe('2021年青田县政务公开工作要点');
    expect(plan.items.map((i) => i.id)).toEqual(['一.1']);
  });
});

describe('sub-points inside an item', () => {
  it('start their own paragraphs, and a title introducing them ends at its colon', () => {
    const text = makeDocument({
      sections: [{ title: '重点', items: ['推进以下三项工作：\n1.完善目录。\n2.加强培训。（县司法局负责）', '乙项工作。（县财政局负责）'] }],
    });
    const plan = parseText(text, 'd.txt');
    expect(plan.items[0]?.title).toBe('推进以下三项工作');
    expect(plan.items[0]?.body).toBe('推进以下三项工作：\n1.完善目录。\n2.加强培训。（县司法局负责）');
    expect(plan.items[0]?.units).toEqual(['县司法局']);
    expect(plan.items[1]?.title).toBe('乙项工作');
  });
});
