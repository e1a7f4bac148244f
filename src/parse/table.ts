/**
 * Tables as first-class input. Every reader writes a table as markdown rows (| a | b |): markdown files as they
 * are, Word and web tables and Excel sheets converted. A table whose header names the task and who does it
 * (序号 | 工作任务 | 具体内容 | 牵头单位 | 责任单位 | 完成时限, in any of the synonyms below) becomes items
 * directly; any other table becomes plain lines ("key：value" for two cells), where metadata such as 发文机关 is
 * read like the rest of the text.
 */
import { SECTION_RE } from './structure.js';

export type TableRole = 'number' | 'section' | 'title' | 'content' | 'lead' | 'units' | 'deadline' | 'ignore';

/** Header words for each column role; a deployment may add its own (ParseOptions.tableHeaders). */
export const DEFAULT_TABLE_HEADERS: Record<TableRole, string[]> = {
  number: ['序号', '编号', '序'],
  section: ['类别', '类型', '分类', '领域', '重点领域', '工作领域', '板块', '工作板块', '部分', '工作类别', '一级任务', '任务类别'],
  title: ['工作任务', '重点任务', '主要任务', '任务名称', '任务', '工作事项', '事项名称', '事项', '工作要点', '要点', '重点工作', '工作项目', '项目名称', '目标任务', '任务事项', '二级任务', '工作名称'],
  content: ['具体内容', '工作内容', '主要内容', '任务内容', '具体措施', '工作措施', '主要措施', '工作举措', '具体举措', '推进措施', '任务要求', '工作要求', '具体要求', '具体任务', '任务措施', '工作目标', '目标要求', '内容', '措施'],
  lead: ['牵头单位', '牵头部门', '牵头责任单位', '牵头处室', '主办单位', '主责单位', '牵头'],
  units: ['责任单位', '责任部门', '配合单位', '配合部门', '协办单位', '参与单位', '协同单位', '实施单位', '承办单位', '落实单位', '责任主体', '责任处室', '协助单位', '单位'],
  deadline: ['完成时限', '时间节点', '完成时间', '时限', '完成期限', '时间安排', '进度安排', '时间要求', '期限', '时间', '进度要求'],
  ignore: ['备注', '说明', '责任领导', '分管领导', '联系人', '完成情况', '进展情况'],
};

export type TableHeaders = Partial<Record<TableRole, string[]>>;

const ORDER: TableRole[] = ['lead', 'deadline', 'units', 'number', 'section', 'ignore', 'content', 'title'];

/** A header cell as compared: no spaces, marks or bracketed notes (牵头单位（部门） → 牵头单位). */
const headerKey = (s: string) => s.replace(/[（(【[][^）)】\]]*[）)】\]]/g, '').replace(/[\s\u3000*：:、/／]+/g, '');

/** The role a header cell names: an exact synonym first, then the longest synonym it contains. */
export function roleOf(cell: string, headers: Record<TableRole, string[]>): TableRole | null {
  const key = headerKey(cell);
  if (!key || key.length > 12) return null;
  for (const role of ORDER) if (headers[role].includes(key)) return role;
  let best: { role: TableRole; len: number } | null = null;
  for (const role of ORDER) {
    for (const word of headers[role]) {
      if (word.length >= 2 && key.includes(word) && (!best || word.length > best.len)) best = { role, len: word.length };
    }
  }
  return best?.role ?? null;
}

export function mergeHeaders(extra: TableHeaders = {}): Record<TableRole, string[]> {
  const out = {} as Record<TableRole, string[]>;
  for (const role of Object.keys(DEFAULT_TABLE_HEADERS) as TableRole[]) {
    out[role] = [...(extra[role] ?? []).map(headerKey), ...DEFAULT_TABLE_HEADERS[role]];
  }
  return out;
}

export interface PipeBlock {
  /** 0-based index of the first and last line of the block. */
  start: number;
  end: number;
  /** Body rows (rule rows left out) with their 0-based line index. */
  rows: Array<{ cells: string[]; line: number }>;
}

