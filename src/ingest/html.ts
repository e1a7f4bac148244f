/**
 * .html from government sites → text: navigation, headers, footers, scripts and styles removed, the article
 * kept, one paragraph per line.
 */
import { mergeHeaders, roleOf, type TableHeaders } from '../parse/table.js';
import { decodeXml } from './xml.js';

const DROP_TAGS = ['script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'aside', 'form', 'iframe', 'select', 'button', 'svg', 'object'];
/** id/class words of page furniture on government sites (menus, breadcrumbs, share bars, footers). */
const FURNITURE = /(?:^|[\s_-])(nav|navbar|menu|header|head|top|footer|foot|bottom|breadcrumb|crumb|position|location|sidebar|side|share|toolbar|tools|copyright|banner|search|links?|friend-?links?)(?:$|[\s_-])/i;
/** Containers that hold the article body, best first. */
const ARTICLE_HINTS: RegExp[] = [
  /<[a-z0-9]+\s[^>]*(?:id|class)\s*=\s*["'][^"']*\b(?:TRS_Editor|TRS_UEDITOR|UCAP-CONTENT|zoom|Zoom|article-content|art_con|artContent|zw|xxgk_content|pages_content|content_text|conTxt)\b[^>]*>/,
  /<article(?:\s[^>]*)?>/i,
  /<main(?:\s[^>]*)?>/i,
];
const BLOCK = /^(p|div|br|h[1-6]|li|tr|table|section|article|main|ul|ol|dl|dt|dd|blockquote|pre|hr|td|th|center|title|body)$/i;

/** End index (exclusive) of the element whose start tag begins at `start`, balancing same-name tags. */
function elementEnd(html: string, start: number): number {
  const name = /^<([a-zA-Z0-9]+)/.exec(html.slice(start))?.[1]?.toLowerCase();
  if (!name) return start + 1;
  const re = new RegExp(`<(/?)${name}(?=[\\s>/])[^>]*>`, 'gi');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[1]) depth--;
    else if (!m[0].endsWith('/>')) depth++;
    if (depth <= 0) return m.index + m[0].length;
  }
  return html.length;
}

function removeElements(html: string, test: (openTag: string, name: string) => boolean): string {
  let out = '';
  let i = 0;
  const re = /<([a-zA-Z][a-zA-Z0-9]*)(?:\s[^>]*)?>/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m.index < i) continue;
    if (!test(m[0], (m[1] as string).toLowerCase())) continue;
    out += html.slice(i, m.index);
    i = elementEnd(html, m.index);
    re.lastIndex = i;
  }
  return out + html.slice(i);
}

