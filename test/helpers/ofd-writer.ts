/**
 * Writes typeset pages as an OFD package (GB/T 33190): OFD.xml → Doc_0/Document.xml → Pages/Page_N/Content.xml,
 * every run a TextObject with its Boundary (mm) and a TextCode with DeltaX advances ('g N v' when all are equal).
 */
import { writeZip } from './zip-writer.js';
import { charWidth, PAGE, type TypesetPage } from './typeset.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (n: number) => n.toFixed(3);

function deltas(text: string, size: number): string {
  const ws = [...text].slice(0, -1).map((c) => f(charWidth(c, size)));
  if (ws.length === 0) return '';
  return ws.every((w) => w === ws[0]) && ws.length > 1 ? ` DeltaX="g ${ws.length} ${ws[0]}"` : ` DeltaX="${ws.join(' ')}"`;
}

export function writeOfd(pages: TypesetPage[], title = '文档'): Buffer {
  let id = 1;
  const pageXml = pages.map((p) => {
    const objs = p.runs.map((r) => {
      const ascent = r.size * 0.86;
      return `<ofd:TextObject ID="${++id}" Boundary="${f(r.x)} ${f(r.y - ascent)} ${f(r.width)} ${f(r.size * 1.08)}" Font="2" Size="${f(r.size)}"><ofd:TextCode X="0" Y="${f(ascent)}"${deltas(r.text, r.size)}>${esc(r.text)}</ofd:TextCode></ofd:TextObject>`;
    });
    return `<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="${++id}" Type="Body">\n${objs.join('\n')}\n</ofd:Layer></ofd:Content></ofd:Page>`;
  });
  const ofd = `<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>${esc(title)}</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`;
  const doc = `<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>${id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 ${PAGE.width} ${PAGE.height}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>${pages.map((p, i) => `<ofd:Page ID="${1000 + i}" BaseLoc="Pages/Page_${i}/Content.xml"/>`).join('')}</ofd:Pages></ofd:Document>`;
  const res = `<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="FangSong_GB2312"/></ofd:Fonts></ofd:Res>`;
  return writeZip([
    { name: 'OFD.xml', data: Buffer.from(ofd) },
    { name: 'Doc_0/Document.xml', data: Buffer.from(doc) },
    { name: 'Doc_0/PublicRes.xml', data: Buffer.from(res) },
    ...pageXml.map((x, i) => ({ name: `Doc_0/Pages/Page_${i}/Content.xml`, data: Buffer.from(x) })),
  ]);
}
