/**
 * A bounded, time-limited set of seen keys: platforms redeliver messages, and each must be answered once.
 */
export interface Deduper {
  /** True the first time a key is seen (within the TTL), false for a repeat. */
  first(key: string): boolean;
  readonly size: number;
}

export function createDeduper(options: { max?: number; ttlMs?: number; now?: () => number } = {}): Deduper {
  const max = options.max ?? 10_000;
  const ttl = options.ttlMs ?? 24 * 3600_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  return {
    first(key) {
      const t = now();
      const at = seen.get(key);
      if (at !== undefined && t - at < ttl) return false;
      seen.delete(key);
      seen.set(key, t);
      while (seen.size > max) seen.delete(seen.keys().next().value as string);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
