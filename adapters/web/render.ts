/**
 * Core results → the web API's JSON: answers with links to the cited lines, document summaries and details.
 */
import type { Answer, Citation, WorkPlan } from '../../src/model.js';
import { citationSnippet } from '../shared/text.js';
import { itemRef } from '../../src/answer/compose.js';
import { regionOf } from '../../src/units/directory.js';
import type { LibraryEntry } from '../../src/library.js';

export interface WebCitation extends Citation {
  /** Page link that opens the item with its lines highlighted. */
  href: string;
  /** The sentence that matched the question, quoted, when it says more than the title (shown under it). */
  matched?: string;
}

/** An answer's spreadsheet on the page: a download link (GET /api/files/:token, valid for an hour). */
export interface WebAnswerFile {
  name: string;
  url: string;
}

export interface WebAnswer extends Omit<Answer, 'citations' | 'file'> {
  citations: WebCitation[];
  file?: WebAnswerFile;
}

export function itemHref(file: string, item: string): string {
  return `#doc=${encodeURIComponent(file)}&item=${encodeURIComponent(item)}`;
}

/** The answer as the page shows it; its spreadsheet is left out (adapters/web/files.ts turns it into a link). */
export function renderAnswer(a: Answer): WebAnswer {
  const { file: _file, ...rest } = a;
  return {
    ...rest,
    citations: a.citations.map((c) => {
      const matched = citationSnippet(c);
      return { ...c, href: itemHref(c.file, c.item), ...(matched ? { matched } : {}) };
    }),
  };
}

/** Bidi controls and invisible marks shown as <U+202E>, so a name or title cannot reorder what the page shows. */
export function visible(text: string): string {
  return text.replace(/[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}

export function documentSummary(e: LibraryEntry) {
  const p = e.plan;
  return {
    // id is the name the routes take; file and title are for showing.
    id: p.file,
    file: visible(p.file),
    title: visible(p.title),
    shortName: p.shortName,
    region: p.region?.name ?? regionOf(p).name,
    year: p.year,
    issuer: p.issuer,
    docNumber: p.docNumber,
    issuedDate: p.issuedDate,
    sections: p.sections.length,
    items: p.items.length,
    warnings: p.warnings,
    notes: e.report.notes,
    format: e.report.format,
    source: e.source,
  };
}

export function documentDetail(e: LibraryEntry) {
  const p: WorkPlan = e.plan;
  return {
    ...documentSummary(e),
    sectionList: p.sections,
    planNotes: p.notes,
    items: p.items.map((i) => ({
      id: i.id,
      section: i.section,
      printed: i.printed,
      ref: itemRef(i),
      title: i.title,
      units: i.units,
      leadUnits: i.leadUnits,
      deadlines: i.deadlines,
      lines: i.lines,
    })),
    lines: p.lines,
  };
}
