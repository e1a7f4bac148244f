/**
 * Re-lays a parsed document in the layouts offices circulate — a task table, responsibility sentences, titles on
 * their own line, a government web page — so a test can check that every layout of the same document parses to the
 * same items. The model is taken from a parse of the plain text (the samples parse exactly), and every layout
 * is written from it, never from the parser's view of the layout itself.
 */
import type { Deadline, WorkPlan } from '../../src/model.js';
import type { Block } from './typeset.js';

export interface LayoutAssignment {
  units: string[];
  leads: string[];
  deadlines: string[];
}

export interface LayoutItem {
  printed: string;
  title: string;
  /** The body after the title sentence, assignments in place as `\u0000N\u0000` markers. */
  rest: string;
  assignments: LayoutAssignment[];
}

export interface LayoutSection {
  number: string;
  title: string;
  items: LayoutItem[];
  /** Paragraphs of a section that has no items. */
  paragraphs: string[];
}

export interface LayoutDoc {
  /** Lines before the first section: 文件头, 文号, the notice, the work-points title, the general requirements. */
  preamble: string[];
  title: string;
  issuer: string;
  docNumber: string;
  issuedDate: string;
  sections: LayoutSection[];
  /** Lines after the last item: closing paragraphs, 抄送, the colophon. */
  closing: string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The printed form of a deadline: 2021年11月底, 2021年9月30日, 持续推进. */
export function deadlineText(d: Deadline): string {
  if (d.kind !== 'date') return d.kind === 'ongoing' ? '持续推进' : d.text;
  const [y, m, day] = d.date.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return day === last ? `${y}年${m}月底` : `${y}年${m}月${day}日`;
}

export function layoutModel(plan: WorkPlan): LayoutDoc {
  const firstSection = plan.sections[0]?.line ?? 1;
  const preamble = plan.lines.slice(0, firstSection - 1).filter((l) => l.trim());
  const lastLine = Math.max(...plan.items.map((i) => i.lines[1]));
  const sections: LayoutSection[] = plan.sections.map((s, si) => {
    const next = plan.sections[si + 1]?.line ?? lastLine + 1;
    const items = plan.items
      .filter((i) => i.section === s.number)
      .map((it) => {
        const flat = it.body.replace(/\n/g, '');
        let rest = flat.startsWith(it.title) ? flat.slice(it.title.length).replace(/^[。；：:]/, '') : flat;
        it.assignments.forEach((a, n) => {
          const re = new RegExp(`[（(【\\[]\\s*${escapeRe(a.raw)}\\s*[）)】\\]]`);
          rest = rest.replace(re, `\u0000${n}\u0000`);
        });
        return {
          printed: it.printed,
          title: it.title,
          rest,
          assignments: it.assignments.map((a) => ({
            units: a.units.map((u) => u.name),
            leads: a.units.filter((u) => u.lead).map((u) => u.name),
            deadlines: a.deadlines.map(deadlineText),
          })),
        };
      });
    const paragraphs = items.length ? [] : plan.lines.slice(s.line, next - 1).filter((l) => l.trim());
    return { number: s.number, title: s.title, items, paragraphs };
  });
  const closing = plan.lines.slice(lastLine).filter((l) => l.trim() && !sections.at(-1)?.paragraphs.includes(l));
  return {
    preamble,
    title: plan.title,
    issuer: plan.issuer ?? '',
    docNumber: plan.docNumber ?? '',
    issuedDate: plan.issuedDate ?? '',
    sections,
    closing,
  };
}

/** The item text with its assignments put back as brackets (the layout the samples use). */
export function withBrackets(it: LayoutItem): string {
  return it.rest.replace(/\u0000(\d+)\u0000/g, (_, n: string) => {
    const a = it.assignments[Number(n)] as LayoutAssignment;
    const others = a.units.filter((u) => !a.leads.includes(u));
    const parts = [a.leads.length ? `牵头单位：${a.leads.join('、')}` : '', others.length ? `责任单位：${others.join('、')}` : '', a.deadlines.length ? `完成时限：${a.deadlines.join('、')}` : ''];
    return `（${parts.filter(Boolean).join('；')}）`;
  });
}

/** The item text with every assignment removed. */
export function withoutAssignments(it: LayoutItem): string {
  return it.rest.replace(/\u0000\d+\u0000/g, '').replace(/[，,]。/g, '。');
}

/** One assignment as a responsibility clause, in one of several wordings (chosen by `variant`). */
export function responsibilityClause(a: LayoutAssignment, variant: number): string {
  const others = a.units.filter((u) => !a.leads.includes(u));
  let who: string;
  if (a.leads.length === 0) who = others.length > 1 && variant % 2 ? `由${others.join('、')}分别负责` : `由${others.join('、')}负责`;
  else if (others.length === 0) who = a.leads.length > 1 ? `由${a.leads.join('、')}分别牵头负责` : `由${a.leads[0]}牵头负责`;
  else if (a.leads.length === 1 && variant % 3 === 0) who = `由${a.leads[0]}会同${others.join('、')}负责`;
  else if (variant % 2) who = `由${a.leads.join('、')}牵头，${others.join('、')}配合`;
  else who = `由${a.leads.join('、')}牵头，${others.join('、')}参与`;
  const when = a.deadlines.map((d) => (d === '持续推进' ? (variant % 2 ? '长期坚持' : '持续推进') : `${d}前完成`));
  return [who, ...when].join('，');
}

/** Replace each assignment by a clause: inside the sentence it closes (…，由X负责。) wherever it stood. */
export function withSentences(it: LayoutItem, offset = 0): string {
  return it.rest
    .replace(/([。；]?)\u0000(\d+)\u0000/g, (_, stop: string, n: string) => {
      const clause = responsibilityClause(it.assignments[Number(n)] as LayoutAssignment, Number(n) + offset);
      return `，${clause}${stop || '。'}`;
    })
    .replace(/。。/g, '。')
    .replace(/^，/, '');
}

const sectionLine = (s: LayoutSection) => `${s.number}、${s.title}`;

export interface TextLayoutOptions {
  /** Item numbers as printed in the source, or 1. 2. restarting in each section. */
  numbering?: 'printed' | 'digit';
}

const marker = (it: LayoutItem, ordinal: number, o: TextLayoutOptions) => (o.numbering === 'digit' ? `${ordinal}. ` : it.printed);

export interface TableLayoutOptions {
  /** Header cells for 序号, task, content, lead, units, deadline (synonyms offices use). */
  headers?: [string, string, string, string, string, string];
  /** 序号 straight through the table, restarting in each section, or no 序号 column. */
  numbering?: 'straight' | 'per-section' | 'none';
  /** Sections as merged rows (一、…) or as a first column repeated on each row (a merged cell). */
  sections?: 'rows' | 'column';
  /** The section column's header (类别 by default; empty as in tables whose merged column has none). */
  sectionHeader?: string;
}

/** The cells of one item row: task, content, leads, other units, deadlines. */
function itemCells(it: LayoutItem): [string, string, string, string, string] {
  const leads = [...new Set(it.assignments.flatMap((a) => a.leads))];
  const units = [...new Set(it.assignments.flatMap((a) => a.units))].filter((u) => !leads.includes(u));
  const deadlines = [...new Set(it.assignments.flatMap((a) => a.deadlines))];
  return [it.title, withoutAssignments(it), leads.join('、'), units.join('、'), deadlines.join('；')];
}

/** The rows of a 任务分解表 (header first), as cell arrays; section rows hold one cell. */
export function taskTableRows(doc: LayoutDoc, o: TableLayoutOptions = {}): string[][] {
  const head = o.headers ?? ['序号', '工作任务', '具体内容', '牵头单位', '责任单位', '完成时限'];
  const numbered = o.numbering !== 'none';
  const rows: string[][] = [[...(o.sections === 'column' ? [o.sectionHeader ?? '类别'] : []), ...(numbered ? [head[0]] : []), ...head.slice(1)]];
  let n = 0;
  for (const s of doc.sections) {
    if (o.sections !== 'column') rows.push([sectionLine(s)]);
    if (o.numbering === 'per-section') n = 0;
    for (const it of s.items) {
      n++;
      rows.push([...(o.sections === 'column' ? [sectionLine(s)] : []), ...(numbered ? [String(n)] : []), ...itemCells(it)]);
    }
  }
  return rows;
}

/** Markdown with the items in a 任务分解表 (by default 序号 straight through and section rows in bold). */
export function markdownTaskTable(doc: LayoutDoc, o: TableLayoutOptions = {}): string {
  const out = doc.preamble.map((l) => (l === doc.title ? `# ${l}` : l));
  const [head, ...rows] = taskTableRows(doc, o);
  const width = (head as string[]).length;
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const line = (r: string[]) => `| ${Array.from({ length: width }, (_, i) => cell(r[i] ?? '')).join(' | ')} |`;
  out.push('', '## 重点任务分解表', '', line(head as string[]), `|${' --- |'.repeat(width)}`);
  for (const r of rows) out.push(r.length === 1 ? line([`**${r[0]}**`]) : line(r));
  out.push('', ...doc.closing);
  return out.join('\n');
}

/** One clause for all of an item's assignments, at its end (…，由A、B、C负责。). */
function endClause(it: LayoutItem, variant: number): string {
  const leads = [...new Set(it.assignments.flatMap((a) => a.leads))];
  const units = [...new Set(it.assignments.flatMap((a) => a.units))];
  const deadlines = [...new Set(it.assignments.flatMap((a) => a.deadlines))];
  return responsibilityClause({ units, leads, deadlines }, variant);
}

/** Plain text whose assignments are responsibility sentences, where the brackets stood or once at the item's end. */
export function responsibilityText(doc: LayoutDoc, o: TextLayoutOptions & { place?: 'inline' | 'end' } = {}): string {
  const out = [...doc.preamble.flatMap((l) => [l, ''])];
  let k = 0;
  for (const s of doc.sections) {
    out.push(sectionLine(s));
    s.items.forEach((it, i) => {
      const text =
        o.place === 'end' && it.assignments.length > 0
          ? `${withoutAssignments(it).replace(/。$/, '')}，${endClause(it, k)}。`.replace(/^，/, '')
          : withSentences(it, k);
      k++;
      out.push(`　　${marker(it, i + 1, o)}${it.title}。${text}`);
    });
    for (const p of s.paragraphs) out.push(`　　${p}`);
    out.push('');
  }
  out.push(...doc.closing.flatMap((l) => [l, '']));
  return out.join('\n');
}

/** Plain text with each item's title on a line of its own and the body on the next. */
export function titleLineText(doc: LayoutDoc, o: TextLayoutOptions = {}): string {
  const out = [...doc.preamble.flatMap((l) => [l, ''])];
  for (const s of doc.sections) {
    out.push(sectionLine(s), '');
    s.items.forEach((it, i) => out.push(`${marker(it, i + 1, o)}${it.title}`, withBrackets(it), ''));
    for (const p of s.paragraphs) out.push(p, '');
  }
  out.push(...doc.closing.flatMap((l) => [l, '']));
  return out.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A government portal's article page: navigation, breadcrumbs, related links and a footer around the document. */
export function govSiteHtml(doc: LayoutDoc, o: { runIn?: boolean } = {}): string {
  const p = (s: string) => `<p style="text-indent:2em">　　${esc(s)}</p>`;
  const body: string[] = doc.preamble.map((l) => (l === doc.title ? `<p align="center"><strong>${esc(l)}</strong></p>` : p(l)));
  for (const s of doc.sections) {
    body.push(p(sectionLine(s)));
    // The title in bold with its full stop, or (runIn) a bold title without one, the body right after it.
    for (const it of s.items) body.push(`<p>　　<strong>${esc(it.printed + it.title)}${o.runIn ? '' : '。'}</strong>${esc(withBrackets(it))}</p>`);
    for (const para of s.paragraphs) body.push(p(para));
  }
  body.push(...doc.closing.map(p));
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(doc.title)}_政府门户网站</title>
<script>var _hmt = [];</script><style>.nav a{color:#333}</style></head><body>
<div class="top-links"><a href="/">网站首页</a> | <a href="/en">English</a> | <a href="/wza">无障碍</a></div>
<div class="header"><img src="logo.png" alt="政府门户网站"><form class="search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/bs">政务服务</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<div class="breadcrumb">您当前的位置：首页 &gt; 政务公开 &gt; 政策文件 &gt; 正文</div>
<div class="article"><h1>${esc(doc.title)}</h1><div class="info">来源：${esc(doc.issuer)}　发布时间：2099-01-01 09:00</div>
<div class="TRS_Editor">${body.join('\n')}</div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div></div>
<div class="related"><h3>相关阅读</h3><ul><li><a href="/1">关于印发2019年政务公开工作要点的通知</a></li><li><a href="/2">国务院办公厅关于印发2021年政务公开工作要点的通知</a></li></ul></div>
<div class="footer">主办单位：${esc(doc.issuer)}　网站标识码：3300000001　备案号：浙ICP备00000000号</div></body></html>`;
}

/** The document as typeset blocks: 文件头 in red, centred titles, headings, indented paragraphs, the work points on a new page. */
export function printBlocks(doc: LayoutDoc): Block[] {
  const blocks: Block[] = [];
  doc.preamble.forEach((l, i) => {
    if (l === doc.title) blocks.push({ text: l, style: 'pagebreak' }, { text: l, style: 'title' });
    else if (i === 0 && /文件$/.test(l)) blocks.push({ text: l, style: 'redhead' });
    else if (l === doc.docNumber) blocks.push({ text: l, style: 'center' });
    else if (/关于印发.*通知$/.test(l)) blocks.push({ text: l, style: 'title' });
    else if (/[：:]$/.test(l)) blocks.push({ text: l, style: 'flush' });
    else if (l === doc.issuer || /^\d{4}年\d{1,2}月\d{1,2}日$/.test(l)) blocks.push({ text: l, style: 'right' });
    else blocks.push({ text: l, style: 'body' });
  });
  for (const s of doc.sections) {
    blocks.push({ text: sectionLine(s), style: 'heading' });
    for (const it of s.items) blocks.push({ text: `${it.printed}${it.title}。${withBrackets(it)}`, style: 'body' });
    for (const p of s.paragraphs) blocks.push({ text: p, style: 'body' });
  }
  for (const l of doc.closing) blocks.push({ text: l, style: /^抄送|印发$/.test(l) ? 'flush' : 'body' });
  return blocks;
}

/** A portal page whose body is a 任务分解表 inside the site's layout table: sections as a rowspan column, or colspan rows. */
export function htmlTaskTable(doc: LayoutDoc, sections: 'rowspan' | 'colspan'): string {
  const rows = taskTableRows(doc, { sections: sections === 'rowspan' ? 'column' : 'rows' });
  const width = (rows[0] as string[]).length;
  const out: string[] = [];
  rows.forEach((r, i) => {
    if (i === 0) {
      out.push(`<tr>${r.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`);
      return;
    }
    if (r.length === 1) {
      out.push(`<tr><td colspan="${width}"><b>${esc(r[0] as string)}</b></td></tr>`);
      return;
    }
    if (sections === 'rowspan') {
      const [section, ...rest] = r as [string, ...string[]];
      const first = (rows[i - 1] as string[])[0] !== section;
      const span = rows.slice(i).findIndex((x) => x[0] !== section);
      const cells = rest.map((c) => `<td>${esc(c)}</td>`).join('');
      out.push(first ? `<tr><td rowspan="${span < 0 ? rows.length - i : span}">${esc(section)}</td>${cells}</tr>` : `<tr>${cells}</tr>`);
      return;
    }
    out.push(`<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
  });
  const preamble = doc.preamble.map((l) => `<p>${esc(l)}</p>`).join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(doc.title)}</title></head><body>
<table width="100%" class="layout"><tr><td class="nav-cell"><a href="/">首页</a><br><a href="/zwgk">政务公开</a></td><td>
<div class="zw">${preamble}
<table border="1" class="MsoTableGrid">${out.join('\n')}</table>
${doc.closing.map((l) => `<p>${esc(l)}</p>`).join('\n')}</div></td></tr></table></body></html>`;
}
