/** Dates in Asia/Shanghai, where every office using Yaodian is. */
export const TIME_ZONE = 'Asia/Shanghai';

/** YYYY-MM-DD of `at` in Asia/Shanghai. */
export function shanghaiDate(at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
