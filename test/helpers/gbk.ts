/**
 * GBK / GB18030 bytes for test fixtures (Node has an encoder for UTF-8 only).
 */

/** GB18030 encoding through the decoder: every two-byte code is decoded once and inverted. */
export function encodeGb18030(text: string): Uint8Array {
  const table = gbTable();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no GB18030 code for ${ch}`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}

let cached: Map<string, number[]> | undefined;
function gbTable(): Map<string, number[]> {
  if (cached) return cached;
  const dec = new TextDecoder('gb18030');
  cached = new Map();
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = dec.decode(new Uint8Array([hi, lo]));
      if (ch.length === 1 && ch !== '\ufffd' && !cached.has(ch)) cached.set(ch, [hi, lo]);
    }
  }
  return cached;
}
