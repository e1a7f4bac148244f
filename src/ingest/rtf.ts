/**
 * .rtf (and the .doc files that are RTF inside, as some sites publish them) → text: paragraphs, table cells
 * separated by tabs, \uN and \'hh characters (code page from \ansicpg, GBK by default), headers, footers,
 * font tables, pictures and field instructions left out.
 */

/** Destinations whose text is not document text. */
const SKIP = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'header', 'headerl', 'headerr', 'headerf', 'footer',
  'footerl', 'footerr', 'footerf', 'fldinst', 'themedata', 'colorschememapping', 'datastore', 'latentstyles',
  'listtable', 'listoverridetable', 'rsidtbl', 'generator', 'xmlnstbl', 'mmathPr', 'pgdsctbl', 'filetbl', 'revtbl',
]);

const CODEPAGES: Record<string, string> = { '936': 'gb18030', '54936': 'gb18030', '950': 'big5', '65001': 'utf-8', '1252': 'windows-1252' };

export function rtfToText(buf: Uint8Array): string {
  const src = Buffer.from(buf).toString('latin1');
  let decoder = new TextDecoder('gb18030');
  const cp = /\\ansicpg(\d+)/.exec(src.slice(0, 4096))?.[1];
  if (cp && CODEPAGES[cp]) decoder = new TextDecoder(CODEPAGES[cp] as string);
  let out = '';
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length) out += decoder.decode(new Uint8Array(bytes));
    bytes = [];
  };
  // Each group: whether its text is skipped, and how many fallback characters follow a \uN.
  const stack: Array<{ skip: boolean; uc: number }> = [];
  let state = { skip: false, uc: 1 };
  let pendingSkip = 0;
  const emit = (s: string) => {
    if (state.skip) return;
    flush();
    out += s;
  };
  for (let i = 0; i < src.length; ) {
    const ch = src[i] as string;
    if (ch === '{') {
      stack.push(state);
      state = { ...state };
      // {\*\destination …} is an optional destination: skipped unless known.
      if (src.startsWith('{\\*', i)) state.skip = true;
      i++;
      continue;
    }
    if (ch === '}') {
      flush();
      state = stack.pop() ?? { skip: false, uc: 1 };
      i++;
      continue;
    }
    if (ch === '\\') {
      const next = src[i + 1] ?? '';
      if (next === "'") {
        const byte = parseInt(src.slice(i + 2, i + 4), 16);
        i += 4;
        if (pendingSkip > 0) {
          pendingSkip--;
          continue;
        }
        if (!state.skip && Number.isFinite(byte)) bytes.push(byte);
        continue;
      }
      if (next === '\\' || next === '{' || next === '}') {
        emit(next);
        i += 2;
        continue;
      }
      if (next === '~') {
        emit(' ');
        i += 2;
        continue;
      }
      const m = /^\\([a-zA-Z]+)(-?\d+)? ?/.exec(src.slice(i, i + 40));
      if (!m) {
        i += 2;
        continue;
      }
      i += m[0].length;
      const word = m[1] as string;
      const arg = m[2] !== undefined ? Number(m[2]) : undefined;
      if (SKIP.has(word)) state.skip = true;
      else if (word === 'par' || word === 'line' || word === 'row' || word === 'sect' || word === 'page') emit('\n');
      else if (word === 'tab' || word === 'cell') emit('\t');
      else if (word === 'uc' && arg !== undefined) state.uc = arg;
      else if (word === 'u' && arg !== undefined) {
        emit(String.fromCharCode(arg < 0 ? arg + 65536 : arg));
        pendingSkip = state.uc;
      }
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      i++;
      continue;
    }
    if (pendingSkip > 0) {
      pendingSkip--;
      i++;
      continue;
    }
    if (!state.skip) bytes.push(ch.charCodeAt(0));
    i++;
  }
  flush();
  return out.replace(/[ \t]+\n/g, '\n');
}
