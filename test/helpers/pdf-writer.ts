/**
 * Writes typeset pages as a real PDF: one Type0 font with Identity-H encoding and a ToUnicode map (no glyphs
 * embedded — text extraction needs only the map), one content stream per page, an xref table.
 */
import { charWidth, PAGE, type TypesetPage } from './typeset.js';

const MM = 72 / 25.4;

export function writePdf(pages: TypesetPage[]): Buffer {
  const chars = [...new Set(pages.flatMap((p) => p.runs.flatMap((r) => [...r.text])))];
  const cid = new Map(chars.map((c, i) => [c, i + 1]));
  const hex = (s: string) => [...s].map((c) => (cid.get(c) as number).toString(16).padStart(4, '0')).join('');
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pagesObj = add('');
  const widths = chars.map((c, i) => `${i + 1} [${charWidth(c, 1000)}]`).join(' ');
  const bfchars = chars.map((c, i) => `<${(i + 1).toString(16).padStart(4, '0')}> <${[...Buffer.from(c, 'utf16le')].reduce((s, b, j, a) => (j % 2 ? s : s + (a[j + 1] as number).toString(16).padStart(2, '0') + b.toString(16).padStart(2, '0')), '')}>`);
  const cmapBody = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Test-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    ...chunk(bfchars, 100).flatMap((c) => [`${c.length} beginbfchar`, ...c, 'endbfchar']),
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const toUnicode = add(`<< /Length ${Buffer.byteLength(cmapBody)} >>\nstream\n${cmapBody}\nendstream`);
  const descriptor = add('<< /Type /FontDescriptor /FontName /TestSong /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>');
  const cidFont = add(`<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSong /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} 0 R /DW 1000 /W [${widths}] >>`);
  const font = add(`<< /Type /Font /Subtype /Type0 /BaseFont /TestSong /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`);
  const kids: number[] = [];
  const w = PAGE.width * MM;
  const h = PAGE.height * MM;
  for (const p of pages) {
    const ops = p.runs.map((r) => `BT /F1 ${(r.size * MM).toFixed(3)} Tf 1 0 0 1 ${(r.x * MM).toFixed(3)} ${(h - r.y * MM).toFixed(3)} Tm <${hex(r.text)}> Tj ET`).join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(ops)} >>\nstream\n${ops}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (const [i, body] of objects.entries()) {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
