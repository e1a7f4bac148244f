/**
 * Small zod pieces for adapter configuration (environment variables).
 */
import { z } from 'zod';

/** Empty strings in the environment count as unset. */
export const optionalEnv = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** "a/b both or neither": an issue on the missing one, so the CONFIG error names it. */
export function requireTogether(ctx: z.RefinementCtx, values: Record<string, string | undefined>): void {
  const names = Object.keys(values);
  const set = names.filter((n) => values[n] !== undefined);
  if (set.length === 0 || set.length === names.length) return;
  for (const n of names) {
    if (values[n] === undefined) ctx.addIssue({ code: 'custom', path: [n], message: `设置了 ${set.join('、')} 时也必须设置 ${n}` });
  }
}
