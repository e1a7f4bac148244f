/**
 * The task ledger: rows with status and progress (rows.ts), the due-date rule (due.ts), one unit's tasks and
 * ledger (unit.ts), unit names as users type them (units.ts), summaries (stats.ts), exports (export.ts) and the
 * service that reads progress from the store (service.ts).
 */
export * from './due.js';
export * from './export.js';
export * from './rows.js';
export * from './service.js';
export * from './stats.js';
export * from './unit.js';
export * from './units.js';
