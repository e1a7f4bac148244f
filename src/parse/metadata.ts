/**
 * Document metadata from the notice and colophon: the work points' title, issuer, document number,
 * issue date, work year and region.
 */
import type { Region, RegionLevel } from '../model.js';
import { iso } from '../time.js';
import { cnNumber } from './deadlines.js';

export interface Metadata {
  title: string | null;
  titleLine: number;
  issuer: string | null;
  docNumber: string | null;
  issuedDate: string | null;
  year: number | null;
  region: Region | null;
}

const DOC_NUMBER = /^[\u4e00-\u9fff]{0,12}[〔[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d+\s*号$/;
const DATE_LINE = /^(\d{4}|[〇零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日(印发|发布|印)?$/;
const HEADER = /^(.{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|政府))文件$/;
const SIGNATURE = /^.{2,30}(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅)$/;

/** 发文机关 / 发文单位 … ： value — facts given as a table of keys (an Excel sheet, a Word form). */
const KEY_ISSUER = /^(?:发文机关|发文单位|发文部门|印发机关|印发单位|制发机关|发文机构|发布机关|发布单位)[:：]\s*(.{2,40})$/;
const KEY_NUMBER = /^(?:文号|发文字号|发文文号|文件编号|文件字号|发文编号)[:：]\s*(.{2,40})$/;
const KEY_DATE = /^(?:印发日期|印发时间|发文日期|发文时间|成文日期|成文时间|签发日期)[:：]\s*(.{6,30})$/;
const KEY_TITLE = /^(?:文件名称|文件标题|文件名|标题|名称|文件题目)[:：]\s*(.{4,120})$/;
/** The colophon's one line: issuer and date together (浙江省人民政府办公厅　　2020年5月8日印发). */
const COLOPHON =
  /^(.{2,40}?(?:办公室|办公厅|人民政府|政府|委员会|局|厅|委|办))\s*((?:\d{4}|[〇零一二三四五六七八九]{4})年(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)(印发|发布|印)$/;

/** 2021年7月25日, 2021-07-25, 2021/7/25, 2021.7.25 → ISO, or null. */
function anyDate(text: string): string | null {
  const t = text.replace(/\s+/g, '');
  const m = t.match(/^(\d{4}|[〇零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日/);
  if (m) return dateOf(m);
  const n = t.match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/);
  if (!n) return null;
  const [y, mo, d] = [Number(n[1]), Number(n[2]), Number(n[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 ? iso(y, mo, d) : null;
}

/** A standalone line that names the work points: 2021年青田县政务公开工作要点 (not the notice's title). */
export function isWorkPointsTitle(line: string): boolean {
  return (
    line.length >= 6 &&
    line.length <= 50 &&
    /要点$/.test(line) &&
    !/关于|通知|印发|《|》|[。；，,]/.test(line)
  );
}

/** 二〇二一 → 2021 (digit by digit); 十二 → 12. */
function yearNumber(s: string): number {
  return /^\d+$/.test(s) ? Number(s) : Number([...s].map((c) => cnNumber(c === '〇' ? '零' : c)).join(''));
}

/**
 * The work points' title starting at line i: the line itself, or the line joined with the next non-blank one
 * when a wrap split it (2021年青田县政务公开 / 工作要点). `end` is the index of the last line used.
 */
export function workPointsTitleAt(lines: string[], i: number): { title: string; end: number } | null {
  const line = lines[i] ?? '';
  if (isWorkPointsTitle(line)) return { title: line, end: i };
  if (!line || line.length > 40 || /[。；，,：:]/.test(line) || /要点$/.test(line)) return null;
  let j = i + 1;
  while (j < lines.length && j <= i + 2 && !lines[j]) j++;
  const next = lines[j] ?? '';
  if (next.length > 20 || !/要点$/.test(next)) return null;
  const joined = line + next;
  return isWorkPointsTitle(joined) ? { title: joined, end: j } : null;
}

function dateOf(m: RegExpMatchArray): string | null {
  const [y, mo, d] = [yearNumber(m[1] as string), cnNumber(m[2] as string) ?? 0, cnNumber(m[3] as string) ?? 0];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return iso(y, mo, d);
}

/** 2021年青田县政务公开工作要点 → 青田县; 2020年温州市鹿城区… → 温州市鹿城区; 旌德县2021年… → 旌德县. */
export function regionFromName(text: string): Region | null {
  let rest = text.replace(/\d{4}\s*年(度)?/g, '').replace(/^关于/, '');
  const parts: string[] = [];
  for (;;) {
    // 温州市: not 温州 + 市…, so a part never ends right before another level character.
    const m = rest.match(/^([\u4e00-\u9fff]{1,7}?(?:自治区|自治州|自治县|省|市|州|盟|县|区|旗))(?![市县区旗州])/);
    if (!m) break;
    const part = m[1] as string;
    if (/^(政务|工作|人民|全|本)/.test(part)) break;
    parts.push(part);
    rest = rest.slice(part.length);
  }
  if (parts.length === 0) return null;
  const name = parts.join('');
  const last = parts[parts.length - 1] as string;
  const level: RegionLevel = /省|自治区$/.test(last)
    ? 'province'
    : /区$/.test(last)
      ? 'district'
      : /县|旗$/.test(last)
        ? 'county'
        : /市|州|盟$/.test(last)
          ? 'city'
          : 'unknown';
  const short = last.replace(/(自治区|自治州|自治县|省|市|州|盟|县|区|旗)$/, '') || last;
  return { name, short, level };
}

const KEY_PREFIX = /^[\u4e00-\u9fff]{2,6}[:：]/;

/** Facts given as "key：value" lines, the first of each kind kept. */
function readKeyed(line: string, k: { issuer?: string; docNumber?: string; date?: string; title?: string }): typeof k {
  const out = { ...k };
  const issuer = line.match(KEY_ISSUER)?.[1];
  if (issuer && !out.issuer) out.issuer = issuer.trim();
  const num = line.match(KEY_NUMBER)?.[1];
  if (num && !out.docNumber) out.docNumber = num.trim();
  const date = line.match(KEY_DATE)?.[1];
  if (date && !out.date) out.date = anyDate(date) ?? undefined;
  const title = line.match(KEY_TITLE)?.[1];
  if (title && !out.title) out.title = title.trim();
  return out;
}

/**
 * Read metadata from the lines before the first section (`preambleEnd`) and from the colophon.
 */
export function extractMetadata(lines: string[], preambleEnd: number): Metadata {
  let title: string | null = null;
  let titleLine = -1;
  let issuer: string | null = null;
  let signer: string | null = null;
  let docNumber: string | null = null;
  let issuedDate: string | null = null;
  let noticeTitle: string | null = null;
  let keyed: { issuer?: string; docNumber?: string; date?: string; title?: string } = {};
  for (let i = 0; i < preambleEnd; i++) {
    const line = lines[i] as string;
    if (!line) continue;
    keyed = readKeyed(line, keyed);
    const header = line.match(HEADER);
    if (header && !issuer) issuer = header[1] as string;
    if (!docNumber && DOC_NUMBER.test(line)) docNumber = line;
    if (!noticeTitle) {
      const nm = line.match(/关于印发(.+?)的通知/);
      if (nm) noticeTitle = nm[1] as string;
    }
    const t = workPointsTitleAt(lines, i);
    if (t && t.end < preambleEnd) {
      title = t.title;
      titleLine = i;
    }
    const dm = line.match(DATE_LINE);
    if (dm && !dm[4] && !issuedDate) {
      issuedDate = dateOf(dm);
      // The signature above the date names the issuer when there is no 文件 header.
      for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
        const prev = lines[j] as string;
        if (!prev) continue;
        if (SIGNATURE.test(prev)) signer = prev;
        break;
      }
    }
  }
  if (!issuer && keyed.issuer) issuer = keyed.issuer;
  if (!docNumber && keyed.docNumber) docNumber = keyed.docNumber;
  if (!issuedDate && keyed.date) issuedDate = keyed.date;
  if (!title && keyed.title) {
    if (isWorkPointsTitle(keyed.title)) title = keyed.title;
    else noticeTitle ??= keyed.title.match(/关于印发(.+?)的通知/)?.[1] ?? null;
  }
  if (!issuedDate) {
    // The colophon at the end: a date line, or the issuer and the date on one line.
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i] as string;
      const dm = line.match(DATE_LINE);
      if (dm) {
        issuedDate = dateOf(dm);
        break;
      }
      const cm = line.match(COLOPHON);
      if (cm) {
        issuedDate = anyDate(cm[2] as string);
        signer ??= cm[1] as string;
        break;
      }
    }
  }
  if (!title && noticeTitle) title = noticeTitle.replace(/^《|》$/g, '');
  if (!issuer) issuer = signer;
  if (!issuer) {
    const first = lines.slice(0, preambleEnd).find((l) => /关于印发/.test(l));
    const m = first?.replace(KEY_PREFIX, '').match(/^(.+?)关于印发/);
    if (m) issuer = m[1] as string;
  }
  const yearMatch = title?.match(/(\d{4})年/);
  const year = yearMatch ? Number(yearMatch[1]) : issuedDate ? Number(issuedDate.slice(0, 4)) : null;
  const region = (title && regionFromName(title)) || (issuer && regionFromName(issuer)) || null;
  return { title, titleLine, issuer, docNumber, issuedDate, year, region };
}
