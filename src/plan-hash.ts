/**
 * A document version's identity: sha256 of its text as read (its normalized lines). The store records versions by
 * it (新增), the snapshot keeps it, and the same text under two names or in two encodings is found by it.
 */
import { createHash } from 'node:crypto';
import type { WorkPlan } from './model.js';

const planHashes = new WeakMap<WorkPlan, string>();

/** The plan's hash, worked out once per plan object. */
export function planHash(plan: WorkPlan): string {
  let h = planHashes.get(plan);
  if (h === undefined) planHashes.set(plan, (h = createHash('sha256').update(plan.lines.join('\n')).digest('hex')));
  return h;
}

/** A plan's hash known from before (a snapshot keeps it), so that its lines need not be read to work it out. */
export function rememberPlanHash(plan: WorkPlan, hash: string): void {
  planHashes.set(plan, hash);
}
