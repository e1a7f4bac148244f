/**
 * What every format reader produces: lines of text, each with where it came from (page, sheet and row).
 */
import type { ParseWarning } from '../model.js';
import type { DocumentFormat } from './formats.js';

export interface SourceLine {
  text: string;
  /** 1-based page of a paged format (.pdf, .ofd). */
  page?: number;
  /** Worksheet name and 1-based row of a workbook (.xlsx). */
  sheet?: string;
  row?: number;
}

export interface Converted {
  format: DocumentFormat;
  lines: SourceLine[];
  /** What the reader did, for the ingest report (numbers rebuilt, headers dropped, fallbacks used). */
  notes: string[];
  /** What the reader could not read (pages skipped), carried into the plan's warnings. */
  warnings?: ParseWarning[];
}

/** Text lines with no location of their own. */
export function plainLines(text: string): SourceLine[] {
  return text.split(/\r\n|\r|\n/).map((t) => ({ text: t }));
}

export function joinLines(lines: SourceLine[]): string {
  return lines.map((l) => l.text.replace(/[\r\n]+/g, ' ')).join('\n');
}
