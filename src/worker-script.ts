/**
 * Worker threads run compiled JavaScript: the script `file` beside the module at `base` (its import.meta.url), or
 * undefined where there is none (the TypeScript sources run directly, as under vitest; callers then do the work in
 * the process).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function compiledWorkerScript(file: string, base: string): URL | undefined {
  const url = new URL(file, base);
  return base.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : undefined;
}
