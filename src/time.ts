/** Dates in Asia/Shanghai, where every office using Yaodian is. */
export const TIME_ZONE = 'Asia/Shanghai';

/** One formatter for every call: creating an Intl.DateTimeFormat costs far more than formatting with it. */
const SHANGHAI_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

let lastMinute = NaN;
let lastDay = '';

/** YYYY-MM-DD of `at` in Asia/Shanghai (the same minute gives the same day: formatted once a minute at most). */
export function shanghaiDate(at: Date = new Date()): string {
  const minute = Math.floor(at.getTime() / 60_000);
  if (minute !== lastMinute) {
    lastDay = SHANGHAI_DAY.format(at);
    lastMinute = minute;
  }
  return lastDay;
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