const RULE_ROW = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/;

/** Cells of a markdown row; `\|` and full-width ｜ inside a cell are kept as text. */
export function rowCells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner
    .replace(/\\\|/g, '\u0000')
    .split('|')
    .map((c) => c.replace(/\u0000/g, '|').replace(/<br\s*\/?>/gi, ' ').trim());
}

/** Runs of consecutive lines that are markdown table rows. */
export function findPipeBlocks(lines: string[]): PipeBlock[] {
  const blocks: PipeBlock[] = [];
  let cur: PipeBlock | null = null;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const isRow = line.startsWith('|') && line.length > 1 && (line.match(/\|/g)?.length ?? 0) >= 2;
    if (!isRow) {
      cur = null;
      return;
    }
    if (!cur) {
      cur = { start: i, end: i, rows: [] };
      blocks.push(cur);
    }
    cur.end = i;
    if (!RULE_ROW.test(line)) cur.rows.push({ cells: rowCells(line), line: i });
  });
  return blocks;
}

/** A row read as plain text: two cells as "key：value", more as cells joined by an ideographic space. */
export function flattenRow(cells: string[]): string {
  const filled = cells.filter((c, i) => c && cells.indexOf(c) === i);
  if (filled.length === 2 && (filled[0] as string).length <= 12) return `${filled[0]}：${filled[1]}`;
  return filled.join('　');
}

export interface TableSection {
  number: string;
  title: string;
  /** 0-based line. */
  line: number;
}

export interface TableItem {
  section: string;
  printed: string;
  /** The task cell; empty when the table has no task column (the title then comes from the content). */
  title: string;
  content: string;
  leads: string[];
  units: string[];
  deadlines: string[];
  /** 0-based first and last line. */
  firstLine: number;
  lastLine: number;
}

export interface TaskTable {
  /** 0-based line of the header row. */
  headerLine: number;
  /** Rows above the header (a title row merged across the table), as plain lines. */
  before: Array<{ line: number; text: string }>;
  sections: TableSection[];
  items: TableItem[];
}

const CN = '一二三四五六七八九十';

function numeral(n: number): string {
  if (n <= 10) return CN[n - 1] as string;
  if (n < 20) return `十${CN[n - 11] ?? ''}`;
  return `${CN[Math.floor(n / 10) - 1]}十${n % 10 ? CN[(n % 10) - 1] : ''}`;
}

const NUMBER_CELL = /^[（(]?\s*(\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)）.．、]?$/;

/**
 * Read a block as a task table, or null when no row in its first rows names a task column and a unit or deadline
 * column. A second header row (责任单位 split into 牵头单位 | 配合单位 under a merged cell) refines the first.
 */
