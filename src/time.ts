/** Dates in Asia/Shanghai, where every office using Yaodian is. */
export const TIME_ZONE = 'Asia/Shanghai';

/**
 * Asia/Shanghai is UTC+8 all year (China has kept no daylight saving time since 1991), so its clock is worked out
 * without Intl: a time-zone formatter loads ICU's zone data (about 10 MB resident) for what is an addition.
 * test/core/time.test.ts holds both to Intl's Asia/Shanghai.
 */
const OFFSET_MS = 8 * 3_600_000;

/** YYYY-MM-DD of `at` in Asia/Shanghai. */
export function shanghaiDate(at: Date = new Date()): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** HH:MM of `at` in Asia/Shanghai. */
export function shanghaiTime(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(11, 16);
}

/** YYYY-MM-DD from year, month (1–12) and day. */
export function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The last day of a month: endOfMonth(2024, 2) → 2024-02-29. */
export function endOfMonth(y: number, m: number): string {
  return iso(y, m, new Date(Date.UTC(y, m, 0)).getUTCDate());
}

/** A YYYY-MM-DD date moved by whole days (negative: back). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** A YYYY-MM-DD date moved by whole months, kept inside the target month (01-31 + 1 month → 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1 + months, 1));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, Math.min(d, Number(endOfMonth(t.getUTCFullYear(), t.getUTCMonth() + 1).slice(8))));
}
