/**
 * A Digest as a platform-neutral Answer (intent 'digest'): a short Chinese message and the citations it lists,
 * so that every adapter can send it as it sends any answer.
 */
import type { Answer, Citation } from '../model.js';
import type { Digest, DigestBuckets, DigestEntry } from './build.js';

export interface RenderOptions {
  /** Items listed per bucket (default 8); the rest are counted. */
  maxPerBucket?: number;
}

function line(e: DigestEntry, n: number, kind: 'overdue' | 'dueSoon' | 'ongoing' | 'new'): string {
  let when = e.deadlines.length ? `时限：${e.deadlines.join('、')}` : '未列完成时限';
  if (kind === 'overdue' && e.due) when = `时限：${e.due}，已逾期${e.days}天`;
  if (kind === 'dueSoon' && e.due) when = `时限：${e.due}，${e.days === 0 ? '今天到期' : `还剩${e.days}天`}`;
  const status = e.status === '进行中' ? `（进行中${e.note ? `：${e.note}` : ''}）` : '';
  return `${n}. 《${e.doc}》${e.ref} ${e.title} — ${when}${status}`;
}

function section(title: string, entries: DigestEntry[], kind: 'overdue' | 'dueSoon' | 'ongoing' | 'new', max: number, cited: Citation[]): string[] {
  if (!entries.length) return [];
  const shown = entries.slice(0, max);
  cited.push(...shown);
  const out = [`【${title}】${entries.length}项`, ...shown.map((e, i) => line(e, i + 1, kind))];
  if (entries.length > max) out.push(`另有${entries.length - max}项，发送“台账”查看全部。`);
  return out;
}

function categoryLine(c: DigestBuckets, showOngoing: boolean): string | undefined {
  const parts: string[] = [];
  if (c.overdue.length) parts.push(`逾期${c.overdue.length}项`);
  if (c.dueSoon.length) parts.push(`7日内到期${c.dueSoon.length}项`);
  if (showOngoing && c.ongoing.length) parts.push(`持续推进${c.ongoing.length}项`);
  if (c.newItems.length) parts.push(`新增${c.newItems.length}项`);
  if (!parts.length) return undefined;
  const names = [...new Set([...c.overdue, ...c.dueSoon, ...c.newItems, ...(showOngoing ? c.ongoing : [])].flatMap((e) => e.categories ?? []))].slice(0, 3);
  return `另有由${names.join('、')}等类别承担、也涉及本单位的任务：${parts.join('，')}（未列出）。`;
}

/** Strip the bookkeeping fields: an Answer's citations are plain Citations. */
function plain(e: Citation): Citation {
  const { file, doc, docTitle, item, printed, ref, title, units, leadUnits, deadlines, snippet, score, lines } = e;
  return { file, doc, docTitle, item, printed, ref, title, units, leadUnits, deadlines, snippet, score, lines };
}

export function renderDigest(d: Digest, options: RenderOptions = {}): Answer {
  const max = options.maxPerBucket ?? 8;
  const cited: Citation[] = [];
  const body = [
    ...section('逾期', d.overdue, 'overdue', max, cited),
    ...section('7日内到期', d.dueSoon, 'dueSoon', max, cited),
    ...(d.showOngoing ? section('持续推进', d.ongoing, 'ongoing', max, cited) : []),
    ...section('新增', d.newItems, 'new', max, cited),
  ];
  const lines = [`${d.unit} 每日要点（${d.date}）`];
  if (!body.length) lines.push('今天没有逾期、7日内到期或新增的任务。');
  lines.push(...body);
  const cats = categoryLine(d.categories, d.showOngoing);
  if (cats) lines.push(cats);
  if (!d.showOngoing && d.ongoing.length) lines.push(`持续推进的任务${d.ongoing.length}项，每月第一个工作日列出。`);
  lines.push('完成后可发送“完成 条目号 备注”登记，例如“完成 一.3”。');
  const seen = new Set<string>();
  const citations = cited.filter((c) => !seen.has(`${c.file}#${c.item}`) && seen.add(`${c.file}#${c.item}`)).map(plain);
  return { intent: 'digest', text: lines.join('\n'), citations, followUps: ['台账', '我的任务'] };
}
