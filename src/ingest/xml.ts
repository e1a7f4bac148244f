/**
 * The few XML helpers the package readers share (Word, OFD, web pages): entity decoding and attribute lookup.
 */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** The value of attribute `name` in a start tag or attribute list (never a longer name that ends the same: X vs DeltaX). */
export function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|[\\s<])${name}\\s*=\\s*"([^"]*)"`).exec(tag);
  return m ? decodeXml(m[1] as string) : undefined;
}

/** The value attribute of the first `<w:NAME .../>` inside `xml`. */
export function val(xml: string, name: string): string | undefined {
  const m = new RegExp(`<w:${name}(?:\\s[^>]*)?/?>`).exec(xml);
  return m ? attr(m[0], 'w:val') : undefined;
}
