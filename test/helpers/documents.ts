/**
 * Builders for small work-point documents, shaped like the real ones (notice, title, sections, items).
 */
export interface DocOptions {
  region?: string;
  year?: number;
  date?: string | null;
  number?: string;
  sections: Array<{ title: string; items: string[] }>;
  /** Item numbering: （一）, (一), or 1. running across sections. */
  style?: 'full' | 'ascii' | 'digit';
  trailer?: boolean;
}

const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function makeDocument(o: DocOptions): string {
  const region = o.region ?? '青田县';
  const year = o.year ?? 2021;
  const office = `${region}人民政府办公室`;
  const lines: string[] = [
    `${office}文件`,
    '',
    o.number ?? `青政办发〔${year}〕22号`,
    '',
    `${office}关于印发${year}年${region}政务公开工作要点的通知`,
    '',
    '各乡镇人民政府，县直各单位：',
    '',
    `现将《${year}年${region}政务公开工作要点》印发给你们，请认真组织实施。`,
    '',
    office,
    '',
  ];
  if (o.date !== null) lines.push(o.date ?? `${year}年7月25日`, '');
  lines.push(`${year}年${region}政务公开工作要点`, '', '总体要求是：以人民为中心深化政务公开。', '');
  let n = 0;
  o.sections.forEach((s, si) => {
    lines.push(`${CN[si]}、${s.title}`, '');
    s.items.forEach((text, ii) => {
      n++;
      const mark = o.style === 'digit' ? `${n}.` : o.style === 'ascii' ? `(${CN[ii]})` : `（${CN[ii]}）`;
      lines.push(`${mark}${text}`, '');
    });
  });
  if (o.trailer !== false) lines.push(`抄送：县委各部门。`, '', office, '', `${year}年7月25日印发`);
  return lines.join('\n');
}

/** A three-section document with the assignment forms of the samples. */
export function sampleDocument(): string {
  return makeDocument({
    sections: [
      {
        title: '聚焦重点领域，深化政务公开',
        items: [
          '加强重要政府信息公开，强化政令权威发布。严格落实《规则》（青政发〔2017〕242号）。（县司法局牵头各行政机关负责）',
          '完善财政信息公开机制，促进财政资金使用绩效提升。扩大预决算公开范围。（县财政局牵头负责）推动惠民政策向村（社区）延伸。（县府办会同县财政局等有关部门负责）',
        ],
      },
      {
        title: '聚焦政策解读，精准回应关切',
        items: ['加强政务舆情管理，有效回应公众关切。建立健全回应机制。（县府办、县委宣传部分别牵头负责）'],
      },
      {
        title: '聚焦依申请公开，推动争议化解',
        items: ['规范依申请公开工作。编制依申请公开办理规范指引。(责任单位:县政府办、县司法局,完成时限:2021年11月底)'],
      },
    ],
  });
}
