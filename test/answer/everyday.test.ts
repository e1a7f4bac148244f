/** Questions in everyday wording on the bundled samples: synonyms, typos, fillers, out-of-scope questions. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import type { Answer } from '../../src/model.js';
import { sampleEngine } from '../helpers/samples.js';

let engine: Answerer;
beforeAll(async () => {
  engine = await sampleEngine();
});
const ask = (q: string): Answer => engine.answer(q, { today: '2021-09-01' });
const first = (q: string) => ask(q).citations[0];

describe('everyday wording', () => {
  it.each([
    ['公众号和抖音号怎么管', /政务新媒体/],
    ['网上有谣言怎么回应', /舆情|回应/],
    ['红头文件要清理吗', /规范性文件|政府信息公开|政令/],
    ['权利清单', /权责清单|权力配置/],
    ['欠债的信息要公开吗', /财政/],
    ['老百姓能去哪里查阅政府信息', /查阅|专区|政务公开/],
  ])('%s', (q, title) => {
    const c = first(q);
    expect(c, q).toBeDefined();
    // The cited item is about the topic, in its title or in the sentence shown as why it matched.
    expect(`${c!.title} ${c!.snippet}`).toMatch(title);
  });

  it('the reply shows the sentence that matched under each cited title', () => {
    const a = ask('政策解读可以做成短视频吗');
    expect(a.citations.length).toBeGreaterThan(0);
    const c = a.citations[0]!;
    expect(c.snippet).toMatch(/视频/);
    expect(a.text).toContain(`“${c.snippet.replace(/[。；;]$/, '')}”`);
  });

  it.each(['今天天气怎么样', '个人所得税怎么交', '帮我写一份工作总结', 'what is the weather like today', '社保卡丢了怎么补办', '火星探测计划', '护照怎么办理', '身份证过期了去哪换', '垃圾分类工作要公开啥'])(
    'out of scope: %s gets a clear reply and no items',
    (q) => {
      const a = ask(q);
      expect(a.citations).toEqual([]);
      expect(a.text).toMatch(/不在.*工作要点|没有.*找到/);
      expect(a.text).toMatch(/帮助|工作要点/);
    },
  );

  it('a subject the documents hold, asked with words they do not, gets the subject with a caveat', () => {
    const a = ask('政府网站的服务器坏了怎么办');
    expect(a.text).toMatch(/没有与.*完全对应/);
    expect(a.citations.length).toBeGreaterThan(0);
    for (const c of a.citations) expect(c.title).toMatch(/政府网站/);
  });
});

describe('fillers and spaces never lose the first citation (property)', () => {
  const questions = ['依申请公开有什么要求', '政务新媒体怎么管理', '政府网站集约化建设', '公共数据开放', '政务舆情怎么回应', '重大建设项目信息公开'];
  const fillers = ['请问', '我想问一下', '麻烦', '啊', '呢', '一下', '咋整', '能不能帮我看看', '谢谢'];

  it('adding a filler at either end, or spaces between characters', () => {
    const base = new Map(questions.map((q) => [q, first(q)?.item && `${first(q)!.file}#${first(q)!.item}`]));
    fc.assert(
      fc.property(
        fc.constantFrom(...questions),
        fc.constantFrom(...fillers),
        fc.boolean(),
        fc.array(fc.nat(30), { maxLength: 4 }),
        (q, filler, atEnd, spaces) => {
          const chars = [...(atEnd ? `${q}${filler}` : `${filler}${q}`)];
          for (const s of spaces) chars.splice(1 + (s % (chars.length - 1)), 0, ' ');
          const c = first(chars.join(''));
          expect(c && `${c.file}#${c.item}`).toBe(base.get(q));
        },
      ),
      { numRuns: 150 },
    );
  });
});