function textOf(html: string): string {
  const withBreaks = html.replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)(?:\s[^>]*)?\/?>/g, (_, name: string) => (BLOCK.test(name) ? '\n' : ''));
  return decodeXml(withBreaks.replace(/&nbsp;/gi, ' '))
    .split('\n')
    .map((l) => l.replace(/[ \t\r\f\v\u00a0]+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .join('\n');
}

const reEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A row of a task table's header: it names a task column and a unit or deadline column. */
function isTaskHeader(row: string[], words: ReturnType<typeof mergeHeaders>): boolean {
  const roles = row.map((c) => roleOf(c, words));
  return (roles.includes('title') || roles.includes('content')) && (roles.includes('lead') || roles.includes('units') || roles.includes('deadline'));
}

/**
 * Task tables → markdown rows (one <p> each), the form the parser reads tables in: colspan leaves the spanned
 * cells empty, rowspan repeats the cell's text on the rows it covers. Other tables (page layout, forms) are left as
 * they are. Innermost tables first.
 */
function tablesToRows(html: string, headers?: TableHeaders): string {
  const words = mergeHeaders(headers);
  const innermost = /<table\b[^>]*>((?:(?!<table\b)[\s\S])*?)<\/table>/i;
  let h = html;
  for (let m = innermost.exec(h), guard = 0; m && guard < 1000; m = innermost.exec(h), guard++) {
    const grid: string[][] = [];
    const carry: Array<{ text: string; left: number } | undefined> = [];
    for (const tr of (m[1] as string).matchAll(/<tr\b[^>]*>([\s\S]*?)(?=<tr\b|$)/gi)) {
      const row: string[] = [];
      let col = 0;
      const fill = () => {
        for (let c = carry[col]; c && c.left > 0; c = carry[col]) {
          row[col] = c.text;
          c.left--;
          col++;
        }
      };
      for (const td of (tr[1] as string).matchAll(/<(td|th)\b([^>]*)>([\s\S]*?)(?=<\/?(?:td|th|tr)\b|$)/gi)) {
        fill();
        const attrs = td[2] as string;
        const span = Math.min(50, Math.max(1, Number(/colspan\s*=\s*["']?(\d+)/i.exec(attrs)?.[1] ?? 1)));
        const down = Math.min(500, Math.max(1, Number(/rowspan\s*=\s*["']?(\d+)/i.exec(attrs)?.[1] ?? 1)));
        const text = textOf(td[3] as string).replace(/\n/g, ' ');
        row[col] = text;
        if (down > 1) carry[col] = { text, left: down - 1 };
        for (let k = 1; k < span; k++) row[col + k] = '';
        col += span;
      }
      fill();
      if (row.some((c) => c && c.trim())) grid.push(Array.from({ length: row.length }, (_, i) => row[i] ?? ''));
    }
    const rows = grid.map((r) => `<p>| ${r.map((c) => reEscape(c.replace(/\|/g, '｜'))).join(' | ')} |</p>`);
    // A table that is not a task table keeps its markup, renamed so the search moves on to the next one.
    const replacement = grid.slice(0, 6).some((r) => isTaskHeader(r, words)) ? rows.join('\n') : m[0].replace(/<(\/?)table\b/gi, '<$1x-table');
    h = h.slice(0, m.index) + replacement + h.slice(m.index + m[0].length);
  }
  return h;
}

/**
 * A paragraph that starts with a bold title ending no sentence (<p><strong>（一）深化重要政府信息公开</strong>建立…)
 * gets a line break after it, so the title reads as a line of its own.
 */
function runInHeadings(html: string): string {
  return html.replace(/(<p\b[^>]*>(?:\s|&nbsp;|\u3000)*<(strong|b)\b[^>]*>)([\s\S]*?)(<\/\2>)([\s\S]*?)(?=<\/p>)/gi, (m, open: string, _tag: string, bold: string, close: string, rest: string) => {
    const head = textOf(bold).trim();
    if (head.length < 2 || /[。！？；;：:，,、（(“《—\-]$/.test(head) || !textOf(rest).trim()) return m;
    return `${open}${bold}${close}<br>${rest}`;
  });
}

export function htmlToText(html: string, tableHeaders?: TableHeaders): string {
  let h = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  h = removeElements(h, (_, name) => DROP_TAGS.includes(name));
  h = runInHeadings(tablesToRows(h, tableHeaders).replace(/<(\/?)x-table\b/gi, '<$1table'));
  const title = /<title(?:\s[^>]*)?>([\s\S]*?)<\/title>/i.exec(h)?.[1];
  h = h.replace(/<head(?:\s[^>]*)?>[\s\S]*?<\/head>/i, '');
  h = removeElements(h, (tag, name) => {
    if (name === 'body' || name === 'html') return false;
    const idClass = [...tag.matchAll(/\s(?:id|class)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]).join(' ');
    return idClass !== '' && FURNITURE.test(idClass);
  });
  for (const hint of ARTICLE_HINTS) {
    const m = hint.exec(h);
    if (!m) continue;
    const inner = textOf(h.slice(m.index, elementEnd(h, m.index)));
    if (inner.length >= 50) {
      // Keep the page's heading when the article box does not repeat it.
      const heading = /<h1(?:\s[^>]*)?>([\s\S]*?)<\/h1>/i.exec(h.slice(0, m.index))?.[1];
      const head = heading ? textOf(heading) : '';
      return head && !inner.includes(head) ? `${head}\n${inner}` : inner;
    }
  }
  const text = textOf(h);
  if (text) return text;
  return title ? textOf(title) : '';
}
