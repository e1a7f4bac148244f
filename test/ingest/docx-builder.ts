/**
 * Builds small, real .docx files (WordprocessingML in a ZIP) whose section and item numbers are Word automatic
 * numbering (numbering.xml + numPr), not text: 一、 at level 0 and （一） at level 1 of one list, or items in lists
 * of their own that restart at （一） in each section (startOverride). Tables with merged cells (gridSpan, vMerge)
 * are written as Word writes them.
 */
import { writeZip } from '../helpers/zip-writer.js';

export interface DocxParagraph {
  text: string;
  /** Automatic numbering level (0: 一、, 1: （一）); omitted: plain paragraph. */
  level?: 0 | 1;
  /** Use the numbered paragraph style instead of direct numPr (level 0 only). */
  viaStyle?: boolean;
  /** An item list of its own (（一）…, restarting at its start): 1, 2, … one per section. */
  itemList?: number;
  /** A first run in bold (the item's title), the rest of `text` after it in a plain run. */
  bold?: string;
}

export interface DocxCell {
  text: string;
  /** Columns this cell spans (a section row merged across the table). */
  span?: number;
  /** A cell merged down rows: 'restart' where the merge begins, 'continue' below it (its text is ignored). */
  vMerge?: 'restart' | 'continue';
}

export interface DocxTable {
  table: Array<Array<string | DocxCell>>;
}

export type DocxBlock = DocxParagraph | DocxTable;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

const run = (t: string, bold = false) => `<w:r>${bold ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${esc(t)}</w:t></w:r>`;

function paragraphXml(p: DocxParagraph): string {
  const numPr =
    p.itemList !== undefined
      ? `<w:numPr><w:ilvl w:val="0"/><w:numId w:val="${100 + p.itemList}"/></w:numPr>`
      : p.level === undefined
        ? ''
        : p.viaStyle
          ? '<w:pStyle w:val="SectionHeading"/>'
          : `<w:numPr><w:ilvl w:val="${p.level}"/><w:numId w:val="1"/></w:numPr>`;
  let runs: string;
  if (p.bold !== undefined) runs = run(p.bold, true) + (p.text ? run(p.text) : '');
  else {
    // Split the text into two runs to check that runs are joined.
    const mid = Math.floor(p.text.length / 2);
    runs = [p.text.slice(0, mid), p.text.slice(mid)].filter(Boolean).map((t) => run(t)).join('');
  }
  return `<w:p>${numPr ? `<w:pPr>${numPr}</w:pPr>` : ''}${runs}</w:p>`;
}

function tableXml(t: DocxTable): string {
  const width = Math.max(...t.table.map((r) => r.reduce<number>((n, c) => n + (typeof c === 'string' ? 1 : (c.span ?? 1)), 0)));
  const rows = t.table.map((r) => {
    const cells = r.map((c) => {
      const cell = typeof c === 'string' ? { text: c } : c;
      const pr = [cell.span && cell.span > 1 ? `<w:gridSpan w:val="${cell.span}"/>` : '', cell.vMerge === 'restart' ? '<w:vMerge w:val="restart"/>' : cell.vMerge === 'continue' ? '<w:vMerge/>' : ''].join('');
      const text = cell.vMerge === 'continue' ? '' : cell.text;
      // A cell's text may hold several paragraphs (line breaks in the cell).
      const paras = text.split('\n').map((line) => `<w:p>${line ? run(line) : ''}</w:p>`).join('');
      return `<w:tc>${pr ? `<w:tcPr>${pr}</w:tcPr>` : ''}${paras}</w:tc>`;
    });
    return `<w:tr>${cells.join('')}</w:tr>`;
  });
  return `<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr><w:tblGrid>${'<w:gridCol w:w="1500"/>'.repeat(width)}</w:tblGrid>${rows.join('')}</w:tbl>`;
}

export function buildDocx(blocks: DocxBlock[]): Buffer {
  const body = blocks.map((b) => ('table' in b ? tableXml(b) : paragraphXml(b))).join('');
  const lists = [...new Set(blocks.flatMap((b) => ('itemList' in b && b.itemList !== undefined ? [b.itemList] : [])))];
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${body}<w:sectPr/></w:body></w:document>`;
  const numbering = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ${W}>
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:pStyle w:val="SectionHeading"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
${lists.map((n) => `<w:num w:numId="${100 + n}"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>`).join('\n')}
</w:numbering>`;
  const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ${W}>
<w:style w:type="paragraph" w:styleId="SectionHeading"><w:name w:val="Section Heading"/><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
</w:styles>`;
  const types = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
  const docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;
  return writeZip([
    { name: '[Content_Types].xml', data: Buffer.from(types) },
    { name: '_rels/.rels', data: Buffer.from(rels) },
    { name: 'word/document.xml', data: Buffer.from(document) },
    { name: 'word/numbering.xml', data: Buffer.from(numbering) },
    { name: 'word/styles.xml', data: Buffer.from(styles) },
    { name: 'word/_rels/document.xml.rels', data: Buffer.from(docRels) },
  ]);
}

/** A small 工作要点 for 测试县 as Word paragraphs: numbers only in numbering.xml. */
export function sampleDocxParagraphs(region = '测试县'): DocxParagraph[] {
  return [
    { text: `${region}人民政府办公室关于印发2021年${region}政务公开工作要点的通知` },
    { text: '各乡镇人民政府，县直各单位：' },
    { text: `现将《2021年${region}政务公开工作要点》印发给你们，请认真组织实施。` },
    { text: `${region}人民政府办公室` },
    { text: '2021年6月1日' },
    { text: `2021年${region}政务公开工作要点` },
    { text: '强化政策解读，回应社会关切', level: 0, viaStyle: true },
    { text: '做好重大政策解读。围绕重大决策部署开展解读，及时回应社会关切。（牵头单位：县府办；责任单位：各行政机关，完成时限：2021年9月底）', level: 1 },
    { text: '推进档案数字化管理。完成机关档案电子化归档工作。（责任单位：县档案馆，完成时限：2021年12月底）', level: 1 },
    { text: '规范依申请公开，推动争议化解', level: 0 },
    { text: '规范依申请公开办理。编制依申请公开办理规范指引，提高答复效率。（牵头单位：县司法局，完成时限：持续推进）', level: 1 },
  ];
}
