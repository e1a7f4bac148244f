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
  for (let i = 0; i < preambleEnd; i++) {
    const line = lines[i] as string;
    if (!line) continue;
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
  if (!issuedDate) {
    for (let i = lines.length - 1; i >= 0; i--) {
      const dm = (lines[i] as string).match(DATE_LINE);
      if (dm) {
        issuedDate = dateOf(dm);
        break;
      }
    }
  }
  if (!title && noticeTitle) title = noticeTitle.replace(/^《|》$/g, '');
  if (!issuer) issuer = signer;
  if (!issuer) {
    const first = lines.slice(0, preambleEnd).find((l) => /关于印发/.test(l));
    const m = first?.match(/^(.+?)关于印发/);
    if (m) issuer = m[1] as string;
  }
  const yearMatch = title?.match(/(\d{4})年/);
  const year = yearMatch ? Number(yearMatch[1]) : issuedDate ? Number(issuedDate.slice(0, 4)) : null;
  const region = (title && regionFromName(title)) || (issuer && regionFromName(issuer)) || null;
  return { title, titleLine, issuer, docNumber, issuedDate, year, region };
}