export function readTaskTable(block: PipeBlock, headers: Record<TableRole, string[]>): TaskTable | null {
  let headerAt = -1;
  let roles: Array<TableRole | null> = [];
  for (let r = 0; r < Math.min(block.rows.length, 6); r++) {
    const cand = (block.rows[r] as PipeBlock['rows'][number]).cells.map((c) => roleOf(c, headers));
    const has = (x: TableRole) => cand.includes(x);
    if ((has('title') || has('content')) && (has('lead') || has('units') || has('deadline'))) {
      headerAt = r;
      roles = cand;
      break;
    }
  }
  if (headerAt < 0) return null;
  let firstBody = headerAt + 1;
  const second = block.rows[firstBody];
  if (second) {
    const sub = second.cells.map((c) => roleOf(c, headers));
    const named = sub.filter((x) => x !== null).length;
    if (named >= 2 && named >= second.cells.filter(Boolean).length - 1 && !second.cells.some((c) => NUMBER_CELL.test(c) || SECTION_RE.test(c))) {
      roles = roles.map((r, i) => sub[i] ?? r);
      firstBody++;
    }
  }
  // A column with no header whose cells are section headings (一、…, merged down its items) holds the sections.
  if (!roles.includes('section')) {
    const body = block.rows.slice(firstBody);
    roles = roles.map((r, i) => {
      if (r !== null) return r;
      const values = body.map((row) => (row.cells[i] ?? '').trim()).filter(Boolean);
      const headings = values.filter((v) => SECTION_RE.test(v)).length;
      return values.length >= 2 && headings >= 0.8 * values.length && new Set(values).size < values.length ? 'section' : null;
    });
  }
  const col = (role: TableRole) => roles.flatMap((r, i) => (r === role ? [i] : []));
  const [numberCol] = col('number');
  const sectionCol = col('section')[0];
  const titleCol = col('title')[0];
  const contentCols = col('content');
  // With no task column, the first content column holds the task.
  const textCols = titleCol !== undefined ? [titleCol, ...contentCols] : contentCols;
  const cell = (cells: string[], i: number | undefined) => (i === undefined ? '' : (cells[i] ?? '').trim());

  const sections: TableSection[] = [];
  const items: TableItem[] = [];
  // Items before any section row belong to the section around the table (resolved by the caller).
  let sectionNo = '';
  let sectionValue = '';
  const openSection = (text: string, line: number) => {
    const m = text.match(SECTION_RE);
    const number = m ? ((m[1] ?? m[2]) as string) : numeral(sections.length + 1);
    const title = (m ? (m[3] as string) : text).replace(/[：:。]$/, '').trim();
    sections.push({ number, title, line });
    sectionNo = number;
  };
  for (const row of block.rows.slice(firstBody)) {
    const cells = row.cells;
    const distinct = [...new Set(cells.filter(Boolean))];
    if (distinct.length === 0) continue;
    if (sectionCol !== undefined) {
      const v = cell(cells, sectionCol);
      if (v && v !== sectionValue) {
        sectionValue = v;
        openSection(v, row.line);
      }
    }
    const number = cell(cells, numberCol);
    // A row of one text (merged across the table) that is a heading, or that sits alone in the first column.
    if (distinct.length === 1) {
      const only = distinct[0] as string;
      const heading = SECTION_RE.test(only) && only.split(/[。；]/)[0]!.length <= 60;
      if (heading || (cells.indexOf(only) === 0 && !NUMBER_CELL.test(only) && numberCol === 0 && only.length <= 60)) {
        openSection(only, row.line);
        continue;
      }
    }
    const title = cell(cells, titleCol);
    const content = contentCols.map((i) => cell(cells, i)).filter(Boolean).join('\n');
    const leads = col('lead').map((i) => cell(cells, i)).filter(Boolean);
    const units = col('units').map((i) => cell(cells, i)).filter(Boolean);
    const deadlines = col('deadline').map((i) => cell(cells, i)).filter(Boolean);
    const prev = items.at(-1);
    const text = textCols.map((i) => cell(cells, i)).filter(Boolean);
    // A row that continues the one above: no number and no task of its own, or the same merged number and task.
    const continues =
      prev !== undefined &&
      ((!number && !title && (text.length > 0 || units.length > 0 || leads.length > 0)) ||
        (number !== '' && number === prev.printed && title === prev.title));
    if (continues && prev) {
      if (content && !prev.content.includes(content)) prev.content = prev.content ? `${prev.content}\n${content}` : content;
      prev.leads.push(...leads.filter((x) => !prev.leads.includes(x)));
      prev.units.push(...units.filter((x) => !prev.units.includes(x)));
      prev.deadlines.push(...deadlines.filter((x) => !prev.deadlines.includes(x)));
      prev.lastLine = row.line;
      continue;
    }
    if (text.length === 0) continue;
    items.push({
      section: sectionNo,
      printed: number,
      title,
      content,
      leads,
      units,
      deadlines,
      firstLine: row.line,
      lastLine: row.line,
    });
  }
  const before = block.rows.slice(0, headerAt).map((r) => ({ line: r.line, text: flattenRow(r.cells) }));
  return { headerLine: (block.rows[headerAt] as PipeBlock['rows'][number]).line, before, sections, items };
}
