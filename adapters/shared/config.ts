/**
 * Small zod pieces for adapter configuration (environment variables). Empty values count as unset
 * (`optionalString` from src/config.ts).
 */
import type { z } from 'zod';

/** "a/b both or neither": an issue on the missing one, so the CONFIG error names it. */
export function requireTogether(ctx: z.RefinementCtx, values: Record<string, string | undefined>): void {
  const names = Object.keys(values);
  const set = names.filter((n) => values[n] !== undefined);
  if (set.length === 0 || set.length === names.length) return;
  for (const n of names) {
    if (values[n] === undefined) ctx.addIssue({ code: 'custom', path: [n], message: `设置了 ${set.join('、')} 时也必须设置 ${n}` });
  }
}
